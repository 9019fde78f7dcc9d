//! Fixtures shared by the cases: plain values to insert and one-transaction helpers to insert them.

use binhyen_domain::{AccountKind, AreaLevel, Edition, UnitKind};
use binhyen_store::accounts::{self, NewAccount};
use binhyen_store::areas::{self, NewArea};
use binhyen_store::units::{self, Contact, NewUnit};
use binhyen_store::Store;

/// "Now" for every write: a fixed instant, so stored timestamps can be compared exactly.
pub const NOW: i64 = 1_750_000_000_000;

/// An id no fixture ever reaches.
pub const MISSING: i64 = 987_654_321;

/// An area with no parent, coordinates or validity; set those with struct update syntax.
pub fn area(edition: Edition, level: AreaLevel, code: &str, name: &str) -> NewArea {
    let kind = match level {
        AreaLevel::Province => "Tỉnh",
        AreaLevel::District => "Huyện",
        AreaLevel::Commune => "Xã",
        AreaLevel::Village => "Buôn",
    };
    NewArea {
        edition,
        level,
        code: Some(code.to_owned()),
        kind: kind.to_owned(),
        name: name.to_owned(),
        parent_id: None,
        lat: None,
        lon: None,
        valid_from: None,
        valid_to: None,
    }
}

pub fn unit(code: &str, kind: UnitKind, name: &str) -> NewUnit {
    NewUnit {
        code: code.to_owned(),
        kind,
        name: name.to_owned(),
        parent_id: None,
        contact: Contact::default(),
        valid_from: None,
        valid_to: None,
    }
}

pub fn citizen(phone: &str, name: &str) -> NewAccount {
    NewAccount {
        kind: AccountKind::Citizen,
        phone: phone.to_owned(),
        display_name: name.to_owned(),
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$hash-of-{phone}"),
        home_area_id: None,
        unit_id: None,
        role: None,
        business_kind: None,
        overseeing_unit_id: None,
    }
}

pub async fn put_area(store: &Store, area: &NewArea) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = areas::upsert(&mut tx, area, NOW).await.unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn put_unit(store: &Store, unit: &NewUnit) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = units::insert(&mut tx, unit, NOW).await.unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn put_account(store: &Store, account: &NewAccount) -> i64 {
    let mut tx = store.begin().await.unwrap();
    let id = accounts::insert(&mut tx, account, NOW).await.unwrap();
    tx.commit().await.unwrap();
    id
}

pub async fn put_jurisdiction(store: &Store, unit_id: i64, area_id: i64) {
    let mut tx = store.begin().await.unwrap();
    units::add_jurisdiction(&mut tx, unit_id, area_id).await.unwrap();
    tx.commit().await.unwrap();
}

pub fn ids<T>(items: &[T], id: impl Fn(&T) -> i64) -> Vec<i64> {
    items.iter().map(id).collect()
}
