//! Group-commit writes (what tip intake uses): ids taken before the insert, multi-row inserts of tips and
//! their events, and batch audit appends that make the same chain as single appends, on both engines.

use binhyen_domain::tip::TipEventKind;
use binhyen_domain::tip::{Priority, Protection, TipCategory, TipState};
use binhyen_domain::{AreaLevel, Edition, UnitKind};
use binhyen_store::audit::{self, NewAuditEntry};
use binhyen_store::tips::{self, NewTip, NewTipEvent};
use binhyen_store::Store;

use crate::support::{area, citizen, put_account, put_area, put_unit, unit, NOW};

/// An anonymous tip (the most common kind), numbered `n` so rows can be told apart.
fn anonymous(unit_id: i64, n: usize) -> NewTip {
    NewTip {
        category: TipCategory::Theft,
        description: format!("Trộm chó ở buôn Bling, lần {n}"),
        occurred_at_ms: None,
        happening_now: n.is_multiple_of(2),
        area_id: None,
        lat: None,
        lon: None,
        address: None,
        protection: Protection::Anonymous,
        reporter_account_id: None,
        reporter_tag: None,
        reporter_sealed: None,
        receipt_hash: Some(format!("receipt-{n}")),
        filed_by_account_id: None,
        unit_id,
        priority: if n.is_multiple_of(2) { Priority::Urgent } else { Priority::Normal },
    }
}

fn submitted(tip_id: i64, unit_id: i64) -> NewTipEvent {
    NewTipEvent {
        tip_id,
        at_ms: NOW,
        from_tipster: true,
        unit_id: Some(unit_id),
        visible_to_tipster: true,
        ..NewTipEvent::of(TipEventKind::Submitted)
    }
}

fn entry(subject_id: i64, detail: &str) -> NewAuditEntry {
    NewAuditEntry {
        at_ms: NOW,
        actor_account_id: None,
        action: "tip.submitted".to_owned(),
        subject_kind: "tip".to_owned(),
        subject_id: Some(subject_id),
        detail: detail.to_owned(),
    }
}

/// Writes `tips` the way intake does, in one transaction; returns their ids.
async fn write_batch(store: &Store, tips: Vec<NewTip>) -> Vec<i64> {
    let mut tx = store.begin().await.unwrap();
    let ids = tips::allocate_ids(&mut tx, tips.len()).await.unwrap();
    let rows: Vec<(i64, NewTip)> = ids.iter().copied().zip(tips).collect();
    tips::insert_many(&mut tx, &rows, NOW).await.unwrap();
    let events: Vec<NewTipEvent> = rows.iter().map(|(id, t)| submitted(*id, t.unit_id)).collect();
    tips::add_events(&mut tx, &events).await.unwrap();
    let entries: Vec<NewAuditEntry> = ids.iter().map(|id| entry(*id, "{}")).collect();
    audit::append_batch(&mut tx, &entries).await.unwrap();
    tx.commit().await.unwrap();
    ids
}

async fn intact(store: &Store, entries: i64) {
    let report = store.audit_chain_report().await.unwrap();
    assert_eq!((report.broken, report.intact_entries), (None, entries));
}

pub async fn batch_insert_takes_fresh_ids_and_reads_back(store: Store) {
    let commune = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24181", "Xã Ea KPam")).await;
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let reporter = put_account(&store, &citizen("+84905000001", "H'Đào Niê")).await;

    let mut tx = store.begin().await.unwrap();
    assert!(tips::allocate_ids(&mut tx, 0).await.unwrap().is_empty());
    drop(tx);

    // Located and unlocated tips in one statement (PostgreSQL's typing of NULL floats), every optional column
    // set on one of them.
    let located = NewTip {
        category: TipCategory::Drugs,
        description: "Mua bán ma túy sau chợ Ea KPam,\nbuổi tối.".to_owned(),
        occurred_at_ms: Some(NOW - 3_600_000),
        area_id: Some(commune),
        lat: Some(12.801_234_567),
        lon: Some(108.456_789_012),
        address: Some("Thôn 3, xã Ea KPam".to_owned()),
        protection: Protection::Identified,
        reporter_account_id: Some(reporter),
        reporter_tag: Some("k1:6a1f".to_owned()),
        reporter_sealed: Some("v1.sealed-identity".to_owned()),
        receipt_hash: None,
        ..anonymous(police, 1)
    };
    let batch = vec![anonymous(police, 0), located.clone(), anonymous(police, 2)];
    let ids = write_batch(&store, batch.clone()).await;
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[1] > w[0]), "distinct and increasing: {ids:?}");
    for (id, expected) in ids.iter().zip(&batch) {
        let tip = store.tip(*id).await.unwrap();
        assert_eq!(
            (&tip.description, tip.protection, tip.priority, tip.state, tip.unit_id, tip.lat, tip.lon),
            (
                &expected.description,
                expected.protection,
                expected.priority,
                TipState::New,
                police,
                expected.lat,
                expected.lon
            )
        );
        assert_eq!((tip.submitted_at_ms, tip.updated_at_ms), (NOW, NOW));
        assert_eq!(
            (tip.reporter_account_id, tip.reporter_tag.as_deref(), tip.reporter_sealed.as_deref()),
            (expected.reporter_account_id, expected.reporter_tag.as_deref(), expected.reporter_sealed.as_deref())
        );
        assert_eq!(
            (tip.area_id, tip.address.as_deref(), tip.occurred_at_ms),
            (expected.area_id, expected.address.as_deref(), expected.occurred_at_ms)
        );
        let events = store.tip_events(*id).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(
            (events[0].kind.as_str(), events[0].unit_id, events[0].from_tipster),
            ("submitted", Some(police), true)
        );
    }
    assert_eq!(store.tip_by_receipt("receipt-2").await.unwrap().map(|t| t.id), Some(ids[2]));

    // A batch rolled back leaves nothing; the ids a later batch takes never collide with a committed tip,
    // nor with one inserted the ordinary way.
    {
        let mut tx = store.begin().await.unwrap();
        let taken = tips::allocate_ids(&mut tx, 2).await.unwrap();
        let rows: Vec<(i64, NewTip)> = taken.iter().map(|id| (*id, anonymous(police, 100 + *id as usize))).collect();
        tips::insert_many(&mut tx, &rows, NOW).await.unwrap();
    }
    assert_eq!(store.count_tips().await.unwrap(), 3);
    let mut tx = store.begin().await.unwrap();
    let single = tips::insert(&mut tx, &anonymous(police, 50), NOW).await.unwrap();
    tx.commit().await.unwrap();
    let more = write_batch(&store, vec![anonymous(police, 51), anonymous(police, 52)]).await;
    let mut all: Vec<i64> = ids.iter().chain([&single]).chain(&more).copied().collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 6, "no id handed out twice");
    assert_eq!(store.count_tips().await.unwrap(), 6);
    intact(&store, 5).await;
}

pub async fn batch_insert_beyond_one_statement(store: Store) {
    // More rows than one statement may bind (32,766 values): the insert is split, all rows land.
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let n = 1_700;
    let ids = write_batch(&store, (0..n).map(|i| anonymous(police, i)).collect()).await;
    assert_eq!(ids.len(), n);
    assert_eq!(store.count_tips().await.unwrap(), n as i64);
    let last = store.tip(ids[n - 1]).await.unwrap();
    assert_eq!(last.description, format!("Trộm chó ở buôn Bling, lần {}", n - 1));
    assert_eq!(store.tip_events(ids[n - 1]).await.unwrap().len(), 1);

    // 4,000 audit entries: more than one statement's worth too.
    let mut tx = store.begin().await.unwrap();
    let entries: Vec<NewAuditEntry> = (0..4_000).map(|i| entry(i, r#"{"bulk":true}"#)).collect();
    let seqs = audit::append_batch(&mut tx, &entries).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((seqs[0], seqs[3_999]), (n as i64 + 1, n as i64 + 4_000));
    intact(&store, n as i64 + 4_000).await;
}

pub async fn batch_audit_appends_chain_like_single_appends(store: Store) {
    let single = |s: i64| entry(s, r#"{"single":true}"#);
    let mut tx = store.begin().await.unwrap();
    assert!(audit::append_batch(&mut tx, &[]).await.unwrap().is_empty(), "an empty batch appends nothing");
    tx.commit().await.unwrap();

    // A batch on an empty log starts the chain; singles and batches then interleave in one chain, and the
    // verifier (which recomputes every hash with the single-append encoding) finds it intact.
    let mut tx = store.begin().await.unwrap();
    assert_eq!(audit::append_batch(&mut tx, &[entry(1, "{}"), entry(2, "{}")]).await.unwrap(), vec![1, 2]);
    tx.commit().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    assert_eq!(audit::append(&mut tx, &single(3)).await.unwrap(), 3);
    let varied = NewAuditEntry { actor_account_id: Some(9), subject_id: None, ..entry(0, r#"{"a":"b"}"#) };
    assert_eq!(audit::append_batch(&mut tx, &[varied.clone(), entry(5, "{}")]).await.unwrap(), vec![4, 5]);
    assert_eq!(audit::append(&mut tx, &single(6)).await.unwrap(), 6);
    tx.commit().await.unwrap();
    intact(&store, 6).await;

    let stored = store.audit_entries(0, 10).await.unwrap();
    assert_eq!(stored.len(), 6);
    for pair in stored.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash, "seq {} links to seq {}", pair[1].seq, pair[0].seq);
    }
    let fourth = &stored[3];
    assert_eq!(
        (fourth.actor_account_id, fourth.subject_id, fourth.detail.as_str(), fourth.at_ms),
        (Some(9), None, r#"{"a":"b"}"#, NOW)
    );

    // A rolled-back batch leaves no gap: the next entry takes the seq the batch would have had.
    {
        let mut tx = store.begin().await.unwrap();
        assert_eq!(audit::append_batch(&mut tx, &[entry(7, "{}"), entry(8, "{}")]).await.unwrap(), vec![7, 8]);
    }
    let mut tx = store.begin().await.unwrap();
    assert_eq!(audit::append_batch(&mut tx, &[entry(7, "{}")]).await.unwrap(), vec![7]);
    tx.commit().await.unwrap();
    intact(&store, 7).await;
}

pub async fn concurrent_batch_appends_keep_one_chain(store: Store) {
    // Writers mixing batches and single appends at once: on PostgreSQL several connections really overlap
    // (the advisory lock serialises them), on SQLite the single writer connection does.
    let writers = 6;
    let rounds = 5;
    let mut tasks = Vec::new();
    for w in 0..writers {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for r in 0..rounds {
                let mut tx = store.begin().await.unwrap();
                if (w + r) % 2 == 0 {
                    let batch: Vec<NewAuditEntry> = (0..3).map(|i| entry(w * 100 + r * 10 + i, "{}")).collect();
                    audit::append_batch(&mut tx, &batch).await.unwrap();
                } else {
                    audit::append(&mut tx, &entry(w * 100 + r * 10, "{}")).await.unwrap();
                }
                tx.commit().await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // Per writer, rounds alternate between a batch of 3 and a single entry.
    let expected: i64 =
        (0..writers).map(|w| (0..rounds).map(|r| if (w + r) % 2 == 0 { 3 } else { 1 }).sum::<i64>()).sum();
    assert_eq!(store.count_audit_entries().await.unwrap(), expected);
    intact(&store, expected).await;
}
