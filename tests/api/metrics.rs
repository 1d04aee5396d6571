//! `/metrics`: on its own address, behind its token, in the Prometheus text format,
//! with request, event, delivery, backlog and pool figures and nothing personal.

use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

use crate::support::TestApp;
use crate::support::fixtures;
use crate::support::receiver::Receiver;

#[tokio::test]
async fn metrics_are_served_apart_behind_a_token_with_no_personal_data() {
    let app = TestApp::spawn_configured(None, |s| {
        s.metrics.bind = Some("127.0.0.1:0".into());
        s.metrics.bearer_token = Some("scrape-secret".to_owned().into());
    })
    .await;
    let w = &app.world;
    let receiver = Receiver::start().await;
    let registered = app
        .post("/api/v1/webhooks")
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .json(&json!({"url": receiver.url}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let canaried = fixtures::Canaries::new();
    let case = app.refer_ok(&w.harbour, &canaried.body).await;
    receiver.wait_for("the referral", |r| !r.is_empty()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let base = app.metrics_address.clone().expect("metrics are on");
    let url = format!("{base}/metrics");
    let anonymous = app.client.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = app
        .client
        .get(&url)
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let scraped = app
        .client
        .get(&url)
        .bearer_auth("scrape-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(
        scraped.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = scraped.text().await.unwrap();
    for expected in [
        r#"sanctuary_http_requests_total{route="/api/v1/referrals",method="POST",status="201"}"#,
        "sanctuary_http_request_duration_seconds_bucket{",
        r#"sanctuary_webhook_deliveries_total{outcome="delivered"}"#,
        "sanctuary_events_written ",
        "sanctuary_webhook_deliveries_pending ",
        "sanctuary_outbox_lag_seconds ",
        "sanctuary_clock_scheduler_lag_seconds ",
        "sanctuary_database_connections ",
    ] {
        assert!(text.contains(expected), "no {expected} in\n{text}");
    }
    // Route patterns, never paths or ids; no personal value anywhere.
    assert!(!text.contains(case["id"].as_str().unwrap()));
    assert!(!text.contains(&w.harbour.id.to_string()));
    for value in canaried.values() {
        assert!(!text.contains(&value), "{value} reached the metrics");
    }
    // And not on the API's address.
    let api = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
}
