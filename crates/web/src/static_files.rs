//! CSS and scripts, compiled into the binary: police networks are often closed, so nothing comes from a CDN.
//! Fonts are the phone's own system fonts (every current phone has Vietnamese coverage), which keeps pages light.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::AppState;

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/static/app.css", get(css)).route("/static/app.js", get(js))
}

const CACHE: &str = "public, max-age=3600";

async fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], CSS)
}

async fn js() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, CACHE)], JS)
}
