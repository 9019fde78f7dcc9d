//! Units of the police, with how citizens reach them.

use time::Date;

use crate::UnitKind;

#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub kind: UnitKind,
    pub name: String,
    pub parent_id: Option<i64>,
    pub contact: Contact,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub successor_id: Option<i64>,
}

/// How citizens reach a unit. Free text, shown as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
}
