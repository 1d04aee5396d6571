//! CORS for council front ends in a browser: only the configured origins, correct
//! preflight answers for the API's methods and headers, the useful response headers
//! exposed, and nothing at all for other origins.

use reqwest::{Method, StatusCode};

use crate::support::TestApp;

const FRONT_END: &str = "https://cases.darlington.example";

async fn app_allowing_front_end() -> TestApp {
    TestApp::spawn_configured(None, |s| {
        s.cors.allowed_origins = vec![FRONT_END.to_owned()];
    })
    .await
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

fn preflight(app: &TestApp, origin: &str, method: &str, headers: &str) -> reqwest::RequestBuilder {
    app.client
        .request(
            Method::OPTIONS,
            app.url("/api/v1/cases/01930f6e-8a4b-7cc2-9d2e-6f1b2a3c4d5e/accept"),
        )
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", headers)
}

#[tokio::test]
async fn an_allowed_origin_gets_a_preflight_answer_for_the_apis_methods_and_headers() {
    let app = app_allowing_front_end().await;
    let answer = preflight(
        &app,
        FRONT_END,
        "POST",
        "authorization, if-match, idempotency-key, content-type",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(
        header(&answer, "access-control-allow-origin"),
        Some(FRONT_END)
    );
    let methods = header(&answer, "access-control-allow-methods").unwrap();
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let headers = header(&answer, "access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "authorization",
        "if-match",
        "idempotency-key",
        "content-type",
    ] {
        assert!(headers.contains(name), "{headers}");
    }
    assert_eq!(header(&answer, "access-control-max-age"), Some("600"));
    // No cookies are involved: credentials are never allowed.
    assert_eq!(header(&answer, "access-control-allow-credentials"), None);

    // A header the API does not read is not allowed.
    let odd = preflight(&app, FRONT_END, "POST", "x-custom")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&odd, "access-control-allow-origin"), None);
    assert!(odd.status().is_client_error(), "{}", odd.status());
    assert!(
        header(&odd, "content-type")
            .unwrap()
            .starts_with("application/problem+json"),
        "a refused preflight is a problem too"
    );
}

#[tokio::test]
async fn answers_to_an_allowed_origin_expose_etag_location_and_the_budget() {
    let app = app_allowing_front_end().await;
    let w = &app.world;
    let list = app
        .get("/api/v1/cases")
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("Origin", FRONT_END)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(
        header(&list, "access-control-allow-origin"),
        Some(FRONT_END)
    );
    assert!(
        header(&list, "vary")
            .unwrap()
            .to_ascii_lowercase()
            .contains("origin")
    );
    let exposed = header(&list, "access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "etag",
        "location",
        "ratelimit",
        "ratelimit-policy",
        "retry-after",
        "x-request-id",
    ] {
        assert!(exposed.contains(name), "{name} in {exposed}");
    }
    // Errors too, so the front end can read the problem.
    let refused = app
        .get("/api/v1/cases")
        .header("Origin", FRONT_END)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header(&refused, "access-control-allow-origin"),
        Some(FRONT_END)
    );
}

#[tokio::test]
async fn other_origins_get_no_cors_headers_and_by_default_no_origin_is_allowed() {
    let app = app_allowing_front_end().await;
    let w = &app.world;
    let elsewhere = app
        .get("/api/v1/cases")
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    // Served (a server-side client may send any Origin), but no browser may read it.
    assert_eq!(elsewhere.status(), StatusCode::OK);
    assert_eq!(header(&elsewhere, "access-control-allow-origin"), None);
    let preflight_elsewhere = preflight(&app, "https://evil.example", "POST", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&preflight_elsewhere, "access-control-allow-origin"),
        None
    );
    assert_eq!(
        header(&preflight_elsewhere, "access-control-allow-methods"),
        None
    );

    let default = TestApp::spawn().await;
    let answer = preflight(&default, FRONT_END, "POST", "authorization")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&answer, "access-control-allow-origin"), None);
    let read = default
        .get("/api/v1/cases")
        .bearer_auth(default.token(&default.world.council, &["coordinator"]))
        .header("Origin", FRONT_END)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(header(&read, "access-control-allow-origin"), None);
}
