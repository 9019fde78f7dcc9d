//! `binhyen bench SCENARIO`: starts the app on a temporary database, drives it over HTTP with N concurrent
//! connections for T seconds, and reports requests/s and latency beside a baseline measured in the same run.
//! The last line of output is one JSON object.
//!
//! - `directory`, `directory-on-date`: reads; the baseline is the trivial `/healthz`, driven the same way.
//! - `tip-intake` (`intake.rs`): durable writes; the baseline is the disk itself (`baseline.rs`).
//!
//! The alerting scenarios measure latency rather than throughput. They run the server as a child process
//! (`node.rs`: the same executable, `demo --no-serve` then `serve`, in a fresh temporary directory, SQLite
//! only), so that its memory is measured alone; they print their progress to standard error and only the JSON
//! line to standard output. Reproduce with
//! `cargo build --release -p binhyen-server && ./target/release/binhyen bench fanout` (or `alert-path`).
//!
//! - `fanout` (`fanout.rs`): `--clients` officers' consoles (10,000 by default) hold the SSE feed
//!   `GET /api/v1/events` open; one urgent tip comes in; p50/p99/max over the consoles of the time from the
//!   tip's HTTP answer to each console reading its `tip.submitted` event, and the server's resident memory
//!   before they connect, with all of them connected and idle (`rss_mb`), and per idle connection. Targets:
//!   p99 under 1 s, RSS under 300 MB. The baseline is the same event reaching a single console. It raises the
//!   limit on open files to the hard limit, which must exceed `--clients` (check `ulimit -Hn`).
//! - `alert-path` (`alert_path.rs`): the on-duty officer's console and an urgent tip every 50 ms on its own
//!   connection, `--samples` of them, while `--connections` connections send tip-intake's load; p50/p99/max
//!   of answer → event, and the load's tips/s. The baseline is the same without the load.
//! - `feed` (`feed.rs`): citizens following 5 pages each read the first page of their home feed, on the demo
//!   plus a generated data set (`feed_data.rs`, also `binhyen bench-data feed`: 200 pages, 1,000,000
//!   follows, 100,000 posts); the baseline is `/healthz`. The JSON line adds `generate_s`, `follows`, `posts`.
//! - `reorganise` (`reorganise.rs`): 100 merges over the feed's 200 pages with their 1,000,000 follows, 100,000
//!   tips (10% open) and 200 groups, in one plan; the JSON line adds `apply_s` and `merges`, and compares page
//!   reads during the move with the same reads just before it.
//! - `alert-publish` (`alert_publish.rs`): a public alert to a commune where `--followers` citizens follow the
//!   page (`alert_data.rs`, also `binhyen bench-data alert-followers`); how soon it is in a follower's feed,
//!   every notification job queued, every notification written; the feed's rate during the fan-out against
//!   before it (the baseline). The JSON line adds `publish_ms`, `post_publish_ms`, `visible_ms`, `queued_s`,
//!   `delivered_s`, `followers`, `jobs`.
//! - `search` (`search.rs`): relevance and latency on a million generated documents (see that file).
//! - `group-chat` (`group_chat.rs`): a 5,000-member group's live delivery and sustained posting.

pub mod alert_data;
mod alert_path;
mod alert_publish;
mod baseline;
mod fanout;
mod feed;
pub mod feed_data;
mod group_chat;
mod intake;
mod load;
mod node;
mod probe;
mod reorganise;
mod search;
pub mod search_data;
mod sse;

use std::time::Duration;

use anyhow::Context;
use binhyen_store::scratch::ScratchDatabase;
use serde::Serialize;

use crate::startup;
pub use load::{drive, drive_mix, LoadReport, Request};

#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Scenario: `directory` (the unit directory as JSON), `directory-on-date` (the same, as of a given day,
    /// read from the store each time), `tip-intake` (anonymous and identified tips submitted at once),
    /// `fanout` (one urgent tip's live event to `--clients` consoles), `alert-path` (an urgent tip's live
    /// event to the on-duty officer under tip-intake's load), `feed` (citizens' home feeds on a generated
    /// data set of pages, follows and posts), `alert-publish` (a public alert to 500,000 followers), `search`
    /// (a million generated documents) or `group-chat` (a 5,000-member sector group).
    pub scenario: String,
    /// Seconds to measure each of baseline and scenario (not used by `fanout` and `alert-path`, whose length
    /// follows from `--clients` and `--samples`).
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Concurrent connections (for `alert-path`: of the background load).
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// `fanout`: live-event consoles connected at once.
    #[arg(long, default_value_t = 10_000)]
    pub clients: usize,
    /// `alert-path`: urgent tips measured, one every 50 ms (the baseline measures as many).
    #[arg(long, default_value_t = 200)]
    pub samples: usize,
    /// `group-chat`: members of the group (readers and posters are among them).
    #[arg(long, default_value_t = 5_000)]
    pub members: usize,
    /// `group-chat`: members holding the group's live stream open.
    #[arg(long, default_value_t = 500)]
    pub readers: usize,
    /// `search`: generated documents searched.
    #[arg(long, default_value_t = 1_000_000)]
    pub docs: usize,
    /// `alert-publish`: followers of the alerting page living inside its area.
    #[arg(long, default_value_t = 500_000)]
    pub followers: usize,
    /// Run on this PostgreSQL server (`postgres://…`) instead of SQLite: a throwaway database is created there
    /// for the run and dropped afterwards.
    #[arg(long)]
    pub database_url: Option<String>,
}

/// The JSON line later scenarios keep: at least these fields.
#[derive(Debug, Default, Serialize)]
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
    /// Latency scenarios (`fanout`, `alert-path`): the slowest sample, and the baseline's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_max_ms: Option<f64>,
    /// `fanout`: consoles connected, and how many of them received the tip's event (all, when it works).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clients: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<usize>,
    /// `fanout`: the server's resident memory with every console connected and idle, before the first
    /// connected, and the difference per connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rss_mb: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rss_before_mb: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rss_per_connection_kb: Option<f64>,
    /// `fanout`: seconds to connect every console.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connect_s: Option<f64>,
    /// `fanout`: CPU time the server spent from the tip's submission until every console had its event (and
    /// 100 ms more), to 10 ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_cpu_ms: Option<u64>,
    /// `alert-path`: urgent tips measured, and those whose event never came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub missing: Option<usize>,
    /// `alert-path`: the background load's accepted tips per second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_tips_per_s: Option<f64>,
    /// `alert-path`: p99 of the urgent tips' own submissions (send → answer) under the load.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submit_p99_ms: Option<f64>,
    /// `alert-path`: times the officer's stream fell behind and was told to resynchronise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resyncs: Option<u64>,
    /// `feed`: seconds to generate the data set, and the follows and posts in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generate_s: Option<f64>,
    /// `reorganise`: seconds from the plan's job starting to its commit, and the units merged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apply_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merges: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follows: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts: Option<usize>,
    /// `alert-publish`: followers reached; the alert's answer and an ordinary post's (ms); the first feed read
    /// showing it (ms after sending it); every notification job queued and every notification written (s after
    /// sending it); notification jobs (batches).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_publish_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visible_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queued_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<usize>,
    /// `search`: latency's 95th percentile, binhyen's and the baseline's (ms); documents and queries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_p95_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docs: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queries: Option<usize>,
    /// `search`: mean reciprocal rank and nDCG@10 over the query set, binhyen's and the baseline's; MRR over
    /// the queries typed with full tone marks alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mrr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ndcg10: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_mrr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_ndcg10: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_marks_mrr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_full_marks_mrr: Option<f64>,
    /// `group-chat`: the group's members, and the posting load's own latency (answer after commit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_p50_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_p99_ms: Option<f64>,
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
        other => anyhow::bail!(
            "unknown scenario {other:?}; known: directory, directory-on-date, tip-intake, fanout, alert-path, feed, alert-publish, search, group-chat, reorganise"
        ),
    }
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.seconds > 0 && args.connections > 0, "--seconds and --connections must be positive");
    let result = match args.scenario.as_str() {
        "tip-intake" => intake::run(&args).await?,
        "fanout" => fanout::run(&args).await?,
        "alert-path" => alert_path::run(&args).await?,
        "feed" => feed::run(&args).await?,
        "alert-publish" => alert_publish::run(&args).await?,
        "search" => search::run(&args).await?,
        "group-chat" => group_chat::run(&args).await?,
        "reorganise" => reorganise::run(&args).await?,
        _ => read_scenario(&args).await?,
    };
    println!("{}", serde_json::to_string(&result)?);
    Ok(())
}

/// The demo data set on a temporary database, served on port 0.
struct Prepared {
    core: binhyen_core::Core,
    /// The bench's own handle to the store, to write generated data directly (core keeps its own private).
    store: binhyen_core::Store,
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
        let core = startup::core_with(store.clone(), policy, keys);
        binhyen_core::demo::build(&core).await.context("building the demo data")?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let running = startup::start(core.clone(), binhyen_web::WebConfig::default(), listener)?;
        Ok(Self { core, store, running, dir, backend, scratch })
    }

    async fn finish(self) -> anyhow::Result<()> {
        self.running.stop().await;
        self.store.close().await;
        if let Some(scratch) = self.scratch {
            scratch.drop_database().await.context("dropping the throwaway database")?;
        }
        // BINHYEN_BENCH_KEEP=1 keeps the temporary directory (its databases), to look into a run afterwards.
        // The server crate is where the environment may be read.
        #[allow(clippy::disallowed_methods)]
        let keep = std::env::var_os("BINHYEN_BENCH_KEEP").is_some();
        if keep {
            println!("Kept {}", self.dir.keep().display());
        } else {
            drop(self.dir);
        }
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
        ..BenchResult::default()
    }
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
