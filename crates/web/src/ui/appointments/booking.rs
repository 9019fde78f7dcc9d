//! Appointments on the site, without JavaScript: a unit's booking page (services, the next two weeks, a day's
//! free slots as radio buttons; officers add a walk-in's name and phone), one's bookings with their codes and
//! `.ics` files, cancelling and moving them, and the look-up by confirmation code (which travels in POST
//! bodies only, never in a URL).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use binhyen_core::appointments::{BookOutcome, BookingKey, BookingView, DaySlots, Holder, ServiceView, Slot};
use binhyen_core::CoreError;
use binhyen_domain::appointment::{format_hhmm, BookingState};
use binhyen_domain::time_vn::format_instant_ms;
use binhyen_domain::time_vn::{format_date, iso, parse_iso};
use serde::Deserialize;
use time::{Date, Duration};

use crate::error::ApiError;
use crate::i18n::{message, Lang};
use crate::session::{CsrfForm, Visitor};
use crate::ui::{or_page, page, Layout};
use crate::AppState;

/// Days the booking page offers at once.
const DAYS_SHOWN: i64 = 14;

/// "Thứ Ba" / "Tuesday".
pub(crate) fn weekday_name(lang: Lang, day: Date) -> &'static str {
    const VI: [&str; 7] = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"];
    const EN: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let i = usize::from(day.weekday().number_days_from_monday());
    match lang {
        Lang::Vi => VI[i],
        Lang::En => EN[i],
    }
}

/// "08:00", Vietnam time.
pub(crate) fn hhmm(ms: i64) -> String {
    binhyen_domain::appointment::day_and_minute(ms).map(|(_, m)| format_hhmm(m)).unwrap_or_default()
}

pub(crate) fn state_name(lang: Lang, state: BookingState) -> &'static str {
    let (vi, en) = state.names();
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// A service as the booking page lists it.
struct ServiceCard {
    id: i64,
    name: String,
    description: Option<String>,
    /// "Thứ Hai: 07:30–11:30, 13:30–17:00", one line per open weekday.
    hours: Vec<String>,
    slot_minutes: i64,
    selected: bool,
}

fn service_card(lang: Lang, v: &ServiceView, selected: bool) -> ServiceCard {
    // 2024-01-01 was a Monday: a fixed week to name the weekdays by.
    let name = |weekday: i64| weekday_name(lang, time::macros::date!(2024 - 01 - 01) + Duration::days(weekday - 1));
    // Consecutive weekdays with the same hours share a line: "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00".
    let mut runs: Vec<(i64, i64, String)> = Vec::new();
    for weekday in 1..=7 {
        let ranges: Vec<String> = v
            .hours
            .iter()
            .filter(|h| h.weekday == weekday)
            .map(|h| format!("{}–{}", format_hhmm(h.start_minute), format_hhmm(h.end_minute)))
            .collect();
        if ranges.is_empty() {
            continue;
        }
        let ranges = ranges.join(", ");
        match runs.last_mut() {
            Some((_, last, same)) if *last == weekday - 1 && *same == ranges => *last = weekday,
            _ => runs.push((weekday, weekday, ranges)),
        }
    }
    let hours = runs
        .into_iter()
        .map(|(first, last, ranges)| match first == last {
            true => format!("{}: {ranges}", name(first)),
            false => format!("{} – {}: {ranges}", name(first), name(last)),
        })
        .collect();
    ServiceCard {
        id: v.service.id,
        name: v.service.name.clone(),
        description: v.service.description.clone(),
        hours,
        slot_minutes: v.service.slot_minutes,
        selected,
    }
}

/// One day of the calendar row.
struct DayChoice {
    iso: String,
    label: String,
    closed: Option<String>,
    open: bool,
    selected: bool,
}

/// One slot as a radio button.
pub(crate) struct SlotChoice {
    pub value: String,
    pub label: String,
    pub free: i64,
}

pub(crate) fn slot_choices(slots: &[Slot]) -> Vec<SlotChoice> {
    slots
        .iter()
        .map(|s| SlotChoice {
            value: crate::api::vn_rfc3339(s.starts_at_ms),
            label: format!("{}–{}", hhmm(s.starts_at_ms), hhmm(s.ends_at_ms)),
            free: s.free,
        })
        .collect()
}

/// Free slots offered after a "slot full" answer, with their day.
fn next_free_choices(lang: Lang, slots: &[Slot]) -> Vec<SlotChoice> {
    slots
        .iter()
        .map(|s| {
            let day = binhyen_domain::appointment::day_and_minute(s.starts_at_ms).map(|(d, _)| d);
            let day = day.map(|d| format!("{} {}", weekday_name(lang, d), format_date(d))).unwrap_or_default();
            SlotChoice {
                value: crate::api::vn_rfc3339(s.starts_at_ms),
                label: format!("{} – {day}", hhmm(s.starts_at_ms)),
                free: s.free,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "appointment_book.html")]
struct BookPage {
    l: Layout,
    unit_code: String,
    unit_name: String,
    services: Vec<ServiceCard>,
    service_id: Option<i64>,
    days: Vec<DayChoice>,
    /// "Thứ Ba 01/12/2026".
    day_label: String,
    closed: Option<String>,
    slots: Vec<SlotChoice>,
    error: Option<String>,
    next_free: Vec<SlotChoice>,
    existing: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct BookQuery {
    /// Text, parsed leniently: a bad value shows the first service rather than a bare 400.
    service: Option<String>,
    day: Option<String>,
}

/// What went wrong with a booking, to show on the page again.
#[derive(Default)]
struct Problem {
    error: Option<String>,
    next_free: Vec<Slot>,
    existing: Option<String>,
}

async fn book_page_for(
    state: &AppState,
    v: Visitor,
    code: &str,
    service: Option<i64>,
    day: Option<Date>,
    status: StatusCode,
    problem: Problem,
) -> Response {
    let unit = or_page!(v, state.core.units().unit_by_code(code).await);
    let all = or_page!(v, state.core.appointments().unit_services(unit.id).await);
    let offered: Vec<&ServiceView> = all.iter().filter(|s| s.service.active).collect();
    let chosen = service.and_then(|id| offered.iter().find(|s| s.service.id == id)).or(offered.first()).copied();
    let today = state.core.today();
    let mut days = Vec::new();
    let mut selected: Option<DaySlots> = None;
    if let Some(s) = chosen {
        let all_days = or_page!(
            v,
            state.core.appointments().service_days(s.service.id, today, today + Duration::days(DAYS_SHOWN)).await
        );
        let wanted = day.filter(|d| all_days.iter().any(|x| x.day == *d));
        let first_open = all_days.iter().find(|d| !d.slots.is_empty()).map(|d| d.day);
        let pick = wanted.or(first_open);
        for d in &all_days {
            days.push(DayChoice {
                iso: iso(d.day),
                label: format!("{} {}", weekday_name(v.lang, d.day), format_date(d.day)),
                closed: d.closed.clone(),
                open: !d.slots.is_empty(),
                selected: Some(d.day) == pick,
            });
        }
        selected = all_days.into_iter().find(|d| Some(d.day) == pick);
    }
    let lang = v.lang;
    let tpl = BookPage {
        l: Layout::new(&v, lang.text().appt_title),
        services: offered
            .iter()
            .map(|s| service_card(lang, s, chosen.is_some_and(|c| c.service.id == s.service.id)))
            .collect(),
        service_id: chosen.map(|s| s.service.id),
        days,
        day_label: selected
            .as_ref()
            .map(|d| format!("{} {}", weekday_name(lang, d.day), format_date(d.day)))
            .unwrap_or_default(),
        closed: selected.as_ref().and_then(|d| d.closed.clone()),
        slots: selected.as_ref().map(|d| slot_choices(&d.slots)).unwrap_or_default(),
        error: problem.error,
        next_free: next_free_choices(lang, &problem.next_free),
        existing: problem.existing,
        unit_code: unit.code,
        unit_name: unit.name,
    };
    page(v, status, &tpl)
}

/// A unit's booking page.
pub(crate) async fn book_page(
    State(state): State<AppState>,
    v: Visitor,
    Path(code): Path<String>,
    Query(q): Query<BookQuery>,
) -> Response {
    let day = q.day.as_deref().and_then(parse_iso);
    let service = q.service.as_deref().and_then(|s| s.parse().ok());
    book_page_for(&state, v, &code, service, day, StatusCode::OK, Problem::default()).await
}

#[derive(Deserialize)]
pub(crate) struct BookForm {
    service_id: i64,
    #[serde(default)]
    starts_at: String,
    /// Officers: the walk-in's name and phone.
    name: Option<String>,
    phone: Option<String>,
}

fn parse_slot(value: &str) -> Option<i64> {
    time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// Books the chosen slot: a citizen's own (then their booking's page), or an officer's for a walk-in (then the
/// code to give them). A full slot or an existing booking comes back to the form with what to do instead.
pub(crate) async fn book_submit(
    State(state): State<AppState>,
    Path(code): Path<String>,
    CsrfForm(v, f): CsrfForm<BookForm>,
) -> Response {
    let lang = v.lang;
    let day = binhyen_domain::appointment::day_and_minute(parse_slot(&f.starts_at).unwrap_or_default()).map(|(d, _)| d);
    let again = |v: Visitor, status: StatusCode, problem: Problem| {
        let state = state.clone();
        let code = code.clone();
        async move { book_page_for(&state, v, &code, Some(f.service_id), day, status, problem).await }
    };
    let Some(principal) = v.principal.clone() else {
        return Redirect::to("/sign-in").into_response();
    };
    let Some(starts_at_ms) = parse_slot(&f.starts_at) else {
        let problem = Problem { error: Some(message(lang, "outside_schedule").to_owned()), ..Problem::default() };
        return again(v, StatusCode::UNPROCESSABLE_ENTITY, problem).await;
    };
    let walk_in = principal.actor().map(|officer| Holder::WalkIn {
        officer,
        name: f.name.clone().unwrap_or_default(),
        phone: f.phone.clone().unwrap_or_default(),
    });
    let holder = walk_in.unwrap_or(Holder::Account(principal.account));
    match state.core.appointments().book_appointment(holder, f.service_id, starts_at_ms).await {
        Ok(BookOutcome::Booked(view)) if view.appointment.account_id.is_some() => {
            Redirect::to(&format!("/my/appointments/{}?booked=1", view.appointment.id)).into_response()
        }
        Ok(BookOutcome::Booked(view)) => booking_page(v, view, Notice::Booked, None),
        Ok(BookOutcome::SlotFull { next_free }) => {
            let problem =
                Problem { error: Some(message(lang, "slot_full").to_owned()), next_free, ..Problem::default() };
            again(v, StatusCode::CONFLICT, problem).await
        }
        Ok(BookOutcome::AlreadyBooked(view)) if view.appointment.account_id.is_some() => {
            let problem = Problem {
                error: Some(message(lang, "already_booked").to_owned()),
                existing: Some(format!("/my/appointments/{}", view.appointment.id)),
                ..Problem::default()
            };
            again(v, StatusCode::CONFLICT, problem).await
        }
        // A walk-in who has a booking already: the officer sees it, with its code, to give again.
        Ok(BookOutcome::AlreadyBooked(view)) => {
            booking_page(v, view, Notice::None, Some(message(lang, "already_booked").to_owned()))
        }
        Err(e @ (CoreError::Invalid(_) | CoreError::Conflict { .. })) => {
            let status = ApiError::from(e);
            let problem = Problem { error: Some(message(lang, status.code).to_owned()), ..Problem::default() };
            again(v, status.status, problem).await
        }
        Err(e) => crate::ui::error_page(v, e.into()),
    }
}

/// A notice at the top of a booking's page.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notice {
    None,
    Booked,
    Cancelled,
    Moved,
}

/// A booking as its page shows it.
pub(crate) struct BookingCard {
    pub id: i64,
    pub service: String,
    pub what_to_bring: Option<String>,
    pub unit_name: String,
    pub unit_code: String,
    pub address: Option<String>,
    /// "08:00–08:30, Thứ Ba 01/12/2026".
    pub when: String,
    pub state: &'static str,
    pub booked: bool,
    pub code: Option<String>,
    pub changeable: bool,
    pub change_until: String,
    pub mine: bool,
}

pub(crate) fn booking_card(lang: Lang, v: &BookingView) -> BookingCard {
    let a = &v.appointment;
    BookingCard {
        id: a.id,
        service: v.service.name.clone(),
        what_to_bring: v.service.description.clone(),
        unit_name: v.unit.name.clone(),
        unit_code: v.unit.code.clone(),
        address: v.unit.contact.address.clone(),
        when: format!(
            "{}–{}, {} {}",
            hhmm(a.starts_at_ms),
            hhmm(a.ends_at_ms),
            weekday_name(lang, a.day),
            format_date(a.day)
        ),
        state: state_name(lang, a.state),
        booked: a.state == BookingState::Booked,
        code: v.code.clone(),
        changeable: v.changeable,
        change_until: format_instant_ms(a.starts_at_ms - v.service.cutoff_minutes * 60_000),
        mine: a.account_id.is_some(),
    }
}

#[derive(Template)]
#[template(path = "appointment_view.html")]
struct BookingPage {
    l: Layout,
    b: BookingCard,
    notice: Notice,
    error: Option<String>,
    /// Moving (own bookings): the day shown and its free slots.
    move_days: Vec<(String, String, bool)>,
    move_slots: Vec<SlotChoice>,
    /// Where the cancel and calendar forms post, and the code they carry (code holders).
    by_code: bool,
}

fn booking_page(v: Visitor, view: BookingView, notice: Notice, error: Option<String>) -> Response {
    let tpl = BookingPage {
        l: Layout::new(&v, v.lang.text().appt_title),
        b: booking_card(v.lang, &view),
        notice,
        error,
        move_days: Vec::new(),
        move_slots: Vec::new(),
        by_code: false,
    };
    no_store(page(v, StatusCode::OK, &tpl))
}

/// The page shows a confirmation code: no cache keeps it.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Template)]
#[template(path = "appointment_mine.html")]
struct MinePage {
    l: Layout,
    bookings: Vec<BookingCard>,
}

/// The signed-in person's bookings.
pub(crate) async fn mine(State(state): State<AppState>, v: Visitor) -> Response {
    let Some(p) = v.principal.clone() else { return Redirect::to("/sign-in").into_response() };
    let all = or_page!(v, state.core.appointments().my_appointments(&p.account).await);
    let tpl = MinePage {
        l: Layout::new(&v, v.lang.text().appt_mine),
        bookings: all.iter().map(|b| booking_card(v.lang, b)).collect(),
    };
    no_store(page(v, StatusCode::OK, &tpl))
}

#[derive(Deserialize)]
pub(crate) struct MineQuery {
    day: Option<String>,
    booked: Option<String>,
    cancelled: Option<String>,
    moved: Option<String>,
}

fn id_or_404(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| ApiError::new(StatusCode::NOT_FOUND, "appointment_not_found"))
}

/// One of my bookings: its code, its calendar file, cancelling it, and the slots it can move to.
pub(crate) async fn show_mine(
    State(state): State<AppState>,
    v: Visitor,
    Path(id): Path<String>,
    Query(q): Query<MineQuery>,
) -> Response {
    let Some(p) = v.principal.clone() else { return Redirect::to("/sign-in").into_response() };
    let id = match id_or_404(&id) {
        Ok(id) => id,
        Err(e) => return crate::ui::error_page(v, e),
    };
    let view = or_page!(v, state.core.appointments().appointment_for(BookingKey::Account(&p.account, id), None).await);
    let notice = match (q.booked, q.cancelled, q.moved) {
        (Some(_), _, _) => Notice::Booked,
        (_, Some(_), _) => Notice::Cancelled,
        (_, _, Some(_)) => Notice::Moved,
        _ => Notice::None,
    };
    let (mut move_days, mut move_slots) = (Vec::new(), Vec::new());
    if view.changeable {
        let today = state.core.today();
        let days = or_page!(
            v,
            state.core.appointments().service_days(view.service.id, today, today + Duration::days(DAYS_SHOWN)).await
        );
        let wanted = q.day.as_deref().and_then(parse_iso).unwrap_or(view.appointment.day);
        for d in &days {
            if !d.slots.is_empty() {
                let label = format!("{} {}", weekday_name(v.lang, d.day), format_date(d.day));
                move_days.push((iso(d.day), label, d.day == wanted));
            }
        }
        if let Some(d) = days.iter().find(|d| d.day == wanted) {
            let others: Vec<Slot> =
                d.slots.iter().copied().filter(|s| s.starts_at_ms != view.appointment.starts_at_ms).collect();
            move_slots = slot_choices(&others);
        }
    }
    let tpl = BookingPage {
        l: Layout::new(&v, v.lang.text().appt_title),
        b: booking_card(v.lang, &view),
        notice,
        error: None,
        move_days,
        move_slots,
        by_code: false,
    };
    no_store(page(v, StatusCode::OK, &tpl))
}

/// One of my bookings as a calendar file.
pub(crate) async fn mine_ics(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let Some(p) = v.principal.clone() else { return Redirect::to("/sign-in").into_response() };
    let id = match id_or_404(&id) {
        Ok(id) => id,
        Err(e) => return crate::ui::error_page(v, e),
    };
    let view = or_page!(v, state.core.appointments().appointment_for(BookingKey::Account(&p.account, id), None).await);
    crate::ics::response(id, crate::ics::booking(&view, &state.core.alerts.public_url, state.core.now_ms()))
}

#[derive(Deserialize)]
pub(crate) struct EmptyForm {}

pub(crate) async fn cancel_mine(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, EmptyForm {}): CsrfForm<EmptyForm>,
) -> Response {
    let Some(p) = v.principal.clone() else { return Redirect::to("/sign-in").into_response() };
    let id = match id_or_404(&id) {
        Ok(id) => id,
        Err(e) => return crate::ui::error_page(v, e),
    };
    match state.core.appointments().cancel_appointment(BookingKey::Account(&p.account, id), None).await {
        Ok(_) => Redirect::to(&format!("/my/appointments/{id}?cancelled=1")).into_response(),
        Err(e) => mine_error(&state, v, &p.account, id, e).await,
    }
}

#[derive(Deserialize)]
pub(crate) struct MoveForm {
    #[serde(default)]
    starts_at: String,
}

pub(crate) async fn move_mine(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(v, f): CsrfForm<MoveForm>,
) -> Response {
    let Some(p) = v.principal.clone() else { return Redirect::to("/sign-in").into_response() };
    let id = match id_or_404(&id) {
        Ok(id) => id,
        Err(e) => return crate::ui::error_page(v, e),
    };
    let Some(starts_at_ms) = parse_slot(&f.starts_at) else {
        return mine_error(
            &state,
            v,
            &p.account,
            id,
            binhyen_domain::Invalid::new("starts_at", "outside_schedule").into(),
        )
        .await;
    };
    match state.core.appointments().move_appointment(BookingKey::Account(&p.account, id), starts_at_ms, None).await {
        Ok(BookOutcome::Booked(_)) => Redirect::to(&format!("/my/appointments/{id}?moved=1")).into_response(),
        Ok(BookOutcome::SlotFull { .. }) => mine_error(&state, v, &p.account, id, conflict("slot_full")).await,
        Ok(BookOutcome::AlreadyBooked(_)) => mine_error(&state, v, &p.account, id, conflict("already_booked")).await,
        Err(e) => mine_error(&state, v, &p.account, id, e).await,
    }
}

/// The booking's page again, with why the change was refused.
async fn mine_error(
    state: &AppState,
    v: Visitor,
    account: &binhyen_domain::entities::accounts::Account,
    id: i64,
    e: CoreError,
) -> Response {
    let err = ApiError::from(e);
    match state.core.appointments().appointment_for(BookingKey::Account(account, id), None).await {
        Ok(view) if err.status != StatusCode::NOT_FOUND => {
            let text = message(v.lang, err.code).to_owned();
            let tpl = BookingPage {
                l: Layout::new(&v, v.lang.text().appt_title),
                b: booking_card(v.lang, &view),
                notice: Notice::None,
                error: Some(text),
                move_days: Vec::new(),
                move_slots: Vec::new(),
                by_code: false,
            };
            no_store(page(v, err.status, &tpl))
        }
        _ => crate::ui::error_page(v, err),
    }
}

fn conflict(code: &'static str) -> CoreError {
    CoreError::Conflict { code, field: Some("starts_at") }
}

#[derive(Template)]
#[template(path = "appointment_lookup.html")]
struct LookupPage {
    l: Layout,
    code: String,
    error: Option<String>,
}

pub(crate) async fn lookup_form(v: Visitor) -> Response {
    let tpl = LookupPage { l: Layout::new(&v, v.lang.text().appt_lookup_title), code: String::new(), error: None };
    page(v, StatusCode::OK, &tpl)
}

#[derive(Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    code: String,
}

fn lookup_error(v: Visitor, code: String, e: CoreError) -> Response {
    let err = ApiError::from(e);
    let tpl = LookupPage {
        l: Layout::new(&v, v.lang.text().appt_lookup_title),
        error: Some(message(v.lang, err.code).to_owned()),
        code,
    };
    let mut response = page(v, err.status, &tpl);
    if let Some(secs) = err.retry_after {
        if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    no_store(response)
}

fn code_page(v: Visitor, view: BookingView, notice: Notice, error: Option<String>) -> Response {
    let tpl = BookingPage {
        l: Layout::new(&v, v.lang.text().appt_title),
        b: booking_card(v.lang, &view),
        notice,
        error,
        move_days: Vec::new(),
        move_slots: Vec::new(),
        by_code: true,
    };
    no_store(page(v, StatusCode::OK, &tpl))
}

/// A booking by its code (the code in the POST body).
pub(crate) async fn lookup(State(state): State<AppState>, CsrfForm(v, f): CsrfForm<CodeForm>) -> Response {
    match state.core.appointments().appointment_for(BookingKey::Code(&f.code), v.client.as_deref()).await {
        Ok(view) => code_page(v, view, Notice::None, None),
        Err(e) => lookup_error(v, f.code, e),
    }
}

pub(crate) async fn lookup_cancel(State(state): State<AppState>, CsrfForm(v, f): CsrfForm<CodeForm>) -> Response {
    match state.core.appointments().cancel_appointment(BookingKey::Code(&f.code), v.client.as_deref()).await {
        Ok(view) => code_page(v, view, Notice::Cancelled, None),
        Err(e @ CoreError::Conflict { .. }) => {
            let text = message(v.lang, ApiError::from(e).code).to_owned();
            match state.core.appointments().appointment_for(BookingKey::Code(&f.code), v.client.as_deref()).await {
                Ok(view) => code_page(v, view, Notice::None, Some(text)),
                Err(e) => lookup_error(v, f.code, e),
            }
        }
        Err(e) => lookup_error(v, f.code, e),
    }
}

pub(crate) async fn lookup_ics(State(state): State<AppState>, CsrfForm(v, f): CsrfForm<CodeForm>) -> Response {
    match state.core.appointments().appointment_for(BookingKey::Code(&f.code), v.client.as_deref()).await {
        Ok(view) => {
            let ics = crate::ics::booking(&view, &state.core.alerts.public_url, state.core.now_ms());
            crate::ics::response(view.appointment.id, ics)
        }
        Err(e) => lookup_error(v, f.code, e),
    }
}
