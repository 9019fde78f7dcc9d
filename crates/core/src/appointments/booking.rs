//! Booking a slot, and what the holder (or whoever has the code, or an officer of the unit) does with it:
//! look it up, cancel it, move it. Each change commits with its seat count, its reminder job and its audit
//! entry in one transaction.

use crate::Appointments;
use binhyen_domain::appointment::{before_cutoff, format_code, normalize_code, reminder_at_ms, BookingState};
use binhyen_domain::{AccountKind, Action, Actor, DisplayName, Invalid, PhoneNumber};
use binhyen_store::accounts::Account;
use binhyen_store::appointments::{self, Appointment, NewAppointment};
use binhyen_store::{StoreError, Tx};

use super::{
    appointment_not_found, code_hash, conflict, BookingView, ServiceView, Slot, WalkIn, APPOINTMENTS_CODE,
    APPOINTMENTS_HOLDER, REMINDER_ATTEMPTS,
};
use crate::audit::AuditEvent;
use crate::jobs::JobPayload;
use crate::{CoreError, Result};

/// Who a booking is for.
#[derive(Debug, Clone)]
pub enum Holder {
    /// A signed-in citizen, household cluster or business.
    Account(Account),
    /// Someone at the counter or on the phone, booked by an officer of the unit (or of a unit above it).
    WalkIn { officer: Actor, name: String, phone: String },
}

/// What a booking (or a move) came to.
#[derive(Debug, Clone)]
pub enum BookOutcome {
    Booked(BookingView),
    /// Every seat of the slot is taken: the next free slots of the service instead.
    SlotFull {
        next_free: Vec<Slot>,
    },
    /// The person already has a booking for this service that day: that one, with its code.
    AlreadyBooked(BookingView),
}

/// How a booking is reached.
#[derive(Debug, Clone, Copy)]
pub enum BookingKey<'a> {
    /// Its holder, signed in, by id.
    Account(&'a Account, i64),
    /// Whoever has its confirmation code (walk-ins have no account).
    Code(&'a str),
    /// An officer of its unit or of a unit above, by id.
    Officer(&'a Actor, i64),
}

impl BookingKey<'_> {
    /// The holder (by account or code) is bound by the cut-off; officers are not.
    fn is_holder(&self) -> bool {
        !matches!(self, BookingKey::Officer(..))
    }
}

fn walk_in_field(e: Invalid, field: &'static str) -> CoreError {
    Invalid::new(field, e.code).into()
}

impl Appointments<'_> {
    /// Books a slot of a service for `holder`. Full slot and an existing booking of the same person for the
    /// service that day are answers (`BookOutcome`), not errors: both carry what to offer instead.
    pub async fn book_appointment(&self, holder: Holder, service_id: i64, starts_at_ms: i64) -> Result<BookOutcome> {
        let view = self.appointment_service(service_id).await?;
        let unit = self.store.unit(view.service.unit_id).await?;
        let (keys, account_id, booked_by, walk_in) = match &holder {
            Holder::Account(account) => {
                // An officer's account is for work: a booking for someone goes through `WalkIn`.
                if account.kind == AccountKind::Officer {
                    return Err(Invalid::new("walk_in", "required").into());
                }
                (vec![format!("account:{}", account.id)], Some(account.id), None, None)
            }
            Holder::WalkIn { officer, name, phone } => {
                // Counter work is everyday officers' work in their unit's subtree: the reach of working tips.
                self.authorize(officer, Action::WorkTips, unit.id).await?;
                let name = DisplayName::parse(name).map_err(|e| walk_in_field(e, "walk_in.name"))?.into_inner();
                let phone = PhoneNumber::parse(phone).map_err(|e| walk_in_field(e, "walk_in.phone"))?;
                // The number itself is never stored in clear: a keyed tag names the person. The current key's
                // tag is written; the tags under every key of the ring are looked for.
                let data = format!("phone:{}", phone.e164());
                let mut keys = vec![format!("phone:{}", self.seal.tag(data.as_bytes()))];
                for tag in self.seal.tags(data.as_bytes()) {
                    let key = format!("phone:{tag}");
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                let sealed = WalkIn { name, phone: phone.e164().to_owned() };
                (keys, None, Some(officer.account_id), Some(sealed))
            }
        };
        let (day, ends_at_ms) = self.check_slot(&view, &unit, starts_at_ms).await?;
        if let Some(existing) = self.store.active_appointment(service_id, day, &keys).await? {
            return Ok(BookOutcome::AlreadyBooked(self.booking_view(existing, true).await?));
        }
        let mut raw = [0u8; 16];
        self.random.fill(&mut raw);
        let code = format_code(&raw);
        let normalized = normalize_code(&code).ok_or_else(|| CoreError::Internal("code format".into()))?;
        let new = NewAppointment {
            service_id,
            unit_id: unit.id,
            day,
            starts_at_ms,
            ends_at_ms,
            account_id,
            holder_key: keys[0].clone(),
            code_hash: code_hash(&normalized),
            booked_by_account_id: booked_by,
        };
        let mut tx = self.store.begin().await?;
        if !appointments::take_seat(&mut tx, service_id, starts_at_ms, view.service.capacity).await? {
            drop(tx);
            return Ok(BookOutcome::SlotFull { next_free: self.next_free_slots(&view, &unit, starts_at_ms).await? });
        }
        let id = match appointments::insert(&mut tx, &new, self.now_ms()).await {
            Ok(id) => id,
            // Booked meanwhile by the same person (another tab, a double click): the unique index decided.
            Err(StoreError::Conflict("already_booked")) => {
                drop(tx);
                let existing = self.store.active_appointment(service_id, day, &keys).await?;
                return match existing {
                    Some(a) => Ok(BookOutcome::AlreadyBooked(self.booking_view(a, true).await?)),
                    None => Err(conflict("already_booked")),
                };
            }
            Err(e) => return Err(e.into()),
        };
        let holder_sealed = match &walk_in {
            Some(w) => {
                let json = serde_json::to_vec(w).map_err(|e| CoreError::Internal(e.to_string()))?;
                Some(self.seal_for(&APPOINTMENTS_HOLDER, id, &json))
            }
            None => None,
        };
        let code_sealed = self.seal_for(&APPOINTMENTS_CODE, id, code.as_bytes());
        appointments::set_sealed(&mut tx, id, holder_sealed.as_deref(), &code_sealed).await?;
        self.queue_reminder(&mut tx, id, day, starts_at_ms).await?;
        let detail = serde_json::json!({
            "service_id": service_id, "unit_id": unit.id, "starts_at": starts_at_ms, "walk_in": walk_in.is_some(),
        });
        self.audit(
            &mut tx,
            AuditEvent::new("appointment.booked", "appointment", Some(id)).by(booked_by.or(account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        let mut booked = self.booking_view(self.store.appointment(id).await?, false).await?;
        booked.code = Some(code);
        Ok(BookOutcome::Booked(booked))
    }

    /// The reminder of a booking starting at `starts_at_ms`: 18:00 the day before in Vietnam, or at once when
    /// that has passed. Its key names the slot, so a moved booking gets a new reminder and the old one, when it
    /// runs, finds the booking elsewhere and sends nothing.
    async fn queue_reminder(&self, tx: &mut Tx, id: i64, day: time::Date, starts_at_ms: i64) -> Result<()> {
        let run_at = reminder_at_ms(day).max(self.now_ms());
        let job = JobPayload::AppointmentReminder { appointment_id: id, starts_at_ms }.job(run_at, REMINDER_ATTEMPTS);
        self.jobs().enqueue(tx, &[job]).await
    }

    /// A booking with its service and unit; with its code (opened from its sealed copy) when asked.
    pub(crate) async fn booking_view(&self, appointment: Appointment, with_code: bool) -> Result<BookingView> {
        let service = self.store.appointment_service(appointment.service_id).await?;
        let unit = self.store.unit(appointment.unit_id).await?;
        let code = match (&appointment.code_sealed, with_code) {
            (Some(sealed), true) => match self.open_for(&APPOINTMENTS_CODE, appointment.id, sealed) {
                Ok(bytes) => String::from_utf8(bytes).ok(),
                Err(e) => {
                    tracing::warn!(appointment = appointment.id, error = %e, "a booking's code did not open");
                    None
                }
            },
            _ => None,
        };
        let changeable = appointment.state == BookingState::Booked
            && before_cutoff(self.now_ms(), appointment.starts_at_ms, service.cutoff_minutes);
        Ok(BookingView { appointment, service, unit, code, changeable })
    }

    /// The booking behind a key, and whether the key is its holder's (bound by the cut-off). A booking that is
    /// not the account's, and a wrong or malformed code, are all "not found".
    async fn keyed_appointment(&self, key: BookingKey<'_>, client: Option<&str>) -> Result<Appointment> {
        match key {
            BookingKey::Account(account, id) => {
                let a = self.store.appointment(id).await.map_err(appointment_not_found)?;
                if a.account_id != Some(account.id) {
                    return Err(CoreError::not_found("appointment"));
                }
                Ok(a)
            }
            BookingKey::Code(code) => {
                // Every look-up counts, per client address and in memory only, like receipt look-ups.
                if let Some(client) = client {
                    if !self.appointments.code_guard.allow(client, self.clock.now()) {
                        let retry_after_secs = self.appointments.code_guard.retry_after_secs();
                        return Err(CoreError::Throttled { retry_after_secs });
                    }
                }
                let normalized = normalize_code(code).ok_or(CoreError::not_found("appointment"))?;
                self.store
                    .appointment_by_code(&code_hash(&normalized))
                    .await?
                    .ok_or(CoreError::not_found("appointment"))
            }
            BookingKey::Officer(actor, id) => {
                let a = self.store.appointment(id).await.map_err(appointment_not_found)?;
                self.authorize(actor, Action::WorkTips, a.unit_id).await?;
                Ok(a)
            }
        }
    }

    /// A booking as its holder (with the code) or an officer (without) sees it.
    pub async fn appointment_for(&self, key: BookingKey<'_>, client: Option<&str>) -> Result<BookingView> {
        let a = self.keyed_appointment(key, client).await?;
        self.booking_view(a, key.is_holder()).await
    }

    /// A signed-in person's bookings, the latest slot first, with their codes.
    pub async fn my_appointments(&self, account: &Account) -> Result<Vec<BookingView>> {
        let mut out = Vec::new();
        for a in self.store.appointments_of_account(account.id, 100).await? {
            out.push(self.booking_view(a, true).await?);
        }
        Ok(out)
    }

    /// Cancels a booking: its holder until the cut-off, an officer of the unit while it is booked. The seat is
    /// free again at once; the reminder, when it runs, finds the booking cancelled and sends nothing.
    pub async fn cancel_appointment(&self, key: BookingKey<'_>, client: Option<&str>) -> Result<BookingView> {
        let a = self.keyed_appointment(key, client).await?;
        let service = self.store.appointment_service(a.service_id).await?;
        if a.state != BookingState::Booked {
            return Err(conflict("appointment_not_active"));
        }
        if key.is_holder() && !before_cutoff(self.now_ms(), a.starts_at_ms, service.cutoff_minutes) {
            return Err(conflict("past_cutoff"));
        }
        let mut tx = self.store.begin().await?;
        if !appointments::cancel(&mut tx, a.id, a.starts_at_ms, self.now_ms()).await? {
            return Err(conflict("appointment_changed"));
        }
        appointments::release_seat(&mut tx, a.service_id, a.starts_at_ms).await?;
        let detail = serde_json::json!({"by": if key.is_holder() { "holder" } else { "officer" }});
        self.audit(
            &mut tx,
            AuditEvent::new("appointment.cancelled", "appointment", Some(a.id)).by(actor_of(key)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        let a = self.store.appointment(a.id).await?;
        self.booking_view(a, key.is_holder()).await
    }

    /// Moves a booking to another slot of its service: its holder until the cut-off, an officer of the unit
    /// while it is booked. It keeps its code; its calendar entry gets a new version and a new reminder.
    pub async fn move_appointment(
        &self,
        key: BookingKey<'_>,
        starts_at_ms: i64,
        client: Option<&str>,
    ) -> Result<BookOutcome> {
        let a = self.keyed_appointment(key, client).await?;
        let view: ServiceView = self.appointment_service(a.service_id).await?;
        let unit = self.store.unit(a.unit_id).await?;
        if a.state != BookingState::Booked {
            return Err(conflict("appointment_not_active"));
        }
        if key.is_holder() && !before_cutoff(self.now_ms(), a.starts_at_ms, view.service.cutoff_minutes) {
            return Err(conflict("past_cutoff"));
        }
        if starts_at_ms == a.starts_at_ms {
            return Err(Invalid::new("starts_at", "same_slot").into());
        }
        let (day, ends_at_ms) = self.check_slot(&view, &unit, starts_at_ms).await?;
        let capacity = view.service.capacity;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        // Locks are taken in one order everywhere: the booking's row first (as cancelling and the counter do),
        // then seats in slot order. On PostgreSQL a move racing a cancellation of the same booking, or two
        // moves in opposite directions, then wait for each other instead of deadlocking.
        match appointments::reschedule(&mut tx, a.id, a.starts_at_ms, day, starts_at_ms, ends_at_ms, now).await {
            Ok(true) => {}
            Ok(false) => return Err(conflict("appointment_changed")),
            // The holder has another booking of the service on the new day.
            Err(StoreError::Conflict("already_booked")) => {
                drop(tx);
                let keys = [a.holder_key.clone()];
                return match self.store.active_appointment(a.service_id, day, &keys).await? {
                    Some(other) => Ok(BookOutcome::AlreadyBooked(self.booking_view(other, key.is_holder()).await?)),
                    None => Err(conflict("already_booked")),
                };
            }
            Err(e) => return Err(e.into()),
        }
        let taken = if starts_at_ms < a.starts_at_ms {
            let taken = appointments::take_seat(&mut tx, a.service_id, starts_at_ms, capacity).await?;
            appointments::release_seat(&mut tx, a.service_id, a.starts_at_ms).await?;
            taken
        } else {
            appointments::release_seat(&mut tx, a.service_id, a.starts_at_ms).await?;
            appointments::take_seat(&mut tx, a.service_id, starts_at_ms, capacity).await?
        };
        if !taken {
            // Rolled back: the booking stays where it was, with its seat.
            drop(tx);
            return Ok(BookOutcome::SlotFull { next_free: self.next_free_slots(&view, &unit, starts_at_ms).await? });
        }
        self.queue_reminder(&mut tx, a.id, day, starts_at_ms).await?;
        let detail = serde_json::json!({"from": a.starts_at_ms, "to": starts_at_ms});
        self.audit(
            &mut tx,
            AuditEvent::new("appointment.moved", "appointment", Some(a.id)).by(actor_of(key)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        let moved = self.store.appointment(a.id).await?;
        Ok(BookOutcome::Booked(self.booking_view(moved, key.is_holder()).await?))
    }

    /// A walk-in's name and phone (E.164), opened for the officers of the unit.
    pub(crate) fn walk_in_of(&self, a: &Appointment) -> Option<(String, String)> {
        let sealed = a.holder_sealed.as_ref()?;
        let bytes = match self.open_for(&APPOINTMENTS_HOLDER, a.id, sealed) {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(appointment = a.id, error = %e, "a walk-in's details did not open");
                return None;
            }
        };
        let w: WalkIn = serde_json::from_slice(&bytes).ok()?;
        Some((w.name, w.phone))
    }
}

/// The account to name in the audit log: the holder's, or the officer's; none for a code.
fn actor_of(key: BookingKey<'_>) -> Option<i64> {
    match key {
        BookingKey::Account(account, _) => Some(account.id),
        BookingKey::Officer(actor, _) => Some(actor.account_id),
        BookingKey::Code(_) => None,
    }
}
