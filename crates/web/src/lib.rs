//! The only crate with axum. `api/` serves JSON under `/api/v1` with its OpenAPI document, `ui/` serves the
//! Vietnamese-first HTML pages, `session` holds the auth extractors. Handlers are thin: extract → core → render.

pub mod api;
mod atom;
mod attachment;
mod cap;
mod error;
mod health;
pub mod i18n;
mod ics;
mod live;
mod metrics;
mod session;
mod static_files;
pub mod ui;

use std::sync::Arc;

use axum::Router;
use binhyen_core::Core;

pub use error::{ApiError, ErrorBody};

/// Settings of the HTTP layer, from configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind HTTPS in production; off for plain-HTTP local runs and tests).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self { secure_cookies: false, body_limit: 64 * 1024 }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub core: Core,
    pub config: Arc<WebConfig>,
    metrics: Arc<metrics::Metrics>,
    /// The directory's JSON, rendered once per copy of the directory that core hands out.
    directory_json: Arc<RenderedCache>,
}

/// Bytes rendered from a versioned value, kept until the version changes.
#[derive(Default)]
struct RenderedCache(std::sync::Mutex<Option<(u64, axum::body::Bytes)>>);

impl RenderedCache {
    fn get_or_render(&self, generation: u64, render: impl FnOnce() -> Vec<u8>) -> axum::body::Bytes {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match slot.as_ref() {
            Some((g, bytes)) if *g == generation => bytes.clone(),
            _ => {
                let bytes = axum::body::Bytes::from(render());
                *slot = Some((generation, bytes.clone()));
                bytes
            }
        }
    }
}

/// The whole application as one router: API, UI, health, metrics, static files.
pub fn router(core: Core, config: WebConfig) -> Router {
    let state = AppState {
        core,
        config: Arc::new(config.clone()),
        metrics: Arc::new(metrics::Metrics::new()),
        directory_json: Arc::default(),
    };
    Router::new()
        .merge(health::routes())
        .merge(static_files::routes())
        .nest("/api/v1", api::routes(state.clone()))
        .merge(ui::routes())
        .fallback(ui::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(axum::extract::DefaultBodyLimit::max(config.body_limit))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            // The path only: queries and bodies may carry personal data and never reach the logs.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }))
        .with_state(state)
}
