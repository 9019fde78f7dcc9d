//! Liveness, readiness and metrics, for the load balancer and the monitoring.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use crate::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::metrics::render))
}

/// The process answers. Also the trivial baseline the benchmarks compare against.
async fn healthz() -> &'static str {
    "ok"
}

/// The store answers too.
async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.core.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "store not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
        }
    }
}
