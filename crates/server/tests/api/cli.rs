//! The binary's commands, run as a newcomer would.

use std::process::{Command, Stdio};

fn binhyen() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_binhyen"));
    // A clean environment for configuration: no stray BINHYEN_ variables from the caller.
    for (key, _) in std::env::vars() {
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
