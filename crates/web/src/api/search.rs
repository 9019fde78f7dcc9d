//! Search over the API: public documents for anyone; with an officer's token, also the tips and questions of the
//! subtree they work.

use axum::extract::State;
use axum::Json;
use binhyen_core::search::{SearchInput, SearchKind, SearchPage, SearchResult, Segment};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::ApiQuery;
use super::tip_dto::rfc3339;
use crate::error::{ApiError, ErrorBody};
use crate::session::MaybeApiPrincipal;
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchParams {
    /// What to look for, as typed (with or without tone marks; 200 characters at most).
    q: Option<String>,
    /// Kinds to search, comma-separated: post, guide, form, unit, area, tip, question. All by default.
    kind: Option<String>,
    /// From 0.
    page: Option<i64>,
    /// 1–50, 20 by default.
    per_page: Option<i64>,
}

/// A piece of a title or snippet; `hit` when it is one of the query's words.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentJson {
    pub text: String,
    pub hit: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResultJson {
    /// post, guide, form, unit, area, tip, question.
    pub kind: &'static str,
    /// The id of the post, guide, form, unit, area, tip or question.
    pub id: i64,
    pub unit_id: Option<i64>,
    pub unit_code: Option<String>,
    /// The title, its query words marked (empty for tips and questions).
    pub title: Vec<SegmentJson>,
    /// A passage of the text around the query's words, marked.
    pub snippet: Vec<SegmentJson>,
    pub at: String,
    /// Where the web pages show it.
    pub link: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchPageJson {
    pub results: Vec<SearchResultJson>,
    pub has_more: bool,
}

/// Where a result is shown in the web pages.
pub(crate) fn link(r: &SearchResult) -> Option<String> {
    let unit = r.unit_code.as_deref();
    Some(match r.kind {
        SearchKind::Post => format!("/units/{}#post-{}", unit?, r.ref_id),
        SearchKind::Form => format!("/units/{}#unit-forms", unit?),
        SearchKind::Unit => format!("/units/{}", unit?),
        SearchKind::Guide => format!("/guides/{}", r.ref_id),
        SearchKind::Area => format!("/areas/{}", r.ref_id),
        SearchKind::Tip => format!("/inbox/{}", r.ref_id),
        SearchKind::Question => format!("/questions/{}", r.ref_id),
    })
}

fn segments(s: Vec<Segment>) -> Vec<SegmentJson> {
    s.into_iter().map(|s| SegmentJson { text: s.text, hit: s.hit }).collect()
}

impl From<SearchPage> for SearchPageJson {
    fn from(page: SearchPage) -> Self {
        let results = page
            .results
            .into_iter()
            .map(|r| SearchResultJson {
                kind: r.kind.as_str(),
                id: r.ref_id,
                unit_id: r.unit_id,
                link: link(&r),
                unit_code: r.unit_code,
                title: segments(r.title),
                snippet: segments(r.snippet),
                at: rfc3339(r.at_ms),
            })
            .collect();
        Self { results, has_more: page.has_more }
    }
}

/// Search posts, guides, forms, units and areas (anyone), and tips and questions (officers, within their
/// subtree). Every word must be found, with or without its tone marks; exact marks, titles and recent
/// documents rank first. Quotes, `*`, `-`, `NEAR` and `column:` are read as words.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchPageJson),
        (status = 400, body = ErrorBody, description = "a parameter is not UTF-8 (`invalid_utf8`)"),
        (status = 422, body = ErrorBody,
            description = "`query_required`, `query_too_long` (over 200 characters), `query_no_words`, `unknown_kind`")))]
pub async fn search(
    State(state): State<AppState>,
    MaybeApiPrincipal(principal): MaybeApiPrincipal,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchPageJson>, ApiError> {
    let input = SearchInput {
        q: p.q.unwrap_or_default(),
        kinds: SearchKind::parse_list(p.kind.as_deref().unwrap_or_default())?,
        page: p.page.unwrap_or(0),
        per_page: p.per_page.unwrap_or(20),
    };
    let officer = principal.as_ref().and_then(|p| p.actor());
    Ok(Json(state.core.search().search(officer.as_ref(), &input).await?.into()))
}
