//! The server as a separate process, for the alerting scenarios: its memory (`/proc/<pid>/status`) is then
//! the server's alone, and its CPU is not shared with the benchmark's runtime. The current executable is run
//! twice in a fresh temporary directory: `demo --no-serve` builds the demo database, then `serve` serves it
//! on a free port of 127.0.0.1, which it prints ("binhyen listening on http://…").
//!
//! The child sees none of this process's `BINHYEN_…` variables and no `binhyen.toml` (it runs in the
//! temporary directory), so a developer's configuration cannot change what is measured; it logs warnings
//! only, and what it prints is passed on to standard error.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::load::{fetch_json, Request};

/// A `serve` process on a demo database of its own.
pub(super) struct Node {
    child: Child,
    pid: u32,
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// `127.0.0.1:PORT`
    pub address: String,
    /// Removed when the node is dropped, after the child was killed.
    _dir: tempfile::TempDir,
}

/// Settings for the child, as `BINHYEN_…` variables: no limit on anonymous tips (every tip of the benchmark
/// comes from one address, and the flood limit would refuse nearly all of them), and warnings only in the log.
const SETTINGS: &[(&str, &str)] =
    &[("BINHYEN_SECURITY__ANONYMOUS_TIPS_PER_10_MIN", "4294967295"), ("BINHYEN_LOG", "warn")];

fn command(exe: &Path, dir: &Path) -> Command {
    let mut c = Command::new(exe);
    c.current_dir(dir).stdin(Stdio::null()).kill_on_drop(true);
    // Names only, to keep this process's BINHYEN_* settings from the child, whose configuration is SETTINGS.
    #[allow(clippy::disallowed_methods)]
    let names = std::env::vars_os().map(|(name, _)| name);
    for name in names {
        if name.to_string_lossy().starts_with("BINHYEN_") {
            c.env_remove(&name);
        }
    }
    c.env("RUST_LOG", "warn").env("NO_COLOR", "1");
    c.envs(SETTINGS.iter().copied());
    c
}

impl Node {
    /// Builds the demo in a new temporary directory and serves it.
    pub async fn start() -> anyhow::Result<Self> {
        let exe = std::env::current_exe().context("finding the current executable")?;
        let dir = tempfile::tempdir().context("temporary directory")?;
        let data = dir.path().join("data");
        let data_arg = data.to_string_lossy().into_owned();

        eprintln!("Building the demo database in {} (a child `binhyen demo --no-serve`)…", data.display());
        let started = Instant::now();
        let out = command(&exe, dir.path())
            .args(["demo", "--no-serve", "--data-dir", &data_arg])
            .stderr(Stdio::inherit())
            .output()
            .await
            .context("running `binhyen demo --no-serve`")?;
        anyhow::ensure!(
            out.status.success(),
            "`binhyen demo --no-serve` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stdout)
        );
        eprintln!("  built in {:.1} s", started.elapsed().as_secs_f64());

        let database = format!("sqlite:{}", data.join("demo.sqlite").display());
        let mut child = command(&exe, dir.path())
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir", &data_arg, "--database-url", &database])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting `binhyen serve`")?;
        let pid = child.id().context("the server exited at once")?;
        let stdout = child.stdout.take().context("the server's standard output")?;
        let mut lines = BufReader::new(stdout).lines();
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.trim().strip_prefix("binhyen listening on ") {
                    return Ok(url.to_owned());
                }
                eprintln!("  [server] {line}");
            }
            anyhow::bail!("the server exited before listening")
        })
        .await
        .context("the server did not listen within 60 s")??;
        // The pipe must keep draining, or a server that logs would block on a full pipe.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("  [server] {line}");
            }
        });
        let address = url.strip_prefix("http://").context("the server's address")?.to_owned();
        eprintln!("Server pid {pid} listening on {url}");
        Ok(Self { child, pid, url, address, _dir: dir })
    }

    /// The server's resident memory now, in kB (`VmRSS`), and its peak so far (`VmHWM`).
    pub fn rss_kb(&self) -> anyhow::Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .context("reading the server's /proc/<pid>/status (Linux only)")?;
        let field = |name: &str| -> anyhow::Result<u64> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .with_context(|| format!("no {name} in /proc/<pid>/status"))
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// CPU time the server has used so far (user + system), in milliseconds.
    pub fn cpu_ms(&self) -> anyhow::Result<u64> {
        cpu_ms(&format!("/proc/{}/stat", self.pid))
    }

    /// A bearer token for a demo account (every demo account shares the published demo password).
    pub async fn token(&self, phone: &str) -> anyhow::Result<String> {
        let body = serde_json::json!({"phone": phone, "password": binhyen_core::demo::DEMO_PASSWORD});
        let answer = fetch_json(&Request::post_json(format!("{}/api/v1/auth/tokens", self.url), &body), 201)
            .await
            .with_context(|| format!("signing {phone} in"))?;
        answer["token"].as_str().map(str::to_owned).context("no token in the sign-in answer")
    }

    /// The id of the area with official `code` that is (`current`) or is no longer in force.
    pub async fn area(&self, code: &str, current: bool) -> anyhow::Result<i64> {
        let answer = fetch_json(&Request::get(format!("{}/api/v1/areas?code={code}", self.url)), 200).await?;
        answer["areas"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["valid_to"].is_null() == current)
            .and_then(|a| a["id"].as_i64())
            .with_context(|| format!("no area {code} (current: {current}) in {answer}"))
    }

    /// Kills the server (its data is thrown away) and waits for it.
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// CPU time (user + system) of the process whose `/proc/…/stat` is at `path`, in milliseconds. Linux counts
/// it in ticks of 1/100 s (`USER_HZ`, 100 on every common architecture), so it is exact to 10 ms.
pub(super) fn cpu_ms(path: &str) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(path).with_context(|| format!("reading {path} (Linux only)"))?;
    // The command name, in parentheses, may hold spaces: fields are counted after its closing parenthesis,
    // from the state (field 3); utime and stime are fields 14 and 15.
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    let ticks = |i: usize| {
        fields.get(i).and_then(|f| f.parse::<u64>().ok()).with_context(|| format!("{path}: no field {}", i + 3))
    };
    Ok((ticks(11)? + ticks(12)?) * 10)
}
