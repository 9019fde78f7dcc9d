//! `binhyen bench SCENARIO`: starts the app on a temporary database, drives it over HTTP with N concurrent
//! connections for T seconds, and reports requests/s and latency beside a trivial baseline endpoint
//! (`/healthz`) measured the same way in the same run. The last line of output is one JSON object.

mod load;

use std::time::Duration;

use anyhow::Context;
use serde::Serialize;

use crate::startup;
pub use load::{drive, LoadReport};

#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Scenario: `directory` (the unit directory as JSON) or `directory-on-date` (the same, as of a given day,
    /// read from the store each time).
    pub scenario: String,
    /// Seconds to measure each of baseline and scenario.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
}

/// The JSON line later scenarios keep: at least these fields.
#[derive(Debug, Serialize)]
pub struct BenchResult {
    pub scenario: String,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    pub baseline_rps: f64,
    pub baseline_p50_ms: f64,
    pub baseline_p99_ms: f64,
    pub ratio: f64,
    pub seconds: u64,
    pub connections: usize,
    pub backend: String,
}

/// A scenario: what to request, on a database prepared how.
struct Scenario {
    path: &'static str,
}

fn scenario(name: &str) -> anyhow::Result<Scenario> {
    match name {
        "directory" => Ok(Scenario { path: "/api/v1/units" }),
        // The same tree for a given day: read from the store on every request (no in-memory copy).
        "directory-on-date" => Ok(Scenario { path: "/api/v1/units?on=2020-06-17" }),
        other => anyhow::bail!("unknown scenario {other:?}; known: directory, directory-on-date"),
    }
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let scenario = scenario(&args.scenario)?;
    anyhow::ensure!(args.seconds > 0 && args.connections > 0, "--seconds and --connections must be positive");
    let dir = tempfile::tempdir().context("temporary directory")?;
    let url = format!("sqlite:{}", dir.path().join("bench.sqlite").display());
    println!("Preparing the demo data set on SQLite…");
    let store = startup::open_store(&url).await?;
    // A temporary database: nothing sealed in it outlives the run.
    let keys = binhyen_core::KeyRing::ephemeral(&binhyen_core::OsRandom);
    let core = startup::core_with(store, binhyen_core::Policy::default(), keys);
    binhyen_core::demo::build(&core).await.context("building the demo data")?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let running = startup::start(core, binhyen_web::WebConfig::default(), listener)?;
    let base = running.url();
    let seconds = Duration::from_secs(args.seconds);

    println!("Warming up…");
    drive(&format!("{base}{}", scenario.path), Duration::from_secs(1), args.connections).await?;
    println!("Baseline GET /healthz: {} connections for {} s…", args.connections, args.seconds);
    let baseline = drive(&format!("{base}/healthz"), seconds, args.connections).await?;
    println!("  {baseline}");
    println!(
        "Scenario {} GET {}: {} connections for {} s…",
        args.scenario, scenario.path, args.connections, args.seconds
    );
    let measured = drive(&format!("{base}{}", scenario.path), seconds, args.connections).await?;
    println!("  {measured}");
    running.stop().await;

    let ratio = if baseline.rps > 0.0 { measured.rps / baseline.rps } else { 0.0 };
    println!("Ratio to baseline: {:.1}% of /healthz requests/s", ratio * 100.0);
    let result = BenchResult {
        scenario: args.scenario,
        rps: round(measured.rps),
        p50_ms: round(measured.p50_ms),
        p99_ms: round(measured.p99_ms),
        errors: measured.errors,
        baseline_rps: round(baseline.rps),
        baseline_p50_ms: round(baseline.p50_ms),
        baseline_p99_ms: round(baseline.p99_ms),
        ratio: (ratio * 1000.0).round() / 1000.0,
        seconds: args.seconds,
        connections: args.connections,
        backend: "sqlite".to_owned(),
    };
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
