//! A commune, ward or village typed by name, as citizens type it in a form that works without JavaScript: one
//! match is taken, several are offered as choices, a former commune leads to the one it merged into.

use crate::Units;
use binhyen_domain::AreaLevel;
use binhyen_store::areas::Area;

use crate::Result;

/// One of several areas matching what was typed, with its parent to tell look-alikes apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceChoice {
    pub id: i64,
    /// "Xã Tân Lợi – Huyện …".
    pub label: String,
}

/// How a typed place resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedPlace {
    /// Nothing typed, nothing chosen.
    None,
    Found(i64),
    Choose(Vec<PlaceChoice>),
    Unknown,
}

/// At most this many choices are offered.
const MAX_CHOICES: usize = 15;

impl Units<'_> {
    /// Resolves `typed` (a name) unless `chosen` (an id picked among earlier choices) is given.
    pub async fn resolve_typed_place(&self, typed: &str, chosen: Option<&str>) -> Result<TypedPlace> {
        if let Some(id) = chosen.and_then(|s| s.parse().ok()) {
            return Ok(TypedPlace::Found(id));
        }
        if typed.trim().is_empty() {
            return Ok(TypedPlace::None);
        }
        let today = self.today();
        let candidates: Vec<_> = self
            .search_areas(typed)
            .await?
            .into_iter()
            .filter(|a| matches!(a.level, AreaLevel::Commune | AreaLevel::Village))
            .filter(|a| binhyen_domain::area::valid_on(a.valid_from, a.valid_to, today))
            .collect();
        let candidates = if candidates.is_empty() { self.successors_of_former(typed).await? } else { candidates };
        let folded = binhyen_text::fold(typed);
        let exact: Vec<_> = candidates.iter().filter(|a| binhyen_text::fold(&a.name).ends_with(&folded)).collect();
        Ok(match (candidates.len(), exact.len()) {
            (0, _) => TypedPlace::Unknown,
            (1, _) => TypedPlace::Found(candidates[0].id),
            (_, 1) => TypedPlace::Found(exact[0].id),
            _ => {
                let mut choices = Vec::new();
                for a in candidates.into_iter().take(MAX_CHOICES) {
                    let parent = match a.parent_id {
                        Some(p) => self.store.area(p).await.map(|p| p.name).unwrap_or_default(),
                        None => String::new(),
                    };
                    choices.push(PlaceChoice { id: a.id, label: format!("{} – {}", a.name, parent) });
                }
                TypedPlace::Choose(choices)
            }
        })
    }

    /// People still name the commune they grew up in ("Ea KPam") after it merged into another in 2025: offer
    /// the communes such former ones went into.
    async fn successors_of_former(&self, typed: &str) -> Result<Vec<Area>> {
        let mut found: Vec<Area> = Vec::new();
        let former = self.search_areas(typed).await?.into_iter().filter(|a| a.level == AreaLevel::Commune);
        for area in former.filter(|a| a.valid_to.is_some()) {
            let successors = self.store.area_successors(area.id).await?;
            if let Some((next, _)) = successors.into_iter().find(|(_, is_default)| *is_default) {
                if !found.iter().any(|a| a.id == next.id) {
                    found.push(next);
                }
            }
        }
        Ok(found)
    }
}
