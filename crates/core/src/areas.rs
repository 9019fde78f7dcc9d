//! Administrative areas as users see them, and villages that administrators add.

use crate::Units;
use binhyen_domain::{Action, Actor};
use binhyen_domain::{AreaKind, AreaLevel, Edition, Invalid};
use binhyen_store::areas::{self, Area, NewArea};
use binhyen_store::units::Unit;
use binhyen_store::StoreError;

use crate::{CoreError, Result};

#[derive(Debug, Clone)]
pub struct AreaDetail {
    pub area: Area,
    /// Parents, nearest first (commune → district → province).
    pub ancestors: Vec<Area>,
    pub children: Vec<Area>,
    pub successors: Vec<(Area, bool)>,
    pub predecessors: Vec<(Area, bool)>,
    pub units: Vec<Unit>,
}

fn area_not_found(field: &'static str) -> impl Fn(StoreError) -> CoreError {
    move |e| match e {
        StoreError::NotFound => CoreError::not_found_field("area", field),
        other => other.into(),
    }
}

impl Units<'_> {
    pub async fn area_detail(&self, id: i64) -> Result<AreaDetail> {
        let mut chain = self.store.area_ancestors(id).await.map_err(area_not_found("area_id"))?;
        let area = chain.remove(0);
        Ok(AreaDetail {
            children: self.store.area_children(id).await?,
            successors: self.store.area_successors(id).await?,
            predecessors: self.store.area_predecessors(id).await?,
            units: self.store.units_for_area(id).await?,
            ancestors: chain,
            area,
        })
    }

    /// Every area carrying an official code (the same code can name a 2025 ward and a legacy commune).
    pub async fn areas_by_code(&self, code: &str) -> Result<Vec<Area>> {
        let code = code.trim();
        if code.is_empty() || code.len() > 10 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Invalid::new("code", "invalid_area_code").into());
        }
        let found = self.store.areas_by_code(code).await?;
        if found.is_empty() {
            return Err(CoreError::not_found_field("area", "code"));
        }
        Ok(found)
    }

    /// An area by id.
    pub async fn area(&self, id: i64) -> Result<Area> {
        self.store.area(id).await.map_err(area_not_found("area_id"))
    }

    pub async fn search_areas(&self, query: &str) -> Result<Vec<Area>> {
        let folded = binhyen_text::fold(query);
        if folded.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.store.search_areas(&folded, 50).await?)
    }

    /// An area that people may call home: a commune/ward or a village, in force today.
    pub(crate) async fn home_area(&self, id: i64) -> Result<Area> {
        let area = self.store.area(id).await.map_err(area_not_found("home_area_id"))?;
        let current = binhyen_domain::area::valid_on(area.valid_from, area.valid_to, self.today());
        if !matches!(area.level, AreaLevel::Commune | AreaLevel::Village) || !current {
            return Err(Invalid::new("home_area_id", "not_a_home_area").into());
        }
        Ok(area)
    }

    /// True when some unit answering for the area, or for an area above it, is one the officer may manage
    /// areas of (a commune administrator for their commune, a provincial one for the whole province).
    async fn may_manage_area(&self, actor: &Actor, area_id: i64) -> Result<bool> {
        for area in self.store.area_ancestors(area_id).await? {
            for unit in self.store.units_for_area(area.id).await? {
                if self.authorize(actor, Action::ManageAreas, unit.id).await.is_ok() {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// An administrator adds a village (thôn, buôn, tổ dân phố) to a commune their unit answers for.
    pub async fn create_village(&self, actor: &Actor, commune_id: i64, kind: AreaKind, name: &str) -> Result<i64> {
        let commune = self.store.area(commune_id).await.map_err(area_not_found("parent_id"))?;
        if commune.level != AreaLevel::Commune {
            return Err(Invalid::new("parent_id", "not_a_commune").into());
        }
        if !self.may_manage_area(actor, commune_id).await? {
            return Err(CoreError::Forbidden);
        }
        let name = binhyen_text::normalize(name);
        if name.is_empty() {
            return Err(Invalid::new("name", "required").into());
        }
        if name.chars().count() > 80 {
            return Err(Invalid::new("name", "too_long").into());
        }
        let folded = binhyen_text::fold(&name);
        let siblings = self.store.area_children(commune_id).await?;
        if siblings.iter().any(|a| binhyen_text::fold(&a.name) == folded) {
            return Err(CoreError::Conflict { code: "area_name_taken", field: Some("name") });
        }
        let mut tx = self.store.begin().await?;
        let village = NewArea {
            edition: Edition::Local,
            level: AreaLevel::Village,
            code: None,
            kind: kind.as_str().to_owned(),
            name,
            parent_id: Some(commune_id),
            lat: commune.lat,
            lon: commune.lon,
            valid_from: commune.valid_from,
            valid_to: commune.valid_to,
        };
        let id = areas::upsert(&mut tx, &village, self.now_ms()).await?;
        tx.commit().await?;
        Ok(id)
    }
}
