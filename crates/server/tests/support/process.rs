//! The real binary as a child process: `demo` to build data, `serve` on a free port with extra configuration.
//! Whoever includes it includes `support/instant.rs` as `instant` beside it.

#![allow(dead_code)]

use std::time::Duration;

use binhyen_store::Store;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub fn binhyen(data_dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_binhyen"));
    // A clean environment for configuration: no stray BINHYEN_ variables, no ./binhyen.toml.
    // Names only, to keep them from the child: the test's configuration is what it sets itself.
    #[allow(clippy::disallowed_methods)]
    let keys = std::env::vars().map(|(key, _)| key);
    for key in keys {
        if key.starts_with("BINHYEN_") {
            c.env_remove(key);
        }
    }
    c.current_dir(data_dir)
        .env("RUST_LOG", "warn")
        // Every submission comes from 127.0.0.1: lift the anonymous flood limit.
        .env("BINHYEN_SECURITY__ANONYMOUS_TIPS_PER_10_MIN", "1000000")
        // Its clock starts at the test world's instant, not at the hour the suite happens to run.
        .env("BINHYEN_CLOCK__START", crate::instant::rfc3339())
        .kill_on_drop(true);
    c
}

/// Starts `serve` on a free port and returns it with its URL, once it listens. Its output is drained in the
/// background so that logging never blocks it.
pub async fn serve(data_dir: &std::path::Path, db: &str) -> (Child, String) {
    serve_with(data_dir, db, &[]).await
}

/// `serve` with configuration from these `BINHYEN_…` variables.
pub async fn serve_with(data_dir: &std::path::Path, db: &str, env: &[(&str, String)]) -> (Child, String) {
    let mut command = binhyen(data_dir);
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", db, "--data-dir"])
        .arg(data_dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start binhyen serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(url) = line.strip_prefix("binhyen listening on ") {
                return url.trim().to_owned();
            }
        }
        panic!("binhyen serve ended without listening");
    })
    .await
    .expect("binhyen serve listens within a minute");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

/// Builds the demo in `data` (once; `serve` it as often as needed) and returns its database URL and the id of
/// today's Xã Cư M'gar.
pub async fn demo(data: &std::path::Path) -> (String, i64) {
    let built = binhyen(data).args(["demo", "--no-serve", "--data-dir"]).arg(data).output().await.expect("run demo");
    assert!(built.status.success(), "demo: {}", String::from_utf8_lossy(&built.stdout));
    let db = format!("sqlite:{}", data.join("demo.sqlite").display());
    let store = Store::connect(&db).await.expect("open the demo");
    let areas = store.areas_by_code("24280").await.expect("areas");
    store.close().await;
    (db, areas.into_iter().find(|a| a.valid_to.is_none()).expect("today's Xã Cư M'gar").id)
}
