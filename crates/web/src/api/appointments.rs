//! Appointments over the API: booking (a signed-in person, or an officer for a walk-in), the holder's bookings,
//! look-ups by confirmation code, cancelling and moving, `.ics` files, and the officers' day list, check-in and
//! no-show. Codes travel in request bodies, never in paths or queries, so they cannot end up in a log line.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use binhyen_core::appointments::{BookOutcome, BookingKey, BookingView, Holder};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::appointment_dto::{slots, AppointmentJson, AppointmentListJson, BookingConflictJson, DayListJson};
use super::appointment_services::parse_day;
use super::extract::{ApiJson, ApiQuery};
use super::params::parse_time;
use super::tips::officer;
use crate::error::{ApiError, ErrorBody};
use crate::i18n::Lang;
use crate::session::{client_address, ApiPrincipal};
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
pub struct WalkInRequest {
    /// The person's name, as on their papers.
    pub name: String,
    /// Their phone (for the officers, and an SMS reminder where SMS is configured).
    pub phone: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BookRequest {
    pub service_id: i64,
    /// The slot's start, RFC 3339 ("2026-12-01T07:30:00+07:00").
    pub starts_at: String,
    /// Officers only: book for someone without an account.
    pub walk_in: Option<WalkInRequest>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveRequest {
    /// The new slot's start, RFC 3339.
    pub starts_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodeRequest {
    /// "7KQ2-M9XD-4HFA-2WBR"; case, spaces and dashes do not matter.
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodeMoveRequest {
    pub code: String,
    /// The new slot's start, RFC 3339.
    pub starts_at: String,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DayListQuery {
    /// "2026-12-01" (default: today in Vietnam).
    day: Option<String>,
}

fn appointment_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "appointment_not_found"))
}

/// 201 with the booking, or 409 with what to offer instead.
fn outcome(result: BookOutcome, created: StatusCode) -> Response {
    let conflict =
        |code: &'static str| ApiError::new(StatusCode::CONFLICT, code).field("starts_at").body(Lang::Vi).error;
    match result {
        BookOutcome::Booked(view) => (created, Json(AppointmentJson::from(view))).into_response(),
        BookOutcome::SlotFull { next_free } => {
            let body = BookingConflictJson {
                error: conflict("slot_full"),
                next_free: Some(slots(next_free)),
                appointment: None,
            };
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
        BookOutcome::AlreadyBooked(view) => {
            let body = BookingConflictJson {
                error: conflict("already_booked"),
                next_free: None,
                appointment: Some(view.into()),
            };
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
    }
}

fn ics(state: &AppState, view: &BookingView) -> Response {
    let now = state.core.now_ms();
    crate::ics::response(view.appointment.id, crate::ics::booking(view, &state.core.alerts.public_url, now))
}

/// Book a slot: for yourself (citizens, household clusters, businesses) or, as an officer of the unit, for a
/// walk-in. The answer carries the confirmation code, once.
#[utoipa::path(post, path = "/appointments", tag = "appointments", security(("bearer" = [])),
    request_body = BookRequest,
    responses((status = 201, body = AppointmentJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = BookingConflictJson, description = "slot_full (with next_free) or already_booked \
            (with the booking the person already has that day)"),
        (status = 422, body = ErrorBody, description = "slot in the past, outside the hours, on a closed day…")))]
pub async fn book(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    ApiJson(body): ApiJson<BookRequest>,
) -> Result<Response, ApiError> {
    let starts_at_ms = parse_time(Some(&body.starts_at), "starts_at")?.unwrap_or_default();
    let holder = match body.walk_in {
        Some(w) => Holder::WalkIn { officer: officer(&p)?, name: w.name, phone: w.phone },
        None => Holder::Account(p.account),
    };
    Ok(outcome(
        state.core.appointments().book_appointment(holder, body.service_id, starts_at_ms).await?,
        StatusCode::CREATED,
    ))
}

/// My bookings, the latest slot first, with their codes.
#[utoipa::path(get, path = "/me/appointments", tag = "appointments", security(("bearer" = [])),
    responses((status = 200, body = AppointmentListJson)))]
pub async fn my_appointments(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
) -> Result<Json<AppointmentListJson>, ApiError> {
    let all = state.core.appointments().my_appointments(&p.account).await?;
    Ok(Json(AppointmentListJson { appointments: all.into_iter().map(Into::into).collect() }))
}

/// One of my bookings.
#[utoipa::path(get, path = "/me/appointments/{id}", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AppointmentJson), (status = 404, body = ErrorBody)))]
pub async fn my_appointment(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AppointmentJson>, ApiError> {
    let key = BookingKey::Account(&p.account, appointment_id(&id)?);
    Ok(Json(state.core.appointments().appointment_for(key, None).await?.into()))
}

/// One of my bookings as a calendar file (RFC 5545).
#[utoipa::path(get, path = "/me/appointments/{id}/ics", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody)))]
pub async fn my_ics(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let view =
        state.core.appointments().appointment_for(BookingKey::Account(&p.account, appointment_id(&id)?), None).await?;
    Ok(ics(&state, &view))
}

/// Cancel one of my bookings (until the service's cut-off).
#[utoipa::path(post, path = "/me/appointments/{id}/cancel", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AppointmentJson), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "past_cutoff, or not booked any more")))]
pub async fn my_cancel(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AppointmentJson>, ApiError> {
    let key = BookingKey::Account(&p.account, appointment_id(&id)?);
    Ok(Json(state.core.appointments().cancel_appointment(key, None).await?.into()))
}

/// Move one of my bookings to another slot of its service (until the cut-off). It keeps its code.
#[utoipa::path(post, path = "/me/appointments/{id}/move", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = MoveRequest,
    responses((status = 200, body = AppointmentJson), (status = 404, body = ErrorBody),
        (status = 409, body = BookingConflictJson, description = "slot_full, already_booked, past_cutoff"),
        (status = 422, body = ErrorBody)))]
pub async fn my_move(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MoveRequest>,
) -> Result<Response, ApiError> {
    let key = BookingKey::Account(&p.account, appointment_id(&id)?);
    let starts_at_ms = parse_time(Some(&body.starts_at), "starts_at")?.unwrap_or_default();
    Ok(outcome(state.core.appointments().move_appointment(key, starts_at_ms, None).await?, StatusCode::OK))
}

/// A booking by its confirmation code (no account needed). A wrong code is 404 whatever is wrong with it, and
/// look-ups are limited per address.
#[utoipa::path(post, path = "/appointments/by-code", tag = "appointments", request_body = CodeRequest,
    responses((status = 200, body = AppointmentJson), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn by_code(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<Json<AppointmentJson>, ApiError> {
    let client = client_address(&parts);
    Ok(Json(state.core.appointments().appointment_for(BookingKey::Code(&body.code), client.as_deref()).await?.into()))
}

/// Cancel a booking by its code (until the cut-off).
#[utoipa::path(post, path = "/appointments/by-code/cancel", tag = "appointments", request_body = CodeRequest,
    responses((status = 200, body = AppointmentJson), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn cancel_by_code(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<Json<AppointmentJson>, ApiError> {
    let client = client_address(&parts);
    Ok(Json(
        state.core.appointments().cancel_appointment(BookingKey::Code(&body.code), client.as_deref()).await?.into(),
    ))
}

/// Move a booking by its code (until the cut-off).
#[utoipa::path(post, path = "/appointments/by-code/move", tag = "appointments", request_body = CodeMoveRequest,
    responses((status = 200, body = AppointmentJson), (status = 404, body = ErrorBody),
        (status = 409, body = BookingConflictJson), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn move_by_code(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<CodeMoveRequest>,
) -> Result<Response, ApiError> {
    let client = client_address(&parts);
    let starts_at_ms = parse_time(Some(&body.starts_at), "starts_at")?.unwrap_or_default();
    let result = state
        .core
        .appointments()
        .move_appointment(BookingKey::Code(&body.code), starts_at_ms, client.as_deref())
        .await?;
    Ok(outcome(result, StatusCode::OK))
}

/// A booking's calendar file, by its code.
#[utoipa::path(post, path = "/appointments/by-code/ics", tag = "appointments", request_body = CodeRequest,
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub async fn ics_by_code(
    State(state): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<Response, ApiError> {
    let client = client_address(&parts);
    let view = state.core.appointments().appointment_for(BookingKey::Code(&body.code), client.as_deref()).await?;
    Ok(ics(&state, &view))
}

/// A unit's day at the counter: each service's slots and who is coming (officers of the unit and above).
#[utoipa::path(get, path = "/units/{code}/appointments", tag = "appointments", security(("bearer" = [])),
    params(("code" = String, Path), DayListQuery),
    responses((status = 200, body = DayListJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn day_list(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<DayListQuery>,
) -> Result<Json<DayListJson>, ApiError> {
    let actor = officer(&p)?;
    let unit = state.core.units().unit_by_code(&code).await?;
    let day = parse_day(q.day.as_deref(), "day", state.core.today())?;
    Ok(Json(DayListJson::new(state.core.appointments().appointment_day(&actor, unit.id, day).await?)))
}

/// The person came (on the day of the booking).
#[utoipa::path(post, path = "/appointments/{id}/check-in", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AppointmentJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "not today, or not booked")))]
pub async fn check_in(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AppointmentJson>, ApiError> {
    let actor = officer(&p)?;
    let a = state.core.appointments().check_in(&actor, appointment_id(&id)?).await?;
    Ok(Json(state.core.appointments().appointment_for(BookingKey::Officer(&actor, a.id), None).await?.into()))
}

/// The person did not come (once the slot has started).
#[utoipa::path(post, path = "/appointments/{id}/no-show", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AppointmentJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "too early, or not booked")))]
pub async fn no_show(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AppointmentJson>, ApiError> {
    let actor = officer(&p)?;
    let a = state.core.appointments().mark_no_show(&actor, appointment_id(&id)?).await?;
    Ok(Json(state.core.appointments().appointment_for(BookingKey::Officer(&actor, a.id), None).await?.into()))
}

/// Cancel a booking of the unit (officers; no cut-off: the person called).
#[utoipa::path(post, path = "/appointments/{id}/cancel", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = AppointmentJson), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn officer_cancel(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Json<AppointmentJson>, ApiError> {
    let actor = officer(&p)?;
    Ok(Json(
        state
            .core
            .appointments()
            .cancel_appointment(BookingKey::Officer(&actor, appointment_id(&id)?), None)
            .await?
            .into(),
    ))
}

/// A booking of the unit as a calendar file (officers: to give a walk-in), without its code.
#[utoipa::path(get, path = "/appointments/{id}/ics", tag = "appointments", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn officer_ics(
    State(state): State<AppState>,
    ApiPrincipal(p): ApiPrincipal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let actor = officer(&p)?;
    let view =
        state.core.appointments().appointment_for(BookingKey::Officer(&actor, appointment_id(&id)?), None).await?;
    Ok(ics(&state, &view))
}
