//! Days a unit is closed to appointments.

use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Closure {
    pub id: i64,
    pub unit_id: i64,
    pub day: Date,
    pub reason: String,
    pub created_by: i64,
    pub created_at_ms: i64,
}
