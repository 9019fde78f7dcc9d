//! Randomness, as a parameter. Production draws from the operating system; tests may seed.

use std::sync::Mutex;

use rand::{RngCore, SeedableRng};

pub trait Random: Send + Sync {
    fn fill(&self, buf: &mut [u8]);

    /// A URL-safe token of `bytes` random bytes, hex-encoded.
    fn token(&self, bytes: usize) -> String {
        let mut buf = vec![0u8; bytes];
        self.fill(&mut buf);
        hex::encode(buf)
    }
}

pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        rand::rngs::OsRng.fill_bytes(buf);
    }
}

/// Deterministic randomness for tests and the demo.
pub struct SeededRandom(Mutex<rand::rngs::StdRng>);

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        Self(Mutex::new(rand::rngs::StdRng::seed_from_u64(seed)))
    }
}

impl Random for SeededRandom {
    fn fill(&self, buf: &mut [u8]) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).fill_bytes(buf);
    }
}
