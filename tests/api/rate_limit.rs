//! The request budget per organisation: 429 problem+json with `Retry-After`, each
//! organisation on its own budget, health checks exempt, declared in the contract.

use std::time::Duration;

use reqwest::StatusCode;
use sanctuary_server::config::RateLimitSettings;
use serde_json::{Value, json};

use crate::support::{TestApp, TestKeys, problem};

async fn limited_app() -> TestApp {
    TestApp::spawn_configured(None, |s| {
        s.rate_limit = RateLimitSettings {
            per_minute: 60,
            burst: 5,
            ..s.rate_limit.clone()
        };
    })
    .await
}

/// Each client address may fail authentication `burst` times before it waits.
async fn address_limited_app(header: Option<&str>) -> TestApp {
    let header = header.map(str::to_owned);
    TestApp::spawn_configured(None, |s| {
        s.rate_limit = RateLimitSettings {
            per_minute: 60,
            burst: 5,
            per_address_per_minute: 60,
            per_address_burst: 5,
            client_address_header: header,
        };
    })
    .await
}

fn bad_token(app: &TestApp) -> reqwest::RequestBuilder {
    app.get("/api/v1/cases").bearer_auth("not.a.token")
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
    for header in ["Retry-After", "RateLimit", "RateLimit-Policy"] {
        assert_eq!(
            declared["headers"][header]["$ref"],
            format!("#/components/headers/{header}")
        );
    }
    let headers = &spec["components"]["headers"];
    assert_eq!(headers["Retry-After"]["schema"]["type"], "integer");
    assert_eq!(headers["Retry-After"]["schema"]["maximum"], 60);
    // Every success of a secured operation declares the budget too.
    let read = &spec["paths"]["/api/v1/cases"]["get"]["responses"]["200"]["headers"];
    assert_eq!(read["RateLimit"]["$ref"], "#/components/headers/RateLimit");
}

/// Reproduced by the security test: ~150 requests with one revoked coordinator token
/// locked every coordinator of that council out with 429.
#[tokio::test]
async fn a_revoked_token_does_not_spend_its_organisations_budget() {
    let app = TestApp::spawn_configured(None, |s| {
        s.rate_limit = RateLimitSettings {
            per_minute: 60,
            burst: 5,
            ..s.rate_limit.clone()
        };
    })
    .await;
    let w = &app.world;
    let keys = TestKeys::get();
    let jti = uuid::Uuid::now_v7();
    let mut claims = TestKeys::claims(w.council.id, &["coordinator"]);
    claims["jti"] = json!(jti);
    let revoked = keys.sign(&keys.ed25519, &claims);
    let response = app
        .post("/api/v1/admin/revoked-tokens")
        .bearer_auth(app.token(&w.operator, &["admin"]))
        .json(&json!({"jti": jti}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    for _ in 0..20 {
        let refused = app
            .get("/api/v1/cases")
            .bearer_auth(&revoked)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    // Another coordinator of the same council is served.
    let other = app
        .get_as(&w.council, &["coordinator"], "/api/v1/cases")
        .await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn failed_authentication_is_limited_per_client_address_not_per_organisation() {
    let app = address_limited_app(None).await;
    let w = &app.world;
    for _ in 0..5 {
        let refused = bad_token(&app).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    // Without a configured proxy header, a forged one changes nothing.
    let limited = bad_token(&app)
        .header("X-Forwarded-For", "198.51.100.7")
        .send()
        .await
        .unwrap();
    assert!(limited.headers().contains_key("retry-after"));
    let body = problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["code"], "rate_limited");
    let missing = app.get("/api/v1/cases").send().await.unwrap();
    problem(missing, StatusCode::TOO_MANY_REQUESTS).await;
    // A valid token from the same address is not held back, nor are health checks.
    let ok = app.get_as(&w.harbour, &["referrer"], "/api/v1/cases").await;
    assert_eq!(ok.status(), StatusCode::OK);
    let health = app.get("/health/ready").send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_configured_header_names_the_client() {
    let app = address_limited_app(Some("X-Forwarded-For")).await;
    let from = |address: &'static str| {
        bad_token(&app).header("X-Forwarded-For", format!("10.0.0.1, {address}"))
    };
    for _ in 0..5 {
        let refused = from("203.0.113.1").send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = from("203.0.113.1").send().await.unwrap();
    problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
    // Another client behind the same proxy has its own budget.
    let other = from("203.0.113.2").send().await.unwrap();
    assert_eq!(other.status(), StatusCode::UNAUTHORIZED);
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response.headers()[name].to_str().unwrap()
}

/// `r=` of an IETF draft `RateLimit` header: `"organisation";r=4;t=1`.
fn remaining(response: &reqwest::Response) -> u32 {
    let value = header(response, "ratelimit");
    let r = value.split(';').find_map(|p| p.strip_prefix("r=")).unwrap();
    r.parse().unwrap()
}

#[tokio::test]
async fn every_authenticated_response_shows_its_budget_before_it_bites() {
    let app = limited_app().await;
    let w = &app.world;
    let mut seen = Vec::new();
    for _ in 0..5 {
        let ok = app.get_as(&w.harbour, &["referrer"], "/api/v1/cases").await;
        assert_eq!(ok.status(), StatusCode::OK);
        // A burst of 5 refilled at one a second.
        assert_eq!(header(&ok, "ratelimit-policy"), r#""organisation";q=5;w=5"#);
        assert!(header(&ok, "ratelimit").starts_with(r#""organisation";r="#));
        seen.push(remaining(&ok));
    }
    assert_eq!(seen, [4, 3, 2, 1, 0], "each request spends one");
    let refused = app.get_as(&w.harbour, &["referrer"], "/api/v1/cases").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(remaining(&refused), 0);
    // Retry-After gives the wait for the next request; `t=` when the whole budget is
    // back (five refills of a second), in whole seconds.
    let reset: u64 = header(&refused, "ratelimit")
        .rsplit_once(";t=")
        .unwrap()
        .1
        .parse()
        .unwrap();
    let retry_after: u64 = header(&refused, "retry-after").parse().unwrap();
    assert_eq!(retry_after, 1);
    assert_eq!(reset, 5);
    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    let again = app.get_as(&w.harbour, &["referrer"], "/api/v1/cases").await;
    assert_eq!(again.status(), StatusCode::OK);

    // Health checks spend nothing and say nothing.
    let health = app.get("/health/ready").send().await.unwrap();
    assert!(!health.headers().contains_key("ratelimit"));
}

#[tokio::test]
async fn a_failed_authentication_shows_the_client_address_budget() {
    let app = address_limited_app(None).await;
    let refused = bad_token(&app).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&refused, "ratelimit-policy"), r#""address";q=5;w=5"#);
    assert_eq!(remaining(&refused), 4);
}
