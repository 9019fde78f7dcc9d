//! `binhyen bench search`: search on the demo plus `--docs` generated documents (1,000,000 by default) of
//! realistic Vietnamese (`search_data.rs`, from the vocabulary and templates in `bench/search/`), among them the
//! planted documents of a hand-written query set with the expected answers.
//!
//! - Speed: every query of the set, `ROUNDS` times in turn, over HTTP (`GET /api/v1/search`, one connection):
//!   p50/p95/p99. Target: p95 under 30 ms on SQLite. The baseline is the same queries on the baseline below,
//!   asked of its store directly (no HTTP), so the ratio `p95_ms / baseline_p95_ms` is conservative.
//! - Relevance: MRR and nDCG@10 of the top ten, for binhyen and, in the same run over the same documents, for a
//!   plain FTS5 table (`unicode61 remove_diacritics 2`, bm25, the words as typed), kept in a SQLite file of its
//!   own (`store::search_baseline`). Also per style of typing; target: better than the baseline overall and no
//!   worse on queries typed with full tone marks.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use anyhow::Context;
use binhyen_store::search::{self, NewDoc, Source};
use binhyen_store::{search_baseline, Store};

use super::load::{fetch_json, Request};
use super::search_data::{self, GenDoc, Query};
use super::{round, BenchArgs, BenchResult, Prepared};

/// Times the query set is asked for the latency figures.
const ROUNDS: usize = 10;
/// Generated documents' ids start here, clear of the demo's posts.
const FIRST_ID: i64 = 10_000_000;
/// Documents written per transaction.
const PER_TX: usize = 10_000;

pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    let prepared = Prepared::new(args, binhyen_core::Policy::default()).await?;
    let base = prepared.running.url();
    let baseline = Store::connect(&format!("sqlite:{}", prepared.dir.path().join("baseline.sqlite").display()))
        .await
        .context("opening the baseline's database")?;
    baseline.create_search_baseline().await?;

    println!("Generating {} documents on {} (and the baseline's copy)…", args.docs, prepared.backend);
    let started = Instant::now();
    let keys = generate(&prepared.store, &baseline, args.docs).await?;
    let generate_s = started.elapsed().as_secs_f64();
    println!("  {} documents in {generate_s:.1} s", prepared.store.search_doc_count().await?);

    let queries = search_data::queries();
    println!("Relevance: {} queries…", queries.len());
    let mut ours: Vec<Vec<Option<String>>> = Vec::new();
    let mut theirs: Vec<Vec<Option<String>>> = Vec::new();
    for q in &queries {
        ours.push(binhyen_top10(&base, q, &keys).await?);
        let ids = baseline.search_baseline(&q.text, 10).await?;
        theirs.push(ids.iter().map(|id| keys.get(id).cloned()).collect());
    }
    let relevance = Relevance::of(&queries, &ours, &theirs);
    relevance.print();

    println!("Speed: {} queries × {ROUNDS}, one connection…", queries.len());
    let mut ours_ms = Vec::new();
    let mut theirs_ms = Vec::new();
    for _ in 0..ROUNDS {
        for q in &queries {
            let started = Instant::now();
            binhyen_top10(&base, q, &keys).await?;
            ours_ms.push(started.elapsed().as_secs_f64() * 1000.0);
            let started = Instant::now();
            baseline.search_baseline(&q.text, 10).await?;
            theirs_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    let (p50, p95, p99) = percentiles(&mut ours_ms);
    let (b50, b95, b99) = percentiles(&mut theirs_ms);
    println!("  binhyen  p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms");
    println!("  baseline p50 {b50:.2} ms, p95 {b95:.2} ms, p99 {b99:.2} ms");

    let backend = prepared.backend;
    baseline.close().await;
    prepared.finish().await?;
    Ok(BenchResult {
        scenario: args.scenario.clone(),
        p50_ms: round(p50),
        p99_ms: round(p99),
        baseline_p50_ms: round(b50),
        baseline_p99_ms: round(b99),
        ratio: if b95 > 0.0 { round(p95 / b95) } else { 0.0 },
        connections: 1,
        backend: backend.to_owned(),
        baseline: Some("plain FTS5 unicode61 remove_diacritics 2, bm25, store called directly".into()),
        p95_ms: Some(round(p95)),
        baseline_p95_ms: Some(round(b95)),
        mrr: Some(round3(relevance.mrr.0)),
        ndcg10: Some(round3(relevance.ndcg.0)),
        baseline_mrr: Some(round3(relevance.mrr.1)),
        baseline_ndcg10: Some(round3(relevance.ndcg.1)),
        full_marks_mrr: relevance.by_style.get("full").map(|s| round3(s.mrr.0)),
        baseline_full_marks_mrr: relevance.by_style.get("full").map(|s| round3(s.mrr.1)),
        docs: Some(args.docs),
        queries: Some(queries.len()),
        generate_s: Some(round(generate_s)),
        ..BenchResult::default()
    })
}

/// binhyen's ten best for `q`, as the keys of planted documents (None for any other).
async fn binhyen_top10(base: &str, q: &Query, keys: &HashMap<i64, String>) -> anyhow::Result<Vec<Option<String>>> {
    let url = search_url(base, &q.text);
    let page = fetch_json(&Request::get(url), 200).await?;
    let results = page["results"].as_array().cloned().unwrap_or_default();
    Ok(results
        .iter()
        .map(|r| match (r["kind"].as_str(), r["id"].as_i64()) {
            (Some("post"), Some(id)) => keys.get(&id).cloned(),
            _ => None,
        })
        .collect())
}

fn search_url(base: &str, q: &str) -> String {
    let query = serde_urlencoded::to_string([("q", q), ("per_page", "10")]).unwrap_or_default();
    format!("{base}/api/v1/search?{query}")
}

/// Writes the documents to the index and to the baseline; returns the planted ones' keys by id. Words are
/// computed on a thread of their own while the writes run.
async fn generate(store: &Store, baseline: &Store, n: usize) -> anyhow::Result<HashMap<i64, String>> {
    let (send, mut receive) = tokio::sync::mpsc::channel::<Vec<(GenDoc, NewDoc)>>(4);
    let producer = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(PER_TX);
        for (i, doc) in search_data::documents(n, 42).enumerate() {
            let source = Source {
                ref_id: FIRST_ID + i as i64,
                unit_id: None,
                title: doc.title.clone(),
                body: doc.body.clone(),
                at_ms: doc.at_ms,
                hidden: false,
            };
            batch.push((doc, binhyen_core::search::document(source, "post", false)));
            if batch.len() == PER_TX && send.blocking_send(std::mem::take(&mut batch)).is_err() {
                return;
            }
        }
        if !batch.is_empty() {
            let _ = send.blocking_send(batch);
        }
    });
    let mut keys = HashMap::new();
    let mut written = 0;
    while let Some(batch) = receive.recv().await {
        let mut tx = store.begin().await?;
        let docs: Vec<NewDoc> = batch.iter().map(|(_, d)| d.clone()).collect();
        search::insert_docs(&mut tx, &docs).await?;
        tx.commit().await?;
        let mut tx = baseline.begin().await?;
        let rows: Vec<(i64, &str, &str)> =
            batch.iter().map(|(g, d)| (d.ref_id, g.title.as_str(), g.body.as_str())).collect();
        search_baseline::insert_baseline(&mut tx, &rows).await?;
        tx.commit().await?;
        for (g, d) in batch {
            if let Some(key) = g.key {
                keys.insert(d.ref_id, key);
            }
        }
        written += docs.len();
        if written % 100_000 < PER_TX {
            println!("  {written}…");
        }
    }
    producer.join().map_err(|_| anyhow::anyhow!("the document generator panicked"))?;
    Ok(keys)
}

/// (binhyen, baseline) pairs.
#[derive(Default, Clone, Copy)]
struct Pair {
    mrr: (f64, f64),
    ndcg: (f64, f64),
    n: usize,
}

struct Relevance {
    mrr: (f64, f64),
    ndcg: (f64, f64),
    by_style: BTreeMap<String, Pair>,
}

impl Relevance {
    fn of(queries: &[Query], ours: &[Vec<Option<String>>], theirs: &[Vec<Option<String>>]) -> Self {
        let mut all = Pair::default();
        let mut by_style: BTreeMap<String, Pair> = BTreeMap::new();
        for ((q, a), b) in queries.iter().zip(ours).zip(theirs) {
            let rr = (search_data::reciprocal_rank(a, &q.relevant), search_data::reciprocal_rank(b, &q.relevant));
            let nd = (search_data::ndcg_at_10(a, &q.relevant), search_data::ndcg_at_10(b, &q.relevant));
            for p in [&mut all, by_style.entry(q.style.clone()).or_default()] {
                p.mrr = (p.mrr.0 + rr.0, p.mrr.1 + rr.1);
                p.ndcg = (p.ndcg.0 + nd.0, p.ndcg.1 + nd.1);
                p.n += 1;
            }
        }
        let mean = |p: &Pair| {
            let n = p.n.max(1) as f64;
            Pair { mrr: (p.mrr.0 / n, p.mrr.1 / n), ndcg: (p.ndcg.0 / n, p.ndcg.1 / n), n: p.n }
        };
        let all = mean(&all);
        Self { mrr: all.mrr, ndcg: all.ndcg, by_style: by_style.iter().map(|(s, p)| (s.clone(), mean(p))).collect() }
    }

    fn print(&self) {
        println!("  {:<12} {:>8} {:>8} {:>8} {:>8}", "style", "MRR", "base", "nDCG@10", "base");
        for (style, p) in &self.by_style {
            println!(
                "  {style:<12} {:>8.3} {:>8.3} {:>8.3} {:>8.3}  ({} queries)",
                p.mrr.0, p.mrr.1, p.ndcg.0, p.ndcg.1, p.n
            );
        }
        println!("  {:<12} {:>8.3} {:>8.3} {:>8.3} {:>8.3}", "all", self.mrr.0, self.mrr.1, self.ndcg.0, self.ndcg.1);
    }
}

fn percentiles(ms: &mut [f64]) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms.get(((ms.len() as f64 * p) as usize).min(ms.len().saturating_sub(1))).copied().unwrap_or(0.0);
    (at(0.50), at(0.95), at(0.99))
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
