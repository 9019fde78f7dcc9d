//! Where a place's tips go, remembered. Routing a tip to the unit responsible for its area takes two or three
//! store reads (the area, its successor when it is no longer in force, the most specific unit), and each
//! costs more than the tip's share of its group-committed write. The answer changes only when units,
//! jurisdictions or areas do, so it is kept under the same rule as the directory copy (`directory.rs`):
//! for as long as the copy it was worked out under is current. A unit changed through this node starts a new
//! copy at once; changes made elsewhere (another node, the command line) are seen within the copy's two
//! seconds.

use crate::Tips;
use std::collections::HashMap;
use std::sync::Mutex;

use time::Date;

use crate::Result;

/// (area, day) → the responsible unit, if any.
type Routes = HashMap<(i64, Date), Option<i64>>;

/// Known routes under one directory generation.
#[derive(Default)]
pub(crate) struct RouteMemo {
    state: Mutex<(u64, Routes)>,
}

impl RouteMemo {
    fn get(&self, generation: u64, key: (i64, Date)) -> Option<Option<i64>> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.0 != generation {
            return None;
        }
        state.1.get(&key).copied()
    }

    fn put(&self, generation: u64, key: (i64, Date), unit: Option<i64>) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if generation > state.0 {
            *state = (generation, HashMap::new());
        }
        // Worked out under an older copy than the one now current: not worth keeping.
        if generation == state.0 {
            state.1.insert(key, unit);
        }
    }
}

impl Tips<'_> {
    /// The id of the unit answering for `area_id` on `day` (see `responsible_unit`), remembered while the
    /// directory copy is current. An unknown area is an error, and is not remembered.
    pub(crate) async fn responsible_unit_id(&self, area_id: i64, day: Date) -> Result<Option<i64>> {
        let generation = self.units().directory_snapshot().await?.generation;
        if let Some(unit) = self.tips.routes.get(generation, (area_id, day)) {
            return Ok(unit);
        }
        let unit = self.units().responsible_unit(area_id, day).await?.map(|u| u.id);
        self.tips.routes.put(generation, (area_id, day), unit);
        Ok(unit)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use binhyen_domain::{AreaLevel, Edition, UnitKind};
    use binhyen_store::areas::{self, NewArea};
    use binhyen_store::units::{self, NewUnit};
    use binhyen_store::Store;

    use crate::units::NewUnitInput;
    use crate::{ManualClock, OsRandom, Policy};

    fn area(level: AreaLevel, code: &str, parent_id: Option<i64>) -> NewArea {
        NewArea {
            edition: Edition::Current2025,
            level,
            code: Some(code.into()),
            kind: "Xã".into(),
            name: format!("Nơi {code}"),
            parent_id,
            lat: None,
            lon: None,
            valid_from: None,
            valid_to: None,
        }
    }

    fn unit(code: &str, kind: UnitKind) -> NewUnit {
        NewUnit {
            code: code.into(),
            kind,
            name: format!("Công an {code}"),
            parent_id: None,
            contact: Default::default(),
            valid_from: None,
            valid_to: None,
        }
    }

    #[tokio::test]
    async fn routes_follow_unit_changes_at_once_here_and_within_the_copy_elsewhere() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&format!("sqlite:{}", dir.path().join("r.sqlite").display())).await.unwrap();
        store.migrate().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let province = areas::upsert(&mut tx, &area(AreaLevel::Province, "66", None), 0).await.unwrap();
        let commune = areas::upsert(&mut tx, &area(AreaLevel::Commune, "24280", Some(province)), 0).await.unwrap();
        let other = areas::upsert(&mut tx, &area(AreaLevel::Commune, "24281", Some(province)), 0).await.unwrap();
        let province_police = units::insert(&mut tx, &unit("ca-tinh", UnitKind::ProvincePolice), 0).await.unwrap();
        units::add_jurisdiction(&mut tx, province_police, province).await.unwrap();
        tx.commit().await.unwrap();
        let clock = Arc::new(ManualClock::new(crate::TestInstant::DEFAULT.at));
        let core = crate::Core::new(store.clone(), clock.clone(), Arc::new(OsRandom), Policy::default());
        let today = core.today();

        assert_eq!(core.tips().responsible_unit_id(commune, today).await.unwrap(), Some(province_police));
        assert_eq!(core.tips().responsible_unit_id(other, today).await.unwrap(), Some(province_police));

        // A commune police created through this core takes its commune's tips at once.
        let input = NewUnitInput {
            code: "ca-xa".into(),
            kind: UnitKind::CommunePolice,
            name: "Công an xã".into(),
            parent_id: Some(province_police),
            contact: Default::default(),
            area_ids: vec![commune],
        };
        let commune_police = core.units().create_unit(None, input).await.unwrap();
        assert_eq!(core.tips().responsible_unit_id(commune, today).await.unwrap(), Some(commune_police));
        assert_eq!(core.tips().responsible_unit_id(other, today).await.unwrap(), Some(province_police));

        // One created elsewhere (another node, the command line) is seen once the directory copy is renewed.
        let mut tx = store.begin().await.unwrap();
        let elsewhere = units::insert(&mut tx, &unit("ca-xa-khac", UnitKind::CommunePolice), 0).await.unwrap();
        units::add_jurisdiction(&mut tx, elsewhere, other).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(core.tips().responsible_unit_id(other, today).await.unwrap(), Some(province_police), "remembered");
        clock.advance(time::Duration::seconds(3));
        assert_eq!(core.tips().responsible_unit_id(other, today).await.unwrap(), Some(elsewhere));

        // An unknown area is refused every time, never remembered as "no unit".
        for _ in 0..2 {
            assert!(core.tips().responsible_unit_id(987_654, today).await.is_err());
        }
    }
}
