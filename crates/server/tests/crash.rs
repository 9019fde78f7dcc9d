//! Crash safety of tip intake, with the real binary: tips are submitted from several tasks at once, the server
//! is killed with SIGKILL mid-load (no shutdown, no flush), then started again on the same data directory.
//! Every tip that was answered 201 must be there exactly as sent, and nothing may be half-written: every tip
//! has its "submitted" event and its audit entry, and the audit chain is intact. (A tip committed but not
//! yet answered when the process died may exist too; it must be whole as well.)

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use binhyen_domain::channel::ChannelKind;
use binhyen_domain::delivery::DeliveryState;
use binhyen_domain::job::JobState;
use binhyen_store::{Store, StoreError};
use process::{demo, serve, serve_with};
use serde_json::json;

#[path = "support/instant.rs"]
mod instant;
#[path = "support/process.rs"]
mod process;

/// Concurrent submitters; each stops at its first failed request (the server is gone).
const SUBMITTERS: usize = 8;
/// Answers to wait for before the kill: enough that several batches have committed and more are in flight.
const ACKNOWLEDGED_BEFORE_KILL: usize = 150;
/// A bound on each submitter's loop, in case the kill never comes.
const MAX_PER_SUBMITTER: usize = 2_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_tips_survive_sigkill_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let (db, area) = demo(data).await;

    let (mut server, url) = serve(data, &db).await;
    let acknowledged: Arc<Mutex<Vec<(i64, i64, String)>>> = Arc::default();
    let client = reqwest::Client::new();
    let mut submitters = Vec::new();
    for s in 0..SUBMITTERS {
        let (client, url, acknowledged) = (client.clone(), format!("{url}/api/v1/tips"), acknowledged.clone());
        submitters.push(tokio::spawn(async move {
            for n in 0..MAX_PER_SUBMITTER {
                // Unique per tip, so a tip stored under another's id or with another's text cannot pass.
                let description = format!("Tin báo thử khi máy chủ bị tắt đột ngột: người gửi {s}, lần {n}.");
                let body = json!({"category": "theft", "description": description, "area_id": area,
                    "protection": "anonymous"});
                let Ok(response) = client.post(&url).json(&body).send().await else { return };
                let status = response.status().as_u16();
                let Ok(answer) = response.json::<serde_json::Value>().await else { return };
                if status != 201 {
                    return;
                }
                let id = answer["id"].as_i64().expect("id");
                let unit = answer["unit_id"].as_i64().expect("unit_id");
                acknowledged.lock().unwrap().push((id, unit, description));
            }
        }));
    }
    let waited = tokio::time::timeout(Duration::from_secs(120), async {
        while acknowledged.lock().unwrap().len() < ACKNOWLEDGED_BEFORE_KILL {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    // SIGKILL on Unix: no graceful shutdown, no chance to finish what is in flight.
    server.kill().await.expect("kill the server");
    waited.expect("enough tips answered before the kill");
    for s in submitters {
        s.await.expect("submitter");
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    assert!(acknowledged.len() >= ACKNOWLEDGED_BEFORE_KILL);
    assert!(
        acknowledged.len() < SUBMITTERS * MAX_PER_SUBMITTER,
        "the kill came after every submitter had finished: nothing was in flight"
    );

    // Restarted on the same data directory, it serves and takes tips again.
    let (mut server, url) = serve(data, &db).await;
    let body = json!({"category": "other", "description": "Sau khi khởi động lại.", "area_id": area,
        "protection": "anonymous"});
    let after = client.post(format!("{url}/api/v1/tips")).json(&body).send().await.expect("submit after restart");
    assert_eq!(after.status().as_u16(), 201);
    server.kill().await.expect("stop the restarted server");

    let store = Store::connect(&db).await.expect("open the store");
    for (id, unit, description) in &acknowledged {
        let tip = store.tip(*id).await.unwrap_or_else(|e| panic!("acknowledged tip {id} is missing: {e}"));
        assert_eq!(&tip.description, description, "tip {id} is stored as sent");
        assert_eq!((tip.unit_id, tip.area_id), (*unit, Some(area)), "tip {id}");
    }
    let ids: BTreeSet<i64> = acknowledged.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(ids.len(), acknowledged.len(), "no id answered twice");

    // Nothing half-written: every stored tip (the demo's, the acknowledged ones, any committed but unanswered)
    // has its "submitted" event first and exactly one "tip.submitted" audit entry, and the chain is intact.
    let count = store.count_tips().await.expect("count");
    let mut stored = BTreeSet::new();
    let mut id = 0;
    while (stored.len() as i64) < count {
        id += 1;
        assert!(id < count + 10_000, "tips are missing from the id range");
        match store.tip(id).await {
            Ok(_) => {
                let events = store.tip_events(id).await.expect("events");
                assert_eq!(events.first().map(|e| e.kind.as_str()), Some("submitted"), "tip {id}'s timeline");
                stored.insert(id);
            }
            Err(StoreError::NotFound) => {}
            Err(e) => panic!("reading tip {id}: {e}"),
        }
    }
    assert!(ids.is_subset(&stored));
    let mut audited: HashMap<i64, usize> = HashMap::new();
    let mut after_seq = 0;
    loop {
        let page = store.audit_entries(after_seq, 1_000).await.expect("audit entries");
        let Some(last) = page.last() else { break };
        after_seq = last.seq;
        for entry in page.iter().filter(|e| e.action == "tip.submitted") {
            *audited.entry(entry.subject_id.expect("a tip's id")).or_default() += 1;
        }
    }
    assert_eq!(audited.keys().copied().collect::<BTreeSet<_>>(), stored, "one audit entry per tip, no other");
    assert!(audited.values().all(|n| *n == 1), "no tip audited twice");
    assert_eq!(store.verify_audit_chain().await.expect("verify"), None, "audit chain intact");
    eprintln!(
        "crash: {} tips answered before SIGKILL, all present; {} tips stored in all, each whole",
        acknowledged.len(),
        stored.len()
    );
    store.close().await;
}

/// Deliveries in flight when the server is killed are sent after it starts again: none is lost (a receiver may
/// see one twice, with the same idempotency key).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_in_flight_at_sigkill_are_sent_after_the_restart() {
    const TIPS: usize = 12;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path();
    let (db, area) = demo(data).await;
    // The command centre's webhook takes its time to answer: the kill comes while every delivery waits.
    let webhook = binhyen_channels::fakes::HttpFake::start().await;
    webhook.set_default(binhyen_channels::fakes::Reply::json(200, json!({})).after(Duration::from_secs(1)));
    let env = [
        ("BINHYEN_CHANNELS__WEBHOOK__URL", format!("{}/hook", webhook.url())),
        ("BINHYEN_CHANNELS__WEBHOOK__SECRET", "a-webhook-secret-of-at-least-32-characters".to_owned()),
    ];
    let (mut server, url) = serve_with(data, &db, &env).await;
    let client = reqwest::Client::new();
    for n in 0..TIPS {
        let body = json!({"category": "disorder", "description": format!("Đánh nhau ở chợ, lần {n}."),
            "happening_now": true, "area_id": area, "protection": "anonymous"});
        let answer = client.post(format!("{url}/api/v1/tips")).json(&body).send().await.expect("submit");
        assert_eq!(answer.status().as_u16(), 201);
    }
    webhook.wait_for(3, Duration::from_secs(30)).await;
    server.kill().await.expect("kill the server");
    let before: BTreeSet<String> = keys(&webhook.requests());

    let (mut server, _) = serve_with(data, &db, &env).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while keys(&webhook.requests()).len() < TIPS {
        assert!(tokio::time::Instant::now() < deadline, "deliveries lost: {:?}", keys(&webhook.requests()));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the answers arrive, then read what the server recorded.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().await.expect("stop the restarted server");
    let store = Store::connect(&db).await.expect("open the store");
    let sent = store.deliveries(Some(DeliveryState::Sent), 100).await.expect("deliveries");
    assert_eq!(
        sent.iter().filter(|d| d.channel == ChannelKind::Webhook).count(),
        TIPS,
        "every delivery recorded as sent"
    );
    assert!(store.jobs(Some(JobState::Running), 10).await.expect("jobs").is_empty());
    eprintln!("crash: {} deliveries in flight at SIGKILL, all {TIPS} sent after the restart", before.len());
    store.close().await;
}

fn keys(requests: &[binhyen_channels::fakes::RecordedRequest]) -> BTreeSet<String> {
    requests.iter().filter_map(|r| r.header("idempotency-key").map(str::to_owned)).collect()
}
