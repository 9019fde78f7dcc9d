//! Sector groups on the site: `/groups` (mine), `/groups/{id}` (the group: pinned notices, the latest messages
//! with their files, a box to write; asking to join for those outside; hiding for moderators), and the forms
//! behind it. Everything is decided in core, as for the API.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::groups::{Asker, Post};
use binhyen_domain::entities::groups::{Group, Message};
use binhyen_domain::group::{GroupId, GroupKind};
use binhyen_domain::time_vn::format_instant_ms;
use serde::Deserialize;

use super::{or_page, page, Layout};
use crate::error::ApiError;
use crate::i18n::{self, Lang};
use crate::session::{CsrfForm, Visitor};
use crate::AppState;

fn asker(v: &Visitor) -> Option<Asker> {
    v.principal.as_ref().map(|p| Asker { account_id: p.account.id, officer: p.actor() })
}

fn group_id(raw: &str) -> Result<GroupId, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "group_not_found"))
}

pub(crate) fn kind_label(lang: Lang, kind: GroupKind) -> &'static str {
    let t = lang.text();
    match kind {
        GroupKind::Pawnshop => t.group_kind_pawnshop,
        GroupKind::SchoolSecurity => t.group_kind_school,
        GroupKind::Religious => t.group_kind_religious,
        GroupKind::Cafe => t.group_kind_cafe,
        GroupKind::Lodging => t.group_kind_lodging,
        GroupKind::Village => t.group_kind_village,
        GroupKind::Custom => t.group_kind_custom,
    }
}

struct MessageView {
    id: i64,
    author: String,
    household: Option<String>,
    body: String,
    at: String,
    announcement: bool,
    hidden: bool,
    file: Option<String>,
    photo: bool,
}

impl From<Message> for MessageView {
    fn from(m: Message) -> Self {
        let photo = m.attachment.as_ref().is_some_and(|(_, k)| matches!(k.as_str(), "jpg" | "png" | "webp"));
        Self {
            file: m.attachment.map(|_| format!("/group-messages/{}/file", m.id)),
            photo,
            id: m.id,
            author: m.author_name,
            household: m.household,
            body: m.body,
            at: format_instant_ms(m.at_ms),
            announcement: m.announcement,
            hidden: m.hidden,
        }
    }
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    l: Layout,
    g: Group,
    kind: &'static str,
    member: bool,
    moderator: bool,
    pending: bool,
    pinned: Vec<MessageView>,
    messages: Vec<MessageView>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "groups.html")]
struct GroupsPage {
    l: Layout,
    groups: Vec<(Group, &'static str)>,
}

/// `/groups`: the groups one belongs to.
pub(crate) async fn mine(State(state): State<AppState>, v: Visitor) -> Response {
    let Some(asker) = asker(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let groups = or_page!(v, state.core.groups().groups_of(asker.account_id).await);
    let lang = v.lang;
    let tpl = GroupsPage {
        l: Layout::new(&v, lang.text().groups_title),
        groups: groups
            .into_iter()
            .map(|g| {
                let k = kind_label(lang, g.kind);
                (g, k)
            })
            .collect(),
    };
    page(v, StatusCode::OK, &tpl)
}

/// `/groups/{id}`.
pub(crate) async fn show(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    render(&state, v, &id, StatusCode::OK, None).await
}

async fn render(state: &AppState, v: Visitor, raw_id: &str, status: StatusCode, error: Option<String>) -> Response {
    let Some(asker) = asker(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let id = match group_id(raw_id) {
        Ok(id) => id,
        Err(e) => return super::error_page(v, e),
    };
    let g = or_page!(v, state.core.groups().group(id).await);
    let standing = or_page!(v, state.core.groups().standing(&asker, &g).await);
    let (messages, pinned) = if standing.can_read() {
        or_page!(v, state.core.groups().group_history(&asker, id, None, 50).await)
    } else {
        (Vec::new(), Vec::new())
    };
    let pending = standing.is_pending();
    let tpl = GroupPage {
        l: Layout::new(&v, &g.name),
        kind: kind_label(v.lang, g.kind),
        member: standing.can_read(),
        moderator: standing.can_moderate(),
        pending,
        // Oldest first on the page, like a conversation.
        messages: messages.into_iter().rev().map(Into::into).collect(),
        pinned: pinned.into_iter().map(Into::into).collect(),
        error,
        g,
    };
    page(v, status, &tpl)
}

#[derive(Deserialize, Default)]
pub(crate) struct WriteForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    announcement: Option<String>,
}

/// Writes in the group; a refusal is shown above the box, in Vietnamese.
pub(crate) async fn write(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<WriteForm>,
) -> Response {
    let Some(asker) = asker(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let gid = match group_id(&id) {
        Ok(gid) => gid,
        Err(e) => return super::error_page(v, e),
    };
    let post = Post { body: &f.body, announcement: f.announcement.is_some(), household_id: None };
    match state.core.groups().post_to_group(&asker, gid, &post).await {
        Ok(_) => (v.jar, Redirect::to(&format!("/groups/{gid}"))).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            if api.status == StatusCode::NOT_FOUND || api.status == StatusCode::FORBIDDEN {
                return super::error_page(v, api);
            }
            let message = i18n::message(v.lang, api.code).to_owned();
            render(&state, v, &id, api.status, Some(message)).await
        }
    }
}

/// Asks to join (or accepts an invitation).
pub(crate) async fn join(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, _): CsrfForm<crate::ui::officers::alerting::Empty>,
) -> Response {
    let Some(asker) = asker(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let gid = match group_id(&id) {
        Ok(gid) => gid,
        Err(e) => return super::error_page(v, e),
    };
    or_page!(v, state.core.groups().join_group(asker.account_id, gid).await);
    (v.jar, Redirect::to(&format!("/groups/{gid}"))).into_response()
}

/// Hides a message (moderators).
pub(crate) async fn hide(
    State(state): State<AppState>,
    Path((id, message)): Path<(String, String)>,
    CsrfForm(v, _): CsrfForm<crate::ui::officers::alerting::Empty>,
) -> Response {
    let Some(asker) = asker(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let (Ok(gid), Ok(mid)) = (group_id(&id), message.parse::<i64>()) else {
        return super::error_page(v, ApiError::new(StatusCode::NOT_FOUND, "message_not_found"));
    };
    or_page!(v, state.core.groups().hide_group_message(&asker, mid).await);
    (v.jar, Redirect::to(&format!("/groups/{gid}"))).into_response()
}

/// A message's photo or document, for those who may read the group.
pub(crate) async fn file(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let Some(asker) = asker(&v) else { return (v.jar, Redirect::to("/sign-in")).into_response() };
    let Ok(mid) = id.parse::<i64>() else {
        return super::error_page(v, ApiError::new(StatusCode::NOT_FOUND, "message_not_found"));
    };
    let (kind, bytes) = or_page!(v, state.core.groups().group_message_file(&asker, mid).await);
    crate::attachment::attachment_response(&kind, bytes)
}
