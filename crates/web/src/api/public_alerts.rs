//! Public alerts over the API: issuing and cancelling them (officers), reading them (anyone), and their CAP 1.2
//! documents and Atom feed for other systems.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use binhyen_core::public_alerts::{AlertInput, AlertView};
use binhyen_domain::alert::{AlertCategory, Certainty, Severity, Urgency};
use binhyen_domain::entities::public_alerts::PublicAlert;
use binhyen_domain::AreaLevel;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiQuery};
use super::tip_dto::rfc3339;
use super::tips::officer;
use crate::cap::{self, CapAlert, CapArea};
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertJson {
    pub id: i64,
    pub unit_id: i64,
    pub area_id: i64,
    pub category: AlertCategory,
    pub event: String,
    pub severity: Severity,
    pub urgency: Urgency,
    pub certainty: Certainty,
    pub headline: String,
    pub description: String,
    pub instruction: Option<String>,
    pub sent_at: String,
    pub expires_at: String,
    pub cancelled_at: Option<String>,
    /// Not expired and not cancelled.
    pub in_force: bool,
    /// Its CAP 1.2 document.
    pub cap_url: String,
}

impl AlertJson {
    pub(crate) fn new(a: PublicAlert, base: &str, now_ms: i64) -> Self {
        Self {
            in_force: a.active(now_ms),
            cap_url: cap::cap_url(base, a.id),
            id: a.id,
            unit_id: a.unit_id,
            area_id: a.area_id,
            category: a.category,
            event: a.event,
            severity: a.severity,
            urgency: a.urgency,
            certainty: a.certainty,
            headline: a.headline,
            description: a.description,
            instruction: a.instruction,
            sent_at: rfc3339(a.sent_at_ms),
            expires_at: rfc3339(a.expires_at_ms),
            cancelled_at: a.cancelled_at_ms.map(rfc3339),
        }
    }
}

fn to_json(state: &AppState, alerts: Vec<PublicAlert>) -> Vec<AlertJson> {
    let (base, now) = (&state.core.alerts.public_url, state.core.now_ms());
    alerts.into_iter().map(|a| AlertJson::new(a, base, now)).collect()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAlertRequest {
    /// The target area; everything under it is included.
    pub area_id: i64,
    pub category: AlertCategory,
    /// What happened, in a few words ("Lừa đảo qua điện thoại").
    pub event: String,
    pub severity: Severity,
    pub urgency: Urgency,
    pub certainty: Certainty,
    pub headline: String,
    pub description: String,
    /// What people should do.
    pub instruction: Option<String>,
    /// RFC 3339, in the future (at most 30 days ahead).
    pub expires_at: String,
}

fn alert_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "alert_not_found"))
}

/// Issue a public alert from a unit (commanders of the unit or above) to an area it answers for.
#[utoipa::path(post, path = "/pages/{code}/alerts", tag = "alerts", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = NewAlertRequest,
    responses((status = 201, body = AlertJson), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "no such unit or area"),
        (status = 422, body = ErrorBody, description = "expiry past or too far, area outside the jurisdiction")))]
pub async fn issue(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<NewAlertRequest>,
) -> Result<(StatusCode, Json<AlertJson>), ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let expires_at_ms = super::params::parse_time(Some(&body.expires_at), "expires_at")?.unwrap_or_default();
    let input = AlertInput {
        area_id: body.area_id,
        category: body.category,
        event: body.event,
        severity: body.severity,
        urgency: body.urgency,
        certainty: body.certainty,
        headline: body.headline,
        description: body.description,
        instruction: body.instruction,
        expires_at_ms,
    };
    let alert = state.core.public_alerts().issue_alert(&actor, unit.id, input).await?;
    Ok((StatusCode::CREATED, Json(AlertJson::new(alert, &state.core.alerts.public_url, state.core.now_ms()))))
}

/// A unit's alerts, newest first (in force or not).
#[utoipa::path(get, path = "/pages/{code}/alerts", tag = "alerts", params(("code" = String, Path)),
    responses((status = 200, body = Vec<AlertJson>), (status = 404, body = ErrorBody)))]
pub async fn unit_alerts(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<AlertJson>>, ApiError> {
    let unit = state.core.units().unit_by_code(&code).await?;
    Ok(Json(to_json(&state, state.core.public_alerts().unit_alerts(unit.id).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct InForceQuery {
    /// Only the alerts over this area (issued for it or for an area around it).
    area_id: Option<i64>,
}

/// The alerts in force, most severe first.
#[utoipa::path(get, path = "/alerts", tag = "alerts", params(InForceQuery),
    responses((status = 200, body = Vec<AlertJson>), (status = 404, body = ErrorBody)))]
pub async fn in_force(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<InForceQuery>,
) -> Result<Json<Vec<AlertJson>>, ApiError> {
    Ok(Json(to_json(&state, state.core.public_alerts().alerts_in_force(q.area_id).await?)))
}

/// One alert (public, in force or not).
#[utoipa::path(get, path = "/alerts/{id}", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, body = AlertJson), (status = 404, body = ErrorBody)))]
pub async fn alert(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<AlertJson>, ApiError> {
    let alert = state.core.public_alerts().public_alert(alert_id(&id)?).await?;
    Ok(Json(AlertJson::new(alert, &state.core.alerts.public_url, state.core.now_ms())))
}

/// End an alert before its expiry.
#[utoipa::path(post, path = "/alerts/{id}/cancel", tag = "alerts", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AlertJson), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "already ended")))]
pub async fn cancel(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AlertJson>, ApiError> {
    let actor = officer(&p)?;
    let alert = state.core.public_alerts().cancel_alert(&actor, alert_id(&id)?).await?;
    Ok(Json(AlertJson::new(alert, &state.core.alerts.public_url, state.core.now_ms())))
}

/// What CAP says of where an alert applies: its area with those above it, and its official code.
fn cap_area(view: &AlertView) -> CapArea {
    let description = view.area.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
    let geocode = view.area.first().and_then(|a| {
        let name = match (a.edition, a.level) {
            (binhyen_domain::Edition::Current2025, _) => "VN-DVHC-2025",
            (binhyen_domain::Edition::Legacy, AreaLevel::Village) | (binhyen_domain::Edition::Local, _) => return None,
            (binhyen_domain::Edition::Legacy, _) => "VN-DVHC-TRUOC-2025",
        };
        a.code.clone().map(|code| (name, code))
    });
    CapArea { description, geocode }
}

/// The alert as a CAP 1.2 document (a cancelled alert: its `Cancel` message).
#[utoipa::path(get, path = "/alerts/{id}/cap", tag = "alerts", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/cap+xml", body = String), (status = 404, body = ErrorBody)))]
pub async fn cap_document(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let alert = state.core.public_alerts().public_alert(alert_id(&id)?).await?;
    let view = state.core.public_alerts().alert_view(alert).await?;
    let doc = CapAlert { alert: &view.alert, unit: &view.unit, area: cap_area(&view) };
    let xml = cap::document(&state.core.alerts.public_url, &doc);
    Ok(([(header::CONTENT_TYPE, "application/cap+xml; charset=utf-8")], xml).into_response())
}

/// The alerts in force as an Atom feed whose entries link to their CAP documents.
#[utoipa::path(get, path = "/alerts.atom", tag = "alerts",
    responses((status = 200, content_type = "application/atom+xml", body = String)))]
pub async fn atom(State(state): State<AppState>) -> Result<Response, ApiError> {
    let mut alerts = Vec::new();
    for alert in state.core.public_alerts().alerts_in_force(None).await? {
        let view = state.core.public_alerts().alert_view(alert).await?;
        alerts.push((view.alert, view.unit));
    }
    let xml = cap::atom_feed(&state.core.alerts.public_url, &alerts, state.core.now_ms());
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}
