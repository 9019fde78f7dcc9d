//! Values the API reads in one shape wherever they appear.

use axum::http::StatusCode;

use crate::error::ApiError;

/// An instant given as RFC 3339 ("2026-03-02T09:00:00+07:00"), as Unix milliseconds; `invalid_time` on `field`
/// otherwise.
pub(crate) fn parse_time(value: Option<&str>, field: &'static str) -> Result<Option<i64>, ApiError> {
    value
        .map(|v| {
            time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339)
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                .map_err(|_| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_time").field(field))
        })
        .transpose()
}
