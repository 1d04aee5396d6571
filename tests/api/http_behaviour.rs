//! Behaviour every endpoint shares: error envelope, headers, routing, health.

use actix_web::{HttpResponse, web};
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{TestApp, extra, fixtures, problem};

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/v1/referrals")
        .bearer_auth(app.token(&app.world.harbour, &["referrer"]))
        .header("content-type", "application/json")
        .body(r#"{"scheme": "darlington", "#)
        .send()
        .await
        .unwrap();
    let p = problem(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(p["code"], "malformed_json");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415_problem() {
    let app = TestApp::spawn().await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = app
            .post("/api/v1/referrals")
            .bearer_auth(app.token(&app.world.harbour, &["referrer"]))
            .body(fixtures::minimal().to_string());
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let p = problem(
            request.send().await.unwrap(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        )
        .await;
        assert_eq!(p["code"], "unsupported_media_type", "{content_type:?}");
    }
    let response = app
        .post("/api/v1/referrals")
        .bearer_auth(app.token(&app.world.harbour, &["referrer"]))
        .header("content-type", "application/json; charset=utf-8")
        .body(fixtures::minimal().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "parameters on the media type are fine"
    );
}

#[tokio::test]
async fn a_body_over_64_kib_is_a_413_problem() {
    let app = TestApp::spawn().await;
    let mut body = fixtures::minimal();
    fixtures::set(
        &mut body,
        "/padding",
        Value::String("x".repeat(sanctuary_http::MAX_BODY_BYTES)),
    );
    let response = app
        .post("/api/v1/referrals")
        .bearer_auth(app.token(&app.world.harbour, &["referrer"]))
        .json(&body)
        .send()
        .await
        .unwrap();
    let p = problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(p["code"], "payload_too_large");

    // Without a Content-Length (chunked), the limit still holds.
    let chunks: Vec<Result<String, std::io::Error>> =
        (0..80).map(|_| Ok("x".repeat(1024))).collect();
    let response = app
        .post("/api/v1/referrals")
        .bearer_auth(app.token(&app.world.harbour, &["referrer"]))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    problem(response, StatusCode::PAYLOAD_TOO_LARGE).await;
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_with_allow() {
    let app = TestApp::spawn().await;
    let p = problem(
        app.get("/api/v1/nowhere").send().await.unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(p["code"], "not_found");
    // Error responses that do not come from our handlers get the same envelope.
    let asset = app
        .get("/swagger-ui/no-such-asset.js")
        .send()
        .await
        .unwrap();
    let p = problem(asset, StatusCode::NOT_FOUND).await;
    assert_eq!(p["code"], "not_found");
    for (method, path, allow) in [
        (reqwest::Method::GET, "/api/v1/referrals", "POST"),
        (reqwest::Method::DELETE, "/api/v1/referrals", "POST"),
        (reqwest::Method::POST, "/api/v1/cases", "GET"),
        (
            reqwest::Method::PUT,
            "/api/v1/cases/0199c6a0-0000-7000-8000-000000000000",
            "GET",
        ),
        (reqwest::Method::POST, "/health/live", "GET"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
        let p = problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
        assert_eq!(p["code"], "method_not_allowed");
    }
}

#[tokio::test]
async fn a_panicking_handler_gives_a_500_problem_and_the_server_keeps_serving() {
    let app = TestApp::spawn_with(extra(|cfg| {
        cfg.route(
            "/test/panic",
            web::get().to(|| async {
                if std::hint::black_box(true) {
                    panic!("a bug with Jane Doe's details in its message");
                }
                HttpResponse::Ok().finish()
            }),
        );
    }))
    .await;
    for _ in 0..3 {
        let p = problem(
            app.get("/test/panic").send().await.unwrap(),
            StatusCode::INTERNAL_SERVER_ERROR,
        )
        .await;
        assert_eq!(p["code"], "internal_error");
        assert!(!p.to_string().contains("Jane"));
    }
    let response = app.get("/health/live").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = TestApp::spawn().await;
    let requests = [
        app.get("/health/live"),
        app.get("/api/v1/cases"),
        app.get("/api/v1/cases")
            .bearer_auth(app.token(&app.world.council, &["coordinator"])),
        app.get("/nowhere"),
        app.get("/api-docs/openapi.json"),
    ];
    let mut ids = Vec::new();
    for request in requests {
        let response = request.send().await.unwrap();
        let h = response.headers();
        assert_eq!(h["cache-control"], "no-store");
        assert_eq!(h["x-content-type-options"], "nosniff");
        let id = uuid::Uuid::parse_str(h["x-request-id"].to_str().unwrap()).unwrap();
        assert_eq!(id.get_version_num(), 7);
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "request ids are unique");
}

#[tokio::test]
async fn health_answers_live_and_ready() {
    let app = TestApp::spawn().await;
    for path in ["/health/live", "/health/ready"] {
        let body: Value = app.get(path).send().await.unwrap().json().await.unwrap();
        assert_eq!(body["status"], "ok", "{path}");
    }
}

#[tokio::test]
async fn readiness_fails_with_503_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.store.clone().close().await.unwrap();
    let response = app.get("/health/ready").send().await.unwrap();
    let p = problem(response, StatusCode::SERVICE_UNAVAILABLE).await;
    assert_eq!(p["code"], "service_unavailable");
}

#[tokio::test]
async fn swagger_ui_is_served_and_the_bare_path_redirects() {
    let app = TestApp::spawn().await;
    let response = app.get("/swagger-ui").send().await.unwrap();
    assert!(response.status().is_redirection());
    assert_eq!(response.headers()["location"], "/swagger-ui/");
    let response = app.get("/").send().await.unwrap();
    assert_eq!(response.headers()["location"], "/swagger-ui/");
    let page = app.get("/swagger-ui/").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("swagger-ui"));
    let config = app
        .get("/swagger-ui/swagger-initializer.js")
        .send()
        .await
        .unwrap();
    assert!(
        config
            .text()
            .await
            .unwrap()
            .contains("/api-docs/openapi.json")
    );
}

/// The headers every response carries, errors included.
fn assert_common_headers(response: &reqwest::Response, csp: &str, what: &str) {
    let h = response.headers();
    assert_eq!(h["cache-control"], "no-store", "{what}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(h["x-frame-options"], "DENY", "{what}");
    assert_eq!(h["referrer-policy"], "no-referrer", "{what}");
    assert_eq!(h["content-security-policy"], csp, "{what}");
    assert!(h.contains_key("x-request-id"), "{what}");
}

#[tokio::test]
async fn the_api_and_swagger_ui_send_a_strict_content_security_policy() {
    let app = TestApp::spawn().await;
    let api = sanctuary_http::API_CSP;
    assert_eq!(api, "default-src 'none'; frame-ancestors 'none'");
    for (path, csp) in [
        ("/health/live", api),
        ("/api/v1/cases", api),
        ("/api-docs/openapi.json", api),
        ("/nowhere", api),
        ("/swagger-ui/", sanctuary_http::SWAGGER_UI_CSP),
        (
            "/swagger-ui/swagger-initializer.js",
            sanctuary_http::SWAGGER_UI_CSP,
        ),
        ("/swagger-ui/swagger-ui.css", sanctuary_http::SWAGGER_UI_CSP),
    ] {
        let response = app.get(path).send().await.unwrap();
        assert_common_headers(&response, csp, path);
    }
    let swagger = sanctuary_http::SWAGGER_UI_CSP;
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(swagger.contains(directive), "{directive}");
    }
    assert!(!swagger.contains("unsafe-eval") && !swagger.contains("unsafe-inline"));
}

#[tokio::test]
async fn oversized_request_heads_are_problems_with_the_usual_headers() {
    let app = TestApp::spawn().await;
    let token = app.token(&app.world.council, &["coordinator"]);
    // One huge header, and many ordinary ones adding up (both under actix's own 128 KiB
    // codec limit, which answers on its own).
    let huge = "a".repeat(sanctuary_http::MAX_HEADER_BYTES + 1);
    let response = app
        .get("/api/v1/cases")
        .bearer_auth(&token)
        .header("x-filler", &huge)
        .send()
        .await
        .unwrap();
    assert_common_headers(&response, sanctuary_http::API_CSP, "one huge header");
    let p = problem(response, StatusCode::from_u16(431).unwrap()).await;
    assert_eq!(p["code"], "headers_too_large");
    let mut request = app.get("/api/v1/cases").bearer_auth(&token);
    for i in 0..60 {
        request = request.header(format!("x-filler-{i}"), "b".repeat(600));
    }
    let p = problem(
        request.send().await.unwrap(),
        StatusCode::from_u16(431).unwrap(),
    )
    .await;
    assert_eq!(p["code"], "headers_too_large");
    // A query over the limit (under the codec's 64 KiB URI limit).
    let long = format!(
        "/api/v1/cases?status={}",
        "x".repeat(sanctuary_http::MAX_URI_BYTES)
    );
    let response = app.get(&long).bearer_auth(&token).send().await.unwrap();
    assert_common_headers(&response, sanctuary_http::API_CSP, "long query");
    let p = problem(response, StatusCode::URI_TOO_LONG).await;
    assert_eq!(p["code"], "uri_too_long");
    // Just under the limits, the request is served.
    let response = app
        .get("/api/v1/cases")
        .bearer_auth(&token)
        .header("x-filler", "a".repeat(16 * 1024))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn bad_percent_encoding_in_the_path_or_query_is_a_problem_with_the_usual_headers() {
    let app = TestApp::spawn().await;
    let token = app.token(&app.world.council, &["coordinator"]);
    for (path, status) in [
        ("/api/v1/cases/%ZZ", StatusCode::NOT_FOUND),
        ("/api/v1/cases/%FF%FE", StatusCode::NOT_FOUND),
        ("/api/v1/cases/%", StatusCode::NOT_FOUND),
        ("/api/v1/cases?status=%ZZ", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/cases?status=%FF", StatusCode::UNPROCESSABLE_ENTITY),
        ("/api/v1/cases?%ZZ=1", StatusCode::UNPROCESSABLE_ENTITY),
        ("/swagger-ui/%ZZ", StatusCode::NOT_FOUND),
    ] {
        let response = app.get(path).bearer_auth(&token).send().await.unwrap();
        let csp = if path.starts_with("/swagger-ui/") {
            sanctuary_http::SWAGGER_UI_CSP
        } else {
            sanctuary_http::API_CSP
        };
        assert_common_headers(&response, csp, path);
        problem(response, status).await;
    }
}
