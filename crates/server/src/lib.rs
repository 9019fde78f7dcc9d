//! The binhyen binary's library half: configuration, startup, commands and the benchmark harness, so
//! integration tests drive exactly what `main` runs.

pub mod bench;
pub mod cli;
pub mod config;
pub mod startup;
pub mod telemetry;
