//! A commune, ward or village typed by name, resolved on the server so forms work without JavaScript: one
//! match is taken, several are offered as choices, a former commune leads to the one it merged into.

use binhyen_core::CoreError;
use binhyen_domain::AreaLevel;
use binhyen_store::areas::Area;

use crate::AppState;

/// One of several areas matching what was typed, offered as a radio button.
pub(crate) struct Choice {
    pub id: i64,
    pub label: String,
}

/// How a typed area resolved.
pub(crate) enum Place {
    /// Nothing typed, nothing chosen.
    None,
    Found(i64),
    Choose(Vec<Choice>),
    Unknown,
}

/// Resolves `typed` (a name) unless `chosen` (an id picked among earlier choices) is given.
pub(crate) async fn resolve_area(state: &AppState, typed: &str, chosen: Option<&str>) -> Result<Place, CoreError> {
    if let Some(id) = chosen.and_then(|s| s.parse().ok()) {
        return Ok(Place::Found(id));
    }
    if typed.trim().is_empty() {
        return Ok(Place::None);
    }
    let today = state.core.today();
    let candidates: Vec<_> = state
        .core
        .search_areas(typed)
        .await?
        .into_iter()
        .filter(|a| matches!(a.level, AreaLevel::Commune | AreaLevel::Village))
        .filter(|a| binhyen_domain::area::valid_on(a.valid_from, a.valid_to, today))
        .collect();
    let candidates = if candidates.is_empty() { successors_of_former(state, typed).await? } else { candidates };
    let folded = binhyen_text::fold(typed);
    let exact: Vec<_> = candidates.iter().filter(|a| binhyen_text::fold(&a.name).ends_with(&folded)).collect();
    Ok(match (candidates.len(), exact.len()) {
        (0, _) => Place::Unknown,
        (1, _) => Place::Found(candidates[0].id),
        (_, 1) => Place::Found(exact[0].id),
        _ => {
            let mut choices = Vec::new();
            for a in candidates.into_iter().take(15) {
                let parent = match a.parent_id {
                    Some(p) => state.core.store.area(p).await.map(|p| p.name).unwrap_or_default(),
                    None => String::new(),
                };
                choices.push(Choice { id: a.id, label: format!("{} – {}", a.name, parent) });
            }
            Place::Choose(choices)
        }
    })
}

/// People still name the commune they grew up in ("Ea KPam") after it merged into another in 2025: offer the
/// communes such former ones went into.
async fn successors_of_former(state: &AppState, typed: &str) -> Result<Vec<Area>, CoreError> {
    let mut found: Vec<Area> = Vec::new();
    let former = state.core.search_areas(typed).await?.into_iter().filter(|a| a.level == AreaLevel::Commune);
    for area in former.filter(|a| a.valid_to.is_some()) {
        let successors = state.core.store.area_successors(area.id).await?;
        if let Some((next, _)) = successors.into_iter().find(|(_, is_default)| *is_default) {
            if !found.iter().any(|a| a.id == next.id) {
                found.push(next);
            }
        }
    }
    Ok(found)
}
