//! The unit directory, a unit's page, responsibility for a place, and changes officers make to units.

use crate::Units;
use binhyen_domain::{Action, Actor, Invalid, UnitKind};
use binhyen_store::areas::Area;
use binhyen_store::units::{self, Contact, NewUnit, Unit};
use binhyen_store::StoreError;
use time::Date;

use crate::{CoreError, Result};

/// A unit with the units below it, for the directory tree.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitNode {
    pub unit: Unit,
    pub children: Vec<UnitNode>,
}

#[derive(Debug, Clone)]
pub struct UnitDetail {
    pub unit: Unit,
    pub parent: Option<Unit>,
    pub children: Vec<Unit>,
    pub jurisdiction: Vec<Area>,
    pub successor: Option<Unit>,
    /// The day it ended, once that day has come: its page is an archive that takes no new follows,
    /// questions or articles (`in_force`).
    pub ended_on: Option<Date>,
}

/// What an administrator gives to create a unit below one of theirs.
#[derive(Debug, Clone)]
pub struct NewUnitInput {
    pub code: String,
    pub kind: UnitKind,
    pub name: String,
    /// None only for a top-level unit created by the operator.
    pub parent_id: Option<i64>,
    pub contact: Contact,
    pub area_ids: Vec<i64>,
}

fn unit_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("unit"),
        other => other.into(),
    }
}

impl Units<'_> {
    /// A unit that still takes new things (follows, questions, articles): one that ended in a reorganisation
    /// is kept as an archive and answers `unit_dissolved`, its page saying what it became.
    pub(crate) async fn in_force(&self, unit_id: i64) -> Result<Unit> {
        let unit = self.store.unit(unit_id).await.map_err(unit_not_found)?;
        if unit.valid_to.is_some_and(|end| end <= self.today()) {
            return Err(CoreError::Conflict { code: "unit_dissolved", field: Some("unit") });
        }
        Ok(unit)
    }

    /// Every unit as a forest, from a copy at most a couple of seconds old (see `directory.rs`).
    pub async fn directory_snapshot(&self) -> Result<crate::DirectorySnapshot> {
        let now = self.clock.now();
        if let Some(snapshot) = self.directory.fresh(now) {
            return Ok(snapshot);
        }
        let forest = build_forest(self.store.all_units().await?);
        Ok(self.directory.store(now, forest))
    }

    /// Forgets the cached directory; every use case that changes units calls it after committing.
    pub(crate) fn units_changed(&self) {
        self.directory.invalidate();
    }

    /// All units as a forest (roots are units without a parent). With `on`, only units in force that day.
    pub async fn unit_directory(&self, on: Option<Date>) -> Result<Vec<UnitNode>> {
        let Some(on) = on else {
            return Ok(self.directory_snapshot().await?.forest.as_ref().clone());
        };
        let units: Vec<Unit> = self
            .store
            .all_units()
            .await?
            .into_iter()
            .filter(|u| binhyen_domain::area::valid_on(u.valid_from, u.valid_to, on))
            .collect();
        Ok(build_forest(units))
    }

    /// Units whose name matches the query however it is typed ("ea kpam", "Ea KPam", "Êa Kpăm").
    pub async fn search_units(&self, query: &str) -> Result<Vec<Unit>> {
        let folded = binhyen_text::fold(query);
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.store.search_units(&folded, 50).await?)
    }

    /// A unit by id.
    pub async fn unit(&self, id: i64) -> Result<Unit> {
        self.store.unit(id).await.map_err(unit_not_found)
    }

    pub async fn unit_by_code(&self, code: &str) -> Result<Unit> {
        self.store.unit_by_code(code).await.map_err(unit_not_found)
    }

    pub async fn unit_detail(&self, id: i64) -> Result<UnitDetail> {
        let unit = self.store.unit(id).await.map_err(unit_not_found)?;
        let parent = match unit.parent_id {
            Some(p) => Some(self.store.unit(p).await?),
            None => None,
        };
        let successor = match unit.successor_id {
            Some(s) => Some(self.store.unit(s).await?),
            None => None,
        };
        let children = self.store.all_units().await?.into_iter().filter(|u| u.parent_id == Some(id)).collect();
        let jurisdiction = self.store.unit_jurisdiction(id).await?;
        let ended_on = unit.valid_to.filter(|end| *end <= self.today());
        Ok(UnitDetail { unit, parent, children, jurisdiction, successor, ended_on })
    }

    /// The unit answering for `area_id` on `day`. An area no longer in force that day (a commune merged in
    /// 2025), or a village of one, is answered for by whoever answers for its default successor.
    pub async fn responsible_unit(&self, area_id: i64, day: Date) -> Result<Option<Unit>> {
        let mut area = self.store.area(area_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found_field("area", "area_id"),
            other => other.into(),
        })?;
        // A village outlives its commune: one in a commune merged in 2025 is answered for through the commune's
        // successor, not by the province above the old commune.
        if area.level == binhyen_domain::AreaLevel::Village {
            if let Some(parent) = area.parent_id {
                let commune = self.store.area(parent).await?;
                if !binhyen_domain::area::valid_on(commune.valid_from, commune.valid_to, day) {
                    area = commune;
                }
            }
        }
        for _ in 0..4 {
            if binhyen_domain::area::valid_on(area.valid_from, area.valid_to, day) {
                break;
            }
            let successors = self.store.area_successors(area.id).await?;
            match successors.into_iter().next() {
                Some((next, _)) if day >= area.valid_to.unwrap_or(day) => area = next,
                _ => break,
            }
        }
        Ok(self.store.responsible_unit(area.id, day).await?)
    }

    /// The officers of a unit, for those allowed to see them.
    pub async fn unit_staff(&self, actor: &Actor, unit_id: i64) -> Result<Vec<binhyen_store::accounts::Account>> {
        self.authorize(actor, Action::ViewStaff, unit_id).await?;
        Ok(self.store.officers_of_unit(unit_id).await?)
    }

    pub async fn edit_unit_contact(&self, actor: &Actor, unit_id: i64, contact: Contact) -> Result<()> {
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let contact = Contact {
            address: clean_optional(contact.address, "address", 200)?,
            phone: clean_optional(contact.phone, "phone", 40)?,
            email: clean_optional(contact.email, "email", 120)?,
            hours: clean_optional(contact.hours, "hours", 200)?,
        };
        self.store.update_unit_contact(unit_id, &contact).await.map_err(unit_not_found)?;
        self.units_changed();
        Ok(())
    }

    /// Creates a unit below one the administrator's unit reaches, with its jurisdiction, in one transaction.
    /// `by` is `None` for the operator at the command line, who may also create a top-level unit.
    pub async fn create_unit(&self, by: Option<&Actor>, input: NewUnitInput) -> Result<i64> {
        match (by, input.parent_id) {
            (Some(actor), Some(parent)) => self.authorize(actor, Action::ManageUnits, parent).await?,
            (Some(_), None) => return Err(CoreError::Forbidden),
            (None, Some(parent)) => {
                self.store.unit(parent).await.map_err(|_| CoreError::not_found_field("unit", "parent_id"))?;
            }
            (None, None) => {}
        }
        let name = binhyen_text::normalize(&input.name);
        if name.is_empty() || name.chars().count() > 120 {
            return Err(Invalid::new("name", if name.is_empty() { "required" } else { "too_long" }).into());
        }
        let code = input.code.trim().to_ascii_lowercase();
        let code_ok = !code.is_empty()
            && code.len() <= 64
            && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !code_ok {
            return Err(Invalid::new("code", "invalid_code").into());
        }
        for area_id in &input.area_ids {
            self.store.area(*area_id).await.map_err(|_| CoreError::not_found_field("area", "area_ids"))?;
        }
        let mut tx = self.store.begin().await?;
        let unit = NewUnit {
            code,
            kind: input.kind,
            name,
            parent_id: input.parent_id,
            contact: input.contact,
            valid_from: Some(self.today()),
            valid_to: None,
        };
        let id = units::insert(&mut tx, &unit, self.now_ms()).await?;
        for area_id in &input.area_ids {
            units::add_jurisdiction(&mut tx, id, *area_id).await?;
        }
        tx.commit().await?;
        self.units_changed();
        Ok(id)
    }
}

fn clean_optional(value: Option<String>, field: &'static str, max: usize) -> Result<Option<String>> {
    let Some(v) = value.map(|v| binhyen_text::normalize(&v)).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(Invalid::new(field, "too_long").into());
    }
    Ok(Some(v))
}

/// Builds the forest in one pass: units arrive ordered by name, children keep that order.
fn build_forest(units: Vec<Unit>) -> Vec<UnitNode> {
    use std::collections::HashMap;
    let ids: std::collections::HashSet<i64> = units.iter().map(|u| u.id).collect();
    let mut children: HashMap<Option<i64>, Vec<Unit>> = HashMap::new();
    for u in units {
        // A unit whose parent is filtered out (not in force) is shown at the top rather than lost.
        let parent = u.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(u);
    }
    fn attach(parent: Option<i64>, children: &mut HashMap<Option<i64>, Vec<Unit>>) -> Vec<UnitNode> {
        let mine = children.remove(&parent).unwrap_or_default();
        mine.into_iter()
            .map(|unit| {
                let id = unit.id;
                UnitNode { unit, children: attach(Some(id), children) }
            })
            .collect()
    }
    attach(None, &mut children)
}
