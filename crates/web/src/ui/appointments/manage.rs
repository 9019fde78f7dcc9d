//! Running a unit's appointments on the site (`/units/{code}/appointments/manage`, commanders of the unit and
//! above, `Action::EditUnit` as for the unit's page): its services with their weekly hours and the closures to
//! come; forms to add and edit a service, to set its hours and to add or remove a closure. Every POST goes
//! through `CsrfForm`, calls its core use case and goes back (303 with `?done=`), or shows the page again with
//! the reason and what was typed.
//!
//! Hours travel as one text field a weekday (`d1` Monday … `d7` Sunday) holding its ranges,
//! `07:30-11:30, 13:30-17:00` (an en dash works too); an empty field closes that weekday.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::appointments::{HoursInput, ServiceInput, ServiceView};
use binhyen_core::CoreError;
use binhyen_domain::appointment::{format_hhmm, parse_hhmm, plausible_day, validate_hours, OpenRange};
use binhyen_domain::entities::units::Unit;
use binhyen_domain::time_vn::{format_date, parse_iso};
use binhyen_domain::Invalid;
use serde::Deserialize;
use time::Duration;

use super::booking::{weekday_name, EmptyForm};
use crate::error::ApiError;
use crate::i18n::{self, Lang};
use crate::session::{CsrfForm, Visitor};
use crate::ui::pages::manage::{managing, unit_to_manage};
use crate::ui::{page, Layout};
use crate::AppState;

/// How far ahead the page lists closures.
const CLOSURES_AHEAD_DAYS: i64 = 366;

/// "Thứ Hai" for ISO weekday 1 … "Chủ nhật" for 7.
fn weekday_label(lang: Lang, weekday: i64) -> &'static str {
    // 2024-01-01 was a Monday.
    weekday_name(lang, time::macros::date!(2024 - 01 - 01) + Duration::days(weekday - 1))
}

/// A service's fields as a form shows them (strings: what was typed comes back as typed).
#[derive(Clone, Default, Deserialize)]
pub(crate) struct ServiceForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    slot_minutes: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    cutoff_minutes: String,
    /// "1": offered for booking (edit form only; a new service is offered at once).
    #[serde(default)]
    active: String,
}

impl ServiceForm {
    fn of(view: &ServiceView) -> Self {
        let s = &view.service;
        Self {
            name: s.name.clone(),
            description: s.description.clone().unwrap_or_default(),
            slot_minutes: s.slot_minutes.to_string(),
            capacity: s.capacity.to_string(),
            cutoff_minutes: s.cutoff_minutes.to_string(),
            active: if s.active { "1" } else { "" }.to_owned(),
        }
    }

    fn blank() -> Self {
        Self { slot_minutes: "30".into(), capacity: "1".into(), cutoff_minutes: "60".into(), ..Self::default() }
    }

    fn is_active(&self) -> bool {
        self.active == "1"
    }

    fn input(&self, active: bool) -> Result<ServiceInput, CoreError> {
        let number = |raw: &str, field: &'static str| -> Result<i64, CoreError> {
            let raw = raw.trim();
            if raw.is_empty() {
                return Err(Invalid::new(field, "required").into());
            }
            raw.parse().map_err(|_| Invalid::new(field, "invalid_field").into())
        };
        Ok(ServiceInput {
            name: self.name.clone(),
            description: Some(self.description.clone()),
            slot_minutes: number(&self.slot_minutes, "slot_minutes")?,
            capacity: number(&self.capacity, "capacity")?,
            cutoff_minutes: number(&self.cutoff_minutes, "cutoff_minutes")?,
            active,
        })
    }
}

/// One weekday of a service: its hours in words and the hours field.
struct DayRow {
    weekday: i64,
    label: &'static str,
    /// "07:30–11:30, 13:30–17:00", or None when closed that weekday.
    shown: Option<String>,
    /// The field's value: "07:30-11:30, 13:30-17:00".
    value: String,
}

struct ServiceRow {
    id: i64,
    name: String,
    description: Option<String>,
    active: bool,
    slot_minutes: i64,
    capacity: i64,
    cutoff_minutes: i64,
    has_hours: bool,
    days: Vec<DayRow>,
    form: ServiceForm,
    /// The edit form comes back open (it was what failed).
    edit_open: bool,
}

struct ClosureRow {
    id: i64,
    day: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "appointment_manage.html")]
struct ManagePage {
    l: Layout,
    code: String,
    name: String,
    done: Option<String>,
    error: Option<String>,
    services: Vec<ServiceRow>,
    new_service: ServiceForm,
    closures: Vec<ClosureRow>,
    /// The closure form's values (as typed when it failed).
    closure_day: String,
    closure_reason: String,
    /// The first day a closure may be on (the `date` input's `min`).
    today: String,
}

/// What a failed form typed, to show it again.
enum Typed {
    Nothing,
    NewService(ServiceForm),
    Service(i64, ServiceForm),
    Hours(i64, HoursForm),
    Closure(ClosureForm),
}

/// The page's answer to a failed form: its status and reason.
struct Failure {
    status: StatusCode,
    reason: String,
}

impl Failure {
    /// The Vietnamese (or English) message of an error, with the field it concerns in words.
    fn of(lang: Lang, e: CoreError) -> Self {
        let api = ApiError::from(e);
        let message = i18n::message(lang, api.code).to_owned();
        let reason = match api.field.as_deref() {
            Some(field) => format!("{message} ({})", field_label(lang, field)),
            None => message,
        };
        Self { status: api.status, reason }
    }
}

fn field_label(lang: Lang, field: &str) -> String {
    let t = lang.text();
    match field {
        "name" => t.appt_service_name,
        "description" => t.appt_service_description,
        "slot_minutes" => t.appt_slot_minutes,
        "capacity" => t.appt_capacity,
        "cutoff_minutes" => t.appt_cutoff,
        "hours" => t.appt_hours,
        "day" => t.appt_day,
        "reason" => t.reason,
        other => other,
    }
    .to_owned()
}

#[derive(Deserialize, Default)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    done: String,
    /// Bookings still in force on a day just closed.
    #[serde(default)]
    bookings: String,
}

fn done_text(lang: Lang, q: &DoneQuery) -> Option<String> {
    let t = lang.text();
    match q.done.as_str() {
        "service" | "hours" | "reopened" => Some(t.saved.to_owned()),
        "closure" => match q.bookings.parse::<i64>() {
            Ok(n) if n > 0 => Some(format!("{} {} {n}.", t.saved, t.appt_closure_bookings)),
            _ => Some(t.saved.to_owned()),
        },
        _ => None,
    }
}

fn day_rows(lang: Lang, view: &ServiceView, typed: Option<&HoursForm>) -> Vec<DayRow> {
    (1..=7)
        .map(|weekday| {
            let ranges: Vec<(String, String)> = view
                .hours
                .iter()
                .filter(|h| h.weekday == weekday)
                .map(|h| (format_hhmm(h.start_minute), format_hhmm(h.end_minute)))
                .collect();
            let shown = (!ranges.is_empty())
                .then(|| ranges.iter().map(|(a, b)| format!("{a}–{b}")).collect::<Vec<_>>().join(", "));
            let value = match typed {
                Some(f) => f.day(weekday).to_owned(),
                None => ranges.iter().map(|(a, b)| format!("{a}-{b}")).collect::<Vec<_>>().join(", "),
            };
            DayRow { weekday, label: weekday_label(lang, weekday), shown, value }
        })
        .collect()
}

async fn render(
    state: &AppState,
    v: Visitor,
    unit: Unit,
    status: StatusCode,
    done: Option<String>,
    error: Option<String>,
    typed: Typed,
) -> Response {
    let lang = v.lang;
    let views = match state.core.appointments().unit_services(unit.id).await {
        Ok(views) => views,
        Err(e) => return crate::ui::error_page(v, e.into()),
    };
    let today = state.core.today();
    let closures = match state
        .core
        .appointments()
        .unit_closures(unit.id, today, today + Duration::days(CLOSURES_AHEAD_DAYS))
        .await
    {
        Ok(closures) => closures,
        Err(e) => return crate::ui::error_page(v, e.into()),
    };
    let services = views
        .iter()
        .map(|view| {
            let id = view.service.id;
            let typed_hours = match &typed {
                Typed::Hours(s, f) if *s == id => Some(f),
                _ => None,
            };
            let typed_form = match &typed {
                Typed::Service(s, f) if *s == id => Some(f.clone()),
                _ => None,
            };
            let s = &view.service;
            ServiceRow {
                id,
                name: s.name.clone(),
                description: s.description.clone(),
                active: s.active,
                slot_minutes: s.slot_minutes,
                capacity: s.capacity,
                cutoff_minutes: s.cutoff_minutes,
                has_hours: !view.hours.is_empty(),
                days: day_rows(lang, view, typed_hours),
                edit_open: typed_form.is_some(),
                form: typed_form.unwrap_or_else(|| ServiceForm::of(view)),
            }
        })
        .collect();
    let (new_service, closure) = match typed {
        Typed::NewService(f) => (f, ClosureForm::default()),
        Typed::Closure(f) => (ServiceForm::blank(), f),
        _ => (ServiceForm::blank(), ClosureForm::default()),
    };
    let tpl = ManagePage {
        l: Layout::new(&v, format!("{} – {}", lang.text().appt_manage, unit.name)),
        code: unit.code,
        name: unit.name,
        done,
        error,
        services,
        new_service,
        closures: closures
            .into_iter()
            .map(|c| ClosureRow {
                id: c.id,
                day: format!("{} {}", weekday_name(lang, c.day), format_date(c.day)),
                reason: c.reason,
            })
            .collect(),
        closure_day: closure.day,
        closure_reason: closure.reason,
        today: binhyen_domain::time_vn::iso(today),
    };
    page(v, status, &tpl)
}

/// The page (commanders of the unit and above).
pub(crate) async fn manage(
    State(state): State<AppState>,
    v: Visitor,
    Path(code): Path<String>,
    q: Result<Query<DoneQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let unit = match unit_to_manage(&state, &v, &code).await {
        Ok((_, unit)) => unit,
        Err(e) => return crate::ui::error_page(v, e),
    };
    let done = q.ok().and_then(|Query(q)| done_text(v.lang, &q));
    render(&state, v, unit, StatusCode::OK, done, None, Typed::Nothing).await
}

/// Back to the page with what was done (`done` is the query), or the page again with why not and what was typed.
async fn finish(state: &AppState, v: Visitor, unit: Unit, result: Result<String, Failure>, typed: Typed) -> Response {
    match result {
        Ok(done) => {
            (v.jar, Redirect::to(&format!("/units/{}/appointments/manage?done={done}", unit.code))).into_response()
        }
        Err(f) => render(state, v, unit, f.status, None, Some(f.reason), typed).await,
    }
}

/// A service of this unit by the id in the path (another unit's is not found here).
async fn service_of(state: &AppState, unit: &Unit, raw: &str) -> Result<ServiceView, CoreError> {
    let id = raw.parse().map_err(|_| CoreError::not_found("service"))?;
    let view = state.core.appointments().appointment_service(id).await?;
    if view.service.unit_id != unit.id {
        return Err(CoreError::not_found("service"));
    }
    Ok(view)
}

pub(crate) async fn create_service(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(v, f): CsrfForm<ServiceForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = async {
        let input = f.input(true)?;
        state.core.appointments().create_service(&actor, unit.id, input).await.map(|_| "service".to_owned())
    }
    .await
    .map_err(|e| Failure::of(v.lang, e));
    finish(&state, v, unit, result, Typed::NewService(f)).await
}

pub(crate) async fn edit_service(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    CsrfForm(v, f): CsrfForm<ServiceForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = async {
        let view = service_of(&state, &unit, &id).await?;
        let input = f.input(f.is_active())?;
        state.core.appointments().edit_service(&actor, view.service.id, input).await.map(|_| "service".to_owned())
    }
    .await
    .map_err(|e| Failure::of(v.lang, e));
    let typed = match id.parse() {
        Ok(id) => Typed::Service(id, f),
        Err(_) => Typed::Nothing,
    };
    finish(&state, v, unit, result, typed).await
}

/// A week of hours as typed: one field a weekday.
#[derive(Clone, Default, Deserialize)]
pub(crate) struct HoursForm {
    #[serde(default)]
    d1: String,
    #[serde(default)]
    d2: String,
    #[serde(default)]
    d3: String,
    #[serde(default)]
    d4: String,
    #[serde(default)]
    d5: String,
    #[serde(default)]
    d6: String,
    #[serde(default)]
    d7: String,
}

impl HoursForm {
    fn day(&self, weekday: i64) -> &str {
        match weekday {
            1 => &self.d1,
            2 => &self.d2,
            3 => &self.d3,
            4 => &self.d4,
            5 => &self.d5,
            6 => &self.d6,
            _ => &self.d7,
        }
    }
}

/// One weekday's field, "07:30-11:30, 13:30-17:00", as ranges; the reason, naming the weekday, when it is not
/// one. Ranges are separated by commas (or semicolons), their ends by a hyphen or a dash.
fn parse_day_ranges(lang: Lang, weekday: i64, raw: &str, slot_minutes: i64) -> Result<Vec<OpenRange>, String> {
    let t = lang.text();
    let day = weekday_label(lang, weekday);
    let mut ranges = Vec::new();
    for piece in raw.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
        let malformed = || format!("{} ({day}: «{piece}»)", t.appt_range_malformed);
        let (start, end) = piece.split_once(['-', '–', '—']).ok_or_else(malformed)?;
        let (start, end) = (parse_hhmm(start).map_err(|_| malformed())?, parse_hhmm(end).map_err(|_| malformed())?);
        ranges.push(OpenRange { weekday, start, end });
    }
    // The core checks the whole week again; checked here too, so that the reason names the weekday.
    validate_hours(ranges.clone(), slot_minutes)
        .map_err(|e| format!("{} ({}, {day})", i18n::message(lang, e.code), t.appt_hours))?;
    Ok(ranges)
}

pub(crate) async fn set_hours(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    CsrfForm(v, f): CsrfForm<HoursForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let lang = v.lang;
    let result = async {
        let view = service_of(&state, &unit, &id).await.map_err(|e| Failure::of(lang, e))?;
        let mut hours = Vec::new();
        for weekday in 1..=7 {
            let ranges = parse_day_ranges(lang, weekday, f.day(weekday), view.service.slot_minutes)
                .map_err(|reason| Failure { status: StatusCode::UNPROCESSABLE_ENTITY, reason })?;
            hours.extend(ranges.into_iter().map(|r| HoursInput {
                weekday,
                start: format_hhmm(r.start),
                end: format_hhmm(r.end),
            }));
        }
        state
            .core
            .appointments()
            .set_service_hours(&actor, view.service.id, &hours)
            .await
            .map_err(|e| Failure::of(lang, e))?;
        Ok(format!("hours#service-{}", view.service.id))
    }
    .await;
    let typed = match id.parse() {
        Ok(id) => Typed::Hours(id, f),
        Err(_) => Typed::Nothing,
    };
    finish(&state, v, unit, result, typed).await
}

#[derive(Clone, Default, Deserialize)]
pub(crate) struct ClosureForm {
    /// "2027-01-01", as `date` inputs send it.
    #[serde(default)]
    day: String,
    #[serde(default)]
    reason: String,
}

pub(crate) async fn add_closure(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(v, f): CsrfForm<ClosureForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = async {
        let day = f.day.trim();
        if day.is_empty() {
            return Err(Invalid::new("day", "required").into());
        }
        let day = parse_iso(day).filter(|d| plausible_day(*d)).ok_or(Invalid::new("day", "invalid_date"))?;
        let (_, bookings) = state.core.appointments().add_closure(&actor, unit.id, day, &f.reason).await?;
        Ok(format!("closure&bookings={bookings}"))
    }
    .await
    .map_err(|e: CoreError| Failure::of(v.lang, e));
    finish(&state, v, unit, result, Typed::Closure(f)).await
}

pub(crate) async fn remove_closure(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
    CsrfForm(v, EmptyForm {}): CsrfForm<EmptyForm>,
) -> Response {
    let (actor, unit) = managing!(state, v, code);
    let result = async {
        let id: i64 = id.parse().map_err(|_| CoreError::not_found("closure"))?;
        // Only a closure to come of this unit is removed from its page.
        let today = state.core.today();
        let to_come = state
            .core
            .appointments()
            .unit_closures(unit.id, today, today + Duration::days(CLOSURES_AHEAD_DAYS))
            .await?;
        if !to_come.iter().any(|c| c.id == id) {
            return Err(CoreError::not_found("closure"));
        }
        state.core.appointments().remove_closure(&actor, id).await.map(|()| "reopened".to_owned())
    }
    .await
    .map_err(|e| Failure::of(v.lang, e));
    finish(&state, v, unit, result, Typed::Nothing).await
}
