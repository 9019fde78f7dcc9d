//! Argon2id password hashing, off the async threads (a hash takes tens of milliseconds by design).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::{CoreError, Result};

pub(crate) async fn hash(password: String, salt: [u8; 16]) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::encode_b64(&salt).map_err(|e| CoreError::Internal(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| CoreError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| CoreError::Internal(e.to_string()))?
}

/// True when `password` matches `stored`. A malformed stored hash never matches.
pub(crate) async fn verify(password: String, stored: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(|e| CoreError::Internal(e.to_string()))
}

/// A valid hash of nothing anyone knows: verifying against it for an unknown phone number costs the same time
/// as for a real account, so timing does not tell whether an account exists.
pub(crate) const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$YmluaHllbmRlY295c2FsdA$K0u1Yq6h0sQ9d3dVvO6I1q1Q5JmXh2mWg8sJ0pYkq0E";

impl crate::Core {
    /// Argon2id hash of a password, with a fresh salt from the injected randomness.
    pub(crate) async fn hash_password(&self, password: &str) -> Result<String> {
        let mut salt = [0u8; 16];
        self.random.fill(&mut salt);
        hash(password.to_owned(), salt).await
    }
}
