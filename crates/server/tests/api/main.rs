//! API and page tests against the real app on port 0 (SQLite, a fresh copy of the demo per test).

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod bad_input;
mod cli;
mod directory;
mod health;
mod openapi;
mod permissions;
mod tips;
