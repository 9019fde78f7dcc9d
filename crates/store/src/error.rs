//! Store errors. Constraint violations become named conflicts at the call site; nothing turns into a panic.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule refused the write; the name says which (e.g. "phone_taken").
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unexpected stored value: {0}")]
    Corrupt(String),
}

pub(crate) trait ResultExt<T> {
    /// Turns a unique-constraint violation into `StoreError::Conflict(name)`.
    fn on_unique(self, name: &'static str) -> Result<T, StoreError>;
}

impl<T> ResultExt<T> for Result<T, sqlx::Error> {
    fn on_unique(self, name: &'static str) -> Result<T, StoreError> {
        self.map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(name),
            _ => StoreError::Database(e),
        })
    }
}
