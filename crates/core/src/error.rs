//! What a use case can answer besides success. The web layer maps each to a status and words.

use binhyen_domain::Invalid;
use binhyen_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// `what` names the missing thing: "area", "unit", "account".
    #[error("{what} not found")]
    NotFound { what: &'static str, field: Option<&'static str> },
    /// A stable code: "phone_taken", "unit_code_taken".
    #[error("conflict: {code}")]
    Conflict { code: &'static str, field: Option<&'static str> },
    /// Signed in, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// Not signed in, or the credentials are wrong. Deliberately says nothing about which.
    #[error("unauthenticated: {reason}")]
    Unauthenticated { reason: &'static str },
    #[error("too many attempts; retry after {retry_after_secs}s")]
    Throttled { retry_after_secs: i64 },
    /// Too much too fast of something that is not an attempt (a flood of messages): `code` says what.
    #[error("{code}; retry after {retry_after_secs}s")]
    RateLimited { code: &'static str, retry_after_secs: i64 },
    #[error(transparent)]
    Store(StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl CoreError {
    pub fn not_found(what: &'static str) -> Self {
        CoreError::NotFound { what, field: None }
    }

    pub fn not_found_field(what: &'static str, field: &'static str) -> Self {
        CoreError::NotFound { what, field: Some(field) }
    }
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(code) => {
                let field = match code {
                    "phone_taken" => Some("phone"),
                    "unit_code_taken" => Some("code"),
                    _ => None,
                };
                CoreError::Conflict { code, field }
            }
            other => CoreError::Store(other),
        }
    }
}

impl From<binhyen_domain::Forbidden> for CoreError {
    fn from(_: binhyen_domain::Forbidden) -> Self {
        CoreError::Forbidden
    }
}
