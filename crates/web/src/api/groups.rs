//! Sector groups over the API (issue 8, first part): commanders create a unit's groups; accounts ask to join or
//! are invited; members read the history, post, report; moderators (owners, moderators, officers of the unit
//! and above) approve, mute, remove, hide and pin; officers announce. `GET /groups/{id}/events` streams new
//! messages as Server-Sent Events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use binhyen_core::groups::{Asker, GroupEvent, GroupInput, Post};
use binhyen_domain::group::ModeratorChange;
use binhyen_domain::tip::TipCategory;
use futures_util::stream;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
pub use super::group_dto::{GroupJson, MemberJson, MessageJson};
use super::tips::officer;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

fn asker(p: &binhyen_core::auth::Principal) -> Asker {
    Asker { account_id: p.account.id, officer: p.actor() }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupRequest {
    /// pawnshop, school_security, religious, cafe, lodging, village, custom.
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// An id from the path (a group's, an account's or a message's): one that does not parse is not found.
fn id_of<Id: std::str::FromStr>(raw: &str, code: &'static str) -> Result<Id, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, code))
}

/// Create a group of a unit (commanders of the unit and above; they own it).
#[utoipa::path(post, path = "/units/{code}/groups", tag = "groups", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = GroupRequest,
    responses((status = 201, body = GroupJson), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_group(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<GroupRequest>,
) -> Result<(StatusCode, Json<GroupJson>), ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let input = GroupInput { kind: body.kind, name: body.name, description: body.description };
    let group = state.core.groups().create_group(&actor, unit.id, &input).await?;
    Ok((StatusCode::CREATED, Json(group.into())))
}

/// A unit's groups (public: people find the group to ask to join).
#[utoipa::path(get, path = "/units/{code}/groups", tag = "groups", params(("code" = String, Path)),
    responses((status = 200, body = Vec<GroupJson>), (status = 404, body = ErrorBody)))]
pub async fn unit_groups(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<GroupJson>>, ApiError> {
    let unit = state.core.units().unit_by_code(&code).await?;
    Ok(Json(state.core.groups().unit_groups(unit.id).await?.into_iter().map(Into::into).collect()))
}

/// The groups the caller belongs to.
#[utoipa::path(get, path = "/me/groups", tag = "groups", security(("bearer" = [])),
    responses((status = 200, body = Vec<GroupJson>)))]
pub async fn my_groups(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Vec<GroupJson>>, ApiError> {
    let groups = state.core.groups().groups_of(p.account.id).await?;
    Ok(Json(groups.into_iter().map(Into::into).collect()))
}

/// The members (members and the unit's officers only): display names, phones only where shared.
#[utoipa::path(get, path = "/groups/{id}/members", tag = "groups", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MemberJson>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn members(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<Vec<MemberJson>>, ApiError> {
    let id = id_of(&id, "group_not_found")?;
    Ok(Json(state.core.groups().group_members(&asker(&p), id).await?.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteRequest {
    pub phone: String,
}

/// Invite an account by phone (owners, moderators, the unit's officers).
#[utoipa::path(post, path = "/groups/{id}/invitations", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = InviteRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, "group_not_found")?;
    state.core.groups().invite_to_group(&asker(&p), id, &body.phone).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ask to join (or accept an invitation).
#[utoipa::path(post, path = "/groups/{id}/join", tag = "groups", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn join(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, "group_not_found")?;
    state.core.groups().join_group(p.account.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Leave the group.
#[utoipa::path(post, path = "/groups/{id}/leave", tag = "groups", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn leave(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, "group_not_found")?;
    state.core.groups().leave_group(p.account.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SharePhoneRequest {
    pub share: bool,
}

/// Show (or stop showing) one's phone number to the other members.
#[utoipa::path(put, path = "/groups/{id}/share-phone", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = SharePhoneRequest,
    responses((status = 204), (status = 403, body = ErrorBody)))]
pub async fn share_phone(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SharePhoneRequest>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, "group_not_found")?;
    state.core.groups().share_phone_in_group(p.account.id, id, body.share).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberChangeRequest {
    /// approve, mute, unmute, remove, moderator, member.
    pub change: String,
}

/// A moderator's change to a member.
#[utoipa::path(post, path = "/groups/{id}/members/{account_id}", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path), ("account_id" = i64, Path)), request_body = MemberChangeRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_member(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path((id, account)): Path<(String, String)>,
    ApiJson(body): ApiJson<MemberChangeRequest>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, "group_not_found")?;
    let account = id_of(&account, "account_not_found")?;
    let change: ModeratorChange =
        body.change.parse().map_err(|_| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid").field("change"))?;
    state.core.groups().change_member(&asker(&p), id, account, change).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// Messages before this id (the next page).
    before: Option<i64>,
    /// 1–100, 50 by default.
    limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryJson {
    /// Newest first.
    pub messages: Vec<MessageJson>,
    pub pinned: Vec<MessageJson>,
    /// Pass as `before` for the next page.
    pub next_before: Option<i64>,
}

/// The group's messages, newest first (members and the unit's officers).
#[utoipa::path(get, path = "/groups/{id}/messages", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path), HistoryQuery),
    responses((status = 200, body = HistoryJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<HistoryQuery>,
) -> Result<Json<HistoryJson>, ApiError> {
    let id = id_of(&id, "group_not_found")?;
    let limit = q.limit.unwrap_or(50).clamp(1, 100);
    let (messages, pinned) = state.core.groups().group_history(&asker(&p), id, q.before, limit).await?;
    let next_before = (messages.len() as i64 == limit).then(|| messages.last().map(|m| m.id)).flatten();
    Ok(Json(HistoryJson {
        messages: messages.into_iter().map(Into::into).collect(),
        pinned: pinned.into_iter().map(Into::into).collect(),
        next_before,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PostRequest {
    pub body: String,
    /// Officers: notify every member and pin it.
    #[serde(default)]
    pub announcement: bool,
    /// A household cluster: which of its households speaks.
    pub household_id: Option<i64>,
}

/// Post a message (active members and the unit's officers).
#[utoipa::path(post, path = "/groups/{id}/messages", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PostRequest,
    responses((status = 201, body = MessageJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "too_many_messages")))]
pub async fn post(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PostRequest>,
) -> Result<(StatusCode, Json<MessageJson>), ApiError> {
    let id = id_of(&id, "group_not_found")?;
    let post = Post { body: &body.body, announcement: body.announcement, household_id: body.household_id };
    let message = state.core.groups().post_to_group(&asker(&p), id, &post).await?;
    Ok((StatusCode::CREATED, Json(message.into())))
}

/// Hide a message (moderators and the unit's officers; it is kept for the audit).
#[utoipa::path(post, path = "/group-messages/{id}/hide", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn hide(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, "message_not_found")?;
    state.core.groups().hide_group_message(&asker(&p), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PinRequest {
    pub pinned: bool,
}

/// Pin or unpin a message (moderators and the unit's officers).
#[utoipa::path(put, path = "/group-messages/{id}/pin", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PinRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn pin(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PinRequest>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, "message_not_found")?;
    state.core.groups().pin_group_message(&asker(&p), id, body.pinned).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReportRequest {
    #[serde(default)]
    pub reason: String,
}

/// Report a message to the group's moderators (members).
#[utoipa::path(post, path = "/group-messages/{id}/report", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReportRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReportRequest>,
) -> Result<StatusCode, ApiError> {
    let id = id_of(&id, "message_not_found")?;
    state.core.groups().report_group_message(&asker(&p), id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// New messages of the group as Server-Sent Events (`message` with the message's JSON, `hidden` with its id;
/// `resync` when the reader fell behind and should reload the history).
#[utoipa::path(get, path = "/groups/{id}/events", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "text/event-stream"), (status = 403, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id_of(&id, "group_not_found")?;
    let receiver = state.core.groups().subscribe_group(&asker(&p), id).await?;
    let feed = stream::unfold(Some(receiver), |receiver| async move {
        let mut receiver = receiver?;
        match receiver.recv().await {
            Ok(event) => {
                let sse = match &*event {
                    GroupEvent::Message(m) => Event::default()
                        .event("message")
                        .id(m.id.to_string())
                        .data(serde_json::to_string(&MessageJson::from(m.clone())).unwrap_or_default()),
                    GroupEvent::Hidden { message_id } => Event::default().event("hidden").data(message_id.to_string()),
                };
                Some((Ok::<_, Infallible>(sse), Some(receiver)))
            }
            Err(RecvError::Lagged(_)) => Some((Ok(Event::default().event("resync").data("")), None)),
            Err(RecvError::Closed) => None,
        }
    });
    Ok(Sse::new(feed).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ToTipRequest {
    /// The tip's category; the triage rules' suggestion when absent.
    pub category: Option<TipCategory>,
    /// Seal the author's identity and tell nobody (the author included).
    #[serde(default)]
    pub confidential: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ToTipJson {
    pub tip_id: i64,
}

/// Make a tip of a member's message (officers of the group's unit or above): from its author, routed by the
/// author's home; the author is told unless `confidential`.
#[utoipa::path(post, path = "/group-messages/{id}/tip", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ToTipRequest,
    responses((status = 201, body = ToTipJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already_a_tip, message_hidden")))]
pub async fn to_tip(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ToTipRequest>,
) -> Result<(StatusCode, Json<ToTipJson>), ApiError> {
    let id = id_of(&id, "message_not_found")?;
    let tip_id = state.core.groups().message_to_tip(&asker(&p), id, body.category, body.confidential).await?;
    Ok((StatusCode::CREATED, Json(ToTipJson { tip_id })))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FileQuery {
    /// A few words to go with the file.
    #[serde(default)]
    caption: String,
}

/// Post a photo (JPEG, PNG, WebP, or an MP4 video; metadata removed) or a document (PDF, DOCX, XLSX), as the
/// request's body; anything else is refused (422 `file`).
#[utoipa::path(put, path = "/groups/{id}/files", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path), FileQuery), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = MessageJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn post_file(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<FileQuery>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<MessageJson>), ApiError> {
    let body = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"))?;
    let id = id_of(&id, "group_not_found")?;
    let message = state.core.groups().post_file_to_group(&asker(&p), id, &q.caption, body.to_vec()).await?;
    Ok((StatusCode::CREATED, Json(message.into())))
}

/// A message's photo or document (those who may read the group).
#[utoipa::path(get, path = "/group-messages/{id}/file", tag = "groups", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id_of(&id, "message_not_found")?;
    let (kind, bytes) = state.core.groups().group_message_file(&asker(&p), id).await?;
    Ok(crate::attachment::attachment_response(&kind, bytes))
}
