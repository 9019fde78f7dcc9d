//! `binhyen bench fanout`: N officers' consoles (10,000 by default) hold `GET /api/v1/events` open on one
//! node; one urgent tip comes in; how long until every console has its `tip.submitted` event, and how much
//! memory the server holds per idle connection.
//!
//! The server is a child process (`node.rs`), so its resident memory is its own: read before any console
//! connects and again once all are connected and idle, the difference divided by N is the memory per idle
//! connection. The consoles are tasks of this process, each a socket and a small parser (`sse.rs`),
//! connected 500 at a time so that the listen backlog is not overrun, with retries. All of them use one bearer
//! token, of the mobile police's duty officer (`probe::OFFICER`), who hears of every urgent tip in the
//! province. A client's latency is the instant it read the event minus the instant the tip's HTTP answer was
//! read (negative if the event came first); the figures are over the clients. Target (the issue): p99 under
//! 1 s and the server under 300 MB with all 10,000 connected.
//!
//! The baseline, measured in the same run on the same server before the N connect, is the same event reaching
//! one client: the probe (`probe.rs`) with one console submits `BASELINE_SAMPLES` urgent tips 50 ms apart and
//! takes the same latency for each (enough that its p99 is not simply its slowest sample). `ratio` is p99 with N clients over that p99: what fanning out costs over delivering once.
//! `rps` is deliveries per second (clients reached over the time to reach the last one); `baseline_rps`, one
//! delivery per baseline median.

use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::Semaphore;

use super::load::{wire, Connection, Request};
use super::node::{cpu_ms, Node};
use super::probe::{self, Latencies, Probe, EVENTS};
use super::sse::SseClient;
use super::{round, BenchArgs, BenchResult};

/// Urgent tips the baseline measures, one console receiving.
const BASELINE_SAMPLES: usize = 200;
/// Consoles connecting at once.
const CONNECTING: usize = 500;
/// Attempts at connecting one console before it counts as failed.
const ATTEMPTS: u32 = 20;
/// How long every console has to receive the event.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(30);
/// File descriptors kept for everything besides the consoles.
const SPARE_FDS: u64 = 256;

/// What the consoles share: counters, and per console the tip of the first `tip.submitted` event it read and
/// when (nanoseconds after `epoch`, plus one; 0 while none).
struct Shared {
    epoch: Instant,
    connected: AtomicUsize,
    failed: AtomicUsize,
    dropped: AtomicUsize,
    received: AtomicUsize,
    tip: Vec<AtomicI64>,
    at_ns: Vec<AtomicU64>,
}

pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    anyhow::ensure!(args.database_url.is_none(), "fanout runs on SQLite only (the server is a child process)");
    let clients = args.clients;
    anyhow::ensure!(clients > 0, "--clients must be positive");
    raise_open_files(clients as u64 + SPARE_FDS)?;
    let started = Instant::now();

    let node = Node::start().await?;
    let token = node.token(probe::OFFICER).await?;
    let area = node.area(probe::EA_KPAM, false).await?;
    let tip = probe::urgent_tip(area);
    let probe = |samples| Probe {
        address: node.address.clone(),
        token: token.clone(),
        tip: tip.clone(),
        samples,
        interval: Duration::from_millis(50),
    };

    eprintln!("Warming up (5 urgent tips to one console)…");
    probe(5).run().await?;
    eprintln!("Baseline: the event of an urgent tip to 1 console, {BASELINE_SAMPLES} tips 50 ms apart…");
    let baseline = probe(BASELINE_SAMPLES).run().await?;
    eprintln!("  {}", baseline.latencies);
    anyhow::ensure!(
        baseline.missing == 0 && baseline.submit_errors == 0 && baseline.latencies.len() == BASELINE_SAMPLES,
        "the baseline console missed events ({} missing, {} tips refused): is {} still in the tips' scope?",
        baseline.missing,
        baseline.submit_errors,
        probe::OFFICER
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    let (rss_before_kb, _) = node.rss_kb()?;
    eprintln!("Server RSS before the consoles connect: {:.1} MB", rss_before_kb as f64 / 1024.0);

    eprintln!("Connecting {clients} consoles ({CONNECTING} at a time)…");
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        connected: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
        dropped: AtomicUsize::new(0),
        received: AtomicUsize::new(0),
        tip: (0..clients).map(|_| AtomicI64::new(0)).collect(),
        at_ns: (0..clients).map(|_| AtomicU64::new(0)).collect(),
    });
    let gate = Arc::new(Semaphore::new(CONNECTING));
    let mut consoles = tokio::task::JoinSet::new();
    let connecting = Instant::now();
    for i in 0..clients {
        consoles.spawn(console(i, node.address.clone(), token.clone(), gate.clone(), shared.clone()));
    }
    let mut last_progress = (0, Instant::now());
    let mut printed = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let (connected, failed) = (shared.connected.load(Ordering::Relaxed), shared.failed.load(Ordering::Relaxed));
        if connected + failed >= clients {
            break;
        }
        if connected + failed > last_progress.0 {
            last_progress = (connected + failed, Instant::now());
        } else if last_progress.1.elapsed() > Duration::from_secs(60) {
            eprintln!("  no progress for 60 s: measuring with the consoles connected so far");
            break;
        }
        if printed.elapsed() >= Duration::from_secs(2) {
            printed = Instant::now();
            eprintln!("  {connected} connected, {failed} failed ({:.0} s)", connecting.elapsed().as_secs_f64());
        }
    }
    let connect_s = connecting.elapsed().as_secs_f64();
    let connected = shared.connected.load(Ordering::Relaxed);
    eprintln!(
        "  {connected} connected in {connect_s:.1} s, {} failed, {} dropped since",
        shared.failed.load(Ordering::Relaxed),
        shared.dropped.load(Ordering::Relaxed)
    );
    anyhow::ensure!(connected > 0, "no console could connect");

    // Idle: what the server keeps per open stream, once the handshakes' garbage is gone.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rss_idle_kb, _) = node.rss_kb()?;
    let per_connection_kb = (rss_idle_kb as f64 - rss_before_kb as f64) / connected as f64;
    eprintln!(
        "Server RSS with {connected} idle consoles: {:.1} MB ({per_connection_kb:.1} KB per connection)",
        rss_idle_kb as f64 / 1024.0
    );

    eprintln!("One urgent tip…");
    let cpu_before = (node.cpu_ms()?, cpu_ms("/proc/self/stat")?);
    let tips = wire(&Request::post_json(format!("{}/api/v1/tips", node.url), &tip))?;
    let mut submitter = Connection::open(&node.address).await.context("connecting the tipster")?;
    let mut body = Vec::new();
    let (status, _) = submitter.exchange_into(&tips.bytes, Some(&mut body)).await?;
    let answered_ns = shared.epoch.elapsed().as_nanos() as i64;
    anyhow::ensure!(status == 201, "the urgent tip got {status}: {}", String::from_utf8_lossy(&body));
    let tip_id = serde_json::from_slice::<serde_json::Value>(&body)?["id"].as_i64().context("the tip's id")?;

    let deadline = Instant::now() + DELIVERY_TIMEOUT;
    loop {
        let live = connected - shared.dropped.load(Ordering::Relaxed);
        if shared.received.load(Ordering::Relaxed) >= live || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    // A last look, for consoles still reading when the loop ended.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let cpu = (node.cpu_ms()? - cpu_before.0, cpu_ms("/proc/self/stat")? - cpu_before.1);
    let (rss_after_kb, rss_peak_kb) = node.rss_kb()?;
    let mut latencies = Vec::with_capacity(connected);
    let mut other_tip = 0;
    for (tip, at) in shared.tip.iter().zip(&shared.at_ns) {
        let at = at.load(Ordering::Relaxed);
        if at == 0 {
            continue;
        }
        if tip.load(Ordering::Relaxed) != tip_id {
            other_tip += 1;
            continue;
        }
        latencies.push((at as i64 - 1 - answered_ns) / 1000);
    }
    let latencies = Latencies::new(latencies);
    let received = latencies.len();
    let dropped = shared.dropped.load(Ordering::Relaxed);
    eprintln!("  {received} of {connected} consoles received it: {latencies}");
    if other_tip > 0 || dropped > 0 {
        eprintln!("  {other_tip} consoles saw another tip first; {dropped} streams ended or broke");
    }
    eprintln!(
        "  CPU from the tip to the last console (and 100 ms after): server {} ms, this process (the consoles) {} ms",
        cpu.0, cpu.1
    );
    eprintln!(
        "  server RSS after the event {:.1} MB (peak {:.1} MB)",
        rss_after_kb as f64 / 1024.0,
        rss_peak_kb as f64 / 1024.0
    );

    consoles.abort_all();
    while consoles.join_next().await.is_some() {}
    node.stop().await;

    let (p99, base_p99) = (latencies.ms(0.99), baseline.latencies.ms(0.99));
    let ratio = if base_p99 > 0.0 { p99 / base_p99 } else { 0.0 };
    eprintln!("Ratio to baseline: p99 to {received} consoles is {ratio:.1}× the p99 to one");
    let last_s = latencies.max_ms().max(0.001) / 1000.0;
    let base_p50 = baseline.latencies.ms(0.5);
    Ok(BenchResult {
        scenario: args.scenario.clone(),
        rps: round(received as f64 / last_s),
        p50_ms: round(latencies.ms(0.5)),
        p99_ms: round(p99),
        errors: (clients - received) as u64,
        baseline_rps: round(if base_p50 > 0.0 { 1000.0 / base_p50 } else { 0.0 }),
        baseline_p50_ms: round(base_p50),
        baseline_p99_ms: round(base_p99),
        ratio: (ratio * 1000.0).round() / 1000.0,
        seconds: started.elapsed().as_secs(),
        connections: clients,
        backend: "sqlite".to_owned(),
        baseline: Some(format!(
            "the same event to 1 console ({BASELINE_SAMPLES} urgent tips, 50 ms apart), same server, same run"
        )),
        max_ms: Some(round(latencies.max_ms())),
        baseline_max_ms: Some(round(baseline.latencies.max_ms())),
        clients: Some(connected),
        received: Some(received),
        rss_mb: Some(round(rss_idle_kb as f64 / 1024.0)),
        rss_before_mb: Some(round(rss_before_kb as f64 / 1024.0)),
        rss_per_connection_kb: Some(round(per_connection_kb)),
        connect_s: Some(round(connect_s)),
        server_cpu_ms: Some(cpu.0),
        ..BenchResult::default()
    })
}

/// One console: connects (retrying), then reads its stream, noting the first `tip.submitted` event.
async fn console(i: usize, address: String, token: String, gate: Arc<Semaphore>, shared: Arc<Shared>) {
    let permit = gate.acquire_owned().await;
    let mut attempt = 0;
    let mut stream = loop {
        match SseClient::connect(&address, EVENTS, &token, None).await {
            Ok(s) => break s,
            Err(_) if attempt + 1 < ATTEMPTS => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            }
            Err(e) => {
                if shared.failed.fetch_add(1, Ordering::Relaxed) == 0 {
                    eprintln!("  a console could not connect: {e:#}");
                }
                return;
            }
        }
    };
    drop(permit);
    // Drop the address and token: the console keeps nothing it no longer needs.
    drop((address, token));
    shared.connected.fetch_add(1, Ordering::Relaxed);
    let mut noted = false;
    loop {
        match stream.next().await {
            Ok(Some(event)) if event.kind == "resync" => break,
            Ok(Some(event)) => {
                if noted {
                    continue;
                }
                if let Some(tip) = event.submitted_tip() {
                    let at = shared.epoch.elapsed().as_nanos() as u64 + 1;
                    shared.tip[i].store(tip, Ordering::Relaxed);
                    shared.at_ns[i].store(at, Ordering::Relaxed);
                    shared.received.fetch_add(1, Ordering::Relaxed);
                    noted = true;
                }
            }
            Ok(None) | Err(_) => break,
        }
    }
    shared.dropped.fetch_add(1, Ordering::Relaxed);
}

/// Raises this process's soft limit on open files to its hard limit (the server, started after, inherits
/// it), and checks that `needed` fit.
fn raise_open_files(needed: u64) -> anyhow::Result<()> {
    let soft = rlimit::increase_nofile_limit(u64::MAX).context("raising the limit on open files")?;
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE)?;
    eprintln!("Open files: soft limit {soft}, hard limit {hard}");
    anyhow::ensure!(
        soft >= needed,
        "{needed} open files are needed but the hard limit is {hard}: raise it (e.g. `ulimit -Hn`, \
         /etc/security/limits.conf) or pass a smaller --clients"
    );
    Ok(())
}
