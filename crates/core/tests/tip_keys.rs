//! Sealed tipsters survive a key rotation: after `rotate_keys` and the old key's removal, officers still read
//! identified reporters and confidential tipsters still find their own tips (their tags were remade).

use std::collections::BTreeMap;
use std::sync::Arc;

use binhyen_core::seal::{KeyId, SealKey};
use binhyen_core::tips::ReporterView;
use binhyen_core::{Core, KeyRing, ManualClock, OsRandom, Policy, Store, TestInstant};
use binhyen_domain::tip::Protection;

fn ring(current: &str, keys: &[(&str, u8)]) -> KeyRing {
    let keys: BTreeMap<_, _> =
        keys.iter().map(|(id, n)| (KeyId::new(id).unwrap(), SealKey::from_bytes([*n; 32]))).collect();
    KeyRing::new(KeyId::new(current).unwrap(), keys).unwrap()
}

fn core(store: &Store, keys: KeyRing) -> Core {
    Core::new(store.clone(), Arc::new(ManualClock::new(TestInstant::DEFAULT.at)), Arc::new(OsRandom), Policy::default())
        .with_keys(keys)
}

#[tokio::test]
async fn rotation_keeps_tipsters_and_their_tips_together() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite:{}", dir.path().join("t.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    let old = core(&store, ring("k1", &[("k1", 1)]));
    binhyen_core::demo::build(&old).await.unwrap();
    let hdao = old.accounts().account_by_phone("0399000001").await.unwrap();
    let before = old.tips().my_tips(&hdao).await.unwrap();
    assert!(before.iter().any(|t| t.protection == Protection::Confidential), "the demo's confidential tip");

    let rotating = core(&store, ring("k2", &[("k1", 1), ("k2", 2)]));
    let report = rotating.rotate_keys().await.unwrap();
    assert!(report.rewritten >= 4, "{report:?}");
    assert!(report.failures.is_empty());

    let new = core(&store, ring("k2", &[("k2", 2)]));
    let after = new.tips().my_tips(&hdao).await.unwrap();
    assert_eq!(after.iter().map(|t| t.id).collect::<Vec<_>>(), before.iter().map(|t| t.id).collect::<Vec<_>>());
    let admin = new.accounts().account_by_phone("0388000001").await.unwrap();
    let actor =
        binhyen_domain::Actor { account_id: admin.id, unit_id: admin.unit_id.unwrap(), role: admin.role.unwrap() };
    let identified = before.iter().find(|t| t.protection == Protection::Identified).unwrap();
    let view = new.tips().officer_tip(&actor, identified.id).await.unwrap();
    assert!(matches!(view.reporter, ReporterView::Known { name: Some(ref n), .. } if n == "H'Đào Niê"));
    // With only the old key, nothing opens any more: the values really were re-sealed.
    let stale = core(&store, ring("k1", &[("k1", 1)]));
    assert!(stale.tips().officer_tip(&actor, identified.id).await.is_err());
}
