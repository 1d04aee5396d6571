//! The request budget per organisation: 429 problem+json with `Retry-After`, each
//! organisation on its own budget, health checks exempt, declared in the contract.

use std::time::Duration;

use reqwest::StatusCode;
use sanctuary_server::config::RateLimitSettings;
use serde_json::Value;

use crate::support::{TestApp, problem};

async fn limited_app() -> TestApp {
    TestApp::spawn_configured(None, |s| {
        s.rate_limit = RateLimitSettings {
            per_minute: 60,
            burst: 5,
        };
    })
    .await
}

#[tokio::test]
async fn an_organisation_over_its_budget_gets_429_with_retry_after_and_others_do_not() {
    let app = limited_app().await;
    let w = &app.world;
    for _ in 0..5 {
        let ok = app.get_as(&w.harbour, &["referrer"], "/api/v1/cases").await;
        assert_eq!(ok.status(), StatusCode::OK);
    }
    // Any user of the organisation shares its budget, whatever the route.
    let refused = app
        .get_as(
            &w.harbour,
            &["referrer"],
            "/api/v1/holidays?nation=scotland",
        )
        .await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in whole seconds");
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert!(refused.headers().contains_key("x-request-id"));
    let body = problem(refused, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["code"], "rate_limited");

    // Another organisation is unaffected; health checks are never limited.
    let council = app
        .get_as(&w.council, &["coordinator"], "/api/v1/cases")
        .await;
    assert_eq!(council.status(), StatusCode::OK);
    for path in ["/health/live", "/health/ready"] {
        for _ in 0..20 {
            let health = app.get(path).send().await.unwrap();
            assert_eq!(health.status(), StatusCode::OK, "{path}");
        }
    }

    // After the wait the organisation is served again.
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    let again = app.get_as(&w.harbour, &["referrer"], "/api/v1/cases").await;
    assert_eq!(again.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_refused_write_changes_nothing() {
    let app = limited_app().await;
    let w = &app.world;
    for _ in 0..5 {
        app.get_as(&w.harbour, &["referrer"], "/api/v1/cases").await;
    }
    let refused = app
        .refer(&w.harbour, &crate::support::fixtures::minimal())
        .await;
    problem(refused, StatusCode::TOO_MANY_REQUESTS).await;
    let page: Value = app
        .get_as(&w.council, &["coordinator"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        0,
        "no case created"
    );
}

#[test]
fn every_secured_operation_declares_429() {
    let spec = serde_json::to_value(sanctuary_http::openapi()).unwrap();
    let mut secured = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(security) = operation.get("security") else {
                continue;
            };
            if security.as_array().is_some_and(|s| s.is_empty()) {
                continue;
            }
            secured += 1;
            assert_eq!(
                operation["responses"]["429"]["$ref"], "#/components/responses/TooManyRequests",
                "{method} {path}"
            );
        }
    }
    assert!(secured >= 40, "{secured} secured operations");
    let declared = &spec["components"]["responses"]["TooManyRequests"];
    assert_eq!(
        declared["headers"]["Retry-After"]["schema"]["type"],
        "integer"
    );
}
