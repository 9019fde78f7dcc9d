//! The binary's commands, run as a newcomer would.

use std::process::{Command, Stdio};

fn binhyen() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_binhyen"));
    // A clean environment for configuration: no stray BINHYEN_ variables from the caller.
    // Names only, to keep them from the child: the test's configuration is what it sets itself.
    #[allow(clippy::disallowed_methods)]
    let keys = std::env::vars().map(|(key, _)| key);
    for key in keys {
        if key.starts_with("BINHYEN_") {
            c.env_remove(key);
        }
    }
    c
}

#[test]
fn config_check_hides_secrets_and_rejects_unknown_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = binhyen()
        .current_dir(dir.path())
        .env("BINHYEN_DATABASE_URL", "postgres://binhyen:hunter2@db:5432/binhyen")
        .args(["config", "check"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("postgres://binhyen:***@db:5432/binhyen"), "{text}");
    assert!(!text.contains("hunter2"));

    let out = binhyen().current_dir(dir.path()).env("BINHYEN_LISTN", "x").args(["config", "check"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("listn"));
    std::fs::write(dir.path().join("binhyen.toml"), "[security]\nlockout_minute = 3\n").unwrap();
    let out = binhyen().current_dir(dir.path()).args(["config", "check"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("lockout_minute"));
}

#[test]
fn demo_then_user_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = binhyen().args(["demo", "--no-serve", "--data-dir", data]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("H'Đào Niê") && text.contains("0388 000 001"), "{text}");
    // The demo's files (the pump's photo, two forms) are in the attachment store the server will read.
    let objects = walk_files(&dir.path().join("objects"));
    assert!(objects >= 3, "{objects} files in the attachment store");
    let db = format!("sqlite:{data}/demo.sqlite");

    let mut child = binhyen()
        .args(["user", "create", "--database-url", &db, "--phone", "0868000111", "--name", "Trần Thị Bình"])
        .args(["--unit", "ca-xa-ea-kpam", "--role", "commander", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"mat-khau-chi-huy\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("mat-khau-chi-huy"), "a given password is not echoed");

    let out =
        binhyen().args(["user", "reset-password", "--database-url", &db, "--phone", "0868000111"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("Password: "), "a generated password is printed once: {text}");

    let out = binhyen()
        .args([
            "user",
            "create",
            "--database-url",
            &db,
            "--phone",
            "123",
            "--name",
            "X",
            "--unit",
            "ca-xa-ea-kpam",
            "--role",
            "officer",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = binhyen()
        .args([
            "user",
            "create",
            "--database-url",
            &db,
            "--phone",
            "0868000112",
            "--name",
            "X",
            "--unit",
            "nope",
            "--role",
            "officer",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--unit"));
}

#[test]
fn migrate_and_import_areas_on_a_fresh_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}/fresh.sqlite", dir.path().display());
    let out = binhyen().args(["migrate", "--database-url", &db]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = binhyen().args(["import-areas", "--database-url", &db]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("communes: 13356"), "{text}");
    // The first unit and administrator of a new installation.
    let out = binhyen()
        .args(["unit", "create", "--database-url", &db, "--code", "ca-tinh-dak-lak", "--kind", "province_police"])
        .args(["--name", "Công an tỉnh Đắk Lắk", "--area", "66"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = binhyen()
        .args(["user", "create", "--database-url", &db, "--unit", "ca-tinh-dak-lak", "--role", "administrator"])
        .args(["--phone", "0912345678", "--name", "Nguyễn Văn A"])
        .output()
        .unwrap();
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Password: "));
    let out = binhyen()
        .args(["unit", "create", "--database-url", &db, "--code", "ca-tinh-dak-lak", "--kind", "province_police"])
        .args(["--name", "Trùng mã"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a taken code is refused");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "nothing,like,the,header\n1,2,3,4\n").unwrap();
    let out = binhyen().args(["import-areas", "--database-url", &db, "--wards"]).arg(&bad).output().unwrap();
    assert!(!out.status.success());
}

/// Appends entries through the store, as the application would, and leaves the database file complete.
fn append_audit_entries(db: &str, details: &[&str]) {
    use binhyen_store::audit::{self, NewAuditEntry};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = binhyen_store::Store::connect(db).await.unwrap();
        store.migrate().await.unwrap();
        for (i, detail) in details.iter().enumerate() {
            let mut tx = store.begin().await.unwrap();
            let entry = NewAuditEntry {
                at_ms: 1_750_000_000_000 + i as i64,
                actor_account_id: Some(1),
                action: "tip.state_changed".to_owned(),
                subject_kind: "tip".to_owned(),
                subject_id: Some(i as i64 + 1),
                detail: (*detail).to_owned(),
            };
            audit::append(&mut tx, &entry).await.unwrap();
            tx.commit().await.unwrap();
        }
        // The file alone holds everything, so it can be edited as someone behind the app's back would.
        store.checkpoint().await.unwrap();
        store.close().await;
    });
}

#[test]
fn audit_verify_names_the_first_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.sqlite");
    let db = format!("sqlite:{}", path.display());
    let verify = || binhyen().args(["audit", "verify", "--database-url", &db]).output().unwrap();

    let out = verify();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("chain intact: 0 entries"));

    append_audit_entries(&db, &[r#"{"to":"triaged-1"}"#, r#"{"to":"triaged-2"}"#, r#"{"to":"triaged-3"}"#]);
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("chain intact: 3 entries"), "{text}");

    // Edit the second entry's detail in the database file itself, bypassing SQL and its triggers.
    let mut bytes = std::fs::read(&path).unwrap();
    let needle = b"triaged-2";
    let at: Vec<usize> = bytes.windows(needle.len()).enumerate().filter(|(_, w)| w == needle).map(|(i, _)| i).collect();
    assert_eq!(at.len(), 1, "the detail is stored once");
    bytes[at[0]..at[0] + needle.len()].copy_from_slice(b"closed--2");
    std::fs::write(&path, bytes).unwrap();

    let out = verify();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a broken chain fails the command");
    assert!(err.contains("broken: seq 2"), "{err}");
}

#[test]
fn keys_generate_rotate_and_config_check_hide_keys() {
    let out = binhyen().args(["keys", "generate"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    let key = text.lines().find_map(|l| l.strip_prefix("key: ")).expect("a key line").trim().to_owned();
    assert_eq!(key.len(), 44, "base64 of 32 bytes: {key}");
    let id = text.lines().find_map(|l| l.strip_prefix("id:  ")).expect("an id line").trim().to_owned();
    assert!(id.starts_with('k') && text.contains(&format!("{id} = \"{key}\"")), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let db = format!("sqlite:{data}/keys.sqlite");
    // Nothing configured and no key file: rotation has nothing to rotate with, and says so.
    let out = binhyen().args(["keys", "rotate", "--data-dir", data, "--database-url", &db]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no seal keys"));

    let env = format!("BINHYEN_SEAL__KEYS__{}", id.to_uppercase());
    let out = binhyen()
        .env(&env, &key)
        .env("BINHYEN_SEAL__KEYS__OLD", "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=")
        .env("BINHYEN_SEAL__CURRENT", &id)
        .args(["keys", "rotate", "--data-dir", data, "--database-url", &db])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(&format!("Re-sealed under key {id}")) && text.contains("can now be removed: old"), "{text}");
    // The rotation is itself in the audit log.
    let out = binhyen().args(["audit", "verify", "--database-url", &db]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("chain intact: 1 entries"));

    let out = binhyen().current_dir(dir.path()).env(&env, &key).args(["config", "check"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(&format!("seal keys: {id} (current)")) && !text.contains(&key), "{text}");
    let out = binhyen().current_dir(dir.path()).env(&env, "too-short").args(["config", "check"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains(&id) && !err.contains("too-short"), "{err}");
}

#[test]
fn channels_that_cannot_work_are_refused_at_start_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[
                ("BINHYEN_CHANNELS__WEBHOOK__URL", "ftp://tiepnhan.example.vn"),
                ("BINHYEN_CHANNELS__WEBHOOK__SECRET", "x".repeat(40).leak()),
            ],
            "[channels.webhook] url",
        ),
        (
            &[
                ("BINHYEN_CHANNELS__WEBHOOK__URL", "https://tiepnhan.example.vn"),
                ("BINHYEN_CHANNELS__WEBHOOK__SECRET", "short"),
            ],
            "[channels.webhook] secret",
        ),
        (
            &[
                ("BINHYEN_CHANNELS__SMS__URL", "https://sms.example.vn"),
                ("BINHYEN_CHANNELS__SMS__TOKEN", "t"),
                ("BINHYEN_CHANNELS__SMS__PASSWORD", "p"),
            ],
            "password",
        ),
        (&[("BINHYEN_ALERTS__PUBLIC_URL", "binhyen.example.vn")], "[alerts] public_url"),
    ];
    for (env, expected) in cases {
        for args in [&["config", "check"][..], &["serve", "--listen", "127.0.0.1:0", "--data-dir", data][..]] {
            let mut command = binhyen();
            command.current_dir(dir.path()).args(args);
            for (key, value) in env {
                command.env(key, value);
            }
            let out = command.output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!out.status.success(), "{args:?} with {env:?} must fail");
            assert!(stderr.contains(expected), "{args:?} with {env:?}: {stderr}");
        }
    }
    // A valid channel is named by `config check`, its secret is not printed.
    let out = binhyen()
        .current_dir(dir.path())
        .env("BINHYEN_CHANNELS__WEBHOOK__URL", "https://tiepnhan.example.vn/binhyen")
        .env("BINHYEN_CHANNELS__WEBHOOK__SECRET", "s3cret-s3cret-s3cret-s3cret-s3cret-42")
        .args(["config", "check"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("channels: webhook") && !text.contains("s3cret"), "{text}");
}

/// Files under `dir`, recursively.
fn walk_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { walk_files(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}
