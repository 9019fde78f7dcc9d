//! The only crate that speaks SQL. One implementation of each query runs on SQLite and PostgreSQL through
//! sqlx's `Any` driver; where the engines differ, the difference sits in a named function in the aggregate's
//! module (see `Backend`). Modules are per aggregate and speak domain types.

pub mod accounts;
pub mod alerting;
pub mod appointments;
pub mod areas;
pub mod articles;
pub mod audit;
pub mod boundaries;
mod connect;
pub mod deliveries;
mod error;
pub mod groups;
pub mod guides;
pub mod jobs;
pub mod live;
pub mod notifications;
pub mod objects;
pub mod pages;
pub mod public_alerts;
pub mod questions;
pub mod reorganisations;
pub mod scratch;
pub mod sealed;
pub mod search;
pub mod search_baseline;
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

/// `1, 2, 3`: ids written into an `IN (…)` list. Only for ids read from the database or parsed as integers,
/// never text from input: integers cannot carry SQL.
pub(crate) fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    ids.into_iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
}

/// Most values one statement binds in the multi-row writes: SQLite's limit (32,766 since 3.32; the library
/// sqlx bundles is newer), the lower of the two engines' (PostgreSQL takes 65,535).
pub(crate) const MAX_BINDS: usize = 32_766;

/// `(…), (…), …`: the VALUES of a multi-row insert of `rows` rows of `per_row` values each, bound in order.
///
/// The placeholders are the one difference between the engines here. SQLite reads `$1` as a *named*
/// parameter and looks each name up by a linear search, when preparing and again when sqlx binds, so a
/// statement with n of them costs O(n²): measured here, 5,000 `$n` took ~170 ms to prepare and bind, the same
/// with `?` 2.5 ms; a batch of 256 tips binds 5,120. SQLite therefore gets anonymous `?` (sqlx binds those in
/// order), PostgreSQL the `$n` it requires.
pub(crate) fn values_placeholders(tx: &mut Tx, rows: usize, per_row: usize) -> String {
    let numbered = tx.conn().backend_name() == "PostgreSQL";
    let mut sql = String::with_capacity(rows * per_row * 7);
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..per_row {
            if c > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push('$');
                sql.push_str(&(r * per_row + c + 1).to_string());
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

pub(crate) fn parse_enum<T: std::str::FromStr>(s: &str) -> Result<T> {
    s.parse().map_err(|_| StoreError::Corrupt(format!("value {s:?}")))
}
