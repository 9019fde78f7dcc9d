//! Unit pages on the site: following a page (the form on a unit's page, `directory.rs`), the posts shown there
//! and on one's home feed (`/feed`), older posts reached through the feed's signed cursor.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::units::UnitNode;
use binhyen_domain::entities::pages::Post;
use binhyen_domain::time_vn::format_instant_ms;
use serde::Deserialize;

use super::public_alerts::AlertCard;
use crate::error::ApiError;
use crate::i18n::{post_kind, unit_kind, Lang};
use crate::session::{CsrfForm, Visitor};
use crate::ui::{or_page, page, Layout};
use crate::AppState;

/// A post as a page shows it.
pub(crate) struct PostView {
    /// For the anchor search results link to (`#post-12`).
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    /// "17/06/2026 08:30", Vietnam time.
    pub at: String,
    /// Rendered from Markdown and sanitised (ammonia) when saved: the one field templates write unescaped.
    pub body_html: String,
    /// The page it comes from (code, name): on the home feed only.
    pub unit: Option<(String, String)>,
}

impl PostView {
    pub(crate) fn new(lang: Lang, p: Post, unit: Option<(String, String)>) -> Self {
        Self {
            id: p.id,
            kind: post_kind(lang, p.kind),
            at: format_instant_ms(p.published_at_ms.unwrap_or(p.created_at_ms)),
            title: p.title,
            body_html: p.body_html,
            unit,
        }
    }
}

/// `?cursor=`: where an older page of posts starts (the `next` of the page before).
#[derive(Deserialize, Default)]
pub(crate) struct CursorQuery {
    #[serde(default)]
    cursor: String,
    /// `article`: the visitor just sent the page an article (the page thanks them).
    #[serde(default)]
    pub sent: String,
}

impl CursorQuery {
    /// The query, or the error page's error for one that does not parse.
    pub(crate) fn of(q: Result<Query<CursorQuery>, QueryRejection>) -> Result<CursorQuery, ApiError> {
        q.map(|Query(q)| q).map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query"))
    }

    pub(crate) fn cursor(&self) -> Option<&str> {
        Some(self.cursor.trim()).filter(|c| !c.is_empty())
    }
}

/// The link to the next older page of `path`, when there is one.
pub(crate) fn older_link(path: &str, next: Option<String>) -> Option<String> {
    next.map(|cursor| format!("{path}?{}", serde_urlencoded::to_string([("cursor", cursor)]).unwrap_or_default()))
}

#[derive(Deserialize)]
pub(crate) struct FollowForm {
    /// "1" to follow, anything else to stop.
    #[serde(default)]
    follow: String,
    /// "/feed" to go back to the home feed; otherwise back to the unit's page.
    #[serde(default)]
    back: String,
}

/// Follows or unfollows a unit's page, then goes back (PRG).
pub(crate) async fn follow(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(v, f): CsrfForm<FollowForm>,
) -> Response {
    let Some(account_id) = v.principal.as_ref().map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let unit = or_page!(v, state.core.units().unit_by_code(&code).await);
    or_page!(v, state.core.pages().set_following(account_id, unit.id, f.follow == "1").await);
    // Unit codes are lowercase letters, digits and dashes: safe in a Location header.
    let back = if f.back == "/feed" { "/feed".to_owned() } else { format!("/units/{}", unit.code) };
    (v.jar, Redirect::to(&back)).into_response()
}

/// A page offered on an empty feed.
pub(crate) struct Suggestion {
    code: String,
    name: String,
    kind: &'static str,
    followers: i64,
    following: bool,
}

#[derive(Template)]
#[template(path = "feed.html")]
struct FeedPage {
    l: Layout,
    alerts: Vec<AlertCard>,
    posts: Vec<PostView>,
    first: bool,
    older: Option<String>,
    suggested: Vec<Suggestion>,
}

/// Every unit's (code, name) by id, from the directory's cached copy.
async fn unit_names(state: &AppState) -> binhyen_core::Result<HashMap<i64, (String, String)>> {
    fn walk(nodes: &[UnitNode], out: &mut HashMap<i64, (String, String)>) {
        for n in nodes {
            out.insert(n.unit.id, (n.unit.code.clone(), n.unit.name.clone()));
            walk(&n.children, out);
        }
    }
    let mut out = HashMap::new();
    walk(&state.core.units().directory_snapshot().await?.forest, &mut out);
    Ok(out)
}

/// "Bảng tin": the posts of the pages one follows, newest first; on an empty first page, the pages one is
/// offered (one's commune's and those above it).
pub(crate) async fn feed(
    State(state): State<AppState>,
    v: Visitor,
    q: Result<Query<CursorQuery>, QueryRejection>,
) -> Response {
    let Some(account_id) = v.principal.as_ref().map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    let q = match CursorQuery::of(q) {
        Ok(q) => q,
        Err(e) => return crate::ui::error_page(v, e),
    };
    let feed = or_page!(v, state.core.pages().home_feed(account_id, q.cursor()).await);
    let first = q.cursor().is_none();
    let mut suggested = Vec::new();
    if first && feed.posts.is_empty() {
        for u in or_page!(v, state.core.pages().suggested_pages(account_id).await) {
            let view = or_page!(v, state.core.pages().page(u.id, Some(account_id)).await);
            suggested.push(Suggestion {
                kind: unit_kind(v.lang, u.kind),
                code: u.code,
                name: u.name,
                followers: view.followers,
                following: view.following,
            });
        }
    }
    let names = or_page!(v, unit_names(&state).await);
    let posts = feed.posts.into_iter().map(|p| {
        let unit = names.get(&p.unit_id).cloned();
        PostView::new(v.lang, p, unit)
    });
    let tpl = FeedPage {
        l: Layout::new(&v, v.lang.text().feed_title),
        alerts: AlertCard::all(v.lang, feed.alerts, &state),
        posts: posts.collect(),
        first,
        older: older_link("/feed", feed.next),
        suggested,
    };
    page(v, StatusCode::OK, &tpl)
}
