//! Units' pages: posts and the home feed, a commander's page management, public alerts.

pub(crate) mod feed;
pub(crate) mod manage;
pub(crate) mod public_alerts;
