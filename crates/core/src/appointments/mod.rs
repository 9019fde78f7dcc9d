//! Appointments at a unit's counter (issue 6): the unit's services, each with weekly hours, a slot length, a
//! capacity per slot and a cut-off; the days the unit is closed; bookings by signed-in people or, for walk-ins,
//! by an officer; a confirmation code and a reminder the day before; the officers' day list.
//!
//! - `services.rs`: commanders define services, hours and closures (`Action::EditUnit`, as pages do).
//! - `slots.rs`: the slots of a day in Vietnam time, with their free seats, and the next free ones.
//! - `booking.rs`: booking, looking up, cancelling and moving (by the holder, by code, or by an officer).
//! - `desk.rs`: the officers' day list, check-in and no-show.
//!
//! Capacity: a booking takes a seat of its slot with a conditional increment in its own transaction
//! (`store::appointments::take_seat`), so concurrent bookings never overfill a slot on either engine.
//!
//! Codes: 80 random bits in the receipt codes' alphabet. Only their SHA-256 is looked up; a sealed copy
//! (`APPOINTMENTS_CODE`, bound to the booking's id) lets the holder see it again in "my appointments". Look-ups
//! by code are counted per client address in memory, like receipt look-ups, and a wrong code and a malformed one
//! get the same 404.

mod booking;
mod desk;
mod services;
mod slots;

use binhyen_store::appointments::{Appointment, Service};
use binhyen_store::units::Unit;
use binhyen_store::StoreError;
use sha2::{Digest, Sha256};

use crate::seal::{APPOINTMENTS_CODE, APPOINTMENTS_HOLDER};
use crate::CoreError;

pub use booking::{BookOutcome, BookingKey, Holder};
pub use desk::{DayList, DeskEntry, ServiceDay};
pub use services::{HoursInput, ServiceInput, ServiceView};
pub use slots::{DaySlots, Slot};

/// Attempts of a reminder job (internal work: it writes a notification and queues deliveries).
/// What appointments keep between requests, seen only here.
#[derive(Clone)]
pub(crate) struct AppointmentsState {
    /// Look-ups of appointments by confirmation code, per client address (against guessing).
    code_guard: std::sync::Arc<crate::flood::FloodGuard>,
}

impl AppointmentsState {
    pub(crate) fn new(policy: &crate::Policy) -> Self {
        let guard = crate::flood::FloodGuard::new(policy.receipt_lookups_per_10_min, time::Duration::minutes(10));
        Self { code_guard: std::sync::Arc::new(guard) }
    }
}

pub(crate) const REMINDER_ATTEMPTS: i64 = 10;

/// A booking with what is shown around it.
#[derive(Debug, Clone)]
pub struct BookingView {
    pub appointment: Appointment,
    pub service: Service,
    pub unit: Unit,
    /// The confirmation code, for its holder (and whoever gave it); None in officers' views.
    pub code: Option<String>,
    /// Whether the holder may still cancel or move it (booked, and before the cut-off).
    pub changeable: bool,
}

/// A walk-in's details, as sealed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct WalkIn {
    pub name: String,
    /// E.164.
    pub phone: String,
}

/// What is looked up for a code: the SHA-256 of its normalised form, apart from receipts' hashes.
pub(crate) fn code_hash(normalized: &str) -> String {
    hex::encode(Sha256::digest(format!("binhyen-appointment:{normalized}").as_bytes()))
}

pub(crate) fn service_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("service"),
        other => other.into(),
    }
}

pub(crate) fn appointment_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("appointment"),
        other => other.into(),
    }
}

pub(crate) fn conflict(code: &'static str) -> CoreError {
    CoreError::Conflict { code, field: None }
}
