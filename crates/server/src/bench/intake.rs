//! `binhyen bench tip-intake`: tips submitted over HTTP by N connections at once, half anonymous and half by
//! signed-in citizens (bearer tokens), each answered only once durably committed (SQLite: WAL with
//! `synchronous=FULL`). Only 201 answers count. The baseline, measured in the same run for the same time on a
//! file in the same temporary directory, is the disk itself: one fully synced transaction per tip through the
//! SQLite C library (`baseline.rs`). Beating it by a wide margin is what group commit is for.

use std::time::Duration;

use anyhow::Context;
use binhyen_core::accounts::CitizenSignUp;
use binhyen_core::auth::SessionKind;
use binhyen_core::Policy;
use serde_json::json;

use super::load::{drive_mix, Request};
use super::{baseline, result, BenchArgs, BenchResult, Prepared};

/// Citizens whose tokens sign the identified half of the mix.
const CITIZENS: usize = 4;
const PASSWORD: &str = "binhyen-bench-password";

/// The scenario's load against the server at `base`: tips about `area_id` happening now, alternately
/// anonymous and identified by each of `tokens` (citizens'), so that every connection sends them half and half
/// (see `load.rs`). Also the background load of `alert-path`.
pub(super) fn mix(base: &str, area_id: i64, tokens: &[String]) -> Vec<Request> {
    let url = format!("{base}/api/v1/tips");
    let tip = |protection: &str| {
        json!({"category": "theft", "description": "Có người lạ đi xe máy bắt trộm chó ở buôn Bling, đang chạy về \
            hướng Ea Tar.", "happening_now": true, "area_id": area_id, "protection": protection})
    };
    tokens
        .iter()
        .flat_map(|token| {
            [
                Request::post_json(&url, &tip("anonymous")).expect(201),
                Request::post_json(&url, &tip("identified")).bearer(token).expect(201),
            ]
        })
        .collect()
}

pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    // One address sends everything here: the anonymous flood limit would refuse nearly all of it.
    let policy = Policy { anonymous_tips_per_10_min: u32::MAX, ..Policy::default() };
    let prepared = Prepared::new(args, policy).await?;
    let core = &prepared.core;
    let base = prepared.running.url();

    // Today's Xã Cư M'gar (the former Ea KPam's successor): routed straight to its commune police.
    let area = core
        .units()
        .areas_by_code("24280")
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .into_iter()
        .find(|a| a.valid_to.is_none())
        .context("the demo's current Xã Cư M'gar")?;
    let mut tokens = Vec::with_capacity(CITIZENS);
    for i in 0..CITIZENS {
        let phone = format!("03981000{i:02}");
        let signup = CitizenSignUp {
            phone: phone.clone(),
            password: PASSWORD.to_owned(),
            display_name: format!("Người dân thử tải {}", i + 1),
            home_area_id: Some(area.id),
        };
        core.accounts().sign_up_citizen(signup).await.map_err(|e| anyhow::anyhow!("signing up a citizen: {e}"))?;
        let session = core
            .auth()
            .sign_in(&phone, PASSWORD, None, SessionKind::Api, None)
            .await
            .map_err(|e| anyhow::anyhow!("signing a citizen in: {e}"))?;
        tokens.push(session.token);
    }
    let mix = mix(&base, area.id, &tokens);

    let seconds = Duration::from_secs(args.seconds);
    println!("Warming up…");
    drive_mix(mix.clone(), Duration::from_secs(1), args.connections).await?;

    let file = prepared.dir.path().join("baseline.sqlite");
    println!(
        "Baseline: SQLite C library, 1 tip row + 1 audit row per FULL-synced transaction, for {} s…",
        args.seconds
    );
    let baseline = tokio::task::spawn_blocking(move || baseline::single_row_transactions(&file, seconds))
        .await?
        .context("the baseline loop")?;
    println!("  {baseline}");

    println!(
        "Scenario tip-intake POST /api/v1/tips (half anonymous, half identified), {} connections for {} s…",
        args.connections, args.seconds
    );
    let before = core.tips().intake_stats();
    let measured = drive_mix(mix, seconds, args.connections).await?;
    let after = core.tips().intake_stats();
    println!("  {measured}");
    let batches = after.batches - before.batches;
    let mean_batch = if batches > 0 { (after.tips - before.tips) as f64 / batches as f64 } else { 0.0 };
    println!(
        "  {} transactions, {mean_batch:.1} tips each on average, {} retried tip by tip",
        batches,
        after.retried_batches - before.retried_batches
    );

    println!("Verifying the audit chain…");
    let report = core.verify_audit().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let intact = report.broken.is_none();
    println!("  {} entries, {}", report.intact_entries, if intact { "intact" } else { "BROKEN" });
    let backend = prepared.backend;
    prepared.finish().await?;

    let mut out = result(args, &measured, &baseline, backend);
    println!("Ratio to baseline: {:.2}× the C library's single-row transactions/s", out.ratio);
    out.baseline = Some("rusqlite: 1 tip + 1 audit row per WAL synchronous=FULL transaction".to_owned());
    out.mean_batch = Some((mean_batch * 10.0).round() / 10.0);
    out.audit_chain_intact = Some(intact);
    Ok(out)
}
