//! Prometheus metrics: request counts by status class and the limiter's Redis fallback, as a
//! scrape of `GET /metrics` sees them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use common::{Backend, Options, TestApp, fresh_visitor};
use http::{Request, StatusCode};
use tower::ServiceExt;

/// The value of the sample named exactly `series` (name and labels), or 0.
fn sample(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

async fn scrape(handle: &metrics_exporter_prometheus::PrometheusHandle) -> String {
    let res = server::metrics::router(handle.clone())
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scrape_counts_answers_by_status_and_the_limiters_redis_fallback() {
    let handle = server::metrics::install().unwrap();
    // Redis on a port nobody listens on: every decision falls back to memory.
    let app = TestApp::with(
        Backend::Sqlite,
        Options {
            demo: true,
            redis_url: Some("redis://127.0.0.1:1".into()),
            ..Options::default()
        },
    )
    .await;
    let before = scrape(&handle).await;
    let ok_before = sample(&before, "http_requests_total{status=\"2xx\"}");
    let missing_before = sample(&before, "http_requests_total{status=\"4xx\"}");
    let fallback_before = sample(&before, "limiter_fallback_total");

    assert_eq!(
        app.get("demo.localhost:3000", "/healthz").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("nobody.localhost:3000", "/").await.status,
        StatusCode::NOT_FOUND
    );
    let asked = app
        .send_from(
            &fresh_visitor(),
            Request::post("/api/chat")
                .header("host", "demo.localhost:3000")
                .header("origin", "http://demo.localhost:3000")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"prompt":"Where does she work?"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);

    let after = scrape(&handle).await;
    assert!(
        sample(&after, "http_requests_total{status=\"2xx\"}") >= ok_before + 2.0,
        "{after}"
    );
    assert!(
        sample(&after, "http_requests_total{status=\"4xx\"}") >= missing_before + 1.0,
        "{after}"
    );
    assert!(
        sample(&after, "limiter_fallback_total") >= fallback_before + 1.0,
        "{after}"
    );
    assert!(after.contains("http_request_duration_seconds"), "{after}");
}
