//! The records that cross layers: what the store reads back and core hands to the web, named by the store
//! module that reads them. Plain data (the rules that decide over them are core's); the store maps rows into
//! them and re-exports them under its own module names, so neither core nor web needs to name the store to
//! speak of a unit, a tip or a post.

pub mod accounts;
pub mod appointments;
pub mod areas;
pub mod articles;
pub mod deliveries;
pub mod groups;
pub mod guides;
pub mod pages;
pub mod public_alerts;
pub mod questions;
pub mod tips;
pub mod units;
