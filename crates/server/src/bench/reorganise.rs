//! `binhyen bench reorganise`: a province-wide reorganisation on a large data set — the demo plus 200 commune
//! pages with 1,000,000 follows (`feed_data.rs`), 100,000 tips over those pages (10% still open) and a group per
//! page — merging every odd page into the even one before it (100 absorptions, one plan, one transaction).
//! Measured: the seconds from the job's start to its commit, and the p99 of public page reads
//! (`GET /api/v1/pages/{code}`) during the move beside the same reads just before it (the baseline).
//! Target: under 60 s on SQLite, reads answering throughout.

use std::time::{Duration, Instant};

use binhyen_domain::group::GroupKind;
use binhyen_domain::reorganisation::{Change, Plan};
use binhyen_domain::tip::{TipCategory, TipState};
use binhyen_store::tips::{self, NewTip};

use super::feed_data::{self, FeedData};
use super::load::{drive_mix, Request};
use super::{result, BenchArgs, BenchResult, Prepared};

/// Tips over the pages, and the share still open.
const TIPS: usize = 100_000;
const OPEN_EVERY: usize = 10;

fn tip(unit_id: i64, n: usize) -> NewTip {
    NewTip::at(unit_id, TipCategory::Theft, &format!("Tin báo thử tải số {n}: mất trộm xe máy trước cổng chợ."))
}

pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    let prepared = Prepared::new(args, binhyen_core::Policy::default()).await?;
    let (core, store) = (&prepared.core, &prepared.store);
    let base = prepared.running.url();
    let now_ms = core.now_ms();
    let err = |e: binhyen_store::StoreError| anyhow::anyhow!("{e}");

    let spec = FeedData { posts: 2_000, ..FeedData::default() };
    println!(
        "Generating {} pages, {} follows, {TIPS} tips, a group per page on {}…",
        spec.pages, spec.follows, prepared.backend
    );
    let generated = feed_data::generate(store, spec, now_ms).await?;
    let started = Instant::now();
    let author = core.accounts().account_by_phone("0388000001").await.map_err(|e| anyhow::anyhow!("{e}"))?.id;
    for chunk in (0..TIPS).collect::<Vec<_>>().chunks(10_000) {
        let mut tx = store.begin().await.map_err(err)?;
        let ids = tips::allocate_ids(&mut tx, chunk.len()).await.map_err(err)?;
        let rows: Vec<(i64, NewTip)> =
            ids.iter().zip(chunk).map(|(id, n)| (*id, tip(generated.pages[n % generated.pages.len()], *n))).collect();
        tips::insert_many(&mut tx, &rows, now_ms).await.map_err(err)?;
        for (id, _) in rows.iter().filter(|(id, _)| !(*id as usize).is_multiple_of(OPEN_EVERY)) {
            tips::set_state(&mut tx, *id, TipState::New, TipState::Resolved, now_ms).await.map_err(err)?;
        }
        tx.commit().await.map_err(err)?;
    }
    let mut tx = store.begin().await.map_err(err)?;
    for (i, page) in generated.pages.iter().enumerate() {
        let name = format!("Nhóm cầm đồ thử tải {}", i + 1);
        binhyen_store::groups::insert_group(&mut tx, *page, GroupKind::Pawnshop, &name, "", author, now_ms)
            .await
            .map_err(err)?;
    }
    tx.commit().await.map_err(err)?;
    println!("  generated in {:.1} s (+ {:.1} s tips and groups)", generated.seconds, started.elapsed().as_secs_f64());

    let units = store.all_units().await.map_err(err)?;
    let code = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.code.clone()).unwrap_or_default();
    let changes: Vec<Change> = generated
        .pages
        .chunks(2)
        .filter_map(|pair| match pair {
            [keep, gone] => Some(Change::Merge { unit: code(*gone), into: code(*keep) }),
            _ => None,
        })
        .collect();
    let merges = changes.len();
    // The pages that stay: reads keep going to them while the others move in.
    let reads: Vec<Request> = generated
        .pages
        .iter()
        .step_by(2)
        .take(20)
        .map(|id| Request::get(format!("{base}/api/v1/pages/{}", code(*id))).expect(200))
        .collect();
    let seconds = Duration::from_secs(args.seconds);
    println!(
        "Reads before the move: GET /api/v1/pages/{{code}}, {} connections for {} s…",
        args.connections, args.seconds
    );
    let before = drive_mix(reads.clone(), seconds, args.connections).await?;
    println!("  {before}");

    let plan = Plan { effective_on: core.today(), changes };
    let outcome = core.units().reorganise(None, plan, false).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let id = outcome.id.ok_or_else(|| anyhow::anyhow!("the plan recorded nothing"))?;
    println!("Applying {merges} merges while the same reads go on…");
    let applying = {
        let core = core.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let applied = core.units().apply_if_due(id).await;
            (started.elapsed(), applied)
        })
    };
    let during = drive_mix(reads, seconds, args.connections).await?;
    let (took, applied) = applying.await?;
    anyhow::ensure!(applied.map_err(|e| anyhow::anyhow!("{e}"))?, "the plan was not due");
    println!("  {during}");
    println!("  applied in {:.1} s", took.as_secs_f64());
    let followers: i64 = {
        let mut total = 0;
        for page in generated.pages.iter().step_by(2) {
            total += store.follower_count(*page).await.map_err(err)?;
        }
        total
    };
    anyhow::ensure!(
        followers as usize >= generated.follows / 2,
        "the pages that stay have {followers} followers of {} follows",
        generated.follows
    );
    let backend = prepared.backend;
    prepared.finish().await?;

    let mut out = result(args, &during, &before, backend);
    out.baseline = Some("the same page reads just before the move".to_owned());
    out.follows = Some(generated.follows);
    out.apply_s = Some((took.as_secs_f64() * 10.0).round() / 10.0);
    out.merges = Some(merges);
    println!(
        "Reads during the move: p99 {:.1} ms (before: {:.1} ms); applied in {:.1} s",
        during.p99_ms,
        before.p99_ms,
        took.as_secs_f64()
    );
    Ok(out)
}
