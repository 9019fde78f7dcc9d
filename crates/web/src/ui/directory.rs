//! Public pages: home, the unit directory (tree and search), a unit (with its page's posts), an area.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use binhyen_core::units::UnitNode;
use binhyen_domain::group::GroupId;
use serde::Deserialize;

use super::guides::{form_links, FormLink, GuideLink};
use super::{or_page, page, validity, Layout};
use crate::error::ApiError;
use crate::i18n::unit_kind;
use crate::session::Visitor;
use crate::ui::pages::feed::{older_link, CursorQuery, PostView};
use crate::ui::pages::public_alerts::AlertCard;
use crate::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
}

pub(crate) async fn home(v: Visitor) -> Response {
    let tpl = HomePage { l: Layout::new(&v, v.lang.text().home) };
    page(v, StatusCode::OK, &tpl)
}

pub(crate) struct Row {
    depth: usize,
    code: String,
    name: String,
    kind: &'static str,
    valid: Option<String>,
    ended: bool,
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    l: Layout,
    query: String,
    searching: bool,
    rows: Vec<Row>,
    results: Vec<Row>,
}

#[derive(Deserialize)]
pub(crate) struct UnitsQuery {
    #[serde(default)]
    q: String,
}

pub(crate) async fn units(State(state): State<AppState>, v: Visitor, Query(q): Query<UnitsQuery>) -> Response {
    let t = v.lang.text();
    let today = state.core.today();
    let row = |depth: usize, u: binhyen_domain::entities::units::Unit| Row {
        depth,
        ended: u.valid_to.is_some_and(|to| to <= today),
        valid: validity(t, u.valid_from, u.valid_to),
        kind: unit_kind(v.lang, u.kind),
        code: u.code,
        name: u.name,
    };
    let searching = !q.q.trim().is_empty();
    let (mut rows, mut results) = (Vec::new(), Vec::new());
    if searching {
        let found = or_page!(v, state.core.units().search_units(&q.q).await);
        results = found.into_iter().map(|u| row(0, u)).collect();
    } else {
        let forest = or_page!(v, state.core.units().unit_directory(None).await);
        fn walk(nodes: Vec<UnitNode>, depth: usize, out: &mut Vec<(usize, binhyen_domain::entities::units::Unit)>) {
            for n in nodes {
                out.push((depth, n.unit));
                walk(n.children, depth + 1, out);
            }
        }
        let mut flat = Vec::new();
        walk(forest, 0, &mut flat);
        rows = flat.into_iter().map(|(d, u)| row(d, u)).collect();
    }
    let tpl = UnitsPage { l: Layout::new(&v, t.directory), query: q.q, searching, rows, results };
    page(v, StatusCode::OK, &tpl)
}

type Link = (String, String);

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    l: Layout,
    name: String,
    kind: &'static str,
    valid: Option<String>,
    parent: Option<Link>,
    successor: Option<Link>,
    /// "Ended on dd/mm/yyyy": the page is an archive (no follow button).
    ended_on: Option<String>,
    address: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    hours: Option<String>,
    jurisdiction: Vec<Link>,
    children: Vec<Link>,
    // Its page: description, followers, posts (pinned ones on the first page only).
    code: String,
    description: Option<String>,
    avatar: bool,
    followers: i64,
    following: bool,
    signed_in: bool,
    /// An officer who may run the page: the link to do so.
    can_manage: bool,
    article_sent: bool,
    alerts: Vec<AlertCard>,
    guides: Vec<GuideLink>,
    forms: Vec<FormLink>,
    /// The unit's sector groups: (id, name, kind).
    groups: Vec<(GroupId, String, &'static str)>,
    pinned: Vec<PostView>,
    posts: Vec<PostView>,
    first: bool,
    older: Option<String>,
}

pub(crate) async fn unit(
    State(state): State<AppState>,
    v: Visitor,
    Path(code): Path<String>,
    q: Result<Query<CursorQuery>, QueryRejection>,
) -> Response {
    let q = match CursorQuery::of(q) {
        Ok(q) => q,
        Err(e) => return super::error_page(v, e),
    };
    let unit = or_page!(v, state.core.units().unit_by_code(&code).await);
    let d = or_page!(v, state.core.units().unit_detail(unit.id).await);
    let viewer = v.principal.as_ref().map(|p| p.account.id);
    let view = or_page!(v, state.core.pages().page(unit.id, viewer).await);
    let feed = or_page!(v, state.core.pages().page_feed(unit.id, q.cursor()).await);
    let first = q.cursor().is_none();
    let post = |p| PostView::new(v.lang, p, None);
    let pinned = if first { view.pinned.into_iter().map(post).collect() } else { Vec::new() };
    // Pinned posts stand above the list rather than twice on the page.
    let posts = feed.posts.into_iter().filter(|p| !p.pinned).map(post).collect();
    let can_manage = match crate::ui::officers::actor_of(&v) {
        Some(actor) => state.core.authorize(&actor, binhyen_domain::Action::EditUnit, unit.id).await.is_ok(),
        None => false,
    };
    let guides = or_page!(v, state.core.guides().unit_guides(unit.id).await);
    let forest = or_page!(v, state.core.units().directory_snapshot().await).forest;
    let forms = form_links(or_page!(v, state.core.guides().unit_forms(unit.id).await), &forest);
    let groups = or_page!(v, state.core.groups().unit_groups(unit.id).await)
        .into_iter()
        .map(|g| (g.id, g.name, super::groups::kind_label(v.lang, g.kind)))
        .collect();
    let link = |u: binhyen_domain::entities::units::Unit| (u.code, u.name);
    let c = d.unit.contact;
    let tpl = UnitPage {
        l: Layout::new(&v, d.unit.name.clone()),
        kind: unit_kind(v.lang, d.unit.kind),
        valid: validity(v.lang.text(), d.unit.valid_from, d.unit.valid_to),
        name: d.unit.name,
        parent: d.parent.map(link),
        successor: d.successor.map(link),
        ended_on: d.ended_on.map(binhyen_domain::time_vn::format_date),
        address: c.address,
        phone: c.phone,
        email: c.email,
        hours: c.hours,
        jurisdiction: d.jurisdiction.into_iter().map(|a| (a.id.to_string(), a.name)).collect(),
        children: d.children.into_iter().map(link).collect(),
        older: older_link(&format!("/units/{}", unit.code), feed.next),
        code: unit.code,
        description: view.description,
        avatar: view.avatar,
        followers: view.followers,
        following: view.following,
        signed_in: viewer.is_some(),
        can_manage,
        article_sent: q.sent == "article",
        alerts: AlertCard::all(v.lang, feed.alerts, &state),
        guides: guides.into_iter().map(Into::into).collect(),
        forms,
        groups,
        pinned,
        posts,
        first,
    };
    page(v, StatusCode::OK, &tpl)
}

#[derive(Template)]
#[template(path = "area.html")]
struct AreaPage {
    l: Layout,
    name: String,
    code: Option<String>,
    valid: String,
    ancestors: Vec<Link>,
    successors: Vec<Link>,
    predecessors: Vec<Link>,
    units: Vec<Link>,
    children: Vec<Link>,
}

pub(crate) async fn area(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return super::error_page(v, ApiError::new(StatusCode::NOT_FOUND, "area_not_found"));
    };
    let d = or_page!(v, state.core.units().area_detail(id).await);
    let link = |a: binhyen_domain::entities::areas::Area| (a.id.to_string(), a.name);
    let links =
        |list: Vec<(binhyen_domain::entities::areas::Area, bool)>| list.into_iter().map(|(a, _)| link(a)).collect();
    let mut ancestors: Vec<Link> = d.ancestors.into_iter().map(link).collect();
    ancestors.reverse();
    let tpl = AreaPage {
        l: Layout::new(&v, d.area.name.clone()),
        valid: validity(v.lang.text(), d.area.valid_from, d.area.valid_to).unwrap_or_default(),
        name: d.area.name,
        code: d.area.code,
        ancestors,
        successors: links(d.successors),
        predecessors: links(d.predecessors),
        units: d.units.into_iter().map(|u| (u.code, u.name)).collect(),
        children: d.children.into_iter().map(link).collect(),
    };
    page(v, StatusCode::OK, &tpl)
}
