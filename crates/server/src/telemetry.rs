//! Logging. Structured fields only; personal data (phone numbers, names, tip content, addresses, IPs)
//! never goes into a log line — see ARCHITECTURE.md "What is never logged".

pub fn init(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(false).try_init();
}
