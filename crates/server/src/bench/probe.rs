//! What the alerting scenarios share: who listens, what urgent tip is sent, and the probe that measures the
//! time from a tip's answer to an officer's event.
//!
//! The probe holds one officer's event stream and, on a connection of its own, submits urgent tips at a
//! steady pace. A tip's latency is the instant the stream delivered its `tip.submitted` event minus the
//! instant the submission's HTTP answer was read in full (the moment the tipster knows the tip is in), both on
//! this process's monotonic clock. The event may come first (the answer and the broadcast leave after the
//! same commit), so a latency can be negative; it is kept as it is, not clamped. The probe runs on a thread
//! with a runtime of its own, so a background load driven from the main runtime does not queue its reads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::load::{wire, Connection, Request};
use super::sse::SseClient;

/// The officer whose stream is measured: the mobile police's duty officer (Phòng Cảnh sát cơ động), on duty
/// in the demo, whose unit watches every urgent tip of the province.
///
/// Not the officer of Công an xã Ea KPam (0388 000 006), although the demo puts them on duty too: that unit
/// was dissolved on 1 July 2025, and a tip about the former Ea KPam is routed, today, to Công an xã Cư M'gar
/// (2025), outside Ea KPam's subtree, so the Ea KPam officer's stream never carries it.
pub(super) const OFFICER: &str = "0388000003";

/// The legacy Xã Ea KPam (24280): the demo's commune, where the urgent tips are said to happen.
pub(super) const EA_KPAM: &str = "24280";

/// The SSE endpoint.
pub(super) const EVENTS: &str = "/api/v1/events";

/// An anonymous tip about something happening now (hence urgent) in `area_id`.
pub(super) fn urgent_tip(area_id: i64) -> serde_json::Value {
    serde_json::json!({
        "category": "disorder",
        "description": "Hai nhóm thanh niên mang hung khí tụ tập trước chợ, sắp đánh nhau.",
        "happening_now": true,
        "area_id": area_id,
        "protection": "anonymous",
    })
}

/// Latencies in microseconds (signed, see the module's comment), sorted for exact percentiles.
#[derive(Debug, Clone, Default)]
pub(super) struct Latencies(Vec<i64>);

impl Latencies {
    pub fn new(mut us: Vec<i64>) -> Self {
        us.sort_unstable();
        Self(us)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The `p` quantile in milliseconds (nearest rank); 0 without samples.
    pub fn ms(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let i = ((self.0.len() as f64 * p).ceil() as usize).clamp(1, self.0.len()) - 1;
        self.0[i] as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.ms(1.0)
    }
}

impl std::fmt::Display for Latencies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} samples: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.len(),
            self.ms(0.5),
            self.ms(0.99),
            self.max_ms()
        )
    }
}

/// `b - a` in microseconds, negative when `b` came first.
pub(super) fn signed_us(a: Instant, b: Instant) -> i64 {
    match b.checked_duration_since(a) {
        Some(d) => d.as_micros() as i64,
        None => -(a.duration_since(b).as_micros() as i64),
    }
}

#[derive(Debug, Clone)]
pub(super) struct Probe {
    /// `127.0.0.1:PORT`
    pub address: String,
    /// The officer's bearer token.
    pub token: String,
    /// What is submitted (anonymously) every `interval`.
    pub tip: serde_json::Value,
    pub samples: usize,
    pub interval: Duration,
}

#[derive(Debug)]
pub(super) struct ProbeReport {
    /// Answer → event, for tips whose event arrived.
    pub latencies: Latencies,
    /// Send → answer, for every tip answered 201.
    pub submit: Latencies,
    /// Tips answered 201 whose event never arrived (within 10 s of the last submission).
    pub missing: usize,
    /// Submissions not answered 201.
    pub submit_errors: usize,
    /// Times the server told the stream to resynchronise (it fell behind) and the probe reconnected.
    pub resyncs: u64,
    /// Times the stream ended or broke otherwise, and the probe reconnected with `Last-Event-ID`.
    pub reconnects: u64,
    /// `tip.submitted` events read, the probe's and any others.
    pub events: u64,
}

/// How long, after the last submission, events are still waited for.
const GRACE: Duration = Duration::from_secs(10);

impl Probe {
    /// Runs the probe on a thread of its own (see the module's comment).
    pub async fn run(self) -> anyhow::Result<ProbeReport> {
        tokio::task::spawn_blocking(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(self.on_this_thread())
        })
        .await
        .context("the probe's thread")?
    }

    async fn on_this_thread(self) -> anyhow::Result<ProbeReport> {
        let seen: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
        let counters: Arc<[AtomicU64; 3]> = Arc::default();
        // Subscribed once the answer's head is read: nothing submitted after this can be missed.
        let stream =
            SseClient::connect(&self.address, EVENTS, &self.token, None).await.context("the officer's event stream")?;
        let watcher =
            tokio::spawn(watch(stream, self.address.clone(), self.token.clone(), seen.clone(), counters.clone()));

        let tips = Request::post_json(format!("http://{}/api/v1/tips", self.address), &self.tip);
        let tips = wire(&tips)?;
        let mut connection = Connection::open(&self.address).await?;
        let mut answered: Vec<(i64, Instant)> = Vec::with_capacity(self.samples);
        let mut submit = Vec::with_capacity(self.samples);
        let mut submit_errors = 0;
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for _ in 0..self.samples {
            ticker.tick().await;
            let mut body = Vec::with_capacity(512);
            let sent = Instant::now();
            let outcome = connection.exchange_into(&tips.bytes, Some(&mut body)).await;
            let at = Instant::now();
            let id = match &outcome {
                Ok((201, _)) => serde_json::from_slice::<serde_json::Value>(&body).ok().and_then(|v| v["id"].as_i64()),
                _ => None,
            };
            match id {
                Some(id) => {
                    answered.push((id, at));
                    submit.push(signed_us(sent, at));
                }
                None => {
                    if submit_errors == 0 {
                        let why = match &outcome {
                            Ok((status, _)) => format!("status {status}: {}", String::from_utf8_lossy(&body)),
                            Err(e) => e.to_string(),
                        };
                        eprintln!("  an urgent tip was not accepted ({why})");
                    }
                    submit_errors += 1;
                }
            }
            if !matches!(outcome, Ok((_, true))) {
                connection = Connection::open(&self.address).await?;
            }
        }

        let deadline = Instant::now() + GRACE;
        let all_seen = || {
            let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
            answered.iter().all(|(id, _)| seen.contains_key(id))
        };
        while !all_seen() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        watcher.abort();

        let seen = seen.lock().unwrap_or_else(|e| e.into_inner());
        let latencies: Vec<i64> =
            answered.iter().filter_map(|(id, at)| seen.get(id).map(|event| signed_us(*at, *event))).collect();
        Ok(ProbeReport {
            missing: answered.len() - latencies.len(),
            latencies: Latencies::new(latencies),
            submit: Latencies::new(submit),
            submit_errors,
            resyncs: counters[0].load(Ordering::Relaxed),
            reconnects: counters[1].load(Ordering::Relaxed),
            events: counters[2].load(Ordering::Relaxed),
        })
    }
}

/// Reads the officer's stream, noting when each `tip.submitted` event arrived, until aborted. After a
/// `resync` it reconnects afresh, as a console that reloads would (what was missed is not replayed, and the
/// probe's tips among it count as missing); after any other end, with `Last-Event-ID`.
async fn watch(
    mut stream: SseClient,
    address: String,
    token: String,
    seen: Arc<Mutex<HashMap<i64, Instant>>>,
    counters: Arc<[AtomicU64; 3]>,
) {
    let mut last_id = None;
    loop {
        let resume = match stream.next().await {
            Ok(Some(event)) => {
                if let Some(tip) = event.submitted_tip() {
                    let at = Instant::now();
                    seen.lock().unwrap_or_else(|e| e.into_inner()).entry(tip).or_insert(at);
                    counters[2].fetch_add(1, Ordering::Relaxed);
                }
                if event.kind != "resync" {
                    last_id = event.id.or(last_id);
                    continue;
                }
                counters[0].fetch_add(1, Ordering::Relaxed);
                None
            }
            Ok(None) | Err(_) => {
                counters[1].fetch_add(1, Ordering::Relaxed);
                last_id
            }
        };
        stream = loop {
            match SseClient::connect(&address, EVENTS, &token, resume).await {
                Ok(s) => break s,
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        };
    }
}
