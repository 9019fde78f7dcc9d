//! The counter: a unit's day list (each service's slots and who is coming, with walk-ins' details opened for
//! the officers), checking people in, and marking those who did not come. Officers of the unit and of the
//! units above it (`Action::WorkTips`: counter work has the reach of working tips).

use crate::Appointments;
use binhyen_domain::appointment::BookingState;
use binhyen_domain::{Action, Actor};
use binhyen_store::appointments::{self, Appointment};
use binhyen_store::units::Unit;
use time::Date;

use super::{appointment_not_found, conflict, ServiceView, Slot};
use crate::audit::AuditEvent;
use crate::{CoreError, Result};

/// A unit's day at the counter.
#[derive(Debug, Clone)]
pub struct DayList {
    pub unit: Unit,
    pub day: Date,
    /// The reason of the unit's closure that day.
    pub closed: Option<String>,
    pub services: Vec<ServiceDay>,
}

/// One service's day: its slots (past ones included) and its bookings, by start.
#[derive(Debug, Clone)]
pub struct ServiceDay {
    pub service: ServiceView,
    pub slots: Vec<Slot>,
    pub entries: Vec<DeskEntry>,
}

/// Who is coming: the account's name and phone, or the walk-in's as the officer wrote them.
#[derive(Debug, Clone)]
pub struct DeskEntry {
    pub appointment: Appointment,
    pub name: String,
    /// E.164.
    pub phone: String,
    pub walk_in: bool,
}

impl Appointments<'_> {
    /// A unit's bookings on a day, per service, with every slot of the day and its seats.
    pub async fn appointment_day(&self, actor: &Actor, unit_id: i64, day: Date) -> Result<DayList> {
        let unit = self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        self.authorize(actor, Action::WorkTips, unit_id).await?;
        let closed = self.store.appointment_closures(unit_id, day, day).await?.into_iter().next().map(|c| c.reason);
        let entries = self.store.appointments_on(unit_id, day).await?;
        let mut services = Vec::new();
        for view in self.unit_services(unit_id).await? {
            let slots = self.day_slots_with_past(&view, day).await?;
            let mut mine = Vec::new();
            for e in entries.iter().filter(|e| e.appointment.service_id == view.service.id) {
                let (name, phone, walk_in) = match (&e.account_name, &e.account_phone) {
                    (Some(name), Some(phone)) => (name.clone(), phone.clone(), false),
                    _ => {
                        let (name, phone) = self.walk_in_of(&e.appointment).unwrap_or_default();
                        (name, phone, true)
                    }
                };
                mine.push(DeskEntry { appointment: e.appointment.clone(), name, phone, walk_in });
            }
            if view.service.active || !mine.is_empty() {
                services.push(ServiceDay { service: view, slots, entries: mine });
            }
        }
        Ok(DayList { unit, day, closed, services })
    }

    /// Every slot of the service on the day (the counter sees the morning's too), with seats taken.
    async fn day_slots_with_past(&self, view: &ServiceView, day: Date) -> Result<Vec<Slot>> {
        use binhyen_domain::appointment::{instant_ms, slot_starts, weekday};
        let s = &view.service;
        let taken = self.store.seats_taken(s.id, instant_ms(day, 0), instant_ms(day, 24 * 60)).await?;
        Ok(slot_starts(&view.ranges(), weekday(day), s.slot_minutes)
            .into_iter()
            .map(|minute| {
                let starts_at_ms = instant_ms(day, minute);
                let booked = taken.iter().find(|(at, _)| *at == starts_at_ms).map_or(0, |(_, n)| *n);
                Slot {
                    starts_at_ms,
                    ends_at_ms: starts_at_ms + s.slot_minutes * 60_000,
                    capacity: s.capacity,
                    free: (s.capacity - booked).max(0),
                }
            })
            .collect())
    }

    /// The person came: on the day of the booking (a no-show who turns up late too).
    pub async fn check_in(&self, actor: &Actor, appointment_id: i64) -> Result<Appointment> {
        let a = self.desk_appointment(actor, appointment_id).await?;
        if a.day != self.today() {
            return Err(conflict("not_today"));
        }
        self.desk_move(actor, a, BookingState::CheckedIn, "appointment.checked_in").await
    }

    /// The person did not come: once the slot has started.
    pub async fn mark_no_show(&self, actor: &Actor, appointment_id: i64) -> Result<Appointment> {
        let a = self.desk_appointment(actor, appointment_id).await?;
        if self.now_ms() < a.starts_at_ms {
            return Err(conflict("too_early"));
        }
        self.desk_move(actor, a, BookingState::NoShow, "appointment.no_show").await
    }

    async fn desk_appointment(&self, actor: &Actor, id: i64) -> Result<Appointment> {
        let a = self.store.appointment(id).await.map_err(appointment_not_found)?;
        self.authorize(actor, Action::WorkTips, a.unit_id).await?;
        Ok(a)
    }

    async fn desk_move(
        &self,
        actor: &Actor,
        a: Appointment,
        to: BookingState,
        action: &'static str,
    ) -> Result<Appointment> {
        if !a.state.can_become(to) {
            return Err(conflict("appointment_not_active"));
        }
        let mut tx = self.store.begin().await?;
        if !appointments::set_state(&mut tx, a.id, a.state, to, self.now_ms()).await? {
            return Err(conflict("appointment_changed"));
        }
        let detail = serde_json::json!({"from": a.state.as_str(), "to": to.as_str()});
        self.audit(
            &mut tx,
            AuditEvent::new(action, "appointment", Some(a.id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(self.store.appointment(a.id).await?)
    }
}
