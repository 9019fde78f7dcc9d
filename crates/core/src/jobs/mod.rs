//! Durable jobs: the worker (`worker.rs`) and the list of job types (`registry.rs`), one file per type:
//!
//! - `sla_check.rs`: a tip's SLA timer; when it runs out, the tip escalates to the unit above.
//! - `notify_officers.rs`: tell the on-duty officers (urgent) or the commanders (escalated) about a tip.
//! - `notify_tipster.rs`: tell an identified tipster what happened to their tip.
//! - `alert_fanout.rs`: cut a public alert's followers into ranges, a `notify_followers` job each.
//! - `notify_followers.rs`: tell one range of an alert's followers.
//! - `deliver.rs`: one delivery through its channel, with retries.
//! - `appointment_reminder.rs`: an appointment's reminder the day before.
//!
//! `outgoing.rs` is what the notifying jobs share: "tell these people" turned into in-app notifications and
//! deliveries on their channels.

mod alert_fanout;
mod appointment_reminder;
mod deliver;
mod notify_followers;
mod notify_officers;
mod notify_tipster;
mod outgoing;
mod registry;
mod sla_check;
mod worker;

pub(crate) use registry::{JobPayload, NotifyReason};
pub(crate) use sla_check::INTERNAL_ATTEMPTS;
pub(crate) use worker::JobsState;
pub use worker::{JobReport, WorkerHandle};
