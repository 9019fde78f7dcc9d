//! The slots of a service on a day, in Vietnam time: from its weekly hours, none on a day the unit is closed or
//! not in force, each with the seats still free; and the check a requested slot must pass before it is booked.

use crate::Appointments;
use binhyen_domain::appointment::{self as rules, instant_ms, slot_starts, weekday, MAX_DAYS_AHEAD};
use binhyen_domain::Invalid;
use binhyen_store::appointments::Service;
use binhyen_store::units::Unit;
use time::{Date, Duration};

use super::ServiceView;
use crate::{CoreError, Result};

/// One slot of a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub capacity: i64,
    /// Seats not yet taken (0: full).
    pub free: i64,
}

/// A day of a service: why it is closed, or its slots still to come.
#[derive(Debug, Clone)]
pub struct DaySlots {
    pub day: Date,
    /// The reason of the unit's closure that day.
    pub closed: Option<String>,
    pub slots: Vec<Slot>,
}

/// How far the next free slots are looked for after a full one.
const NEXT_FREE_DAYS: i64 = 14;
/// How many next free slots a "slot full" answer offers.
pub(crate) const NEXT_FREE: usize = 5;

/// Whether the unit is in force on `day` (half-open validity): a dissolved unit takes no bookings.
fn in_force(unit: &Unit, day: Date) -> bool {
    unit.valid_from.is_none_or(|from| from <= day) && unit.valid_to.is_none_or(|to| day < to)
}

impl Appointments<'_> {
    /// The slots of `view` from day `from` to day `until` (inclusive) that start after now, with free seats,
    /// skipping closed days and days the unit is not in force.
    async fn slots_between(&self, view: &ServiceView, unit: &Unit, from: Date, until: Date) -> Result<Vec<DaySlots>> {
        let s = &view.service;
        let ranges = view.ranges();
        let closures = self.store.appointment_closures(s.unit_id, from, until).await?;
        let from_ms = instant_ms(from, 0);
        let until_ms = instant_ms(until, 24 * 60);
        let taken = self.store.seats_taken(s.id, from_ms, until_ms).await?;
        let now = self.now_ms();
        let mut out = Vec::new();
        let mut day = from;
        while day <= until {
            let closed = closures.iter().find(|c| c.day == day).map(|c| c.reason.clone());
            let mut slots = Vec::new();
            if closed.is_none() && in_force(unit, day) {
                for minute in slot_starts(&ranges, weekday(day), s.slot_minutes) {
                    let starts_at_ms = instant_ms(day, minute);
                    if starts_at_ms <= now {
                        continue;
                    }
                    let booked = taken.iter().find(|(at, _)| *at == starts_at_ms).map_or(0, |(_, n)| *n);
                    slots.push(Slot {
                        starts_at_ms,
                        ends_at_ms: starts_at_ms + s.slot_minutes * 60_000,
                        capacity: s.capacity,
                        free: (s.capacity - booked).max(0),
                    });
                }
            }
            out.push(DaySlots { day, closed, slots });
            day = match day.next_day() {
                Some(next) => next,
                None => break,
            };
        }
        Ok(out)
    }

    /// A service's slots on a day still to come, with their free seats (public). An inactive service has none.
    pub async fn service_slots(&self, service_id: i64, day: Date) -> Result<DaySlots> {
        self.service_days(service_id, day, day).await?.pop().ok_or_else(|| CoreError::Internal("no day".into()))
    }

    /// A service's days from `from` to `until` (at most `MAX_DAYS_AHEAD` of them): the closed ones with their
    /// reason, the others with their slots still to come (public; the booking page's calendar).
    pub async fn service_days(&self, service_id: i64, from: Date, until: Date) -> Result<Vec<DaySlots>> {
        let view = self.appointment_service(service_id).await?;
        let unit = self.store.unit(view.service.unit_id).await?;
        let until = until.min(from + Duration::days(MAX_DAYS_AHEAD));
        let mut days = self.slots_between(&view, &unit, from, until).await?;
        if !view.service.active {
            days.iter_mut().for_each(|d| d.slots.clear());
        }
        Ok(days)
    }

    /// Up to `NEXT_FREE` free slots of the service starting after `after_ms`, within two weeks.
    pub(crate) async fn next_free_slots(&self, view: &ServiceView, unit: &Unit, after_ms: i64) -> Result<Vec<Slot>> {
        let start = rules::day_and_minute(after_ms.max(self.now_ms())).map_or(self.today(), |(d, _)| d);
        let until = start + Duration::days(NEXT_FREE_DAYS);
        let days = self.slots_between(view, unit, start, until).await?;
        Ok(days
            .into_iter()
            .flat_map(|d| d.slots)
            .filter(|s| s.starts_at_ms > after_ms && s.free > 0)
            .take(NEXT_FREE)
            .collect())
    }

    /// Checks that `starts_at_ms` is a slot of the service that may be booked now: to come (within
    /// `MAX_DAYS_AHEAD` days), on a day the unit is open and in force, and at a slot start of its hours. Returns
    /// the slot's day and end.
    pub(crate) async fn check_slot(&self, view: &ServiceView, unit: &Unit, starts_at_ms: i64) -> Result<(Date, i64)> {
        let s: &Service = &view.service;
        if !s.active {
            return Err(Invalid::new("service_id", "service_inactive").into());
        }
        let (day, minute) = rules::day_and_minute(starts_at_ms).ok_or(Invalid::new("starts_at", "outside_schedule"))?;
        if starts_at_ms <= self.now_ms() {
            return Err(Invalid::new("starts_at", "slot_in_past").into());
        }
        if day > self.today() + Duration::days(MAX_DAYS_AHEAD) {
            return Err(Invalid::new("starts_at", "too_far_ahead").into());
        }
        if !in_force(unit, day) {
            return Err(Invalid::new("starts_at", "unit_not_in_force").into());
        }
        if !self.store.appointment_closures(s.unit_id, day, day).await?.is_empty() {
            return Err(Invalid::new("starts_at", "unit_closed").into());
        }
        // Also refuses a time that is not exactly a slot start (seconds, or 07:45 in 30-minute slots).
        let exact = starts_at_ms % 60_000 == 0;
        if !exact || !slot_starts(&view.ranges(), weekday(day), s.slot_minutes).contains(&minute) {
            return Err(Invalid::new("starts_at", "outside_schedule").into());
        }
        Ok((day, starts_at_ms + s.slot_minutes * 60_000))
    }
}
