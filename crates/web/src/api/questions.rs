//! Questions over the API: asking a unit (with a photo), the thread, officers' replies (and canned replies),
//! closing, and turning an answered question into a guide.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use binhyen_core::questions::QuestionThread;
use binhyen_domain::entities::questions::{CannedReply, Question};
use binhyen_domain::question::QuestionState;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
use super::guides::{GuideJson, GuideTextJson};
use super::tip_dto::rfc3339;
use super::tips::officer;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionJson {
    pub id: i64,
    pub unit_id: i64,
    pub body: String,
    /// open, answered or closed.
    #[schema(value_type = String)]
    pub state: QuestionState,
    /// The photo sent with it.
    pub photo_url: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<Question> for QuestionJson {
    fn from(q: Question) -> Self {
        Self {
            photo_url: q.attachment.as_ref().map(|_| format!("/api/v1/questions/{}/photo", q.id)),
            id: q.id,
            unit_id: q.unit_id,
            body: q.body,
            state: q.state,
            created_at: rfc3339(q.created_at_ms),
            updated_at: rfc3339(q.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageJson {
    pub id: i64,
    /// Written by an officer (else by the asker).
    pub from_officer: bool,
    pub body: String,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadJson {
    pub question: QuestionJson,
    pub messages: Vec<MessageJson>,
}

impl From<QuestionThread> for ThreadJson {
    fn from(t: QuestionThread) -> Self {
        Self {
            question: t.question.into(),
            messages: t
                .messages
                .into_iter()
                .map(|m| MessageJson { id: m.id, from_officer: m.from_officer, body: m.body, at: rfc3339(m.at_ms) })
                .collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TextRequest {
    pub body: String,
}

fn question_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "question_not_found"))
}

/// Ask a unit a question (anyone signed in). Add a photo afterwards with `PUT /questions/{id}/photo`.
#[utoipa::path(post, path = "/pages/{code}/questions", tag = "questions", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = TextRequest,
    responses((status = 201, body = QuestionJson), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn ask(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<TextRequest>,
) -> Result<(StatusCode, Json<QuestionJson>), ApiError> {
    let unit = state.core.units().unit_by_code(&code).await?;
    let q = state.core.questions().ask_question(p.account.id, unit.id, &body.body, None).await?;
    Ok((StatusCode::CREATED, Json(q.into())))
}

/// Add the photo to your question (once): JPEG, PNG or WebP (or an MP4 video); metadata is removed.
#[utoipa::path(put, path = "/questions/{id}/photo", tag = "questions", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = QuestionJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_photo(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<QuestionJson>, ApiError> {
    let body = body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"))?;
    Ok(Json(state.core.questions().attach_question_photo(p.account.id, question_id(&id)?, body.to_vec()).await?.into()))
}

/// The photo of a question (its asker and the unit's officers).
#[utoipa::path(get, path = "/questions/{id}/photo", tag = "questions", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, content_type = "image/jpeg"), (status = 404, body = ErrorBody)))]
pub async fn photo(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<axum::response::Response, ApiError> {
    let (kind, bytes) =
        state.core.questions().question_photo(p.account.id, p.actor().as_ref(), question_id(&id)?).await?;
    Ok(crate::attachment::attachment_response(&kind, bytes))
}

/// A question and its thread (its asker and the unit's officers).
#[utoipa::path(get, path = "/questions/{id}", tag = "questions", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ThreadJson), (status = 404, body = ErrorBody)))]
pub async fn thread(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<ThreadJson>, ApiError> {
    Ok(Json(state.core.questions().question_thread(p.account.id, p.actor().as_ref(), question_id(&id)?).await?.into()))
}

/// Write in a question's thread: an officer's reply answers it; the asker's message opens it again.
#[utoipa::path(post, path = "/questions/{id}/messages", tag = "questions", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TextRequest,
    responses((status = 201, body = ThreadJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "question_closed"), (status = 422, body = ErrorBody)))]
pub async fn write(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TextRequest>,
) -> Result<(StatusCode, Json<ThreadJson>), ApiError> {
    let thread = state
        .core
        .questions()
        .write_in_question(p.account.id, p.actor().as_ref(), question_id(&id)?, &body.body)
        .await?;
    Ok((StatusCode::CREATED, Json(thread.into())))
}

/// Close a question (its asker or the unit's officers).
#[utoipa::path(post, path = "/questions/{id}/close", tag = "questions", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = QuestionJson), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<QuestionJson>, ApiError> {
    Ok(Json(state.core.questions().close_question(p.account.id, p.actor().as_ref(), question_id(&id)?).await?.into()))
}

/// Your questions, newest first.
#[utoipa::path(get, path = "/me/questions", tag = "questions", security(("bearer" = [])),
    responses((status = 200, body = Vec<QuestionJson>)))]
pub async fn mine(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<Vec<QuestionJson>>, ApiError> {
    Ok(Json(state.core.questions().my_questions(p.account.id).await?.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StateQuery {
    /// open, answered or closed; all when absent.
    state: Option<String>,
}

/// A unit's questions (its officers), newest first.
#[utoipa::path(get, path = "/pages/{code}/questions", tag = "questions", security(("bearer" = [])),
    params(("code" = String, Path), StateQuery), responses((status = 200, body = Vec<QuestionJson>),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn unit_questions(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<StateQuery>,
) -> Result<Json<Vec<QuestionJson>>, ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let found = state.core.questions().unit_questions(&actor, unit.id, q.state.as_deref()).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CannedJson {
    #[serde(default)]
    pub id: i64,
    pub title: String,
    pub body: String,
}

impl From<CannedReply> for CannedJson {
    fn from(c: CannedReply) -> Self {
        Self { id: c.id, title: c.title, body: c.body }
    }
}

/// A unit's canned replies (its officers).
#[utoipa::path(get, path = "/pages/{code}/canned-replies", tag = "questions", security(("bearer" = [])),
    params(("code" = String, Path)), responses((status = 200, body = Vec<CannedJson>), (status = 403, body = ErrorBody)))]
pub async fn canned(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<Vec<CannedJson>>, ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    Ok(Json(state.core.questions().canned_replies(&actor, unit.id).await?.into_iter().map(Into::into).collect()))
}

/// Add a canned reply (commanders).
#[utoipa::path(post, path = "/pages/{code}/canned-replies", tag = "questions", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = CannedJson,
    responses((status = 201, body = CannedJson), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_canned(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<CannedJson>,
) -> Result<(StatusCode, Json<CannedJson>), ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let reply = state.core.questions().add_canned_reply(&actor, unit.id, &body.title, &body.body).await?;
    Ok((StatusCode::CREATED, Json(reply.into())))
}

/// Publish an answered question as a guide, in the commander's words (the asker is not named).
#[utoipa::path(post, path = "/questions/{id}/guide", tag = "questions", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = GuideTextJson,
    responses((status = 201, body = GuideJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "question_not_answered"), (status = 422, body = ErrorBody)))]
pub async fn to_guide(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<GuideTextJson>,
) -> Result<(StatusCode, Json<GuideJson>), ApiError> {
    let actor = officer(&p)?;
    let guide = state.core.questions().guide_from_question(&actor, question_id(&id)?, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(guide.into())))
}
