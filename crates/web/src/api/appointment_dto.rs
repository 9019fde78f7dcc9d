//! The JSON shapes of appointments. Instants are RFC 3339 in Vietnam time ("2026-12-01T07:30:00+07:00"), days
//! ISO, times of day "07:30".

use binhyen_core::appointments::{BookingView, DayList, DaySlots, ServiceView, Slot};
use binhyen_domain::appointment::{format_hhmm, BookingState};
use binhyen_domain::entities::appointments::Closure;
use binhyen_domain::time_vn::{iso, VIETNAM};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ErrorDetail;

/// "2026-12-01T07:30:00+07:00".
pub(crate) fn vn_rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.to_offset(VIETNAM).format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Clone)]
pub struct HoursJson {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// "07:30", Vietnam time.
    pub start: String,
    /// "11:30" (the end of the last slot at the latest).
    pub end: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceJson {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    /// What to bring, fees, where to go.
    pub description: Option<String>,
    pub slot_minutes: i64,
    /// People per slot.
    pub capacity: i64,
    /// Bookings can be cancelled or moved until this many minutes before they start.
    pub cutoff_minutes: i64,
    pub active: bool,
    pub hours: Vec<HoursJson>,
}

impl From<ServiceView> for ServiceJson {
    fn from(v: ServiceView) -> Self {
        let s = v.service;
        Self {
            id: s.id,
            unit_id: s.unit_id,
            name: s.name,
            description: s.description,
            slot_minutes: s.slot_minutes,
            capacity: s.capacity,
            cutoff_minutes: s.cutoff_minutes,
            active: s.active,
            hours: v
                .hours
                .iter()
                .map(|h| HoursJson {
                    weekday: h.weekday,
                    start: format_hhmm(h.start_minute),
                    end: format_hhmm(h.end_minute),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlotJson {
    pub starts_at: String,
    pub ends_at: String,
    pub capacity: i64,
    /// Seats still free (0: full).
    pub free: i64,
}

impl From<Slot> for SlotJson {
    fn from(s: Slot) -> Self {
        Self {
            starts_at: vn_rfc3339(s.starts_at_ms),
            ends_at: vn_rfc3339(s.ends_at_ms),
            capacity: s.capacity,
            free: s.free,
        }
    }
}

pub(crate) fn slots(all: Vec<Slot>) -> Vec<SlotJson> {
    all.into_iter().map(Into::into).collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DaySlotsJson {
    pub day: String,
    /// Why the unit is closed that day.
    pub closed: Option<String>,
    /// The slots still to come.
    pub slots: Vec<SlotJson>,
}

impl From<DaySlots> for DaySlotsJson {
    fn from(d: DaySlots) -> Self {
        Self { day: iso(d.day), closed: d.closed, slots: slots(d.slots) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureJson {
    pub id: i64,
    pub unit_id: i64,
    pub day: String,
    pub reason: String,
}

impl From<Closure> for ClosureJson {
    fn from(c: Closure) -> Self {
        Self { id: c.id, unit_id: c.unit_id, day: iso(c.day), reason: c.reason }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosureCreatedJson {
    pub closure: ClosureJson,
    /// Bookings still in force that day: the officers tell those people.
    pub bookings_that_day: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentJson {
    pub id: i64,
    pub service_id: i64,
    pub service_name: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    /// Where to go.
    pub address: Option<String>,
    pub day: String,
    pub starts_at: String,
    pub ends_at: String,
    pub state: BookingState,
    /// The confirmation code: to its holder only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Whether it can still be cancelled or moved by its holder.
    pub changeable: bool,
    /// Until when the holder can cancel or move it.
    pub change_until: String,
    /// Booked by an officer for someone without an account.
    pub walk_in: bool,
    /// The calendar entry's version (the `.ics` file's SEQUENCE).
    pub sequence: i64,
    /// The `.ics` file, for bookings of a signed-in account (a code holder POSTs the code to
    /// `/appointments/by-code/ics`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ics_url: Option<String>,
}

impl From<BookingView> for AppointmentJson {
    fn from(v: BookingView) -> Self {
        let a = v.appointment;
        Self {
            ics_url: a.account_id.map(|_| format!("/api/v1/me/appointments/{}/ics", a.id)),
            change_until: vn_rfc3339(a.starts_at_ms - v.service.cutoff_minutes * 60_000),
            id: a.id,
            service_id: a.service_id,
            service_name: v.service.name,
            unit_id: a.unit_id,
            unit_code: v.unit.code,
            unit_name: v.unit.name,
            address: v.unit.contact.address,
            day: iso(a.day),
            starts_at: vn_rfc3339(a.starts_at_ms),
            ends_at: vn_rfc3339(a.ends_at_ms),
            state: a.state,
            code: v.code,
            changeable: v.changeable,
            walk_in: a.account_id.is_none(),
            sequence: a.sequence,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentListJson {
    pub appointments: Vec<AppointmentJson>,
}

/// 409 to a booking or a move: `slot_full` with the next free slots, or `already_booked` with the booking the
/// person already has for the service that day (and its code).
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingConflictJson {
    pub error: ErrorDetail,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_free: Option<Vec<SlotJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment: Option<AppointmentJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeskEntryJson {
    pub appointment: AppointmentJson,
    pub name: String,
    /// E.164.
    pub phone: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceDayJson {
    pub service: ServiceJson,
    /// Every slot of the day, past ones included.
    pub slots: Vec<SlotJson>,
    pub appointments: Vec<DeskEntryJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayListJson {
    pub unit_id: i64,
    pub day: String,
    pub closed: Option<String>,
    pub services: Vec<ServiceDayJson>,
}

impl DayListJson {
    pub(crate) fn new(list: DayList) -> Self {
        let services = list
            .services
            .into_iter()
            .map(|s| {
                let service = s.service.service.clone();
                let unit = list.unit.clone();
                ServiceDayJson {
                    appointments: s
                        .entries
                        .into_iter()
                        .map(|e| {
                            let changeable = e.appointment.state == BookingState::Booked;
                            let view = BookingView {
                                appointment: e.appointment,
                                service: service.clone(),
                                unit: unit.clone(),
                                code: None,
                                changeable,
                            };
                            DeskEntryJson { appointment: view.into(), name: e.name, phone: e.phone }
                        })
                        .collect(),
                    slots: slots(s.slots),
                    service: s.service.into(),
                }
            })
            .collect();
        Self { unit_id: list.unit.id, day: iso(list.day), closed: list.closed, services }
    }
}
