//! Hostile input: whatever arrives, the answer is a clean problem+json 4xx and the
//! server keeps serving.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::{TestApp, problem, violations};

async fn post_raw(app: &TestApp, body: Vec<u8>) -> reqwest::Response {
    app.post("/api/v1/referrals")
        .bearer_auth(app.token(&app.world.harbour, &["referrer"]))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn malformed_bodies_are_clean_4xx_problems() {
    let app = TestApp::spawn().await;
    let nested = format!("{}{}", "[".repeat(20_000), "]".repeat(20_000));
    let mut invalid_utf8 = br#"{"scheme": "darl"#.to_vec();
    invalid_utf8.extend([0xff, 0xfe, 0xfd]);
    invalid_utf8.extend(br#"ington"}"#);
    let nul = b"{\"scheme\": \"darlington\0\"}".to_vec();
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("deeply nested arrays", nested.into_bytes()),
        (
            "deeply nested objects",
            format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)).into_bytes(),
        ),
        ("invalid UTF-8", invalid_utf8),
        ("a raw NUL byte", nul),
        ("nothing but whitespace", b"   ".to_vec()),
        ("a bare string", b"\"referral\"".to_vec()),
    ];
    for (what, body) in bodies {
        let response = post_raw(&app, body).await;
        let status = response.status();
        assert!(status.is_client_error(), "{what}: {status}");
        problem(response, status).await;
    }
    // A huge array inside the cap: refused by the schema, without a memory spike.
    let mut body = fixtures::minimal();
    set(
        &mut body,
        "/household/children_ages",
        json!(vec![1; 20_000]),
    );
    let response = post_raw(&app, body.to_string().into_bytes()).await;
    let p = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        violations(&p)
            .iter()
            .any(|(pointer, _)| pointer == "/household/children_ages"),
        "{p:#}"
    );
    // Still serving.
    let ok = app.refer(&app.world.harbour, &fixtures::minimal()).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn impossible_values_are_named_in_a_422() {
    let app = TestApp::spawn().await;
    let mut body = fixtures::full();
    set(&mut body, "/client/date_of_birth", json!("1990-02-30"));
    set(&mut body, "/demographics/gender", json!("martian"));
    set(&mut body, "/household/tenure", json!("castle"));
    set(&mut body, "/consents/obtained_on", json!("2026-13-01"));
    set(&mut body, "/client/name", json!("Jane\u{0}Doe"));
    let response = app.refer(&app.world.harbour, &body).await;
    let p = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pointers: Vec<String> = violations(&p).into_iter().map(|(p, _)| p).collect();
    for pointer in [
        "/client/date_of_birth",
        "/demographics/gender",
        "/household/tenure",
        "/consents/obtained_on",
        "/client/name",
    ] {
        assert!(
            pointers.iter().any(|p| p == pointer),
            "{pointer} missing from {pointers:?}"
        );
    }
}

#[tokio::test]
async fn oversized_pages_and_bad_query_values_are_422() {
    let app = TestApp::spawn().await;
    for query in [
        "limit=100000",
        "limit=-1",
        "limit=abc",
        "received_from=2026-02-30",
        "status=vanished",
        "cursor=%00%00",
    ] {
        let response = app
            .get_as(
                &app.world.council,
                &["coordinator"],
                &format!("/api/v1/cases?{query}"),
            )
            .await;
        let status = response.status();
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::BAD_REQUEST,
            "{query}: {status}"
        );
        problem(response, status).await;
    }
}

#[tokio::test]
async fn very_long_headers_are_refused_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let huge = "a".repeat(1024 * 1024);
    let response = app
        .get("/api/v1/cases")
        .header("x-filler", &huge)
        .send()
        .await;
    match response {
        // Refused at the protocol level (431) or as a problem; never served.
        Ok(r) => assert!(r.status().is_client_error(), "{}", r.status()),
        // Or the connection is closed on it.
        Err(e) => assert!(e.is_request() || e.is_connect(), "{e}"),
    }
    let token = format!("Bearer {huge}");
    let response = app
        .get("/api/v1/cases")
        .header("authorization", token)
        .send()
        .await;
    if let Ok(r) = response {
        assert!(r.status().is_client_error());
    }
    let health: Value = app
        .get("/health/live")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn duplicate_keys_are_refused_naming_each_with_its_pointer() {
    let app = TestApp::spawn().await;
    let minimal = fixtures::minimal().to_string();
    let cases_before = app.number("SELECT COUNT(*) AS n FROM cases").await;
    // At the top, deep inside, and both: never "the last one wins".
    let top = format!(r#"{{"scheme": "elsewhere", {}"#, &minimal[1..]);
    let deep = minimal.replacen(r#""address":{"#, r#""address":{"postcode":"ZZ9 9ZZ","#, 1);
    assert_ne!(deep, minimal, "the fixture has a client address");
    let both = format!(r#"{{"scheme": "elsewhere", {}"#, &deep[1..]);
    for (body, expected) in [
        (top, vec!["/scheme"]),
        (deep, vec!["/client/address/postcode"]),
        (both, vec!["/client/address/postcode", "/scheme"]),
    ] {
        let response = post_raw(&app, body.into_bytes()).await;
        let p = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(p["code"], "validation_failed");
        let found = violations(&p);
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|pointer| (pointer.to_owned(), "duplicate_key".to_owned()))
            .collect();
        assert_eq!(found, expected, "{p:#}");
        // The values sent are not repeated.
        assert!(!p.to_string().contains("ZZ9"), "{p:#}");
        assert!(!p.to_string().contains("elsewhere"), "{p:#}");
    }
    // Equal keys in different objects are fine (`name` is in referrer and client).
    let ok = post_raw(&app, minimal.into_bytes()).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM cases").await,
        cases_before + 1,
        "only the clean referral was stored"
    );
}
