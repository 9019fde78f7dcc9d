//! Tips over the API: submitting (anonymous, signed in, or an officer on someone's behalf) and the officers'
//! side (inbox, page, workflow, assignment, priority, notes, messages, unsealing).

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use binhyen_core::tips::{Reporter, SupportStep, TipInput, TipQuery, TransitionInput};
use binhyen_core::CoreError;
use binhyen_domain::tip::{Priority, Protection, TipCategory, TipState, Transition};
use binhyen_domain::{Actor, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
use super::tip_dto::*;
use crate::error::{ApiError, ErrorBody};
use crate::session::{client_address, ApiPrincipal, MaybeApiPrincipal};
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct PointJson {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OnBehalfJson {
    /// The person who told the officer.
    pub name: String,
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitTipRequest {
    pub category: TipCategory,
    pub description: String,
    /// RFC 3339; when it happened.
    pub occurred_at: Option<String>,
    #[serde(default)]
    pub happening_now: bool,
    /// A commune/ward or village.
    pub area_id: Option<i64>,
    /// The phone's position, only when the tipster chooses to send it.
    pub location: Option<PointJson>,
    pub address: Option<String>,
    /// Without a token, only "anonymous" is possible.
    pub protection: Protection,
    /// A household cluster may name the household that reports.
    pub household_id: Option<i64>,
    /// Officers filing what someone told them.
    pub on_behalf: Option<OnBehalfJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedJson {
    pub id: i64,
    /// The unit the tip was routed to.
    pub unit_id: i64,
    pub state: TipState,
    pub priority: Priority,
    /// Anonymous tips only: shown once, never stored. Keep it to follow the tip.
    pub receipt: Option<String>,
}

/// The officer acting through this token; anyone else is forbidden.
pub(super) fn officer(p: &binhyen_core::auth::Principal) -> Result<Actor, ApiError> {
    Ok(p.actor().ok_or(CoreError::Forbidden)?)
}

/// Send a tip. The answer comes only once the tip is durably stored.
#[utoipa::path(post, path = "/tips", tag = "tips", request_body = SubmitTipRequest,
    responses((status = 201, body = SubmittedJson), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "too many anonymous tips")))]
pub async fn submit(
    State(state): State<AppState>,
    MaybeApiPrincipal(principal): MaybeApiPrincipal,
    parts: Parts,
    ApiJson(body): ApiJson<SubmitTipRequest>,
) -> Result<(StatusCode, Json<SubmittedJson>), ApiError> {
    let reporter = match (principal, body.on_behalf) {
        (None, _) => Reporter::Anonymous,
        (Some(p), Some(behalf)) => Reporter::OnBehalf { officer: officer(&p)?, name: behalf.name, phone: behalf.phone },
        (Some(p), None) => Reporter::Account { account: p.account, household_id: body.household_id },
    };
    let occurred_at = body
        .occurred_at
        .as_deref()
        .map(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339))
        .transpose()
        .map_err(|_| Invalid::new("occurred_at", "invalid_date").into_api())?;
    let input = TipInput {
        category: body.category,
        description: body.description,
        occurred_at,
        happening_now: body.happening_now,
        area_id: body.area_id,
        location: body.location.map(|p| (p.lat, p.lon)),
        address: body.address,
        protection: body.protection,
    };
    // The address is used in memory to slow floods of anonymous tips, and is never stored.
    let client = client_address(&parts);
    let done = state.core.tips().submit_tip(reporter, input, client.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmittedJson {
            id: done.tip_id,
            unit_id: done.unit_id,
            state: done.state,
            priority: done.priority,
            receipt: done.receipt,
        }),
    ))
}

trait IntoApi {
    fn into_api(self) -> ApiError;
}

impl IntoApi for Invalid {
    fn into_api(self) -> ApiError {
        ApiError::from(CoreError::from(self))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct InboxQuery {
    /// A unit of your subtree (its code); default your own unit, with everything below it.
    unit: Option<String>,
    state: Option<String>,
    category: Option<String>,
    priority: Option<String>,
    /// true: only tips assigned to you.
    #[serde(default)]
    assigned_to_me: bool,
    /// YYYY-MM-DD (Vietnam time), inclusive.
    from: Option<String>,
    /// YYYY-MM-DD (Vietnam time), inclusive.
    until: Option<String>,
    /// "newest" (default) or "oldest". Urgent open tips always come first.
    sort: Option<String>,
    #[serde(default)]
    page: i64,
    per_page: Option<i64>,
}

fn parse_opt<T: std::str::FromStr<Err = Invalid>>(v: Option<&str>) -> Result<Option<T>, ApiError> {
    v.map(str::parse).transpose().map_err(|e: Invalid| e.into_api())
}

fn day_start_ms(day: time::Date) -> i64 {
    (day.midnight().assume_offset(binhyen_domain::time_vn::VIETNAM).unix_timestamp_nanos() / 1_000_000) as i64
}

/// The officer's inbox: tips of their unit and the units below it.
#[utoipa::path(get, path = "/tips", params(InboxQuery), tag = "tips", security(("bearer" = [])),
    responses((status = 200, body = TipListJson), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn inbox(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> Result<Json<TipListJson>, ApiError> {
    let actor = officer(&p)?;
    let unit_id = match q.unit.as_deref() {
        Some(code) => {
            Some(state.core.units().unit_by_code(code).await.map_err(|e| ApiError::from(e).field("unit"))?.id)
        }
        None => None,
    };
    let from = super::units::parse_date(q.from.as_deref(), "from")?;
    let until = super::units::parse_date(q.until.as_deref(), "until")?;
    let query = TipQuery {
        unit_id,
        state: parse_opt(q.state.as_deref()).map_err(|e| e.field("state"))?,
        category: parse_opt(q.category.as_deref()).map_err(|e| e.field("category"))?,
        priority: parse_opt(q.priority.as_deref()).map_err(|e| e.field("priority"))?,
        assigned_to_me: q.assigned_to_me,
        from_ms: from.map(day_start_ms),
        until_ms: until.and_then(|d| d.next_day()).map(day_start_ms),
        oldest_first: match q.sort.as_deref() {
            None | Some("newest") => false,
            Some("oldest") => true,
            Some(_) => return Err(Invalid::new("sort", "unknown_value").into_api()),
        },
        page: q.page,
        per_page: q.per_page.unwrap_or(25),
    };
    let tips = state.core.tips().list_tips(&actor, &query).await?;
    Ok(Json(TipListJson {
        tips: tips.into_iter().map(Into::into).collect(),
        page: query.page.max(0),
        per_page: query.per_page.clamp(1, 100),
    }))
}

fn tip_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "tip_not_found"))
}

/// A tip's page for officers: the tip, who sent it (as far as allowed), the whole timeline.
#[utoipa::path(get, path = "/tips/{id}", params(("id" = i64, Path)), tag = "tips", security(("bearer" = [])),
    responses((status = 200, body = OfficerTipJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn tip(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<OfficerTipJson>, ApiError> {
    let view = state.core.tips().officer_tip(&officer(&p)?, tip_id(&id)?).await?;
    Ok(Json(view.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TransitionRequest {
    /// acknowledge, verify, dispatch, resolve, transfer or reopen.
    pub action: String,
    /// transfer: the receiving unit's code.
    pub to_unit: Option<String>,
    /// transfer and reopen: why.
    pub reason: Option<String>,
    /// resolve: what was found.
    pub outcome: Option<OutcomeJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StateJson {
    pub state: TipState,
}

/// Move a tip through its workflow. An illegal step is 422 `illegal_transition`.
#[utoipa::path(post, path = "/tips/{id}/transitions", params(("id" = i64, Path)), tag = "tips",
    request_body = TransitionRequest, security(("bearer" = [])),
    responses((status = 200, body = StateJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the tip changed meanwhile")))]
pub async fn transition(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TransitionRequest>,
) -> Result<Json<StateJson>, ApiError> {
    let actor = officer(&p)?;
    let action = Transition::parse(&body.action).map_err(IntoApi::into_api)?;
    let to_unit_id = match body.to_unit.as_deref() {
        Some(code) => {
            Some(state.core.units().unit_by_code(code).await.map_err(|e| ApiError::from(e).field("to_unit"))?.id)
        }
        None => None,
    };
    let input = TransitionInput { to_unit_id, reason: body.reason, outcome: body.outcome.map(Into::into) };
    let to = state.core.tips().transition_tip(&actor, tip_id(&id)?, action, input).await?;
    Ok(Json(StateJson { state: to }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignmentRequest {
    /// An officer of the tip's unit (or above it); null to unassign.
    pub officer_id: Option<i64>,
}

/// Assign a tip to an officer.
#[utoipa::path(put, path = "/tips/{id}/assignment", params(("id" = i64, Path)), tag = "tips",
    request_body = AssignmentRequest, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn assign(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssignmentRequest>,
) -> Result<StatusCode, ApiError> {
    state.core.tips().assign_tip(&officer(&p)?, tip_id(&id)?, body.officer_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PriorityRequest {
    pub priority: Priority,
}

/// Change a tip's priority.
#[utoipa::path(put, path = "/tips/{id}/priority", params(("id" = i64, Path)), tag = "tips",
    request_body = PriorityRequest, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn priority(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PriorityRequest>,
) -> Result<StatusCode, ApiError> {
    state.core.tips().set_tip_priority(&officer(&p)?, tip_id(&id)?, body.priority).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TriageRequest {
    pub category: TipCategory,
    pub priority: Priority,
}

/// Decide a tip's category and priority, accepting or correcting the triage suggestion (both are kept).
#[utoipa::path(put, path = "/tips/{id}/triage", params(("id" = i64, Path)), tag = "tips",
    request_body = TriageRequest, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn triage(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TriageRequest>,
) -> Result<StatusCode, ApiError> {
    state.core.tips().decide_triage(&officer(&p)?, tip_id(&id)?, body.category, body.priority).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TextRequest {
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedJson {
    pub id: i64,
}

/// An internal note: officers only, never shown to the tipster.
#[utoipa::path(post, path = "/tips/{id}/notes", params(("id" = i64, Path)), tag = "tips",
    request_body = TextRequest, security(("bearer" = [])),
    responses((status = 201, body = CreatedJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn note(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TextRequest>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let id = state.core.tips().officer_writes(&officer(&p)?, tip_id(&id)?, &body.body, false).await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupportRequest {
    /// acknowledge, or resolve (with `outcome`: the supporting unit's own arrests and seizures).
    pub action: String,
    pub outcome: Option<OutcomeJson>,
}

/// A supporting unit's step on an urgent tip another unit answers for (its urgent watch alerted it):
/// acknowledge, then resolve with its own outcome. The responsible unit's workflow is untouched.
#[utoipa::path(post, path = "/tips/{id}/support", params(("id" = i64, Path)), tag = "tips",
    request_body = SupportRequest, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn support(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SupportRequest>,
) -> Result<StatusCode, ApiError> {
    let id = tip_id(&id)?;
    let step = match (body.action.as_str(), body.outcome) {
        ("acknowledge", _) => SupportStep::Acknowledge,
        ("resolve", Some(outcome)) => SupportStep::Resolve(outcome.into()),
        ("resolve", None) => return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "required").field("outcome")),
        _ => return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").field("action")),
    };
    state.core.tips().support_tip(&officer(&p)?, id, step).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A message in the tip's conversation: from an officer handling it, or from the signed-in tipster.
#[utoipa::path(post, path = "/tips/{id}/messages", params(("id" = i64, Path)), tag = "tips",
    request_body = TextRequest, security(("bearer" = [])),
    responses((status = 201, body = CreatedJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn message(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TextRequest>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let tip = tip_id(&id)?;
    let id = match p.actor() {
        Some(actor) => state.core.tips().officer_writes(&actor, tip, &body.body, true).await?,
        None => {
            let key = binhyen_core::tips::TipsterKey::Account(&p.account);
            state.core.tips().tipster_writes(key, Some(tip), &body.body, None).await?
        }
    };
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonRequest {
    pub reason: String,
}

/// Ask to see a confidential tipster's identity; a commander must approve.
#[utoipa::path(post, path = "/tips/{id}/unseal-requests", params(("id" = i64, Path)), tag = "tips",
    request_body = ReasonRequest, security(("bearer" = [])),
    responses((status = 201, body = CreatedJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn request_unseal(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<(StatusCode, Json<CreatedJson>), ApiError> {
    let id = state.core.tips().request_unseal(&officer(&p)?, tip_id(&id)?, &body.reason).await?;
    Ok((StatusCode::CREATED, Json(CreatedJson { id })))
}

/// A commander approves another officer's request to see the identity.
#[utoipa::path(post, path = "/tips/{id}/unseal-requests/{request_id}/approval",
    params(("id" = i64, Path), ("request_id" = i64, Path)), tag = "tips", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn approve_unseal(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path((id, request_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let request_id = request_id.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "not_found"))?;
    state.core.tips().approve_unseal(&officer(&p)?, tip_id(&id)?, request_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// See a confidential tipster's identity (after approval). Audited; the tipster is told.
#[utoipa::path(get, path = "/tips/{id}/identity", params(("id" = i64, Path)), tag = "tips", security(("bearer" = [])),
    responses((status = 200, body = ReporterJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn identity(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<ReporterJson>, ApiError> {
    Ok(Json(state.core.tips().view_sealed_identity(&officer(&p)?, tip_id(&id)?).await?.into()))
}
