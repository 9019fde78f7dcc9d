//! What a unit offers at its counter, over the API: services with their weekly hours, the free slots of a day,
//! and closures. Anyone reads them; commanders of the unit and above change them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use binhyen_core::appointments::{HoursInput, ServiceInput};
use binhyen_domain::time_vn;
use serde::Deserialize;
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::appointment_dto::{ClosureCreatedJson, ClosureJson, DaySlotsJson, HoursJson, ServiceJson};
use super::extract::{ApiJson, ApiQuery};
use super::tips::officer;
use crate::error::{ApiError, ErrorBody};
use crate::session::ApiPrincipal;
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct ServiceRequest {
    /// "Cấp lại thẻ căn cước".
    pub name: String,
    /// What to bring, fees, where to go.
    pub description: Option<String>,
    /// 5 to 240.
    pub slot_minutes: i64,
    /// People per slot, 1 to 200.
    pub capacity: i64,
    /// Minutes before a slot until which its holder may cancel or move it (0 to a week).
    pub cutoff_minutes: i64,
    /// Offered for booking (default true).
    pub active: Option<bool>,
}

impl From<ServiceRequest> for ServiceInput {
    fn from(r: ServiceRequest) -> Self {
        ServiceInput {
            name: r.name,
            description: r.description,
            slot_minutes: r.slot_minutes,
            capacity: r.capacity,
            cutoff_minutes: r.cutoff_minutes,
            active: r.active.unwrap_or(true),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct HoursRequest {
    /// Opening ranges, e.g. Monday 07:30–11:30 and 13:30–17:00; replaces the service's hours.
    pub hours: Vec<HoursJson>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ClosureRequest {
    /// "2027-01-01", today or later.
    pub day: String,
    /// "Nghỉ Tết Dương lịch".
    pub reason: String,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DayQuery {
    /// "2026-12-01" (default: today in Vietnam).
    day: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RangeQuery {
    /// First day (default: today in Vietnam).
    from: Option<String>,
    /// Last day (default: 60 days after `from`).
    until: Option<String>,
}

/// An ISO day from a request, or 422 `invalid_date` naming the field.
pub(crate) fn parse_day(value: Option<&str>, field: &'static str, default: Date) -> Result<Date, ApiError> {
    match value {
        None => Ok(default),
        Some(v) => time_vn::parse_iso(v.trim())
            .filter(|d| binhyen_domain::appointment::plausible_day(*d))
            .ok_or_else(|| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_date").field(field)),
    }
}

fn service_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "service_not_found"))
}

/// A unit's services and their weekly hours (public).
#[utoipa::path(get, path = "/units/{code}/services", tag = "appointments", params(("code" = String, Path)),
    responses((status = 200, body = Vec<ServiceJson>), (status = 404, body = ErrorBody)))]
pub async fn unit_services(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<ServiceJson>>, ApiError> {
    let unit = state.core.units().unit_by_code(&code).await?;
    Ok(Json(state.core.appointments().unit_services(unit.id).await?.into_iter().map(Into::into).collect()))
}

/// Add a service to a unit (commanders of the unit or above). It has no hours until they are set.
#[utoipa::path(post, path = "/units/{code}/services", tag = "appointments", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ServiceRequest,
    responses((status = 201, body = ServiceJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the unit has a service of that name")))]
pub async fn create_service(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<ServiceRequest>,
) -> Result<(StatusCode, Json<ServiceJson>), ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let view = state.core.appointments().create_service(&actor, unit.id, body.into()).await?;
    Ok((StatusCode::CREATED, Json(view.into())))
}

/// A service and its weekly hours (public).
#[utoipa::path(get, path = "/services/{id}", tag = "appointments", params(("id" = i64, Path)),
    responses((status = 200, body = ServiceJson), (status = 404, body = ErrorBody)))]
pub async fn service(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<ServiceJson>, ApiError> {
    Ok(Json(state.core.appointments().appointment_service(service_id(&id)?).await?.into()))
}

/// Change a service's name, description and rules (commanders).
#[utoipa::path(put, path = "/services/{id}", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ServiceRequest,
    responses((status = 200, body = ServiceJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn edit_service(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ServiceRequest>,
) -> Result<Json<ServiceJson>, ApiError> {
    let actor = officer(&p)?;
    Ok(Json(state.core.appointments().edit_service(&actor, service_id(&id)?, body.into()).await?.into()))
}

/// Replace a service's weekly hours (commanders).
#[utoipa::path(put, path = "/services/{id}/hours", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = HoursRequest,
    responses((status = 200, body = ServiceJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_hours(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<HoursRequest>,
) -> Result<Json<ServiceJson>, ApiError> {
    let actor = officer(&p)?;
    let hours: Vec<HoursInput> =
        body.hours.into_iter().map(|h| HoursInput { weekday: h.weekday, start: h.start, end: h.end }).collect();
    Ok(Json(state.core.appointments().set_service_hours(&actor, service_id(&id)?, &hours).await?.into()))
}

/// A service's slots still to come on a day, with their free seats (public). None on a closed day.
#[utoipa::path(get, path = "/services/{id}/slots", tag = "appointments", params(("id" = i64, Path), DayQuery),
    responses((status = 200, body = DaySlotsJson), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "not a day")))]
pub async fn slots(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DayQuery>,
) -> Result<Json<DaySlotsJson>, ApiError> {
    let day = parse_day(q.day.as_deref(), "day", state.core.today())?;
    Ok(Json(state.core.appointments().service_slots(service_id(&id)?, day).await?.into()))
}

/// A unit's closures (public): from today for 60 days unless asked otherwise.
#[utoipa::path(get, path = "/units/{code}/closures", tag = "appointments", params(("code" = String, Path), RangeQuery),
    responses((status = 200, body = Vec<ClosureJson>), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn closures(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Json<Vec<ClosureJson>>, ApiError> {
    let unit = state.core.units().unit_by_code(&code).await?;
    let from = parse_day(q.from.as_deref(), "from", state.core.today())?;
    let until = parse_day(q.until.as_deref(), "until", from + time::Duration::days(60))?;
    Ok(Json(state.core.appointments().unit_closures(unit.id, from, until).await?.into_iter().map(Into::into).collect()))
}

/// Close a unit's counter for a day (commanders). Bookings that day stay: the answer says how many.
#[utoipa::path(post, path = "/units/{code}/closures", tag = "appointments", security(("bearer" = [])),
    params(("code" = String, Path)), request_body = ClosureRequest,
    responses((status = 201, body = ClosureCreatedJson), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "closed that day already")))]
pub async fn add_closure(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<ClosureRequest>,
) -> Result<(StatusCode, Json<ClosureCreatedJson>), ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let day = parse_day(Some(&body.day), "day", state.core.today())?;
    let (closure, bookings_that_day) =
        state.core.appointments().add_closure(&actor, unit.id, day, &body.reason).await?;
    Ok((StatusCode::CREATED, Json(ClosureCreatedJson { closure: closure.into(), bookings_that_day })))
}

/// Open a closed day again (commanders).
#[utoipa::path(delete, path = "/closures/{id}", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_closure(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let actor = officer(&p)?;
    let id = id.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "closure_not_found"))?;
    state.core.appointments().remove_closure(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
