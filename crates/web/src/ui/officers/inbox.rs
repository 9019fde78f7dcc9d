//! The officers' inbox: tips of their unit's subtree with filters in the query string, and a tip's page with
//! where, who (as far as allowed), the files, the whole timeline and a form for every action
//! (`inbox_actions.rs`). Officers only: everyone else gets the 403 page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhyen_core::tips::TipQuery;
use binhyen_core::units::UnitNode;
use binhyen_domain::entities::units::Unit;
use binhyen_domain::time_vn::format_instant_ms;
use binhyen_domain::tip::{Priority, TipCategory, TipState};
use binhyen_domain::Invalid;
use serde::{Deserialize, Serialize};

use super::alerting::{unread_count, DutyView};
use super::inbox_tip::{render_tip, Shown};
use super::{actor_of, officers_only};
use crate::error::ApiError;
use crate::i18n::{message, priority, tip_category, tip_state};
use crate::session::Visitor;
use crate::ui::{or_page, page, parse_id, Layout, SelectOption};
use crate::AppState;

const PER_PAGE: i64 = 25;

/// The officer's unit and every unit below it, in tree order.
fn subtree(forest: Vec<UnitNode>, root: i64) -> Vec<(usize, Unit)> {
    fn find(nodes: Vec<UnitNode>, root: i64) -> Option<UnitNode> {
        nodes.into_iter().find_map(|n| if n.unit.id == root { Some(n) } else { find(n.children, root) })
    }
    fn flatten(n: UnitNode, depth: usize, out: &mut Vec<(usize, Unit)>) {
        out.push((depth, n.unit));
        for c in n.children {
            flatten(c, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    if let Some(n) = find(forest, root) {
        flatten(n, 0, &mut out);
    }
    out
}

/// The filters, as typed in the query string (kept as text to fill the form back in).
#[derive(Deserialize, Serialize, Default, Clone)]
pub(crate) struct InboxQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    state: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    category: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    priority: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mine: Option<String>,
    /// dd/mm/yyyy or yyyy-mm-dd (what `type=date` sends).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    from: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    until: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    sort: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    page: String,
}

pub(crate) struct Row {
    id: i64,
    category: &'static str,
    state: &'static str,
    priority: &'static str,
    urgent: bool,
    received: String,
    place: String,
    unit: String,
    excerpt: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    l: Layout,
    q: InboxQuery,
    rows: Vec<Row>,
    states: Vec<SelectOption>,
    categories: Vec<SelectOption>,
    priorities: Vec<SelectOption>,
    units: Vec<SelectOption>,
    sorts: Vec<SelectOption>,
    page_no: i64,
    previous: Option<String>,
    next: Option<String>,
    error: Option<String>,
    duty: DutyView,
    /// This page's address, filters included: where the duty form comes back to.
    here: String,
    /// An administrator of a top-level unit: the header links the job queue.
    jobs_link: bool,
}

impl InboxPage {
    /// The inbox follows every tip of the officer's reach live, not one tip.
    fn live_tip(&self) -> Option<i64> {
        None
    }
}

fn day(s: &str, field: &'static str) -> Result<Option<time::Date>, Invalid> {
    use time::macros::format_description;
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    binhyen_domain::time_vn::parse_iso(s)
        .or_else(|| time::Date::parse(s, format_description!("[day]/[month]/[year]")).ok())
        .map(Some)
        .ok_or(Invalid::new(field, "invalid_day"))
}

fn day_start_ms(day: time::Date) -> i64 {
    (day.midnight().assume_offset(binhyen_domain::time_vn::VIETNAM).unix_timestamp_nanos() / 1_000_000) as i64
}

fn opt<T: std::str::FromStr<Err = Invalid>>(s: &str) -> Result<Option<T>, Invalid> {
    if s.is_empty() {
        Ok(None)
    } else {
        s.parse().map(Some)
    }
}

async fn to_query(state: &AppState, q: &InboxQuery) -> Result<TipQuery, ApiError> {
    let invalid = |e: Invalid| ApiError::from(binhyen_core::CoreError::from(e));
    let unit_id = match q.unit.as_str() {
        "" => None,
        code => Some(state.core.units().unit_by_code(code).await?.id),
    };
    Ok(TipQuery {
        unit_id,
        state: opt::<TipState>(&q.state).map_err(invalid)?,
        category: opt::<TipCategory>(&q.category).map_err(invalid)?,
        priority: opt::<Priority>(&q.priority).map_err(invalid)?,
        assigned_to_me: q.mine.is_some(),
        from_ms: day(&q.from, "from").map_err(invalid)?.map(day_start_ms),
        until_ms: day(&q.until, "until").map_err(invalid)?.and_then(|d| d.next_day()).map(day_start_ms),
        oldest_first: q.sort == "oldest",
        page: q.page.parse::<i64>().unwrap_or(0).max(0),
        per_page: PER_PAGE,
    })
}

pub(crate) async fn list(State(state): State<AppState>, v: Visitor, Query(q): Query<InboxQuery>) -> Response {
    let Some(actor) = actor_of(&v) else { return officers_only(v) };
    let lang = v.lang;
    let duty = or_page!(v, DutyView::of(&state, actor.account_id).await);
    let forest = or_page!(v, state.core.units().unit_directory(None).await);
    let units_list = subtree(forest, actor.unit_id);
    let jobs_link = state.core.is_top_administrator(&actor).await;
    let names: HashMap<i64, String> = units_list.iter().map(|(_, u)| (u.id, u.name.clone())).collect();
    let (mut rows, mut error, mut status, mut page_no, mut full) = (Vec::new(), None, StatusCode::OK, 0, false);
    match to_query(&state, &q).await {
        Ok(query) => {
            page_no = query.page;
            let tips = or_page!(v, state.core.tips().list_tips(&actor, &query).await);
            full = tips.len() as i64 == PER_PAGE;
            let mut areas: HashMap<i64, String> = HashMap::new();
            for t in tips {
                let place = match t.area_id {
                    Some(id) => match areas.get(&id) {
                        Some(name) => name.clone(),
                        None => {
                            let name = state.core.units().area(id).await.map(|a| a.name).unwrap_or_default();
                            areas.insert(id, name.clone());
                            name
                        }
                    },
                    None => t.address.clone().unwrap_or_default(),
                };
                rows.push(Row {
                    id: t.id,
                    category: tip_category(lang, t.category),
                    state: tip_state(lang, t.state),
                    priority: priority(lang, t.priority),
                    urgent: t.priority == Priority::Urgent && t.state.is_open(),
                    received: format_instant_ms(t.submitted_at_ms),
                    place,
                    unit: names.get(&t.unit_id).cloned().unwrap_or_default(),
                    excerpt: excerpt(&t.description, 140),
                });
            }
        }
        Err(e) if e.status == StatusCode::FORBIDDEN => return crate::ui::error_page(v, e),
        Err(e) => {
            status = e.status;
            error = Some(message(lang, e.code).to_owned());
        }
    }
    let link = |page: i64| {
        let mut q = q.clone();
        q.page = if page == 0 { String::new() } else { page.to_string() };
        format!("/inbox?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
    };
    let t = lang.text();
    let mut l = Layout::new(&v, t.inbox);
    l.unread = unread_count(&state, actor.account_id).await;
    let tpl = InboxPage {
        l,
        duty,
        jobs_link,
        here: link(page_no),
        states: TipState::ALL.iter().map(|s| SelectOption::new(s.as_str(), tip_state(lang, *s), &q.state)).collect(),
        categories: TipCategory::ALL
            .iter()
            .map(|c| SelectOption::new(c.as_str(), tip_category(lang, *c), &q.category))
            .collect(),
        priorities: Priority::ALL
            .iter()
            .map(|p| SelectOption::new(p.as_str(), priority(lang, *p), &q.priority))
            .collect(),
        units: units_list
            .iter()
            .map(|(depth, u)| SelectOption::new(u.code.clone(), format!("{}{}", "· ".repeat(*depth), u.name), &q.unit))
            .collect(),
        sorts: vec![
            SelectOption::new("newest", t.newest_first, &q.sort),
            SelectOption::new("oldest", t.oldest_first, &q.sort),
        ],
        previous: (page_no > 0).then(|| link(page_no - 1)),
        next: full.then(|| link(page_no + 1)),
        page_no: page_no + 1,
        rows,
        error,
        q,
    };
    page(v, status, &tpl)
}

/// The first `max` characters, on one line.
fn excerpt(text: &str, max: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max).collect();
    cut.push('…');
    cut
}

pub(crate) async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let Some(actor) = actor_of(&v) else { return officers_only(v) };
    let id = or_page!(v, parse_id(&id));
    render_tip(&state, v, &actor, id, StatusCode::OK, Shown::default()).await
}

/// An attachment's bytes for an officer handling the tip, as the type they really are and nothing else.
pub(crate) async fn attachment(
    State(state): State<AppState>,
    v: Visitor,
    Path((id, aid)): Path<(String, String)>,
) -> Response {
    let Some(actor) = actor_of(&v) else { return officers_only(v) };
    let (Ok(id), Ok(aid)) = (id.parse(), aid.parse()) else {
        return crate::ui::error_page(v, ApiError::new(StatusCode::NOT_FOUND, "not_found"));
    };
    let (a, bytes) = or_page!(v, state.core.tips().attachment_bytes(&actor, id, aid).await);
    crate::attachment::attachment_response(&a.kind, bytes)
}
