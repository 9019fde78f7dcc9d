//! Procedure guides and forms on the site: `/guides` (search, tones optional), `/guides/{id}` (what to bring,
//! fee, time, where, the related forms to download). A unit's page lists the guides and forms that apply there
//! (`directory.rs` fills them through `GuideLink` and `FormLink`).

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhyen_domain::entities::guides::{Form, Guide};
use serde::Deserialize;

use super::{or_page, page, Layout};
use crate::error::ApiError;
use crate::session::Visitor;
use crate::AppState;

/// A guide in a list.
pub(crate) struct GuideLink {
    pub id: i64,
    pub title: String,
    pub summary: String,
}

impl From<Guide> for GuideLink {
    fn from(g: Guide) -> Self {
        Self { id: g.id, title: g.text.title, summary: g.text.summary }
    }
}

/// A form in a list: its current version's download address.
pub(crate) struct FormLink {
    pub code: String,
    pub title: String,
    pub version: String,
    pub kind: String,
    pub downloads: i64,
    pub url: String,
}

pub(crate) fn form_links(forms: Vec<Form>, forest: &[binhyen_core::units::UnitNode]) -> Vec<FormLink> {
    forms
        .into_iter()
        .filter_map(|f| {
            let v = f.versions.first()?.clone();
            let owner = crate::api::unit_code(forest, f.unit_id)?;
            let url = crate::api::download_url(&owner, &f.code, &v.version);
            Some(FormLink {
                code: f.code,
                title: f.title,
                version: v.version,
                kind: v.kind.to_uppercase(),
                downloads: f.downloads,
                url,
            })
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "guides.html")]
struct GuidesPage {
    l: Layout,
    q: String,
    guides: Vec<GuideLink>,
    searched: bool,
}

/// `/guides?q=`: the best guides for the words, tones and case ignored.
pub(crate) async fn search(
    State(state): State<AppState>,
    v: Visitor,
    q: Result<Query<SearchQuery>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let words = q.q.trim().to_owned();
    let guides =
        if words.is_empty() { Vec::new() } else { or_page!(v, state.core.guides().search_guides(&words, None).await) };
    let tpl = GuidesPage {
        l: Layout::new(&v, v.lang.text().guides_title),
        searched: !words.is_empty(),
        q: words,
        guides: guides.into_iter().map(Into::into).collect(),
    };
    page(v, StatusCode::OK, &tpl)
}

#[derive(Template)]
#[template(path = "guide.html")]
struct GuidePage {
    l: Layout,
    g: Guide,
    unit: (String, String),
    /// The documents to bring, one per line (list markers removed).
    documents: Vec<String>,
    forms: Vec<FormLink>,
}

/// One guide, with its related forms (those of its unit or the units above it whose codes it names).
pub(crate) async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return super::error_page(v, ApiError::new(StatusCode::NOT_FOUND, "guide_not_found"));
    };
    let g = or_page!(v, state.core.guides().guide(id).await);
    let unit = or_page!(v, state.core.units().unit_detail(g.unit_id).await).unit;
    let forest = or_page!(v, state.core.units().directory_snapshot().await).forest;
    let codes: Vec<&str> = g.text.form_codes.split(", ").filter(|c| !c.is_empty()).collect();
    let forms = or_page!(v, state.core.guides().unit_forms(g.unit_id).await)
        .into_iter()
        .filter(|f| codes.contains(&f.code.as_str()))
        .collect();
    let documents = g
        .text
        .documents
        .lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    let tpl = GuidePage {
        l: Layout::new(&v, g.text.title.clone()),
        unit: (unit.code, unit.name),
        forms: form_links(forms, &forest),
        documents,
        g,
    };
    page(v, StatusCode::OK, &tpl)
}
