//! Appointments (see migration 0012): services with weekly hours, closures, bookings, and the seat count of
//! each booked slot. A booking takes its seat with a conditional increment (`take_seat`) in its transaction:
//! the row's lock serialises concurrent bookings of one slot on PostgreSQL, the single writer on SQLite, and
//! the condition is re-checked against the committed count, so a slot never holds more than its capacity.

use binhyen_domain::appointment::BookingState;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::Date;

use crate::error::ResultExt;
use crate::{date_text, parse_date, parse_enum, Result, Store, StoreError, Tx};

pub use binhyen_domain::entities::appointments::Closure;

#[derive(Debug, Clone, PartialEq)]
pub struct NewService {
    pub unit_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub cutoff_minutes: i64,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    pub description: Option<String>,
    pub slot_minutes: i64,
    pub capacity: i64,
    pub cutoff_minutes: i64,
    pub active: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// One opening range: ISO weekday, minutes from midnight (Vietnam time), half-open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub weekday: i64,
    pub start_minute: i64,
    pub end_minute: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewAppointment {
    pub service_id: i64,
    pub unit_id: i64,
    pub day: Date,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub account_id: Option<i64>,
    pub holder_key: String,
    pub code_hash: String,
    pub booked_by_account_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    pub id: i64,
    pub service_id: i64,
    pub unit_id: i64,
    pub day: Date,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub state: BookingState,
    pub account_id: Option<i64>,
    pub holder_key: String,
    pub holder_sealed: Option<String>,
    pub code_hash: String,
    pub code_sealed: Option<String>,
    pub booked_by_account_id: Option<i64>,
    pub sequence: i64,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// A booking on an officer's day list, with the account holder's name and phone (None for walk-ins, whose
/// details are sealed in the booking).
#[derive(Debug, Clone, PartialEq)]
pub struct DayEntry {
    pub appointment: Appointment,
    pub account_name: Option<String>,
    pub account_phone: Option<String>,
}

const SERVICE_COLUMNS: &str = "id, unit_id, name, description, slot_minutes, capacity, cutoff_minutes, active, \
                               created_at, updated_at";
const COLUMNS: &str = "ap.id, ap.service_id, ap.unit_id, ap.day, ap.starts_at, ap.ends_at, ap.state, ap.account_id, \
                       ap.holder_key, ap.holder_sealed, ap.code_hash, ap.code_sealed, ap.booked_by_account_id, \
                       ap.sequence, ap.created_at, ap.updated_at";

fn service_from_row(r: &AnyRow) -> Result<Service> {
    Ok(Service {
        id: r.try_get(0)?,
        unit_id: r.try_get(1)?,
        name: r.try_get(2)?,
        description: r.try_get(3)?,
        slot_minutes: r.try_get(4)?,
        capacity: r.try_get(5)?,
        cutoff_minutes: r.try_get(6)?,
        active: r.try_get::<i64, _>(7)? != 0,
        created_at_ms: r.try_get(8)?,
        updated_at_ms: r.try_get(9)?,
    })
}

fn from_row(r: &AnyRow) -> Result<Appointment> {
    Ok(Appointment {
        id: r.try_get(0)?,
        service_id: r.try_get(1)?,
        unit_id: r.try_get(2)?,
        day: parse_date(Some(r.try_get(3)?))?.unwrap_or(Date::MIN),
        starts_at_ms: r.try_get(4)?,
        ends_at_ms: r.try_get(5)?,
        state: parse_enum(&r.try_get::<String, _>(6)?)?,
        account_id: r.try_get(7)?,
        holder_key: r.try_get(8)?,
        holder_sealed: r.try_get(9)?,
        code_hash: r.try_get(10)?,
        code_sealed: r.try_get(11)?,
        booked_by_account_id: r.try_get(12)?,
        sequence: r.try_get(13)?,
        created_at_ms: r.try_get(14)?,
        updated_at_ms: r.try_get(15)?,
    })
}

fn closure_from_row(r: &AnyRow) -> Result<Closure> {
    Ok(Closure {
        id: r.try_get(0)?,
        unit_id: r.try_get(1)?,
        day: parse_date(Some(r.try_get(2)?))?.unwrap_or(Date::MIN),
        reason: r.try_get(3)?,
        created_by: r.try_get(4)?,
        created_at_ms: r.try_get(5)?,
    })
}

pub async fn insert_service(tx: &mut Tx, s: &NewService, now_ms: i64) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO appointment_services (unit_id, name, description, slot_minutes, capacity, cutoff_minutes, \
         active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(s.unit_id)
    .bind(s.name.as_str())
    .bind(s.description.as_deref())
    .bind(s.slot_minutes)
    .bind(s.capacity)
    .bind(s.cutoff_minutes)
    .bind(i64::from(s.active))
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await
    .on_unique("service_name_taken")
}

/// Rewrites a service's name, description and rules (its unit stays).
pub async fn update_service(tx: &mut Tx, id: i64, s: &NewService, now_ms: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE appointment_services SET name = $1, description = $2, slot_minutes = $3, capacity = $4, \
         cutoff_minutes = $5, active = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(s.name.as_str())
    .bind(s.description.as_deref())
    .bind(s.slot_minutes)
    .bind(s.capacity)
    .bind(s.cutoff_minutes)
    .bind(i64::from(s.active))
    .bind(now_ms)
    .bind(id)
    .execute(tx.conn())
    .await
    .on_unique("service_name_taken")?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Replaces a service's weekly hours.
pub async fn set_hours(tx: &mut Tx, service_id: i64, hours: &[Hours]) -> Result<()> {
    sqlx::query("DELETE FROM appointment_hours WHERE service_id = $1").bind(service_id).execute(tx.conn()).await?;
    for h in hours {
        sqlx::query(
            "INSERT INTO appointment_hours (service_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)",
        )
        .bind(service_id)
        .bind(h.weekday)
        .bind(h.start_minute)
        .bind(h.end_minute)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}

/// Closes a unit for a day. `Conflict("closure_exists")` when it is closed that day already.
pub async fn insert_closure(tx: &mut Tx, unit_id: i64, day: Date, reason: &str, by: i64, now_ms: i64) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO appointment_closures (unit_id, day, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id",
    )
    .bind(unit_id)
    .bind(date_text(day))
    .bind(reason)
    .bind(by)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await
    .on_unique("closure_exists")
}

pub async fn delete_closure(tx: &mut Tx, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM appointment_closures WHERE id = $1").bind(id).execute(tx.conn()).await?;
    Ok(done.rows_affected() == 1)
}

/// Takes one seat of a slot if fewer than `capacity` are taken; false when it is full. The row is created on
/// first use; the increment is conditional, so whatever runs concurrently, the count never passes `capacity`.
pub async fn take_seat(tx: &mut Tx, service_id: i64, starts_at_ms: i64, capacity: i64) -> Result<bool> {
    sqlx::query(
        "INSERT INTO appointment_slots (service_id, starts_at, booked) VALUES ($1, $2, 0) \
         ON CONFLICT (service_id, starts_at) DO NOTHING",
    )
    .bind(service_id)
    .bind(starts_at_ms)
    .execute(tx.conn())
    .await?;
    let done = sqlx::query(
        "UPDATE appointment_slots SET booked = booked + 1 WHERE service_id = $1 AND starts_at = $2 AND booked < $3",
    )
    .bind(service_id)
    .bind(starts_at_ms)
    .bind(capacity)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a seat back (a cancelled or moved booking).
pub async fn release_seat(tx: &mut Tx, service_id: i64, starts_at_ms: i64) -> Result<()> {
    sqlx::query(
        "UPDATE appointment_slots SET booked = booked - 1 WHERE service_id = $1 AND starts_at = $2 AND booked > 0",
    )
    .bind(service_id)
    .bind(starts_at_ms)
    .execute(tx.conn())
    .await?;
    Ok(())
}

/// Inserts a booking. `Conflict("already_booked")` when its holder already has one for the service that day;
/// `Conflict("code_taken")` in the (80-bit) unlikely event of a repeated code.
pub async fn insert(tx: &mut Tx, a: &NewAppointment, now_ms: i64) -> Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO appointments (service_id, unit_id, day, starts_at, ends_at, state, account_id, holder_key, \
         code_hash, booked_by_account_id, sequence, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'booked', $6, $7, $8, $9, 0, $10, $10) RETURNING id",
    )
    .bind(a.service_id)
    .bind(a.unit_id)
    .bind(date_text(a.day))
    .bind(a.starts_at_ms)
    .bind(a.ends_at_ms)
    .bind(a.account_id)
    .bind(a.holder_key.as_str())
    .bind(a.code_hash.as_str())
    .bind(a.booked_by_account_id)
    .bind(now_ms)
    .fetch_one(tx.conn())
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            if db.message().contains("code_hash") || db.constraint().is_some_and(|c| c.contains("code_hash")) {
                StoreError::Conflict("code_taken")
            } else {
                StoreError::Conflict("already_booked")
            }
        }
        _ => StoreError::Database(e),
    })
}

/// Stores the sealed values of a booking just inserted (they are sealed with its id, known only now).
pub async fn set_sealed(tx: &mut Tx, id: i64, holder_sealed: Option<&str>, code_sealed: &str) -> Result<()> {
    sqlx::query("UPDATE appointments SET holder_sealed = $1, code_sealed = $2 WHERE id = $3")
        .bind(holder_sealed)
        .bind(code_sealed)
        .bind(id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// Moves a booking from `from` to `to` (the counter: checked in, no-show), only if it is still in `from`;
/// false otherwise (someone else changed it meanwhile).
pub async fn set_state(tx: &mut Tx, id: i64, from: BookingState, to: BookingState, now_ms: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE appointments SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4")
        .bind(to.as_str())
        .bind(now_ms)
        .bind(id)
        .bind(from.as_str())
        .execute(tx.conn())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels a booking still booked at `starts_at_ms` (a booking moved meanwhile is left alone: its seat is
/// elsewhere now). False otherwise.
pub async fn cancel(tx: &mut Tx, id: i64, starts_at_ms: i64, now_ms: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE appointments SET state = 'cancelled', sequence = sequence + 1, updated_at = $1 \
         WHERE id = $2 AND state = 'booked' AND starts_at = $3",
    )
    .bind(now_ms)
    .bind(id)
    .bind(starts_at_ms)
    .execute(tx.conn())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a booked appointment to another slot, only if it is still booked at `old_starts_at_ms`. Another
/// booking of its holder on the new day is `Conflict("already_booked")`.
pub async fn reschedule(
    tx: &mut Tx,
    id: i64,
    old_starts_at_ms: i64,
    day: Date,
    starts_at_ms: i64,
    ends_at_ms: i64,
    now_ms: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE appointments SET day = $1, starts_at = $2, ends_at = $3, sequence = sequence + 1, updated_at = $4 \
         WHERE id = $5 AND state = 'booked' AND starts_at = $6",
    )
    .bind(date_text(day))
    .bind(starts_at_ms)
    .bind(ends_at_ms)
    .bind(now_ms)
    .bind(id)
    .bind(old_starts_at_ms)
    .execute(tx.conn())
    .await
    .on_unique("already_booked")?;
    Ok(done.rows_affected() == 1)
}

impl Store {
    pub async fn appointment_service(&self, id: i64) -> Result<Service> {
        let row = sqlx::query(&format!("SELECT {SERVICE_COLUMNS} FROM appointment_services WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        service_from_row(&row)
    }

    /// A unit's services, by name.
    pub async fn appointment_services(&self, unit_id: i64) -> Result<Vec<Service>> {
        let rows = sqlx::query(&format!(
            "SELECT {SERVICE_COLUMNS} FROM appointment_services WHERE unit_id = $1 ORDER BY name"
        ))
        .bind(unit_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(service_from_row).collect()
    }

    /// A service's weekly hours, by weekday and start.
    pub async fn appointment_hours(&self, service_id: i64) -> Result<Vec<Hours>> {
        let rows = sqlx::query(
            "SELECT weekday, start_minute, end_minute FROM appointment_hours WHERE service_id = $1 \
             ORDER BY weekday, start_minute",
        )
        .bind(service_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| Ok(Hours { weekday: r.try_get(0)?, start_minute: r.try_get(1)?, end_minute: r.try_get(2)? }))
            .collect()
    }

    pub async fn appointment_closure(&self, id: i64) -> Result<Closure> {
        let row = sqlx::query(
            "SELECT id, unit_id, day, reason, created_by, created_at FROM appointment_closures WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.read)
        .await?
        .ok_or(StoreError::NotFound)?;
        closure_from_row(&row)
    }

    /// A unit's closures on days in [`from`, `until`], by day.
    pub async fn appointment_closures(&self, unit_id: i64, from: Date, until: Date) -> Result<Vec<Closure>> {
        let rows = sqlx::query(
            "SELECT id, unit_id, day, reason, created_by, created_at FROM appointment_closures \
             WHERE unit_id = $1 AND day >= $2 AND day <= $3 ORDER BY day",
        )
        .bind(unit_id)
        .bind(date_text(from))
        .bind(date_text(until))
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(closure_from_row).collect()
    }

    /// Seats taken in a service's slots starting in [`from_ms`, `until_ms`): (slot start, seats), by start.
    pub async fn seats_taken(&self, service_id: i64, from_ms: i64, until_ms: i64) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT starts_at, booked FROM appointment_slots WHERE service_id = $1 AND starts_at >= $2 \
             AND starts_at < $3 ORDER BY starts_at",
        )
        .bind(service_id)
        .bind(from_ms)
        .bind(until_ms)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }

    pub async fn appointment(&self, id: i64) -> Result<Appointment> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM appointments ap WHERE ap.id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await?
            .ok_or(StoreError::NotFound)?;
        from_row(&row)
    }

    /// The booking whose code hashes to `code_hash`.
    pub async fn appointment_by_code(&self, code_hash: &str) -> Result<Option<Appointment>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM appointments ap WHERE ap.code_hash = $1"))
            .bind(code_hash)
            .fetch_optional(&self.read)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The booking in force (state `booked`) of one of `holder_keys` for a service on a day.
    pub async fn active_appointment(
        &self,
        service_id: i64,
        day: Date,
        holder_keys: &[String],
    ) -> Result<Option<Appointment>> {
        for key in holder_keys {
            let row = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM appointments ap WHERE ap.service_id = $1 AND ap.day = $2 \
                 AND ap.holder_key = $3 AND ap.state = 'booked'"
            ))
            .bind(service_id)
            .bind(date_text(day))
            .bind(key.as_str())
            .fetch_optional(&self.read)
            .await?;
            if let Some(row) = row {
                return Ok(Some(from_row(&row)?));
            }
        }
        Ok(None)
    }

    /// An account's latest bookings, the latest slot first.
    pub async fn appointments_of_account(&self, account_id: i64, limit: i64) -> Result<Vec<Appointment>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM appointments ap WHERE ap.account_id = $1 ORDER BY ap.starts_at DESC, ap.id DESC \
             LIMIT $2"
        ))
        .bind(account_id)
        .bind(limit)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// A unit's bookings on a day (every state), by start, with account holders' names and phones.
    pub async fn appointments_on(&self, unit_id: i64, day: Date) -> Result<Vec<DayEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, a.display_name, a.phone FROM appointments ap \
             LEFT JOIN accounts a ON a.id = ap.account_id \
             WHERE ap.unit_id = $1 AND ap.day = $2 ORDER BY ap.starts_at, ap.id"
        ))
        .bind(unit_id)
        .bind(date_text(day))
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DayEntry { appointment: from_row(r)?, account_name: r.try_get(16)?, account_phone: r.try_get(17)? })
            })
            .collect()
    }

    /// Bookings in force (state `booked`) of a unit on a day: what a new closure that day leaves to handle.
    pub async fn booked_count_on(&self, unit_id: i64, day: Date) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM appointments WHERE unit_id = $1 AND day = $2 AND state = 'booked'")
            .bind(unit_id)
            .bind(date_text(day))
            .fetch_one(&self.read)
            .await?)
    }
}
