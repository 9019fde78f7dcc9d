//! Alerting on the pages: the officers' live feed (`/events`, Server-Sent Events with the session cookie, which
//! `static/app.js` opens on the inbox and on a tip's page), going on or off duty, and everyone's in-app
//! notifications. Where one is reached (channels) lives on the account page (`account.rs`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_domain::time_vn::format_instant_ms;
use serde::Deserialize;

use super::{actor_of, officers_only};
use crate::session::{CsrfForm, Visitor};
use crate::ui::{or_page, page, Layout};
use crate::AppState;

/// The live feed of the officer signed in with this browser. `EventSource` sends `Last-Event-ID` itself when
/// it reconnects, and is replayed what it missed.
pub(crate) async fn events(State(state): State<AppState>, v: Visitor, headers: HeaderMap) -> Response {
    let Some(actor) = actor_of(&v) else { return officers_only(v) };
    match crate::live::respond(&state, &actor, &headers).await {
        Ok(response) => response,
        Err(e) => crate::ui::error_page(v, e),
    }
}

#[derive(Deserialize)]
pub(crate) struct DutyForm {
    /// "1" to go on duty, anything else to go off.
    #[serde(default)]
    on: String,
    /// The inbox page to go back to (its filters kept).
    #[serde(default)]
    back: String,
}

/// Where a form sends the officer back to: an inbox page only, as a plain path (no other site, no header
/// injection).
fn back_to_inbox(back: &str) -> &str {
    let safe = back.starts_with("/inbox") && back.len() <= 1000 && back.bytes().all(|b| b.is_ascii_graphic());
    if safe {
        back
    } else {
        "/inbox"
    }
}

pub(crate) async fn duty(State(state): State<AppState>, CsrfForm(v, f): CsrfForm<DutyForm>) -> Response {
    let Some(actor) = actor_of(&v) else { return officers_only(v) };
    or_page!(v, state.core.alerting().set_on_duty(&actor, f.on == "1").await);
    (v.jar, Redirect::to(back_to_inbox(&f.back))).into_response()
}

/// On duty or not, and since when: what the inbox shows above the list.
pub(crate) struct DutyView {
    pub on: bool,
    pub since: Option<String>,
}

impl DutyView {
    pub(crate) async fn of(state: &AppState, account_id: i64) -> Result<DutyView, binhyen_core::CoreError> {
        let since = state.core.alerting().on_duty_since(account_id).await?;
        Ok(DutyView { on: since.is_some(), since: since.map(format_instant_ms) })
    }
}

/// The account's unread notifications for the nav, on the pages that show it (a failed count hides it).
pub(crate) async fn unread_count(state: &AppState, account_id: i64) -> Option<i64> {
    state.core.alerting().unread_notifications(account_id).await.ok()
}

pub(crate) struct NotificationRow {
    title: String,
    body: String,
    at: String,
    link: Option<String>,
    read: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    l: Layout,
    items: Vec<NotificationRow>,
    unread: i64,
    /// Paging: the newest page's link when this is an older one, and the next older page's.
    first: bool,
    older: Option<String>,
}

#[derive(Deserialize, Default)]
pub(crate) struct NotificationsQuery {
    #[serde(default)]
    before: String,
}

/// A notification's link on this site: its path, whatever address the configuration gave messages (a link
/// clicked in the app stays in the app it was clicked in).
fn local_link(link: &str) -> Option<String> {
    if link.starts_with('/') && !link.starts_with("//") {
        return Some(link.to_owned());
    }
    let rest = link.strip_prefix("https://").or_else(|| link.strip_prefix("http://"))?;
    let path = &rest[rest.find('/')?..];
    (!path.starts_with("//")).then(|| path.to_owned())
}

pub(crate) async fn notifications(
    State(state): State<AppState>,
    v: Visitor,
    Query(q): Query<NotificationsQuery>,
) -> Response {
    let Some(account_id) = v.principal.as_ref().map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    // A `before` that is not an id is the first page.
    let before = q.before.trim().parse::<i64>().ok();
    let inbox = or_page!(v, state.core.alerting().notifications(account_id, before).await);
    let mut l = Layout::new(&v, v.lang.text().notifications);
    l.unread = Some(inbox.unread);
    let tpl = NotificationsPage {
        l,
        items: inbox
            .items
            .into_iter()
            .map(|n| NotificationRow {
                link: n.link.as_deref().and_then(local_link),
                at: format_instant_ms(n.at_ms),
                read: n.read_at_ms.is_some(),
                title: n.title,
                body: n.body,
            })
            .collect(),
        unread: inbox.unread,
        first: before.is_none(),
        older: inbox.next_before.map(|b| format!("/notifications?before={b}")),
    };
    page(v, StatusCode::OK, &tpl)
}

#[derive(Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn mark_read(State(state): State<AppState>, CsrfForm(v, _): CsrfForm<Empty>) -> Response {
    let Some(account_id) = v.principal.as_ref().map(|p| p.account.id) else {
        return (v.jar, Redirect::to("/sign-in")).into_response();
    };
    or_page!(v, state.core.alerting().mark_notifications_read(account_id, None).await);
    (v.jar, Redirect::to("/notifications")).into_response()
}

#[cfg(test)]
mod tests {
    use super::{back_to_inbox, local_link};

    #[test]
    fn links_stay_on_this_site() {
        assert_eq!(local_link("http://127.0.0.1:8080/inbox/12").as_deref(), Some("/inbox/12"));
        assert_eq!(local_link("https://binhyen.example/my/tips/3").as_deref(), Some("/my/tips/3"));
        assert_eq!(local_link("/inbox/5").as_deref(), Some("/inbox/5"));
        assert_eq!(local_link("//evil.example/x"), None);
        assert_eq!(local_link("https://evil.example//x"), None);
        assert_eq!(local_link("javascript:alert(1)"), None);
        assert_eq!(local_link("https://binhyen.example"), None);
    }

    #[test]
    fn duty_goes_back_to_an_inbox_page_only() {
        assert_eq!(back_to_inbox("/inbox?state=new"), "/inbox?state=new");
        assert_eq!(back_to_inbox("https://evil.example"), "/inbox");
        assert_eq!(back_to_inbox("//evil.example"), "/inbox");
        assert_eq!(back_to_inbox("/inbox\r\nSet-Cookie: x"), "/inbox");
        assert_eq!(back_to_inbox(""), "/inbox");
    }
}
