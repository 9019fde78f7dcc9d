//! API and page tests against the real app on port 0 (SQLite, a fresh copy of the demo per test).

#[path = "../support/mod.rs"]
mod support;

/// The media crate's hand-made photos and videos (with the metadata a phone adds), shared rather than copied.
#[allow(dead_code)]
#[path = "../../../media/tests/media/fixtures.rs"]
mod media_fixtures;

mod alerting;
mod appointment_manage;
mod appointment_pages;
mod appointments;
mod attachments;
mod auth;
mod bad_input;
mod cli;
mod directory;
mod groups;
mod guides;
mod health;
mod instants;
mod intake;
mod job_pages;
mod openapi;
mod page_ui;
mod pages;
mod permissions;
mod public_alerts;
mod questions;
mod reorganisations;
mod search;
mod supporting_units;
mod tip_pages;
mod tips;
