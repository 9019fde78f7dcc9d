//! The counter's page for officers: a unit's day (each service's bookings by slot, with names and phones, and
//! the seats of every slot), with buttons to check people in and to mark those who did not come.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::appointments::BookingKey;
use binhyen_domain::appointment::{plausible_day, BookingState};
use binhyen_domain::time_vn::{format_date, iso, parse_iso};
use binhyen_domain::PhoneNumber;
use serde::Deserialize;
use time::Duration;

use super::booking::{hhmm, slot_choices, state_name, weekday_name, EmptyForm, SlotChoice};
use crate::error::ApiError;
use crate::session::{CsrfForm, Visitor};
use crate::ui::{or_page, page, Layout};
use crate::AppState;

struct DeskRow {
    id: i64,
    time: String,
    name: String,
    /// "0399 000 001".
    phone: String,
    state: &'static str,
    walk_in: bool,
    can_check_in: bool,
    can_no_show: bool,
}

struct DeskService {
    id: i64,
    name: String,
    rows: Vec<DeskRow>,
    slots: Vec<SlotChoice>,
}

#[derive(Template)]
#[template(path = "appointment_day.html")]
struct DayPage {
    l: Layout,
    unit_code: String,
    unit_name: String,
    day_label: String,
    previous: String,
    next: String,
    closed: Option<String>,
    error: Option<String>,
    services: Vec<DeskService>,
}

#[derive(Deserialize)]
pub(crate) struct DayQuery {
    day: Option<String>,
}

/// A unit's day at the counter (officers of the unit and above).
pub(crate) async fn day(
    State(state): State<AppState>,
    v: Visitor,
    Path(code): Path<String>,
    Query(q): Query<DayQuery>,
) -> Response {
    let Some(actor) = v.principal.as_ref().and_then(|p| p.actor()) else {
        return crate::ui::error_page(v, ApiError::new(StatusCode::FORBIDDEN, "not_an_officer"));
    };
    let unit = or_page!(v, state.core.units().unit_by_code(&code).await);
    let today = state.core.today();
    let day = q.day.as_deref().and_then(parse_iso).filter(|d| plausible_day(*d)).unwrap_or(today);
    let list = or_page!(v, state.core.appointments().appointment_day(&actor, unit.id, day).await);
    let now = state.core.now_ms();
    let lang = v.lang;
    let services = list
        .services
        .into_iter()
        .map(|s| DeskService {
            id: s.service.service.id,
            name: s.service.service.name.clone(),
            slots: slot_choices(&s.slots),
            rows: s
                .entries
                .into_iter()
                .map(|e| {
                    let a = &e.appointment;
                    DeskRow {
                        id: a.id,
                        time: hhmm(a.starts_at_ms),
                        phone: PhoneNumber::parse(&e.phone).map(|p| p.national()).unwrap_or(e.phone.clone()),
                        name: e.name,
                        state: state_name(lang, a.state),
                        walk_in: e.walk_in,
                        can_check_in: a.state.can_become(BookingState::CheckedIn) && a.day == today,
                        can_no_show: a.state.can_become(BookingState::NoShow) && now >= a.starts_at_ms,
                    }
                })
                .collect(),
        })
        .collect();
    let day_label = format!("{} {}", weekday_name(lang, day), format_date(day));
    let tpl = DayPage {
        l: Layout::new(&v, format!("{} {day_label}", lang.text().appt_day_title)),
        unit_code: unit.code,
        unit_name: unit.name,
        previous: iso(day - Duration::days(1)),
        next: iso(day + Duration::days(1)),
        closed: list.closed,
        error: None,
        services,
        day_label,
    };
    page(v, StatusCode::OK, &tpl)
}

/// Checks someone in, then back to the day list.
pub(crate) async fn check_in(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, EmptyForm {}): CsrfForm<EmptyForm>,
) -> Response {
    desk_step(state, v, id, true).await
}

/// Marks someone absent, then back to the day list.
pub(crate) async fn no_show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, EmptyForm {}): CsrfForm<EmptyForm>,
) -> Response {
    desk_step(state, v, id, false).await
}

async fn desk_step(state: AppState, v: Visitor, id: String, came: bool) -> Response {
    let Some(actor) = v.principal.as_ref().and_then(|p| p.actor()) else {
        return crate::ui::error_page(v, ApiError::new(StatusCode::FORBIDDEN, "not_an_officer"));
    };
    let Ok(id) = id.parse::<i64>() else {
        return crate::ui::error_page(v, ApiError::new(StatusCode::NOT_FOUND, "appointment_not_found"));
    };
    let done = if came {
        state.core.appointments().check_in(&actor, id).await
    } else {
        state.core.appointments().mark_no_show(&actor, id).await
    };
    let a = or_page!(v, done);
    let view = or_page!(v, state.core.appointments().appointment_for(BookingKey::Officer(&actor, a.id), None).await);
    Redirect::to(&format!("/units/{}/appointments/day?day={}", view.unit.code, iso(a.day))).into_response()
}
