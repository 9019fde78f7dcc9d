//! Health, readiness and metrics.

use crate::support::TestApp;

#[tokio::test]
async fn health_ready_and_metrics() {
    let app = TestApp::spawn().await;
    let (status, body) = app.page("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, body) = app.page("/readyz").await;
    assert_eq!((status, body.as_str()), (200, "ready"));
    app.get_json("/api/v1/units", None).await;
    let (status, metrics) = app.page("/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metrics.contains("binhyen_http_requests_total{method=\"GET\",route=\"/api/v1/units\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("binhyen_http_request_duration_seconds_bucket"));
    app.stop().await;
}

#[tokio::test]
async fn readyz_fails_when_the_store_is_gone() {
    let app = TestApp::spawn().await;
    app.store.close().await;
    let (status, _) = app.page("/readyz").await;
    assert_eq!(status, 503);
    app.stop().await;
}

#[tokio::test]
async fn pages_are_light_and_self_contained() {
    let app = TestApp::spawn().await;
    for path in ["/", "/sign-in", "/sign-up", "/units"] {
        let (status, html) = app.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("https://"), "{path} loads something from elsewhere");
        assert!(html.contains("<html lang=\"vi\">"), "{path} is Vietnamese by default");
    }
    let (_, css) = app.page("/static/app.css").await;
    let (_, js) = app.page("/static/app.js").await;
    let (_, home) = app.page("/").await;
    assert!(css.len() + js.len() + home.len() < 100_000, "a citizen page weighs well under 100 KB");
    app.stop().await;
}
