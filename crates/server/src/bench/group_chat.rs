//! `binhyen bench group-chat` (issue 8): a sector group of `--members` members (5,000 by default) on the demo.
//!
//! - Delivery: `--readers` members (500) hold the group's live stream (`GET /api/v1/groups/{id}/events`) open;
//!   `--samples` messages (200), one every 20 ms, are posted over HTTP by other members; for each message and
//!   each connected member, the time from the post being sent to that member reading it: p50/p99/max. Target:
//!   p99 under 200 ms. The baseline is the same messages to one connected member.
//! - Posting: `--connections` connections (32) post for `--seconds` (10), each request as another member (a
//!   member may post 20 a minute), every answer after the commit (SQLite `synchronous=FULL`): messages/s and
//!   latency, without readers connected. Target: 1,000 messages/s on SQLite. The baseline is the disk itself, as
//!   for tip-intake: one fully synced SQLite transaction per message, in a loop.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use binhyen_domain::group::{GroupId, GroupKind, MemberRole, MemberState, Membership};
use binhyen_domain::AccountKind;
use binhyen_store::accounts::{self, NewAccount};
use binhyen_store::groups;
use binhyen_store::sessions::Session;
use serde_json::json;

use super::load::{drive_spread, fetch_json, Request};
use super::sse::SseClient;
use super::{baseline, round, BenchArgs, BenchResult, Prepared};

/// The demo commander who owns the group.
const OWNER_PHONE: &str = "0388000005";

pub(super) async fn run(args: &BenchArgs) -> anyhow::Result<BenchResult> {
    let prepared = Prepared::new(args, binhyen_core::Policy::default()).await?;
    let core = &prepared.core;
    let base = prepared.running.url();
    let address = base.trim_start_matches("http://").to_owned();
    let members = args.members.max(args.readers + 50);

    println!("Creating a group of {members} members…");
    let started = Instant::now();
    let owner = core.accounts().account_by_phone(OWNER_PHONE).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let ea_kpam = core.units().unit_by_code("ca-xa-ea-kpam").await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let (group, tokens) = populate(&prepared, owner.id, ea_kpam.id, members).await?;
    println!("  in {:.1} s", started.elapsed().as_secs_f64());
    let messages_path = format!("/api/v1/groups/{group}/messages");
    // Posters from the end of the list, taking turns (a member may post 20 messages a minute).
    let posters = &tokens[members - 50.min(members - args.readers)..];

    // Delivery to one reader (baseline), then to `clients` readers.
    let baseline_lat = deliver(&address, &base, group, &tokens[..1], posters, args.samples).await?;
    println!("Baseline, one reader: {}", summary(&baseline_lat));
    println!("Connecting {} readers…", args.readers);
    let lat = deliver(&address, &base, group, &tokens[..args.readers], posters, args.samples).await?;
    println!("{} readers: {}", args.readers, summary(&lat));

    // Sustained posting, each request from another member.
    let mix: Vec<Request> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            Request::post_json(format!("{base}{messages_path}"), &json!({"body": format!("Tin nhắn thử tải {i}")}))
                .bearer(t.clone())
                .expect(201)
        })
        .collect();
    let seconds = Duration::from_secs(args.seconds);
    println!("Posting: {} connections for {} s…", args.connections, args.seconds);
    let posting = drive_spread(mix, seconds, args.connections).await?;
    println!("  {posting}");
    let file = prepared.dir.path().join("baseline.sqlite");
    let disk = tokio::task::spawn_blocking(move || baseline::single_row_transactions(&file, seconds)).await??;
    println!("Baseline, the disk: {disk}");

    let backend = prepared.backend;
    prepared.finish().await?;
    let (p50, p99, max) = percentiles(lat.clone());
    let (b50, b99, bmax) = percentiles(baseline_lat);
    Ok(BenchResult {
        scenario: args.scenario.clone(),
        rps: round(posting.rps),
        p50_ms: round(p50),
        p99_ms: round(p99),
        errors: posting.errors,
        baseline_rps: round(disk.rps),
        baseline_p50_ms: round(b50),
        baseline_p99_ms: round(b99),
        ratio: if disk.rps > 0.0 { round(posting.rps / disk.rps) } else { 0.0 },
        seconds: args.seconds,
        connections: args.connections,
        backend: backend.to_owned(),
        baseline: Some("delivery: one reader; posting: one fully synced SQLite transaction per message".into()),
        max_ms: Some(round(max)),
        baseline_max_ms: Some(round(bmax)),
        clients: Some(args.readers),
        received: Some(lat.len()),
        samples: Some(args.samples),
        members: Some(members),
        post_p50_ms: Some(round(posting.p50_ms)),
        post_p99_ms: Some(round(posting.p99_ms)),
        ..BenchResult::default()
    })
}

/// The group, its members (accounts written directly, never signed in with a password) and a bearer token
/// for each (sessions written directly).
async fn populate(
    prepared: &Prepared,
    owner: i64,
    unit: i64,
    members: usize,
) -> anyhow::Result<(GroupId, Vec<String>)> {
    let store = &prepared.store;
    let now = prepared.core.now_ms();
    let err = |e: binhyen_store::StoreError| anyhow::anyhow!("{e}");
    let mut tx = store.begin().await.map_err(err)?;
    let group =
        groups::insert_group(&mut tx, unit, GroupKind::Pawnshop, "Nhóm thử tải", "", owner, now).await.map_err(err)?;
    groups::put_member(&mut tx, group, owner, Membership::new(MemberRole::Owner, MemberState::Active), now)
        .await
        .map_err(err)?;
    let mut ids = Vec::with_capacity(members);
    for i in 0..members {
        let account = NewAccount::new(
            AccountKind::Citizen,
            format!("+84393{i:06}"),
            format!("Thành viên {}", i + 1),
            "bench-no-password".to_owned(),
        );
        let id = accounts::insert(&mut tx, &account, now).await.map_err(err).context("inserting a member")?;
        groups::put_member(&mut tx, group, id, Membership::new(MemberRole::Member, MemberState::Active), now)
            .await
            .map_err(err)?;
        ids.push(id);
    }
    tx.commit().await.map_err(err)?;
    let mut tokens = Vec::with_capacity(members);
    for (i, id) in ids.into_iter().enumerate() {
        let token = format!("bench-group-chat-{i}-{now}");
        let session = Session {
            account_id: id,
            kind: "api".into(),
            stage: "full".into(),
            created_at_ms: now,
            expires_at_ms: now + 86_400_000,
        };
        store.create_session(&binhyen_core::auth::hash_token(&token), &session).await.map_err(err)?;
        tokens.push(token);
    }
    Ok((group, tokens))
}

/// Connects a reader per token, posts `samples` messages 20 ms apart, and returns every (message, reader)
/// latency in ms from the post being sent to the reader reading it (readers often have it before the poster
/// has its answer).
async fn deliver(
    address: &str,
    base: &str,
    group: GroupId,
    readers: &[String],
    posters: &[String],
    samples: usize,
) -> anyhow::Result<Vec<f64>> {
    let path = format!("/api/v1/groups/{group}/events");
    let mut clients = Vec::with_capacity(readers.len());
    for token in readers {
        clients.push(SseClient::connect(address, &path, token, None).await?);
    }
    let sent_at: Arc<std::sync::Mutex<HashMap<i64, Instant>>> = Arc::default();
    let mut tasks = Vec::new();
    for mut client in clients {
        tasks.push(tokio::spawn(async move {
            let mut seen: Vec<(i64, Instant)> = Vec::with_capacity(samples);
            while seen.len() < samples {
                match tokio::time::timeout(Duration::from_secs(10), client.next()).await {
                    Ok(Ok(Some(event))) if event.kind == "message" => {
                        if let Some(id) = event.id {
                            seen.push((id, Instant::now()));
                        }
                    }
                    Ok(Ok(Some(_))) => {}
                    _ => break,
                }
            }
            seen
        }));
    }
    let url = format!("{base}/api/v1/groups/{group}/messages");
    for i in 0..samples {
        let at = Instant::now();
        let sent = fetch_json(
            &Request::post_json(url.clone(), &json!({"body": format!("Mẫu {i}")})).bearer(&posters[i % posters.len()]),
            201,
        )
        .await?;
        let id = sent["id"].as_i64().context("no id")?;
        sent_at.lock().unwrap_or_else(|e| e.into_inner()).insert(id, at);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut latencies = Vec::new();
    for task in tasks {
        for (id, at) in task.await? {
            let sent_at = sent_at.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(sent) = sent_at.get(&id) {
                latencies.push(at.saturating_duration_since(*sent).as_secs_f64() * 1000.0);
            }
        }
    }
    anyhow::ensure!(
        latencies.len() == readers.len() * samples,
        "{} of {} deliveries arrived",
        latencies.len(),
        readers.len() * samples
    );
    Ok(latencies)
}

fn percentiles(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms.get(((ms.len() as f64 * p) as usize).min(ms.len().saturating_sub(1))).copied().unwrap_or(0.0);
    (at(0.5), at(0.99), ms.last().copied().unwrap_or(0.0))
}

fn summary(ms: &[f64]) -> String {
    let (p50, p99, max) = percentiles(ms.to_vec());
    format!("{} deliveries, p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms", ms.len())
}
