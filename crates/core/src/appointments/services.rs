//! What a unit offers at its counter and when: services, their weekly hours and the days the unit is closed.
//! Commanders of the unit and of the units above it manage them (`Action::EditUnit`); anyone reads them.

use crate::Appointments;
use binhyen_domain::appointment::{parse_hhmm, validate_hours, OpenRange, SlotRules};
use binhyen_domain::{Action, Actor, Invalid};
use binhyen_store::appointments::{self, Closure, Hours, NewService, Service};
use binhyen_store::StoreError;
use time::Date;

use super::service_not_found;
use crate::audit::AuditEvent;
use crate::{CoreError, Result};

#[derive(Debug, Clone)]
pub struct ServiceInput {
    pub name: String,
    /// What to bring, fees, where to go.
    pub description: Option<String>,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub cutoff_minutes: i64,
    pub active: bool,
}

/// One opening range as typed: weekday 1 (Monday) … 7 (Sunday), "07:30", "11:30".
#[derive(Debug, Clone)]
pub struct HoursInput {
    pub weekday: i64,
    pub start: String,
    pub end: String,
}

/// A service with its weekly hours.
#[derive(Debug, Clone)]
pub struct ServiceView {
    pub service: Service,
    pub hours: Vec<Hours>,
}

impl ServiceView {
    pub(crate) fn ranges(&self) -> Vec<OpenRange> {
        self.hours.iter().map(|h| OpenRange { weekday: h.weekday, start: h.start_minute, end: h.end_minute }).collect()
    }
}

fn parse_service(unit_id: i64, input: &ServiceInput) -> Result<NewService> {
    let name = crate::tips::required_text(Some(&input.name), "name", 120)?;
    let description = match input.description.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Some(crate::tips::required_text(Some(text), "description", 4000)?),
        _ => None,
    };
    let rules = SlotRules::parse(input.slot_minutes, input.capacity, input.cutoff_minutes)?;
    Ok(NewService {
        unit_id,
        name,
        description,
        slot_minutes: rules.slot_minutes,
        capacity: rules.capacity,
        cutoff_minutes: rules.cutoff_minutes,
        active: input.active,
    })
}

fn closure_not_found(e: StoreError) -> CoreError {
    match e {
        StoreError::NotFound => CoreError::not_found("closure"),
        other => other.into(),
    }
}

impl Appointments<'_> {
    /// A service with its hours (public).
    pub async fn appointment_service(&self, service_id: i64) -> Result<ServiceView> {
        let service = self.store.appointment_service(service_id).await.map_err(service_not_found)?;
        let hours = self.store.appointment_hours(service_id).await?;
        Ok(ServiceView { service, hours })
    }

    /// A unit's services with their hours, by name (public; inactive ones are marked so).
    pub async fn unit_services(&self, unit_id: i64) -> Result<Vec<ServiceView>> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        let mut out = Vec::new();
        for service in self.store.appointment_services(unit_id).await? {
            let hours = self.store.appointment_hours(service.id).await?;
            out.push(ServiceView { service, hours });
        }
        Ok(out)
    }

    /// Adds a service to a unit (no hours yet: nothing can be booked until they are set).
    pub async fn create_service(&self, actor: &Actor, unit_id: i64, input: ServiceInput) -> Result<ServiceView> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let new = parse_service(unit_id, &input)?;
        let mut tx = self.store.begin().await?;
        let id = appointments::insert_service(&mut tx, &new, self.now_ms()).await.map_err(name_taken)?;
        let detail = serde_json::json!({"unit_id": unit_id});
        self.audit(
            &mut tx,
            AuditEvent::new("service.created", "service", Some(id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        self.appointment_service(id).await
    }

    /// Changes a service's name, description and rules. Bookings made stay as they are; a lower capacity
    /// applies to seats taken from now on.
    pub async fn edit_service(&self, actor: &Actor, service_id: i64, input: ServiceInput) -> Result<ServiceView> {
        let old = self.store.appointment_service(service_id).await.map_err(service_not_found)?;
        self.authorize(actor, Action::EditUnit, old.unit_id).await?;
        let new = parse_service(old.unit_id, &input)?;
        let hours = self.store.appointment_hours(service_id).await?;
        let ranges = ServiceView { service: old.clone(), hours }.ranges();
        // Hours that fitted the old slot length must still hold one slot of the new one.
        validate_hours(ranges, new.slot_minutes)?;
        let mut tx = self.store.begin().await?;
        appointments::update_service(&mut tx, service_id, &new, self.now_ms()).await.map_err(name_taken)?;
        self.audit(&mut tx, AuditEvent::new("service.edited", "service", Some(service_id)).by(Some(actor.account_id)))
            .await?;
        tx.commit().await?;
        self.appointment_service(service_id).await
    }

    /// Replaces a service's weekly hours (an empty list closes it every day).
    pub async fn set_service_hours(&self, actor: &Actor, service_id: i64, hours: &[HoursInput]) -> Result<ServiceView> {
        let service = self.store.appointment_service(service_id).await.map_err(service_not_found)?;
        self.authorize(actor, Action::EditUnit, service.unit_id).await?;
        let mut ranges = Vec::with_capacity(hours.len());
        for h in hours {
            ranges.push(OpenRange { weekday: h.weekday, start: parse_hhmm(&h.start)?, end: parse_hhmm(&h.end)? });
        }
        let ranges = validate_hours(ranges, service.slot_minutes)?;
        let rows: Vec<Hours> =
            ranges.iter().map(|r| Hours { weekday: r.weekday, start_minute: r.start, end_minute: r.end }).collect();
        let mut tx = self.store.begin().await?;
        appointments::set_hours(&mut tx, service_id, &rows).await?;
        let detail = serde_json::json!({"ranges": rows.len()});
        self.audit(
            &mut tx,
            AuditEvent::new("service.hours_set", "service", Some(service_id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        self.appointment_service(service_id).await
    }

    /// A unit's closures from `from` to `until` (public).
    pub async fn unit_closures(&self, unit_id: i64, from: Date, until: Date) -> Result<Vec<Closure>> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        Ok(self.store.appointment_closures(unit_id, from, until).await?)
    }

    /// Closes a unit's counter for a day (today or later). Returns the closure and how many bookings that day
    /// are still in force: the officers call those people (bookings are not cancelled behind their back).
    pub async fn add_closure(&self, actor: &Actor, unit_id: i64, day: Date, reason: &str) -> Result<(Closure, i64)> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let reason = crate::tips::required_text(Some(reason), "reason", 200)?;
        if day < self.today() {
            return Err(Invalid::new("day", "in_past").into());
        }
        let mut tx = self.store.begin().await?;
        let id = appointments::insert_closure(&mut tx, unit_id, day, &reason, actor.account_id, self.now_ms())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(code) => CoreError::Conflict { code, field: Some("day") },
                other => other.into(),
            })?;
        let detail = serde_json::json!({"unit_id": unit_id, "day": binhyen_domain::time_vn::iso(day)});
        self.audit(
            &mut tx,
            AuditEvent::new("closure.added", "closure", Some(id)).by(Some(actor.account_id)).detail(detail),
        )
        .await?;
        tx.commit().await?;
        let affected = self.store.booked_count_on(unit_id, day).await?;
        Ok((self.store.appointment_closure(id).await?, affected))
    }

    /// Opens a closed day again.
    pub async fn remove_closure(&self, actor: &Actor, closure_id: i64) -> Result<()> {
        let closure = self.store.appointment_closure(closure_id).await.map_err(closure_not_found)?;
        self.authorize(actor, Action::EditUnit, closure.unit_id).await?;
        let mut tx = self.store.begin().await?;
        if !appointments::delete_closure(&mut tx, closure_id).await? {
            return Err(CoreError::not_found("closure"));
        }
        self.audit(&mut tx, AuditEvent::new("closure.removed", "closure", Some(closure_id)).by(Some(actor.account_id)))
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn name_taken(e: StoreError) -> CoreError {
    match e {
        StoreError::Conflict(code) => CoreError::Conflict { code, field: Some("name") },
        StoreError::NotFound => CoreError::not_found("service"),
        other => other.into(),
    }
}
