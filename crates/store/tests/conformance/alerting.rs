//! Jobs, live events, deliveries, notifications, duty and alerting policy.

use binhyen_domain::delivery::DeliveryState;
use binhyen_domain::job::{JobKind, JobState};
use binhyen_domain::notification::NotificationKind;
use binhyen_domain::tip::Priority;
use binhyen_domain::{AccountKind, Role, UnitKind};
use binhyen_store::alerting::{self, ContactChannel};
use binhyen_store::deliveries::{self, NewDelivery};
use binhyen_store::jobs::{self, NewJob};
use binhyen_store::live::{self, NewLiveEvent};
use binhyen_store::notifications::{self, NewNotification};
use binhyen_store::{Store, StoreError};

use crate::support::*;

/// Five kinds of job, told apart below.
const A: JobKind = JobKind::SlaCheck;
const B: JobKind = JobKind::NotifyOfficers;
const C: JobKind = JobKind::NotifyTipster;
const D: JobKind = JobKind::Deliver;
const E: JobKind = JobKind::AlertFanout;

fn job(kind: JobKind, key: Option<&str>, run_at_ms: i64) -> NewJob {
    NewJob { kind, payload: "{}".into(), dedupe_key: key.map(str::to_owned), run_at_ms, max_attempts: 3 }
}

async fn enqueue(store: &Store, jobs: &[NewJob]) -> u64 {
    let mut tx = store.begin().await.unwrap();
    let n = jobs::enqueue(&mut tx, jobs, NOW).await.unwrap();
    tx.commit().await.unwrap();
    n
}

pub async fn jobs_are_claimed_once_due_and_deduplicated(store: Store) {
    let queued = enqueue(&store, &[job(A, Some("k1"), NOW), job(B, None, NOW + 60_000), job(C, Some("k1"), NOW)]).await;
    assert_eq!(queued, 2, "the second job with key k1 is ignored");
    assert_eq!(enqueue(&store, &[job(D, Some("k1"), NOW)]).await, 0, "also in a later transaction");
    // A rolled-back enqueue leaves nothing.
    let mut tx = store.begin().await.unwrap();
    jobs::enqueue(&mut tx, &[job(E, Some("k2"), NOW)], NOW).await.unwrap();
    drop(tx);
    assert_eq!(store.jobs(None, 10).await.unwrap().len(), 2, "only the committed ones");

    let claimed = store.claim_jobs("w1", NOW, 1000, 10).await.unwrap();
    assert_eq!(claimed.iter().map(|j| j.kind).collect::<Vec<_>>(), [A], "only the due one");
    assert_eq!((claimed[0].attempts, claimed[0].state.as_str()), (1, "running"));
    assert!(store.claim_jobs("w2", NOW, 1000, 10).await.unwrap().is_empty(), "a held job is not claimed twice");

    // The lease runs out (its worker died): another worker takes it, and the first can no longer finish it.
    let again = store.claim_jobs("w2", NOW + 1000, 1000, 10).await.unwrap();
    assert_eq!((again[0].id, again[0].attempts), (claimed[0].id, 2));
    let mut tx = store.begin().await.unwrap();
    assert!(matches!(jobs::complete(&mut tx, &claimed[0], "w1", NOW).await, Err(StoreError::Conflict("job_lost"))));
    drop(tx);
    assert!(!store.fail_job(&claimed[0], "w1", "late", None, NOW).await.unwrap());
    let mut tx = store.begin().await.unwrap();
    jobs::complete(&mut tx, &again[0], "w2", NOW + 1500).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.job(again[0].id).await.unwrap().state.as_str(), "done");

    // Failures: retried at the given time, then dead with the reason; a dead job can be queued again.
    let b = store.claim_jobs("w1", NOW + 60_000, 1000, 10).await.unwrap().remove(0);
    assert!(store.fail_job(&b, "w1", "smtp: 451", Some(NOW + 90_000), NOW + 60_000).await.unwrap());
    assert!(store.claim_jobs("w1", NOW + 89_999, 1000, 10).await.unwrap().is_empty());
    let b = store.claim_jobs("w1", NOW + 90_000, 1000, 10).await.unwrap().remove(0);
    assert!(store.fail_job(&b, "w1", "smtp: 550", None, NOW + 90_000).await.unwrap());
    let dead = store.jobs(Some(JobState::Dead), 10).await.unwrap();
    assert_eq!((dead.len(), dead[0].last_error.as_deref(), dead[0].attempts), (1, Some("smtp: 550"), 2));
    let states: Vec<&str> = store.jobs(None, 10).await.unwrap().into_iter().map(|j| j.state.as_str()).collect();
    assert_eq!(states, ["dead", "done"], "newest first");
    assert!(store.retry_dead_job(b.id, NOW + 100_000).await.unwrap());
    assert!(!store.retry_dead_job(b.id, NOW + 100_000).await.unwrap(), "no longer dead");
    assert_eq!(store.claim_jobs("w1", NOW + 100_000, 1000, 10).await.unwrap()[0].attempts, 1);
}

pub async fn concurrent_claims_never_share_a_job(store: Store) {
    let many: Vec<NewJob> = (0..200).map(|_| job(D, None, NOW)).collect();
    enqueue(&store, &many).await;
    let mut workers = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        workers.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            loop {
                let got = store.claim_jobs(&format!("w{w}"), NOW, 60_000, 7).await.unwrap();
                if got.is_empty() {
                    return mine;
                }
                mine.extend(got.into_iter().map(|j| j.id));
            }
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!((total, all.len()), (200, 200), "every job claimed exactly once");
}

fn event(unit: i64, kind: &str) -> NewLiveEvent {
    NewLiveEvent {
        at_ms: NOW,
        kind: kind.to_owned(),
        unit_id: Some(unit),
        subject_kind: "tip",
        subject_id: Some(1),
        priority: Some("urgent".into()),
        payload: r#"{"tip_id":1}"#.into(),
    }
}

pub async fn live_events_append_in_commit_order_and_prune(store: Store) {
    assert_eq!((store.last_live_event_id().await.unwrap(), store.first_live_event_id().await.unwrap()), (0, None));
    let mut tx = store.begin().await.unwrap();
    live::append(&mut tx, &[event(7, "tip.submitted"), event(8, "tip.submitted")]).await.unwrap();
    drop(tx);
    assert_eq!(store.last_live_event_id().await.unwrap(), 0, "rolled back with its transaction");
    // Concurrent transactions: ids come out in the order the transactions committed.
    let mut handles = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        handles.push(tokio::spawn(async move {
            let mut tx = store.begin().await.unwrap();
            live::append(&mut tx, &[event(i, "tip.state_changed")]).await.unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let all = store.live_events_after(0, 100).await.unwrap();
    assert_eq!(all.len(), 8);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let first = all[0].clone();
    assert_eq!(
        (first.kind.as_str(), first.subject_kind.as_str(), first.payload.as_str()),
        ("tip.state_changed", "tip", r#"{"tip_id":1}"#)
    );
    assert_eq!(store.live_events_after(all[5].id, 100).await.unwrap().len(), 2);
    assert_eq!(store.live_events_after(0, 3).await.unwrap().len(), 3);

    let mut tx = store.begin().await.unwrap();
    live::append(&mut tx, &[NewLiveEvent { at_ms: NOW + 10_000, ..event(1, "tip.escalated") }]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.prune_live_events(NOW + 1).await.unwrap(), 8);
    let kept = store.live_events_after(0, 100).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(store.first_live_event_id().await.unwrap(), Some(kept[0].id));
    // Emptied by pruning, the table never hands out an id again: a client resuming after it would miss events.
    assert_eq!(store.prune_live_events(NOW + 20_000).await.unwrap(), 1);
    let mut tx = store.begin().await.unwrap();
    live::append(&mut tx, &[event(1, "tip.submitted")]).await.unwrap();
    tx.commit().await.unwrap();
    assert!(store.last_live_event_id().await.unwrap() > kept[0].id);
}

pub async fn deliveries_notifications_and_alerting_settings(store: Store) {
    let unit_a = put_unit(&store, &unit("ca-xa-a", UnitKind::CommunePolice, "Công an xã A")).await;
    let mut officer = citizen("+84388000111", "Y Tuấn");
    officer.kind = AccountKind::Officer;
    officer.unit_id = Some(unit_a);
    officer.role = Some(Role::Officer);
    let officer = put_account(&store, &officer).await;
    let mut commander = citizen("+84388000112", "Nguyễn Lâm");
    commander.kind = AccountKind::Officer;
    commander.unit_id = Some(unit_a);
    commander.role = Some(Role::Commander);
    let commander = put_account(&store, &commander).await;

    // Duty: nobody on duty; with commanders, the commander always.
    assert!(store.officers_to_alert(unit_a, false).await.unwrap().is_empty());
    assert_eq!(ids(&store.officers_to_alert(unit_a, true).await.unwrap(), |a| a.id), [commander]);
    store.set_on_duty(officer, true, NOW).await.unwrap();
    store.set_on_duty(officer, true, NOW + 5).await.unwrap();
    assert_eq!(store.on_duty_since(officer).await.unwrap(), Some(NOW), "going on duty twice keeps the first");
    assert_eq!(ids(&store.officers_to_alert(unit_a, false).await.unwrap(), |a| a.id), [officer]);
    store.set_on_duty(officer, false, NOW).await.unwrap();
    assert_eq!(store.on_duty_since(officer).await.unwrap(), None);

    let channels = vec![
        ContactChannel { channel: "email".parse().unwrap(), address: "ytuan@example.vn".into(), enabled: true },
        ContactChannel { channel: "sms".parse().unwrap(), address: "+84388000111".into(), enabled: false },
    ];
    store.set_contact_channels(officer, &channels).await.unwrap();
    assert_eq!(store.contact_channels(officer).await.unwrap(), channels);
    store.set_contact_channels(officer, &channels[1..]).await.unwrap();
    assert_eq!(store.contact_channels(officer).await.unwrap(), channels[1..]);

    let set_sla = |minutes: Vec<(Priority, Option<i64>)>| {
        let store = store.clone();
        async move {
            let mut tx = store.begin().await.unwrap();
            alerting::set_sla_policy(&mut tx, unit_a, &minutes).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    set_sla(vec![(Priority::Urgent, Some(3)), (Priority::High, None)]).await;
    assert_eq!(store.all_sla_policies().await.unwrap(), [(unit_a, Priority::Urgent, 3)]);
    set_sla(vec![(Priority::Urgent, None)]).await;
    assert!(store.all_sla_policies().await.unwrap().is_empty());

    let other = put_unit(&store, &unit("pcsd", UnitKind::MobilePolice, "Phòng Cảnh sát cơ động")).await;
    store.set_urgent_watch(other, unit_a, true).await.unwrap();
    store.set_urgent_watch(other, unit_a, true).await.unwrap();
    assert_eq!(store.urgent_watchers().await.unwrap(), [(other, unit_a)]);
    store.set_urgent_watch(other, unit_a, false).await.unwrap();
    assert!(store.urgent_watchers().await.unwrap().is_empty());

    // A delivery once per idempotency key; attempts recorded.
    let d = NewDelivery {
        idempotency_key: "tip:1:urgent:email".into(),
        channel: "email".parse().unwrap(),
        account_id: Some(officer),
        address: Some("ytuan@example.vn".into()),
        tip_id: None,
        subject: "Tin báo KHẨN".into(),
        body: "Mở binhyen".into(),
        link: None,
        data: "{}".into(),
        state: "queued".parse().unwrap(),
        last_error: None,
    };
    let mut tx = store.begin().await.unwrap();
    let id = deliveries::insert(&mut tx, &d, NOW).await.unwrap().expect("inserted");
    assert_eq!(deliveries::insert(&mut tx, &d, NOW).await.unwrap(), None, "same key");
    deliveries::record_attempt(&mut tx, id, DeliveryState::Retrying, Some("smtp: 451"), None, NOW + 1).await.unwrap();
    deliveries::record_attempt(&mut tx, id, DeliveryState::Sent, None, Some("<m@binhyen>"), NOW + 2).await.unwrap();
    tx.commit().await.unwrap();
    let got = store.delivery(id).await.unwrap();
    assert_eq!(
        (got.state.as_str(), got.attempts, got.last_error.as_deref(), got.provider_id.as_deref()),
        ("sent", 2, Some("smtp: 451"), Some("<m@binhyen>"))
    );
    assert_eq!(store.deliveries(Some(DeliveryState::Sent), 10).await.unwrap().len(), 1);
    assert!(store.deliveries(Some(DeliveryState::Dead), 10).await.unwrap().is_empty());

    // Notifications: newest first, paged, marked read only for their own account.
    let mut tx = store.begin().await.unwrap();
    for i in 0..3 {
        let n = NewNotification {
            account_id: officer,
            at_ms: NOW + i,
            kind: NotificationKind::TipUrgent,
            tip_id: None,
            title: format!("Tin báo {i}"),
            body: "…".into(),
            link: None,
        };
        notifications::insert(&mut tx, &n).await.unwrap();
    }
    tx.commit().await.unwrap();
    let page = store.notifications(officer, None, 2).await.unwrap();
    assert_eq!(page.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(), ["Tin báo 2", "Tin báo 1"]);
    let older = store.notifications(officer, Some(page[1].id), 2).await.unwrap();
    assert_eq!(older.len(), 1);
    assert_eq!(store.unread_notifications(officer).await.unwrap(), 3);
    assert_eq!(store.mark_notifications_read(commander, Some(page[0].id), NOW).await.unwrap(), 0, "not theirs");
    assert_eq!(store.mark_notifications_read(officer, Some(page[0].id), NOW).await.unwrap(), 1);
    assert_eq!(store.mark_notifications_read(officer, None, NOW).await.unwrap(), 2);
    assert_eq!(store.unread_notifications(officer).await.unwrap(), 0);
}

/// PostgreSQL wakes every node's listener when live events commit (and not before); SQLite has no listener.
pub async fn committed_live_events_wake_listeners(store: Store) {
    let Some(mut listener) = store.live_event_listener().await.unwrap() else {
        assert_eq!(store.backend(), binhyen_store::Backend::Sqlite);
        return;
    };
    let mut tx = store.begin().await.unwrap();
    live::append(&mut tx, &[event(1, "tip.submitted")]).await.unwrap();
    let early = tokio::time::timeout(std::time::Duration::from_millis(300), listener.recv()).await;
    assert!(early.is_err(), "nothing is announced before the commit");
    tx.commit().await.unwrap();
    let woken = tokio::time::timeout(std::time::Duration::from_secs(5), listener.recv()).await;
    assert_eq!(woken.expect("woken after the commit").unwrap().channel(), live::NOTIFY_CHANNEL);
}
