//! `binhyen bench alert-path`: how long an urgent tip takes to reach the on-duty officer's console while the
//! node is busy taking tips. The officer on duty (`probe::OFFICER`) holds `GET /api/v1/events` open; every
//! 50 ms an anonymous urgent tip about Ea KPam is submitted on a connection of its own; each tip's latency is
//! from its HTTP answer to the officer reading its `tip.submitted` event (`probe.rs`), over `--samples` tips.
//! Meanwhile `--connections` connections send the `tip-intake` scenario's load (tips happening now, half
//! anonymous, half from signed-in citizens), flat out. Those tips are urgent too and in the officer's scope,
//! so the officer's stream carries their events as well; they are read and skipped.
//!
//! The baseline, in the same run on the same server, is the same measurement without the background load.
//! `ratio` is p99 under load over p99 without. `rps` is the background load's tips/s (`load_tips_per_s`);
//! `baseline_rps` is 0: the baseline has no load. The server is a child process (`node.rs`) with a fresh demo
//! database, so the load generator, on this process's runtime, and the server do not share a runtime; the
//! probe runs on a thread of its own.

use std::time::Duration;

use super::intake;
use super::load::drive_mix;
use super::node::Node;
use super::probe::{self, Probe, ProbeReport};
use super::{round, BenchArgs, BenchResult};

/// Between two urgent tips.
const INTERVAL: Duration = Duration::from_millis(50);
/// Load before the first urgent tip, and after the last.
const LEAD: Duration = Duration::from_secs(2);

/// The demo's citizens, whose tokens sign the identified half of the background load.
const CITIZENS: &[&str] = &["0399000001", "0399000002", "0399000003"];

pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    anyhow::ensure!(args.database_url.is_none(), "alert-path runs on SQLite only (the server is a child process)");
    anyhow::ensure!(args.samples > 0, "--samples must be positive");
    let node = Node::start().await?;
    let officer = node.token(probe::OFFICER).await?;
    let mut citizens = Vec::with_capacity(CITIZENS.len());
    for phone in CITIZENS {
        citizens.push(node.token(phone).await?);
    }
    // The urgent tips are about the former Ea KPam, the load's about today's Xã Cư M'gar (as in tip-intake):
    // both are routed to Công an xã Cư M'gar and watched by the mobile police.
    let probe = Probe {
        address: node.address.clone(),
        token: officer,
        tip: probe::urgent_tip(node.area(probe::EA_KPAM, false).await?),
        samples: args.samples,
        interval: INTERVAL,
    };
    let mix = intake::mix(&node.url, node.area(probe::EA_KPAM, true).await?, &citizens);

    eprintln!("Warming up (the load for 1 s, then 5 urgent tips)…");
    let warm = drive_mix(mix.clone(), Duration::from_secs(1), args.connections).await?;
    anyhow::ensure!(warm.requests > 0, "the background load sent no tip: {warm}");
    Probe { samples: 5, ..probe.clone() }.run().await?;

    eprintln!("Baseline: {} urgent tips {} ms apart, no other load…", args.samples, INTERVAL.as_millis());
    let baseline = probe.clone().run().await?;
    report("  ", &baseline);

    let duration = LEAD * 2 + INTERVAL * args.samples as u32;
    eprintln!(
        "Scenario: the same under tip-intake's load ({} connections for {:.1} s)…",
        args.connections,
        duration.as_secs_f64()
    );
    let load = tokio::spawn(drive_mix(mix, duration, args.connections));
    tokio::time::sleep(LEAD).await;
    let measured = probe.run().await?;
    let load = load.await??;
    report("  ", &measured);
    eprintln!("  background load: {load}");
    node.stop().await;

    let (p99, base_p99) = (measured.latencies.ms(0.99), baseline.latencies.ms(0.99));
    let ratio = if base_p99 > 0.0 { p99 / base_p99 } else { 0.0 };
    eprintln!("Ratio to baseline: p99 under load is {ratio:.1}× the p99 without");
    let errors = (measured.missing + measured.submit_errors) as u64 + load.errors;
    Ok(BenchResult {
        scenario: args.scenario.clone(),
        rps: round(load.rps),
        p50_ms: round(measured.latencies.ms(0.5)),
        p99_ms: round(p99),
        errors,
        baseline_rps: 0.0,
        baseline_p50_ms: round(baseline.latencies.ms(0.5)),
        baseline_p99_ms: round(base_p99),
        ratio: (ratio * 1000.0).round() / 1000.0,
        seconds: duration.as_secs(),
        connections: args.connections,
        backend: "sqlite".to_owned(),
        baseline: Some("the same urgent tips without the background load, same server, same run".to_owned()),
        max_ms: Some(round(measured.latencies.max_ms())),
        baseline_max_ms: Some(round(baseline.latencies.max_ms())),
        samples: Some(measured.latencies.len()),
        missing: Some(measured.missing),
        load_tips_per_s: Some(round(load.rps)),
        submit_p99_ms: Some(round(measured.submit.ms(0.99))),
        resyncs: Some(measured.resyncs),
        ..BenchResult::default()
    })
}

fn report(indent: &str, r: &ProbeReport) {
    eprintln!("{indent}answer → event: {}", r.latencies);
    eprintln!("{indent}send → answer: {}", r.submit);
    eprintln!(
        "{indent}{} missing, {} refused, {} resyncs, {} reconnections, {} tip.submitted events read",
        r.missing, r.submit_errors, r.resyncs, r.reconnects, r.events
    );
}
