//! Public alerts: the area closure expanded when an alert is issued (sub-areas, and pre-2025 areas through
//! their default successor), alerts over a home, the fan-out's follower ranges, and cancelling.

use binhyen_domain::{AreaLevel, Edition, UnitKind};
use binhyen_store::areas::{self, NewArea};
use binhyen_store::public_alerts::{self, NewPublicAlert};
use binhyen_store::Store;

use crate::support::*;

fn alert(unit_id: i64, area_id: i64, author: i64) -> NewPublicAlert {
    NewPublicAlert {
        unit_id,
        area_id,
        category: binhyen_domain::alert::AlertCategory::Security,
        event: "Lừa đảo qua điện thoại".into(),
        severity: binhyen_domain::alert::Severity::Severe,
        urgency: binhyen_domain::alert::Urgency::Immediate,
        certainty: binhyen_domain::alert::Certainty::Observed,
        headline: "Giả danh công an gọi điện".into(),
        description: "Không chuyển tiền theo yêu cầu qua điện thoại.".into(),
        instruction: None,
        sent_at_ms: NOW,
        expires_at_ms: NOW + 3_600_000,
        author_account_id: author,
    }
}

async fn child(store: &Store, edition: Edition, level: AreaLevel, code: &str, parent: i64) -> i64 {
    put_area(store, &NewArea { parent_id: Some(parent), ..area(edition, level, code, code) }).await
}

pub async fn alerts_cover_their_area_closure_and_reach_followers_inside(store: Store) {
    // 2025: a province with two communes. Before: a commune that went into the first, with a village.
    let province = put_area(&store, &area(Edition::Current2025, AreaLevel::Province, "66", "Đắk Lắk")).await;
    let inside = child(&store, Edition::Current2025, AreaLevel::Commune, "c1", province).await;
    let outside = child(&store, Edition::Current2025, AreaLevel::Commune, "c2", province).await;
    let old_commune = put_area(&store, &area(Edition::Legacy, AreaLevel::Commune, "old", "Ea KPam")).await;
    let old_village = child(&store, Edition::Local, AreaLevel::Village, "v", old_commune).await;
    let mut tx = store.begin().await.unwrap();
    areas::link_successor(&mut tx, old_commune, inside, true).await.unwrap();
    tx.commit().await.unwrap();

    let unit = put_unit(&store, &unit("ca-xa-c1", UnitKind::CommunePolice, "Công an xã C1")).await;
    let mut people = Vec::new();
    for (i, home) in [Some(old_village), Some(inside), Some(outside), None].into_iter().enumerate() {
        let id = put_account(&store, &resident(&format!("+8439900020{i}"), home)).await;
        store.set_following(id, unit, true, NOW).await.unwrap();
        people.push(id);
    }
    let not_following = put_account(&store, &resident("+84399000299", Some(inside))).await;

    let mut tx = store.begin().await.unwrap();
    let (id, covered) = public_alerts::insert(&mut tx, &alert(unit, inside, people[0])).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(covered, 3, "the commune, the old commune that went into it, and its village");

    let over = |account| {
        let store = store.clone();
        async move { ids(&store.alerts_over_home(account, NOW + 1).await.unwrap(), |a| a.id) }
    };
    assert_eq!(over(people[0]).await, [id], "a home in a village of a merged commune is inside");
    assert_eq!(over(people[1]).await, [id]);
    assert_eq!(over(not_following).await, [id], "feeds show it to everyone inside, follower or not");
    assert!(over(people[2]).await.is_empty() && over(people[3]).await.is_empty());
    assert_eq!(ids(&store.alerts_over_area(old_village, NOW + 1).await.unwrap(), |a| a.id), [id]);
    assert!(store.alerts_over_area(province, NOW + 1).await.unwrap().is_empty(), "not above its area");
    assert!(store.alerts_over_home(people[0], NOW + 3_600_000).await.unwrap().is_empty(), "expired");

    let alert = store.public_alert(id).await.unwrap();
    assert_eq!(store.alert_followers(&alert, 0, i64::MAX, 100).await.unwrap(), [people[0], people[1]]);
    assert_eq!(store.alert_followers(&alert, 0, i64::MAX, 1).await.unwrap(), [people[0]], "in ranges");
    assert_eq!(store.alert_followers(&alert, people[0], people[1], 100).await.unwrap(), [people[1]]);
    assert_eq!(store.follower_ids(unit, 0, 10).await.unwrap(), people, "the fan-out's ranges: every follower");
    assert_eq!(store.follower_ids(unit, people[1], 1).await.unwrap(), [people[2]]);

    let mut tx = store.begin().await.unwrap();
    assert!(public_alerts::cancel(&mut tx, id, NOW + 5).await.unwrap());
    assert!(!public_alerts::cancel(&mut tx, id, NOW + 6).await.unwrap(), "once");
    tx.commit().await.unwrap();
    assert!(store.alerts_over_home(people[0], NOW + 10).await.unwrap().is_empty());
    assert_eq!(store.public_alert(id).await.unwrap().cancelled_at_ms, Some(NOW + 5));
    assert_eq!(ids(&store.unit_alerts(unit, 10).await.unwrap(), |a| a.id), [id], "its history keeps it");
}

/// A citizen with a home area (or none).
fn resident(phone: &str, home: Option<i64>) -> binhyen_store::accounts::NewAccount {
    binhyen_store::accounts::NewAccount { home_area_id: home, ..citizen(phone, "Người dân") }
}
