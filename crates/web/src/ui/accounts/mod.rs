//! Signing in and up, and one's account.

pub(crate) mod account;
pub(crate) mod sign_in;
pub(crate) mod sign_up;
