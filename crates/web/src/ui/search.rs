//! `/search`: one box for everything a visitor may find — posts, procedure guides, forms, units and areas; for
//! a signed-in officer also the tips and questions of the subtree they work. Titles and snippets come as
//! segments and the template marks the hits (`<mark>`), so nothing is built as HTML here.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhyen_core::search::{SearchInput, SearchKind, SearchResult, Segment};
use binhyen_domain::time_vn;
use serde::Deserialize;

use super::{page, Layout};
use crate::error::ApiError;
use crate::i18n::{message, Lang};
use crate::session::Visitor;
use crate::AppState;

#[derive(Deserialize, Default)]
struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    page: i64,
}

struct KindOption {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

struct ResultView {
    kind: &'static str,
    kind_label: &'static str,
    /// Tips and questions have no title: "Tin báo #12".
    title: Vec<Segment>,
    snippet: Vec<Segment>,
    link: String,
    date: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    l: Layout,
    q: String,
    kinds: Vec<KindOption>,
    results: Vec<ResultView>,
    searched: bool,
    error: Option<&'static str>,
    next: Option<String>,
}

pub(crate) fn kind_label(lang: Lang, kind: SearchKind) -> &'static str {
    let t = lang.text();
    match kind {
        SearchKind::Post => t.search_kind_post,
        SearchKind::Guide => t.search_kind_guide,
        SearchKind::Form => t.search_kind_form,
        SearchKind::Unit => t.search_kind_unit,
        SearchKind::Area => t.search_kind_area,
        SearchKind::Tip => t.search_kind_tip,
        SearchKind::Question => t.search_kind_question,
    }
}

fn view(lang: Lang, r: SearchResult) -> ResultView {
    let mut title = r.title.clone();
    if title.is_empty() {
        title.push(Segment { text: format!("{} #{}", kind_label(lang, r.kind), r.ref_id), hit: false });
    }
    let date = time::OffsetDateTime::from_unix_timestamp(r.at_ms.div_euclid(1000))
        .map(|at| time_vn::format_date(time_vn::today(at)))
        .unwrap_or_default();
    ResultView {
        kind: r.kind.as_str(),
        kind_label: kind_label(lang, r.kind),
        link: crate::api::search_link(&r).unwrap_or_else(|| "#".to_owned()),
        title,
        snippet: r.snippet,
        date,
    }
}

/// `/search?q=&kind=&page=`. A query string that is not UTF-8 is refused (400) like the API's.
pub(crate) async fn search(State(state): State<AppState>, v: Visitor, RawQuery(raw): RawQuery) -> Response {
    if raw.as_deref().and_then(crate::api::not_utf8).is_some() {
        return super::error_page(v, ApiError::new(StatusCode::BAD_REQUEST, "invalid_utf8"));
    }
    let p: Params = serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).unwrap_or_default();
    let lang = v.lang;
    let officer = v.principal.as_ref().and_then(|p| p.actor());
    let kinds: Vec<KindOption> = SearchKind::ALL
        .into_iter()
        .filter(|k| officer.is_some() || !matches!(k, SearchKind::Tip | SearchKind::Question))
        .map(|k| KindOption { value: k.as_str(), label: kind_label(lang, k), selected: p.kind == k.as_str() })
        .collect();
    let mut tpl = SearchPage {
        l: Layout::new(&v, lang.text().search),
        q: p.q.clone(),
        kinds,
        results: Vec::new(),
        searched: !p.q.trim().is_empty(),
        error: None,
        next: None,
    };
    if tpl.searched {
        let found = match SearchKind::parse_list(&p.kind) {
            Ok(kinds) => {
                let input = SearchInput { q: p.q.clone(), kinds, page: p.page, per_page: 20 };
                state.core.search().search(officer.as_ref(), &input).await
            }
            Err(e) => Err(e),
        };
        match found {
            Ok(found) => {
                if found.has_more {
                    let query = [("q", p.q.as_str()), ("kind", p.kind.as_str()), ("page", &(p.page + 1).to_string())];
                    tpl.next = serde_urlencoded::to_string(query).ok().map(|q| format!("/search?{q}"));
                }
                tpl.results = found.results.into_iter().map(|r| view(lang, r)).collect();
            }
            Err(e) => {
                let e = ApiError::from(e);
                if e.status.is_server_error() {
                    return super::error_page(v, e);
                }
                tpl.error = Some(message(lang, e.code));
            }
        }
    }
    let status = if tpl.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    page(v, status, &tpl)
}
