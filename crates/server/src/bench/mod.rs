//! `binhyen bench SCENARIO`: starts the app on a temporary database, drives it over HTTP with N concurrent
//! connections for T seconds, and reports requests/s and latency beside a baseline measured in the same run.
//! The last line of output is one JSON object.
//!
//! - `directory`, `directory-on-date`: reads; the baseline is the trivial `/healthz`, driven the same way.
//! - `tip-intake` (`intake.rs`): durable writes; the baseline is the disk itself (`baseline.rs`).

mod baseline;
mod intake;
mod load;

use std::time::Duration;

use anyhow::Context;
use binhyen_store::scratch::ScratchDatabase;
use serde::Serialize;

use crate::startup;
pub use load::{drive, drive_mix, LoadReport, Request};

#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Scenario: `directory` (the unit directory as JSON), `directory-on-date` (the same, as of a given day,
    /// read from the store each time) or `tip-intake` (anonymous and identified tips submitted at once).
    pub scenario: String,
    /// Seconds to measure each of baseline and scenario.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Run on this PostgreSQL server (`postgres://…`) instead of SQLite: a throwaway database is created there
    /// for the run and dropped afterwards.
    #[arg(long)]
    pub database_url: Option<String>,
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
    /// What the baseline is, when it is not `/healthz`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    /// Write scenarios: tips per committed transaction, on average.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_batch: Option<f64>,
    /// Write scenarios: whether the audit chain verified after the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audit_chain_intact: Option<bool>,
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
        other => anyhow::bail!("unknown scenario {other:?}; known: directory, directory-on-date, tip-intake"),
    }
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.seconds > 0 && args.connections > 0, "--seconds and --connections must be positive");
    let result = match args.scenario.as_str() {
        "tip-intake" => intake::run(&args).await?,
        _ => read_scenario(&args).await?,
    };
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

/// The demo data set on a temporary database, served on port 0.
struct Prepared {
    core: binhyen_core::Core,
    running: startup::Running,
    /// Where temporary files go (the SQLite database, the baseline's file). Removed on drop.
    dir: tempfile::TempDir,
    backend: &'static str,
    scratch: Option<ScratchDatabase>,
}

impl Prepared {
    async fn new(args: &BenchArgs, policy: binhyen_core::Policy) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir().context("temporary directory")?;
        let (url, scratch, backend) = match &args.database_url {
            Some(server) => {
                let scratch = ScratchDatabase::create(server).await.context("creating a throwaway database")?;
                (scratch.url().to_owned(), Some(scratch), "postgres")
            }
            None => (format!("sqlite:{}", dir.path().join("bench.sqlite").display()), None, "sqlite"),
        };
        println!("Preparing the demo data set on {backend}…");
        let store = startup::open_store(&url).await?;
        // A temporary database: nothing sealed in it outlives the run.
        let keys = binhyen_core::KeyRing::ephemeral(&binhyen_core::OsRandom);
        let core = startup::core_with(store, policy, keys);
        binhyen_core::demo::build(&core).await.context("building the demo data")?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let running = startup::start(core.clone(), binhyen_web::WebConfig::default(), listener)?;
        Ok(Self { core, running, dir, backend, scratch })
    }

    async fn finish(self) -> anyhow::Result<()> {
        self.running.stop().await;
        self.core.store.close().await;
        if let Some(scratch) = self.scratch {
            scratch.drop_database().await.context("dropping the throwaway database")?;
        }
        drop(self.dir);
        Ok(())
    }
}

async fn read_scenario(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    let scenario = scenario(&args.scenario)?;
    let prepared = Prepared::new(args, binhyen_core::Policy::default()).await?;
    let base = prepared.running.url();
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
    let backend = prepared.backend;
    prepared.finish().await?;

    let ratio = if baseline.rps > 0.0 { measured.rps / baseline.rps } else { 0.0 };
    println!("Ratio to baseline: {:.1}% of /healthz requests/s", ratio * 100.0);
    Ok(result(args, &measured, &baseline, backend))
}

/// The JSON line's common fields; scenarios add their own.
fn result(args: &BenchArgs, measured: &LoadReport, baseline: &LoadReport, backend: &str) -> BenchResult {
    let ratio = if baseline.rps > 0.0 { measured.rps / baseline.rps } else { 0.0 };
    BenchResult {
        scenario: args.scenario.clone(),
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
        backend: backend.to_owned(),
        baseline: None,
        mean_batch: None,
        audit_chain_intact: None,
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
