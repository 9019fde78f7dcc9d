//! The only crate that speaks SQL. One implementation of each query runs on SQLite and PostgreSQL through
//! sqlx's `Any` driver; where the engines differ, the difference sits in a named function in the aggregate's
//! module (see `Backend`). Modules are per aggregate and speak domain types.

pub mod accounts;
pub mod areas;
pub mod audit;
pub mod boundaries;
mod connect;
mod error;
pub mod sealed;
pub mod sessions;
pub mod settings;
pub mod throttle;
pub mod tips;
pub mod units;

pub use connect::{Backend, Store, Tx};
pub use error::StoreError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Dates live in SQL as ISO text, so comparison is lexicographic on both engines.
pub(crate) fn date_text(d: time::Date) -> String {
    binhyen_domain::time_vn::iso(d)
}

pub(crate) fn parse_date(s: Option<String>) -> Result<Option<time::Date>> {
    s.map(|s| binhyen_domain::time_vn::parse_iso(&s).ok_or_else(|| StoreError::Corrupt(format!("date {s:?}"))))
        .transpose()
}

pub(crate) fn parse_enum<T: std::str::FromStr>(s: &str) -> Result<T> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("value {s:?}")))
}
