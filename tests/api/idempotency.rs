//! The Idempotency-Key header on POST /api/v1/referrals.

use reqwest::{Response, StatusCode};
use sanctuary_persistence::idempotency::{self, IdempotencyKey, KeyState};
use serde_json::{Value, json};

use crate::support::fixtures::{self, with};
use crate::support::{Org, TestApp, problem};

async fn post(app: &TestApp, org: &Org, key: &str, body: &Value) -> Response {
    app.post("/api/v1/referrals")
        .bearer_auth(app.token(org, &["referrer"]))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn count_cases(app: &TestApp) -> usize {
    let page: Value = app
        .get_as(&app.world.council, &["coordinator"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_retry_with_the_same_key_and_body_returns_the_original_case() {
    let app = TestApp::spawn().await;
    let first = post(&app, &app.world.harbour, "key-1", &fixtures::full()).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let location = first.headers()["location"].clone();
    let first: Value = first.json().await.unwrap();
    // Key order and whitespace do not change the request.
    let reordered: Value =
        serde_json::from_str(&serde_json::to_string_pretty(&fixtures::full()).unwrap()).unwrap();
    let retry = post(&app, &app.world.harbour, "\"key-1\"", &reordered).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(retry.headers()["location"], location);
    let retry: Value = retry.json().await.unwrap();
    assert_eq!(retry, first);
    assert_eq!(count_cases(&app).await, 1);
}

#[tokio::test]
async fn the_same_key_with_a_different_body_is_refused() {
    let app = TestApp::spawn().await;
    post(&app, &app.world.harbour, "key-2", &fixtures::full())
        .await
        .error_for_status()
        .unwrap();
    let changed = with(fixtures::full(), "/urgent", json!(false));
    let p = problem(
        post(&app, &app.world.harbour, "key-2", &changed).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["code"], "idempotency_key_reused");
    assert_eq!(count_cases(&app).await, 1);
}

#[tokio::test]
async fn keys_belong_to_the_organisation_that_used_them() {
    let app = TestApp::spawn().await;
    let a: Value = post(&app, &app.world.harbour, "shared", &fixtures::minimal())
        .await
        .json()
        .await
        .unwrap();
    let b: Value = post(&app, &app.world.housing, "shared", &fixtures::minimal())
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(a["id"], b["id"]);
    assert_eq!(count_cases(&app).await, 2);
}

#[tokio::test]
async fn a_retry_waits_for_the_request_in_flight_and_takes_over_if_it_failed() {
    let app = TestApp::spawn().await;
    let body = fixtures::minimal();
    let key = IdempotencyKey {
        organisation_id: app.world.harbour.id,
        key: "waiting".into(),
        fingerprint: sanctuary_http::request_fingerprint(&body),
    };
    idempotency::claim(&app.store, &key, time::Duration::minutes(1))
        .await
        .unwrap();
    let retry = post(&app, &app.world.harbour, "waiting", &body);
    let holder_fails = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        idempotency::release(&app.store, &key).await.unwrap();
    };
    let (response, ()) = tokio::join!(retry, holder_fails);
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(count_cases(&app).await, 1);
}

/// After waiting 10 s for the holder (on another instance, say), the retry gives up.
#[tokio::test]
async fn a_key_still_in_flight_answers_409() {
    let app = TestApp::spawn().await;
    let body = fixtures::minimal();
    let key = IdempotencyKey {
        organisation_id: app.world.harbour.id,
        key: "busy".into(),
        fingerprint: sanctuary_http::request_fingerprint(&body),
    };
    // Another instance claimed the key and is still working on it.
    let claim = idempotency::claim(&app.store, &key, time::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(claim, KeyState::Fresh);
    let p = problem(
        post(&app, &app.world.harbour, "busy", &body).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "idempotency_key_in_flight");
    assert_eq!(count_cases(&app).await, 0);
}

#[tokio::test]
async fn a_lapsed_claim_is_taken_over_by_a_retry() {
    let app = TestApp::spawn().await;
    let body = fixtures::minimal();
    let key = IdempotencyKey {
        organisation_id: app.world.harbour.id,
        key: "crashed".into(),
        fingerprint: sanctuary_http::request_fingerprint(&body),
    };
    // The holder crashed: its lease has already run out.
    idempotency::claim(&app.store, &key, time::Duration::seconds(-1))
        .await
        .unwrap();
    let response = post(&app, &app.world.harbour, "crashed", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(count_cases(&app).await, 1);
}

#[tokio::test]
async fn concurrent_requests_with_one_key_create_exactly_one_case() {
    let app = TestApp::spawn().await;
    let body = fixtures::full();
    let requests = (0..12).map(|_| post(&app, &app.world.harbour, "race", &body));
    let responses = futures_util::future::join_all(requests).await;
    // The requests behind the first wait for it: every one gets the same answer.
    let mut bodies = Vec::new();
    for response in responses {
        assert_eq!(response.status(), StatusCode::CREATED);
        bodies.push(response.json::<Value>().await.unwrap());
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "identical answers");
    assert_eq!(count_cases(&app).await, 1);
}

#[tokio::test]
async fn a_failed_request_does_not_use_up_its_key() {
    let app = TestApp::spawn().await;
    let invalid = with(fixtures::minimal(), "/client/phone", json!("no phone"));
    problem(
        post(&app, &app.world.harbour, "k", &invalid).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // After a conflict the key is released too.
    app.refer_ok(&app.world.harbour, &fixtures::full()).await;
    problem(
        post(&app, &app.world.harbour, "k", &fixtures::full()).await,
        StatusCode::CONFLICT,
    )
    .await;
    let fixed = with(
        fixtures::full(),
        "/external_reference",
        json!("HARBOUR-2026-00999"),
    );
    assert_eq!(
        post(&app, &app.world.harbour, "k", &fixed).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn malformed_keys_are_refused() {
    let app = TestApp::spawn().await;
    for key in ["", "has space", &"x".repeat(256), "\"\""] {
        let p = problem(
            post(&app, &app.world.harbour, key, &fixtures::minimal()).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(p["code"], "invalid_header", "{key:?}");
    }
    assert_eq!(count_cases(&app).await, 0);
}
