//! Tips: insert and read-back, the protection CHECK rules, guarded state moves, the officer's inbox, the
//! timeline, reporter lookups and re-tagging, attachments, unseal requests and nearby communes.

use binhyen_domain::tip::TipEventKind;
use binhyen_domain::tip::{Priority, Protection, TipCategory, TipState, Verdict};
use binhyen_domain::{AccountKind, AreaLevel, Edition, Role, UnitKind};
use binhyen_store::accounts::NewAccount;
use binhyen_store::areas::NewArea;
use binhyen_store::tips::{self, Attachment, NewTip, NewTipEvent, Outcome, Tip, TipEvent, TipFilter, UnsealRequest};
use binhyen_store::units::NewUnit;
use binhyen_store::{Store, StoreError};
use time::macros::date;

use crate::support::{area, citizen, ids, put_account, put_area, put_unit, unit, MISSING, NOW};

fn officer(phone: &str, name: &str, unit_id: i64) -> NewAccount {
    NewAccount { kind: AccountKind::Officer, unit_id: Some(unit_id), role: Some(Role::Officer), ..citizen(phone, name) }
}

/// A confidential tip with no reporter columns, which every CHECK accepts; cases set what they test.
fn new_tip(unit_id: i64) -> NewTip {
    NewTip {
        category: TipCategory::Other,
        description: "Có người lạ tụ tập".to_owned(),
        occurred_at_ms: None,
        happening_now: false,
        area_id: None,
        lat: None,
        lon: None,
        address: None,
        protection: Protection::Confidential,
        reporter_account_id: None,
        reporter_tag: None,
        reporter_sealed: None,
        receipt_hash: None,
        filed_by_account_id: None,
        unit_id,
        priority: Priority::Normal,
    }
}

/// Inserts a tip submitted at `at_ms`, in a transaction of its own.
async fn put_tip(store: &Store, tip: &NewTip, at_ms: i64) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = tips::insert(&mut tx, tip, at_ms).await.unwrap();
    tx.commit().await.unwrap();
    id
}

async fn move_tip(store: &Store, id: i64, from: TipState, to: TipState, at_ms: i64) {
    let mut tx = store.begin().await.unwrap();
    tips::set_state(&mut tx, id, from, to, at_ms).await.unwrap();
    tx.commit().await.unwrap();
}

/// The inbox of `root` with no filter; the default limit of 0 would show nothing.
fn inbox(root: i64) -> TipFilter {
    TipFilter { root_unit_id: root, limit: 100, ..TipFilter::default() }
}

async fn listed(store: &Store, filter: &TipFilter) -> Vec<i64> {
    ids(&store.list_tips(filter).await.unwrap(), |t| t.id)
}

pub async fn tip_insert_read_back_and_receipt_lookup(store: Store) {
    let commune = put_area(&store, &area(Edition::Current2025, AreaLevel::Commune, "24181", "Xã Ea KPam")).await;
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let reporter = put_account(&store, &citizen("+84905000001", "H'Đào Niê")).await;
    let desk = put_account(&store, &officer("+84905000002", "Trần Văn Bình", police)).await;

    let full = NewTip {
        category: TipCategory::Drugs,
        description: "Mua bán ma túy sau chợ Ea KPam,\nbuổi tối.".to_owned(),
        occurred_at_ms: Some(NOW - 3_600_000),
        happening_now: true,
        area_id: Some(commune),
        lat: Some(12.801_234_567),
        lon: Some(108.456_789_012),
        address: Some("Thôn 3, xã Ea KPam".to_owned()),
        protection: Protection::Identified,
        reporter_account_id: Some(reporter),
        reporter_tag: Some("k1:6a1f".to_owned()),
        reporter_sealed: Some("v1.sealed-identity".to_owned()),
        receipt_hash: Some("receipt-hash-full".to_owned()),
        filed_by_account_id: Some(desk),
        unit_id: police,
        priority: Priority::Urgent,
    };
    let bare = NewTip {
        protection: Protection::Anonymous,
        receipt_hash: Some("receipt-hash-bare".to_owned()),
        ..new_tip(police)
    };
    // One transaction, so one connection and one cached statement. sqlx's `Any` driver binds a NULL f64 as a
    // PostgreSQL float4: a statement first prepared for an unlocated tip would then refuse the next located
    // one. Unlocated, located, unlocated again: both orders, and the NULL is stored as NULL, not as 0.
    let mut tx = store.begin().await.unwrap();
    let bare_id = tips::insert(&mut tx, &bare, NOW + 1).await.unwrap();
    let full_id = tips::insert(&mut tx, &full, NOW).await.unwrap();
    let unlocated = NewTip { lat: None, lon: None, receipt_hash: None, ..full.clone() };
    let again_id = tips::insert(&mut tx, &unlocated, NOW + 2).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.count_tips().await.unwrap(), 3);

    let expected_full = Tip {
        id: full_id,
        category: TipCategory::Drugs,
        description: full.description.clone(),
        occurred_at_ms: Some(NOW - 3_600_000),
        happening_now: true,
        area_id: Some(commune),
        lat: Some(12.801_234_567),
        lon: Some(108.456_789_012),
        address: Some("Thôn 3, xã Ea KPam".to_owned()),
        protection: Protection::Identified,
        reporter_account_id: Some(reporter),
        reporter_tag: Some("k1:6a1f".to_owned()),
        reporter_sealed: Some("v1.sealed-identity".to_owned()),
        filed_by_account_id: Some(desk),
        unit_id: police,
        state: TipState::New,
        priority: Priority::Urgent,
        assignee_id: None,
        outcome: None,
        submitted_at_ms: NOW,
        updated_at_ms: NOW,
    };
    assert_eq!(store.tip(full_id).await.unwrap(), expected_full);
    assert_eq!(
        store.tip(bare_id).await.unwrap(),
        Tip {
            id: bare_id,
            category: TipCategory::Other,
            description: "Có người lạ tụ tập".to_owned(),
            occurred_at_ms: None,
            happening_now: false,
            area_id: None,
            lat: None,
            lon: None,
            address: None,
            protection: Protection::Anonymous,
            reporter_account_id: None,
            reporter_tag: None,
            reporter_sealed: None,
            filed_by_account_id: None,
            unit_id: police,
            state: TipState::New,
            priority: Priority::Normal,
            assignee_id: None,
            outcome: None,
            submitted_at_ms: NOW + 1,
            updated_at_ms: NOW + 1,
        }
    );
    let again = store.tip(again_id).await.unwrap();
    assert_eq!((again.lat, again.lon, again.area_id), (None, None, Some(commune)));
    assert!(matches!(store.tip(MISSING).await, Err(StoreError::NotFound)));

    // Re-sealing (key rotation) replaces the sealed identity and touches nothing else.
    let mut tx = store.begin().await.unwrap();
    tips::set_reporter_sealed(&mut tx, full_id, "v2.sealed-identity").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store.tip(full_id).await.unwrap(),
        Tip { reporter_sealed: Some("v2.sealed-identity".to_owned()), ..expected_full.clone() }
    );

    // A receipt finds its tip by the stored hash only: not by another column's value, not by a prefix, not
    // when no tip has it.
    assert_eq!(store.tip_by_receipt("receipt-hash-bare").await.unwrap().map(|t| t.id), Some(bare_id));
    assert_eq!(store.tip_by_receipt("receipt-hash-full").await.unwrap().map(|t| t.id), Some(full_id));
    assert_eq!(
        store.tip_by_receipt("receipt-hash-full").await.unwrap().unwrap().reporter_tag,
        expected_full.reporter_tag
    );
    for not_a_receipt in ["receipt-hash", "RECEIPT-HASH-BARE", "k1:6a1f", "v2.sealed-identity", ""] {
        assert!(store.tip_by_receipt(not_a_receipt).await.unwrap().is_none(), "{not_a_receipt:?}");
    }
}

pub async fn tip_protection_checks_refuse_and_write_nothing(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let reporter = put_account(&store, &citizen("+84905000001", "H'Đào Niê")).await;
    let anonymous =
        NewTip { protection: Protection::Anonymous, receipt_hash: Some("receipt-hash".to_owned()), ..new_tip(police) };
    let refused = [
        ("anonymous with an account", NewTip { reporter_account_id: Some(reporter), ..anonymous.clone() }),
        ("anonymous without a receipt", NewTip { receipt_hash: None, ..anonymous.clone() }),
        (
            "anonymous with a sealed identity",
            NewTip { reporter_sealed: Some("sealed".to_owned()), ..anonymous.clone() },
        ),
        ("confidential with an account", NewTip { reporter_account_id: Some(reporter), ..new_tip(police) }),
    ];
    for (what, tip) in &refused {
        // One transaction each: on PostgreSQL a failed statement poisons the rest of its transaction. A good
        // tip first shows that the refusal takes the whole transaction down with it.
        let mut tx = store.begin().await.unwrap();
        tips::insert(&mut tx, &new_tip(police), NOW).await.unwrap();
        let result = tips::insert(&mut tx, tip, NOW).await;
        assert!(matches!(result, Err(StoreError::Database(_))), "{what}: got {result:?}");
    }
    assert_eq!(store.count_tips().await.unwrap(), 0);
    assert!(store.tip_by_receipt("receipt-hash").await.unwrap().is_none());

    // The permitted shapes of each protection level are accepted.
    let accepted = [
        anonymous.clone(),
        NewTip {
            reporter_tag: Some("k1:aa".to_owned()),
            reporter_sealed: Some("sealed".to_owned()),
            ..new_tip(police)
        },
        NewTip { protection: Protection::Identified, reporter_account_id: Some(reporter), ..new_tip(police) },
    ];
    for tip in &accepted {
        put_tip(&store, tip, NOW).await;
    }
    assert_eq!(store.count_tips().await.unwrap(), 3);
}

pub async fn tip_state_moves_only_from_expected_state(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let id = put_tip(&store, &new_tip(police), NOW).await;
    let other = put_tip(&store, &new_tip(police), NOW).await;

    move_tip(&store, id, TipState::New, TipState::Acknowledged, NOW + 10).await;
    let tip = store.tip(id).await.unwrap();
    assert_eq!((tip.state, tip.submitted_at_ms, tip.updated_at_ms), (TipState::Acknowledged, NOW, NOW + 10));

    // A second officer acting on the state they saw loses: the tip has moved on and stays where it is.
    let mut tx = store.begin().await.unwrap();
    let late = tips::set_state(&mut tx, id, TipState::New, TipState::Resolved, NOW + 20).await;
    assert!(matches!(late, Err(StoreError::Conflict("tip_changed"))), "got {late:?}");
    // Not a database error, so the transaction is still usable on PostgreSQL: the right move goes through.
    tips::set_state(&mut tx, id, TipState::Acknowledged, TipState::Verifying, NOW + 30).await.unwrap();
    tx.commit().await.unwrap();
    let tip = store.tip(id).await.unwrap();
    assert_eq!((tip.state, tip.updated_at_ms), (TipState::Verifying, NOW + 30));

    let mut tx = store.begin().await.unwrap();
    let again = tips::set_state(&mut tx, id, TipState::Acknowledged, TipState::Verifying, NOW + 40).await;
    assert!(matches!(again, Err(StoreError::Conflict("tip_changed"))), "got {again:?}");
    let missing = tips::set_state(&mut tx, MISSING, TipState::New, TipState::Acknowledged, NOW + 40).await;
    assert!(matches!(missing, Err(StoreError::Conflict("tip_changed"))), "got {missing:?}");
    drop(tx);
    assert_eq!(store.tip(id).await.unwrap().updated_at_ms, NOW + 30);
    // The other tip was never touched.
    let untouched = store.tip(other).await.unwrap();
    assert_eq!((untouched.state, untouched.updated_at_ms), (TipState::New, NOW));
}

pub async fn list_tips_scopes_filters_orders_and_pages(store: Store) {
    let province = put_unit(&store, &unit("CA-DLK", UnitKind::ProvincePolice, "Công an tỉnh Đắk Lắk")).await;
    let district = put_unit(
        &store,
        &NewUnit {
            parent_id: Some(province), ..unit("CA-CMG", UnitKind::DistrictPolice, "Công an huyện Cư M'gar")
        },
    )
    .await;
    let commune = put_unit(
        &store,
        &NewUnit { parent_id: Some(district), ..unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam") },
    )
    .await;
    let elsewhere = put_unit(&store, &unit("CA-KH", UnitKind::ProvincePolice, "Công an tỉnh Khánh Hòa")).await;
    let binh = put_account(&store, &officer("+84905000001", "Trần Văn Bình", commune)).await;
    let an = put_account(&store, &officer("+84905000002", "Nguyễn Thị An", commune)).await;

    let tip = |unit_id, category, priority| NewTip { category, priority, ..new_tip(unit_id) };
    // Submitted out of id order, so "newest first" cannot pass by sorting on id.
    let urgent_old = put_tip(&store, &tip(district, TipCategory::Theft, Priority::Urgent), NOW + 500).await;
    let theft = put_tip(&store, &tip(district, TipCategory::Theft, Priority::Normal), NOW + 1_000).await;
    // Same second as `theft`: the id breaks the tie, so pages never overlap.
    let twin = put_tip(&store, &tip(commune, TipCategory::Gambling, Priority::Normal), NOW + 1_000).await;
    let drugs_high = put_tip(&store, &tip(commune, TipCategory::Drugs, Priority::High), NOW + 2_000).await;
    let urgent_new = put_tip(&store, &tip(commune, TipCategory::Drugs, Priority::Urgent), NOW + 3_000).await;
    let urgent_done = put_tip(&store, &tip(district, TipCategory::Fraud, Priority::Urgent), NOW + 4_000).await;
    let newest = put_tip(&store, &tip(commune, TipCategory::Theft, Priority::Normal), NOW + 5_000).await;
    let above = put_tip(&store, &tip(province, TipCategory::Theft, Priority::Urgent), NOW + 2_500).await;
    let other = put_tip(&store, &tip(elsewhere, TipCategory::Theft, Priority::Urgent), NOW + 3_500).await;

    move_tip(&store, drugs_high, TipState::New, TipState::Acknowledged, NOW + 6_000).await;
    move_tip(&store, urgent_done, TipState::New, TipState::Resolved, NOW + 6_000).await;
    let mut tx = store.begin().await.unwrap();
    tips::set_assignee(&mut tx, drugs_high, Some(binh), NOW + 6_000).await.unwrap();
    tips::set_assignee(&mut tx, newest, Some(an), NOW + 6_000).await.unwrap();
    tx.commit().await.unwrap();

    // The district's own tips and its commune's, never the province above or the other province. Urgent
    // open tips first; a resolved urgent tip sorts with the rest.
    let all = [urgent_new, urgent_old, newest, urgent_done, drugs_high, twin, theft];
    assert_eq!(listed(&store, &inbox(district)).await, all);
    assert_eq!(
        listed(&store, &TipFilter { oldest_first: true, ..inbox(district) }).await,
        [urgent_old, urgent_new, theft, twin, drugs_high, urgent_done, newest]
    );
    assert_eq!(listed(&store, &inbox(commune)).await, [urgent_new, newest, drugs_high, twin]);
    assert_eq!(
        listed(&store, &inbox(province)).await,
        [urgent_new, above, urgent_old, newest, urgent_done, drugs_high, twin, theft]
    );
    assert_eq!(listed(&store, &inbox(elsewhere)).await, [other]);
    assert!(listed(&store, &inbox(MISSING)).await.is_empty());

    // Each filter narrows the same list.
    let d = inbox(district);
    assert_eq!(
        listed(&store, &TipFilter { state: Some(TipState::New), ..d.clone() }).await,
        [urgent_new, urgent_old, newest, twin, theft]
    );
    assert_eq!(listed(&store, &TipFilter { state: Some(TipState::Resolved), ..d.clone() }).await, [urgent_done]);
    assert!(listed(&store, &TipFilter { state: Some(TipState::Reopened), ..d.clone() }).await.is_empty());
    assert_eq!(
        listed(&store, &TipFilter { category: Some(TipCategory::Drugs), ..d.clone() }).await,
        [urgent_new, drugs_high]
    );
    assert_eq!(
        listed(&store, &TipFilter { category: Some(TipCategory::Theft), ..d.clone() }).await,
        [urgent_old, newest, theft]
    );
    assert_eq!(
        listed(&store, &TipFilter { priority: Some(Priority::Urgent), ..d.clone() }).await,
        [urgent_new, urgent_old, urgent_done]
    );
    assert_eq!(listed(&store, &TipFilter { priority: Some(Priority::High), ..d.clone() }).await, [drugs_high]);
    assert_eq!(listed(&store, &TipFilter { assignee_id: Some(binh), ..d.clone() }).await, [drugs_high]);
    assert_eq!(listed(&store, &TipFilter { assignee_id: Some(an), ..d.clone() }).await, [newest]);
    // `from` is inclusive and `until` exclusive: a tip on the boundary is in exactly one of two halves.
    assert_eq!(
        listed(&store, &TipFilter { from_ms: Some(NOW + 1_000), ..d.clone() }).await,
        [urgent_new, newest, urgent_done, drugs_high, twin, theft]
    );
    assert_eq!(listed(&store, &TipFilter { until_ms: Some(NOW + 1_000), ..d.clone() }).await, [urgent_old]);
    assert_eq!(
        listed(&store, &TipFilter { from_ms: Some(NOW + 1_000), until_ms: Some(NOW + 3_000), ..d.clone() }).await,
        [drugs_high, twin, theft]
    );
    // Filters combine.
    assert_eq!(
        listed(
            &store,
            &TipFilter {
                state: Some(TipState::New),
                category: Some(TipCategory::Theft),
                oldest_first: true,
                ..d.clone()
            }
        )
        .await,
        [urgent_old, theft, newest]
    );

    // Pages of two walk the whole list once, in order.
    let mut pages = Vec::new();
    for offset in (0..8).step_by(2) {
        let page = listed(&store, &TipFilter { limit: 2, offset, ..d.clone() }).await;
        assert!(page.len() <= 2);
        pages.extend(page);
    }
    assert_eq!(pages, all);
    assert_eq!(listed(&store, &TipFilter { limit: 3, offset: 5, ..d.clone() }).await, [twin, theft]);
    assert!(listed(&store, &TipFilter { offset: 7, ..d.clone() }).await.is_empty());
}

pub async fn tip_timeline_assignment_transfer_and_outcome(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let district = put_unit(&store, &unit("CA-CMG", UnitKind::DistrictPolice, "Công an huyện Cư M'gar")).await;
    let binh = put_account(&store, &officer("+84905000001", "Trần Văn Bình", police)).await;
    let an = put_account(&store, &officer("+84905000002", "Nguyễn Thị An", police)).await;
    let first = put_tip(&store, &new_tip(police), NOW).await;
    let second = put_tip(&store, &new_tip(police), NOW).await;

    let events = [
        NewTipEvent {
            tip_id: first,
            at_ms: NOW,
            from_tipster: true,
            to_state: Some(TipState::New),
            unit_id: Some(police),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::Submitted)
        },
        NewTipEvent {
            tip_id: first,
            at_ms: NOW + 10,
            actor_account_id: Some(binh),
            from_state: Some(TipState::New),
            to_state: Some(TipState::Acknowledged),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::StateChanged)
        },
        NewTipEvent {
            tip_id: first,
            at_ms: NOW + 20,
            actor_account_id: Some(binh),
            body: Some("Đã liên hệ trưởng thôn.".to_owned()),
            ..NewTipEvent::of(TipEventKind::Note)
        },
        NewTipEvent {
            tip_id: first,
            at_ms: NOW + 30,
            from_tipster: true,
            body: Some("Họ vẫn còn ở đó.".to_owned()),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::Message)
        },
        NewTipEvent {
            tip_id: first,
            at_ms: NOW + 40,
            actor_account_id: Some(an),
            from_state: Some(TipState::Acknowledged),
            to_state: Some(TipState::Transferred),
            unit_id: Some(district),
            body: Some("Vượt thẩm quyền xã.".to_owned()),
            visible_to_tipster: false,
            ..NewTipEvent::of(TipEventKind::StateChanged)
        },
    ];
    let mut tx = store.begin().await.unwrap();
    let mut expected = Vec::new();
    for (n, e) in events.iter().enumerate() {
        let id = tips::add_event(&mut tx, e).await.unwrap();
        expected.push(TipEvent {
            id,
            tip_id: e.tip_id,
            at_ms: e.at_ms,
            actor_account_id: e.actor_account_id,
            from_tipster: e.from_tipster,
            kind: e.kind,
            from_state: e.from_state,
            to_state: e.to_state,
            unit_id: e.unit_id,
            body: e.body.clone(),
            visible_to_tipster: e.visible_to_tipster,
        });
        // Another tip's event between them: the timeline is per tip.
        if n == 1 {
            tips::add_event(
                &mut tx,
                &NewTipEvent { tip_id: second, kind: TipEventKind::Submitted, ..events[0].clone() },
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
    assert_eq!(store.tip_events(first).await.unwrap(), expected);
    let theirs = store.tip_events(second).await.unwrap();
    assert_eq!((theirs.len(), theirs[0].tip_id), (1, second));
    assert!(store.tip_events(MISSING).await.unwrap().is_empty());

    let mut tx = store.begin().await.unwrap();
    tips::set_assignee(&mut tx, first, Some(binh), NOW + 50).await.unwrap();
    tx.commit().await.unwrap();
    let tip = store.tip(first).await.unwrap();
    assert_eq!((tip.assignee_id, tip.updated_at_ms), (Some(binh), NOW + 50));
    let mut tx = store.begin().await.unwrap();
    tips::set_assignee(&mut tx, first, None, NOW + 55).await.unwrap();
    tips::set_priority(&mut tx, first, Priority::High, NOW + 60).await.unwrap();
    tx.commit().await.unwrap();
    let tip = store.tip(first).await.unwrap();
    assert_eq!((tip.assignee_id, tip.priority, tip.updated_at_ms), (None, Priority::High, NOW + 60));

    // A transfer hands the tip to the new unit without the old unit's officer.
    let mut tx = store.begin().await.unwrap();
    tips::set_assignee(&mut tx, first, Some(an), NOW + 65).await.unwrap();
    tips::set_unit(&mut tx, first, district, NOW + 70).await.unwrap();
    tx.commit().await.unwrap();
    let tip = store.tip(first).await.unwrap();
    assert_eq!(
        (tip.unit_id, tip.assignee_id, tip.priority, tip.updated_at_ms),
        (district, None, Priority::High, NOW + 70)
    );
    let untouched = store.tip(second).await.unwrap();
    assert_eq!((untouched.unit_id, untouched.priority, untouched.updated_at_ms), (police, Priority::Normal, NOW));

    // A verdict is an outcome even before the tip is resolved, and stays one after.
    let duplicate = Outcome {
        verdict: Some(Verdict::Duplicate),
        duplicate_of: Some(second),
        note: Some("Trùng tin báo trước.".to_owned()),
        ..Outcome::default()
    };
    let mut tx = store.begin().await.unwrap();
    tips::set_outcome(&mut tx, first, &duplicate).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.tip(first).await.unwrap().outcome, Some(duplicate.clone()));
    move_tip(&store, first, TipState::New, TipState::Resolved, NOW + 80).await;
    let tip = store.tip(first).await.unwrap();
    assert_eq!((tip.state, tip.outcome), (TipState::Resolved, Some(duplicate)));

    // A resolved tip with nothing recorded reads as an empty outcome (counts 0), not as none.
    move_tip(&store, second, TipState::New, TipState::Resolved, NOW + 90).await;
    assert_eq!(store.tip(second).await.unwrap().outcome, Some(Outcome::default()));
    let confirmed = Outcome {
        verdict: Some(Verdict::Confirmed),
        duplicate_of: None,
        arrests: 3,
        vehicles_seized: 2,
        items_seized: 41,
        property_recovered: 15_000_000,
        note: None,
    };
    let mut tx = store.begin().await.unwrap();
    tips::set_outcome(&mut tx, second, &confirmed).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.tip(second).await.unwrap().outcome, Some(confirmed));
    assert_eq!(store.tip(first).await.unwrap().outcome.unwrap().duplicate_of, Some(second));
}

pub async fn tips_of_reporter_and_retagging(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let me = put_account(&store, &citizen("+84905000001", "H'Đào Niê")).await;
    let someone = put_account(&store, &citizen("+84905000002", "Y Bhim")).await;

    let identified =
        |account| NewTip { protection: Protection::Identified, reporter_account_id: Some(account), ..new_tip(police) };
    let confidential = |tag: &str, sealed: &str| NewTip {
        reporter_tag: Some(tag.to_owned()),
        reporter_sealed: Some(sealed.to_owned()),
        ..new_tip(police)
    };
    let mine = put_tip(&store, &identified(me), NOW).await;
    let old_key = put_tip(&store, &confidential("k1:aaa", "sealed-1"), NOW + 1_000).await;
    let new_key = put_tip(&store, &confidential("k2:bbb", "sealed-2"), NOW + 2_000).await;
    let not_mine = put_tip(&store, &confidential("k2:ccc", "sealed-3"), NOW + 3_000).await;
    let theirs = put_tip(&store, &identified(someone), NOW + 4_000).await;
    let anonymous = put_tip(
        &store,
        &NewTip { protection: Protection::Anonymous, receipt_hash: Some("h".to_owned()), ..new_tip(police) },
        NOW + 5_000,
    )
    .await;
    // Tagged under the old key but nothing sealed to re-tag from: not for the rotation.
    let unsealed = put_tip(&store, &NewTip { reporter_tag: Some("k1:ddd".to_owned()), ..new_tip(police) }, NOW).await;
    let also_old = put_tip(&store, &confidential("k1:eee", "sealed-4"), NOW + 6_000).await;
    // Shorter than the prefix, and a prefix lookalike: neither starts with "k2:".
    let short = put_tip(&store, &confidential("k", "sealed-5"), NOW + 7_000).await;
    let lookalike = put_tip(&store, &confidential("k22:fff", "sealed-6"), NOW + 8_000).await;

    let tags = |t: &[&str]| t.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let of = |account, t: Vec<String>| {
        let store = store.clone();
        async move { ids(&store.tips_of_reporter(account, &t).await.unwrap(), |t| t.id) }
    };
    // By account alone, then one key's tag, then two keys' tags; newest first. Tags match whole values only.
    assert_eq!(of(me, tags(&[])).await, [mine]);
    assert_eq!(of(me, tags(&["k1:aaa"])).await, [old_key, mine]);
    assert_eq!(of(me, tags(&["k1:aaa", "k2:bbb"])).await, [new_key, old_key, mine]);
    assert_eq!(of(someone, tags(&["k2:ccc"])).await, [theirs, not_mine]);
    assert_eq!(of(MISSING, tags(&["k2:bbb"])).await, [new_key]);
    assert!(of(MISSING, tags(&["k1:", "k2", "aaa"])).await.is_empty());
    assert!(!of(me, tags(&["k1:aaa", "k2:bbb"])).await.contains(&anonymous));

    // Everything not under "k2:" with a sealed identity, by id, in pages.
    let stale = [(old_key, "sealed-1"), (also_old, "sealed-4"), (short, "sealed-5"), (lookalike, "sealed-6")]
        .map(|(id, s)| (id, s.to_owned()));
    assert_eq!(store.tips_to_retag("k2:", 0, 100).await.unwrap(), stale);
    let first_page = store.tips_to_retag("k2:", 0, 3).await.unwrap();
    assert_eq!(first_page, stale[..3]);
    let rest = store.tips_to_retag("k2:", first_page[2].0, 3).await.unwrap();
    assert_eq!(rest, stale[3..]);
    assert!(store.tips_to_retag("k2:", rest[0].0, 3).await.unwrap().is_empty());
    assert!(!store.tips_to_retag("k2:", 0, 100).await.unwrap().iter().any(|(id, _)| *id == unsealed));

    // Re-tagging moves a tip under the current key: the rotation no longer sees it and the new tag finds it.
    let mut tx = store.begin().await.unwrap();
    tips::set_reporter_tag(&mut tx, old_key, "k2:aaa2").await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.tip(old_key).await.unwrap().reporter_tag.as_deref(), Some("k2:aaa2"));
    assert_eq!(store.tips_to_retag("k2:", 0, 100).await.unwrap(), stale[1..]);
    assert_eq!(of(me, tags(&["k2:aaa2"])).await, [old_key, mine]);
    assert_eq!(of(me, tags(&["k1:aaa"])).await, [mine]);
}

pub async fn tip_attachments_and_unseal_requests(store: Store) {
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let binh = put_account(&store, &officer("+84905000001", "Trần Văn Bình", police)).await;
    let an = put_account(&store, &officer("+84905000002", "Nguyễn Thị An", police)).await;
    let chief = put_account(
        &store,
        &NewAccount { role: Some(Role::Commander), ..officer("+84905000003", "Lê Văn Cường", police) },
    )
    .await;
    let first = put_tip(&store, &new_tip(police), NOW).await;
    let second = put_tip(&store, &new_tip(police), NOW).await;

    // `add_attachment` ignores the id it is given.
    let attachment = |tip_id, key: &str, kind: &str, bytes, size: Option<(i64, i64)>| Attachment {
        id: 0,
        tip_id,
        object_key: key.to_owned(),
        kind: kind.to_owned(),
        bytes,
        width: size.map(|s| s.0),
        height: size.map(|s| s.1),
    };
    let added = [
        attachment(first, "tips/a.jpg", "image", 482_113, Some((1920, 1080))),
        attachment(first, "tips/b.ogg", "audio", 90_000, None),
        attachment(second, "tips/c.pdf", "document", 12_000, None),
        // The same object under another tip (a forwarded photo): one key in the referenced list.
        attachment(second, "tips/a.jpg", "image", 482_113, Some((1920, 1080))),
    ];
    let mut tx = store.begin().await.unwrap();
    let mut stored = Vec::new();
    for a in &added {
        let id = tips::add_attachment(&mut tx, a, NOW).await.unwrap();
        stored.push(Attachment { id, ..a.clone() });
    }
    tx.commit().await.unwrap();
    assert_eq!(store.tip_attachments(first).await.unwrap(), stored[..2]);
    assert_eq!(store.tip_attachments(second).await.unwrap(), stored[2..]);
    assert!(store.tip_attachments(MISSING).await.unwrap().is_empty());
    let mut referenced = store.referenced_objects().await.unwrap();
    // DISTINCT promises no order.
    referenced.sort();
    assert_eq!(referenced, ["tips/a.jpg", "tips/b.ogg", "tips/c.pdf"]);

    let mut tx = store.begin().await.unwrap();
    let asked = tips::add_unseal_request(&mut tx, first, binh, "Cần xác minh nhân chứng.", NOW + 10).await.unwrap();
    let asked_again = tips::add_unseal_request(&mut tx, first, an, "Người báo tin bị đe dọa.", NOW + 20).await.unwrap();
    let elsewhere = tips::add_unseal_request(&mut tx, second, binh, "Lý do khác.", NOW + 30).await.unwrap();
    tx.commit().await.unwrap();
    let request = |id, by, reason: &str, at| UnsealRequest {
        id,
        tip_id: first,
        requested_by: by,
        reason: reason.to_owned(),
        requested_at_ms: at,
        approved_by: None,
        approved_at_ms: None,
    };
    let pending = [
        request(asked, binh, "Cần xác minh nhân chứng.", NOW + 10),
        request(asked_again, an, "Người báo tin bị đe dọa.", NOW + 20),
    ];
    assert_eq!(store.unseal_requests(first).await.unwrap(), pending);
    assert_eq!(ids(&store.unseal_requests(second).await.unwrap(), |r| r.id), [elsewhere]);

    let mut tx = store.begin().await.unwrap();
    tips::approve_unseal_request(&mut tx, asked, chief, NOW + 100).await.unwrap();
    tx.commit().await.unwrap();
    // A second approval (another commander, or the same one clicking twice) is refused and changes nothing.
    let mut tx = store.begin().await.unwrap();
    let twice = tips::approve_unseal_request(&mut tx, asked, binh, NOW + 200).await;
    assert!(matches!(twice, Err(StoreError::Conflict("already_approved"))), "got {twice:?}");
    tx.commit().await.unwrap();
    let approved = UnsealRequest { approved_by: Some(chief), approved_at_ms: Some(NOW + 100), ..pending[0].clone() };
    assert_eq!(store.unseal_requests(first).await.unwrap(), [approved, pending[1].clone()]);
    assert_eq!(store.unseal_requests(second).await.unwrap()[0].approved_by, None);
}

pub async fn communes_near_returns_current_located_communes_in_box(store: Store) {
    // Centre (12.5, 108.0), half-width 0.25: every coordinate here is exact in binary, so the edges are
    // compared exactly on both engines.
    let commune = |code: &str, lat: Option<f64>, lon: Option<f64>| NewArea {
        lat,
        lon,
        ..area(Edition::Current2025, AreaLevel::Commune, code, &format!("Xã {code}"))
    };
    let inside = put_area(&store, &commune("1", Some(12.5), Some(108.125))).await;
    let on_edge = put_area(&store, &commune("2", Some(12.75), Some(107.75))).await;
    let unlocated = put_area(&store, &commune("3", None, None)).await;
    let too_far_north = put_area(&store, &commune("4", Some(12.875), Some(108.0))).await;
    let too_far_east = put_area(&store, &commune("5", Some(12.5), Some(108.5))).await;
    let merged =
        put_area(&store, &NewArea { valid_to: Some(date!(2025 - 07 - 01)), ..commune("6", Some(12.5), Some(108.0)) })
            .await;
    let district = put_area(
        &store,
        &NewArea {
            lat: Some(12.5),
            lon: Some(108.0),
            ..area(Edition::Current2025, AreaLevel::District, "7", "Huyện 7")
        },
    )
    .await;
    let village = put_area(
        &store,
        &NewArea { lat: Some(12.5), lon: Some(108.0), ..area(Edition::Local, AreaLevel::Village, "8", "Buôn 8") },
    )
    .await;

    let mut near = store.communes_near(12.5, 108.0, 0.25).await.unwrap();
    // The query promises no order.
    near.sort_by_key(|(id, _, _)| *id);
    assert_eq!(near, [(inside, 12.5, 108.125), (on_edge, 12.75, 107.75)]);
    for id in [unlocated, too_far_north, too_far_east, merged, district, village] {
        assert!(!near.iter().any(|(n, _, _)| *n == id), "area {id}");
    }
    assert!(store.communes_near(20.0, 105.0, 0.25).await.unwrap().is_empty());
}

pub async fn triage_decisions_are_kept_beside_the_tip(store: Store) {
    use binhyen_domain::tip::{Priority, TipCategory};
    let police = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let binh = put_account(&store, &officer("+84905000001", "Trần Văn Bình", police)).await;
    let id = put_tip(&store, &new_tip(police), NOW).await;
    let mut tx = store.begin().await.unwrap();
    tips::set_category(&mut tx, id, TipCategory::Drugs, NOW + 1).await.unwrap();
    let decision = tips::TriageDecision {
        tip_id: id,
        suggested: (TipCategory::Theft, Priority::Urgent),
        decided: (TipCategory::Drugs, Priority::High),
        decided_by: binh,
        decided_at_ms: NOW + 1,
    };
    tips::add_triage_decision(&mut tx, &decision).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.tip(id).await.unwrap().category, TipCategory::Drugs);
    assert_eq!(store.triage_decisions(5).await.unwrap(), [decision]);
}
