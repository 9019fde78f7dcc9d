//! A unit absorbed by another: the set-based moves, the same on both engines.

use binhyen_domain::tip::{TipCategory, TipEventKind, TipState};
use binhyen_domain::UnitKind;
use binhyen_store::reorganisations;
use binhyen_store::tips::{self, NewTip};
use binhyen_store::Store;
use time::macros::date;

use crate::support::{citizen, put_account, put_unit, unit, NOW};

fn tip_at(unit_id: i64) -> NewTip {
    NewTip::at(unit_id, TipCategory::Theft, "Trộm chó ở buôn Bling")
}

pub async fn absorbing_a_unit_moves_its_followers_and_open_work_once(store: Store) {
    let old = put_unit(&store, &unit("CA-EKP", UnitKind::CommunePolice, "Công an xã Ea KPam")).await;
    let new = put_unit(&store, &unit("CA-CMG", UnitKind::CommunePolice, "Công an xã Cư M'gar")).await;
    let hanh = put_account(&store, &citizen("+84399000001", "Hạnh")).await;
    let both = put_account(&store, &citizen("+84399000002", "Lan")).await;
    store.set_following(hanh, old, true, NOW).await.unwrap();
    store.set_following(both, old, true, NOW).await.unwrap();
    store.set_following(both, new, true, NOW).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let open = tips::insert(&mut tx, &tip_at(old), NOW).await.unwrap();
    let closed = tips::insert(&mut tx, &tip_at(old), NOW).await.unwrap();
    tips::set_state(&mut tx, closed, TipState::New, TipState::Resolved, NOW).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin().await.unwrap();
    let moved = reorganisations::absorb(&mut tx, old, new, date!(2025 - 07 - 01), NOW + 1).await.unwrap();
    tx.commit().await.unwrap();

    // Hạnh moved; Lan, who followed both, keeps one follow.
    assert_eq!(moved.follows_moved, 1);
    assert_eq!((store.follower_count(old).await.unwrap(), store.follower_count(new).await.unwrap()), (0, 2));
    assert_eq!(store.followed_units(both).await.unwrap(), [new]);
    // The open tip went, waiting since it came in, with a line on its timeline; the closed one stayed.
    assert_eq!(moved.open_tips.len(), 1);
    assert_eq!((moved.open_tips[0].id, moved.open_tips[0].waiting_since_ms), (open, Some(NOW)));
    assert_eq!(store.tip(open).await.unwrap().unit_id, new);
    assert_eq!(store.tip(closed).await.unwrap().unit_id, old);
    let last = store.tip_events(open).await.unwrap().pop().unwrap();
    assert_eq!((last.kind, last.unit_id, last.visible_to_tipster), (TipEventKind::UnitReorganised, Some(new), false));
    let ended = store.unit(old).await.unwrap();
    assert_eq!((ended.valid_to, ended.successor_id), (Some(date!(2025 - 07 - 01)), Some(new)));

    // Plans are kept, and applied once.
    let mut tx = store.begin().await.unwrap();
    let id = reorganisations::insert(&mut tx, date!(2025 - 07 - 01), "[]", None, NOW).await.unwrap();
    assert!(reorganisations::mark_applied(&mut tx, id, "{}", NOW).await.unwrap());
    assert!(!reorganisations::mark_applied(&mut tx, id, "{}", NOW).await.unwrap());
    tx.commit().await.unwrap();
    let kept = store.reorganisation(id).await.unwrap();
    assert!(kept.applied);
    assert_eq!(kept.effective_on, date!(2025 - 07 - 01));
}
