//! Alerting over the API: the live feed (SSE), being on duty, where one is reached, the in-app inbox, units'
//! SLA and urgent watch, and the job queue for administrators.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use binhyen_core::alerting::{ContactInput, SlaMinutes};
use binhyen_core::jobs::JobReport;
use binhyen_domain::job::{JobKind, JobState};
use binhyen_domain::tip::Priority;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
use super::tip_dto::rfc3339;
use super::tips::officer;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

/// Live events for officers, as Server-Sent Events: `tip.submitted`, `tip.state_changed`,
/// `tip.priority_changed`, `tip.assigned`, `tip.message_sent`, `tip.escalated`… Each `data` is JSON with
/// `id`, `kind`, `at`, `tip_id`, `unit_id`, `state`, `priority`, `category`. Reconnect with `Last-Event-ID`
/// to receive what was missed; an event `resync` means reload and reconnect.
#[utoipa::path(get, path = "/events", tag = "live", security(("bearer" = [])),
    params(("Last-Event-ID" = Option<String>, Header, description = "the last event id received")),
    responses((status = 200, content_type = "text/event-stream", body = String),
        (status = 400, body = ErrorBody, description = "Last-Event-ID is not an event id"),
        (status = 403, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    crate::live::respond(&state, &officer(&p)?, &headers).await
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct DutyJson {
    pub on_duty: bool,
    /// RFC 3339, when on duty.
    #[serde(default, skip_deserializing)]
    pub since: Option<String>,
}

async fn duty_json(state: &AppState, account_id: i64) -> Result<DutyJson, ApiError> {
    let since = state.core.alerting().on_duty_since(account_id).await?;
    Ok(DutyJson { on_duty: since.is_some(), since: since.map(rfc3339) })
}

/// Whether the officer is on duty (urgent tips reach officers on duty).
#[utoipa::path(get, path = "/me/duty", tag = "alerting", security(("bearer" = [])),
    responses((status = 200, body = DutyJson), (status = 403, body = ErrorBody)))]
pub async fn duty(State(state): State<AppState>, ApiPrincipal(p): ApiPrincipal) -> Result<Json<DutyJson>, ApiError> {
    let actor = officer(&p)?;
    Ok(Json(duty_json(&state, actor.account_id).await?))
}

/// Go on or off duty.
#[utoipa::path(put, path = "/me/duty", tag = "alerting", security(("bearer" = [])), request_body = DutyJson,
    responses((status = 200, body = DutyJson), (status = 403, body = ErrorBody)))]
pub async fn set_duty(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(body): ApiJson<DutyJson>,
) -> Result<Json<DutyJson>, ApiError> {
    let actor = officer(&p)?;
    state.core.alerting().set_on_duty(&actor, body.on_duty).await?;
    Ok(Json(duty_json(&state, actor.account_id).await?))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct ContactChannelJson {
    /// email, sms or zalo.
    pub channel: String,
    /// An e-mail address, a Vietnamese mobile number, or a Zalo user id.
    pub address: String,
    pub enabled: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelsJson {
    /// The channels this installation can deliver through.
    pub available: Vec<String>,
    pub channels: Vec<ContactChannelJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SetChannelsRequest {
    pub channels: Vec<ContactChannelJson>,
}

async fn channels_json(state: &AppState, account_id: i64) -> Result<ChannelsJson, ApiError> {
    let channels = state.core.alerting().contact_channels(account_id).await?;
    Ok(ChannelsJson {
        available: state.core.alerting().available_channels().iter().map(|k| k.as_str().to_owned()).collect(),
        channels: channels
            .into_iter()
            .map(|c| ContactChannelJson {
                channel: c.channel.as_str().to_owned(),
                address: c.address,
                enabled: c.enabled,
            })
            .collect(),
    })
}

/// Where you are reached besides the app (everyone: officers for alerts, tipsters for their tips' news).
#[utoipa::path(get, path = "/me/channels", tag = "alerting", security(("bearer" = [])),
    responses((status = 200, body = ChannelsJson)))]
pub async fn channels(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<ChannelsJson>, ApiError> {
    Ok(Json(channels_json(&state, p.account.id).await?))
}

/// Replace where you are reached.
#[utoipa::path(put, path = "/me/channels", tag = "alerting", security(("bearer" = [])),
    request_body = SetChannelsRequest, responses((status = 200, body = ChannelsJson)))]
pub async fn set_channels(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(body): ApiJson<SetChannelsRequest>,
) -> Result<Json<ChannelsJson>, ApiError> {
    let input: Vec<ContactInput> = body
        .channels
        .into_iter()
        .map(|c| ContactInput { channel: c.channel, address: c.address, enabled: c.enabled })
        .collect();
    state.core.alerting().set_contact_channels(p.account.id, &input).await?;
    Ok(Json(channels_json(&state, p.account.id).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationJson {
    pub id: i64,
    pub at: String,
    /// tip_urgent, tip_escalated, tip_update, public_alert.
    pub kind: binhyen_domain::notification::NotificationKind,
    pub tip_id: Option<i64>,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub read: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationsJson {
    pub notifications: Vec<NotificationJson>,
    pub unread: i64,
    /// Pass as `before` for older ones.
    pub next_before: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct NotificationsQuery {
    before: Option<i64>,
}

/// Your in-app notifications, newest first.
#[utoipa::path(get, path = "/me/notifications", tag = "alerting", security(("bearer" = [])),
    params(NotificationsQuery), responses((status = 200, body = NotificationsJson), (status = 400, body = ErrorBody)))]
pub async fn notifications(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<NotificationsQuery>,
) -> Result<Json<NotificationsJson>, ApiError> {
    let page = state.core.alerting().notifications(p.account.id, q.before).await?;
    Ok(Json(NotificationsJson {
        notifications: page
            .items
            .into_iter()
            .map(|n| NotificationJson {
                id: n.id,
                at: rfc3339(n.at_ms),
                kind: n.kind,
                tip_id: n.tip_id,
                title: n.title,
                body: n.body,
                link: n.link,
                read: n.read_at_ms.is_some(),
            })
            .collect(),
        unread: page.unread,
        next_before: page.next_before,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MarkReadRequest {
    /// One notification; without it, all of them.
    pub id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedJson {
    pub marked: u64,
}

/// Mark notifications read.
#[utoipa::path(post, path = "/me/notifications/read", tag = "alerting", security(("bearer" = [])),
    request_body = MarkReadRequest, responses((status = 200, body = MarkedJson)))]
pub async fn mark_read(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(body): ApiJson<MarkReadRequest>,
) -> Result<Json<MarkedJson>, ApiError> {
    Ok(Json(MarkedJson { marked: state.core.alerting().mark_notifications_read(p.account.id, body.id).await? }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SlaJson {
    /// Minutes an urgent tip may wait for acknowledgement (default 5).
    pub urgent_minutes: Option<i64>,
    /// Default 60.
    pub high_minutes: Option<i64>,
    /// Default 1440.
    pub normal_minutes: Option<i64>,
}

impl From<SlaMinutes> for SlaJson {
    fn from(m: SlaMinutes) -> Self {
        Self { urgent_minutes: Some(m.urgent), high_minutes: Some(m.high), normal_minutes: Some(m.normal) }
    }
}

/// The SLA in force at a unit (its own, inherited from above, or the defaults).
#[utoipa::path(get, path = "/units/{code}/sla", tag = "alerting", security(("bearer" = [])),
    params(("code" = String, Path)),
    responses((status = 200, body = SlaJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn sla(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
) -> Result<Json<SlaJson>, ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    Ok(Json(state.core.alerting().sla_policy(&actor, unit.id).await?.into()))
}

/// Set a unit's own SLA; a priority left out (null) inherits. Commanders of the unit or above.
#[utoipa::path(put, path = "/units/{code}/sla", tag = "alerting", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = SlaJson,
    responses((status = 200, body = SlaJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_sla(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<SlaJson>,
) -> Result<Json<SlaJson>, ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let minutes = [
        (Priority::Urgent, body.urgent_minutes),
        (Priority::High, body.high_minutes),
        (Priority::Normal, body.normal_minutes),
    ];
    Ok(Json(state.core.alerting().set_sla_policy(&actor, unit.id, minutes).await?.into()))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct UrgentWatchJson {
    /// The unit whose subtree's urgent tips this unit's on-duty officers hear of.
    pub scope: String,
    pub watching: bool,
}

/// Make a unit (e.g. the mobile police) hear of every urgent tip in another unit's subtree, or stop.
#[utoipa::path(put, path = "/units/{code}/urgent-watch", tag = "alerting", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = UrgentWatchJson,
    responses((status = 200, body = UrgentWatchJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_urgent_watch(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<UrgentWatchJson>,
) -> Result<Json<UrgentWatchJson>, ApiError> {
    let actor = officer(&p)?;
    let watcher = state.core.units().unit_by_code(&code).await?;
    let scope = state.core.units().unit_by_code(&body.scope).await.map_err(|e| ApiError::from(e).field("scope"))?;
    state.core.alerting().set_urgent_watch(&actor, watcher.id, scope.id, body.watching).await?;
    Ok(Json(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobJson {
    pub id: i64,
    /// sla_check, notify_officers, notify_tipster, deliver.
    #[schema(value_type = String)]
    pub kind: JobKind,
    /// queued, running, done, dead.
    #[schema(value_type = String)]
    pub state: JobState,
    pub attempts: i64,
    pub max_attempts: i64,
    pub last_error: Option<String>,
    pub run_at: String,
    pub updated_at: String,
}

impl From<JobReport> for JobJson {
    fn from(j: JobReport) -> Self {
        Self {
            id: j.id,
            kind: j.kind,
            state: j.state,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            last_error: j.last_error,
            run_at: rfc3339(j.run_at_ms),
            updated_at: rfc3339(j.updated_at_ms),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobsJson {
    pub jobs: Vec<JobJson>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct JobsQuery {
    /// queued, running, done or dead.
    state: Option<String>,
}

/// The durable job queue, newest first (administrators of a top-level unit).
#[utoipa::path(get, path = "/jobs", tag = "alerting", security(("bearer" = [])), params(JobsQuery),
    responses((status = 200, body = JobsJson), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn jobs(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiQuery(q): ApiQuery<JobsQuery>,
) -> Result<Json<JobsJson>, ApiError> {
    let actor = officer(&p)?;
    let jobs = state.core.jobs().job_reports(&actor, q.state.as_deref()).await?;
    Ok(Json(JobsJson { jobs: jobs.into_iter().map(Into::into).collect() }))
}

/// Queue a dead job again with fresh attempts, once its cause is fixed.
#[utoipa::path(post, path = "/jobs/{id}/retry", tag = "alerting", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the job is not dead")))]
pub async fn retry_job(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<axum::http::StatusCode, ApiError> {
    let actor = officer(&p)?;
    let id = id.parse().map_err(|_| ApiError::new(axum::http::StatusCode::NOT_FOUND, "job_not_found"))?;
    state.core.jobs().retry_job(&actor, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
