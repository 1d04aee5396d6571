//! Two instances of the service on one database: nothing correctness-critical lives in
//! process memory. Idempotency, optimistic concurrency and reference numbering hold
//! across instances.

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::{Instance, TestApp};

/// The base URL of instance `i % 2`.
fn base<'a>(app: &'a TestApp, other: &'a Instance, i: usize) -> &'a str {
    if i.is_multiple_of(2) {
        &app.address
    } else {
        &other.address
    }
}

#[tokio::test]
async fn one_idempotency_key_from_fifty_clients_on_two_instances_makes_one_case() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let token = app.token(&app.world.harbour, &["referrer"]);
    let body = fixtures::full();
    let answers: Vec<(StatusCode, Value)> = futures_util::stream::iter(0..1000)
        .map(|i| {
            let request = app
                .client
                .post(format!("{}/api/v1/referrals", base(&app, &other, i)))
                .bearer_auth(&token)
                .header("Idempotency-Key", "one-referral")
                .json(&body);
            async move {
                let response = request.send().await.unwrap();
                (response.status(), response.json::<Value>().await.unwrap())
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    assert_eq!(answers.len(), 1000);
    assert!(
        answers.iter().all(|a| *a == answers[0]),
        "every response identical; first {:?}",
        answers[0].0
    );
    assert_eq!(answers[0].0, StatusCode::CREATED);
    let page: Value = app
        .get_as(&app.world.council, &["coordinator"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        1,
        "exactly one case"
    );
}

#[tokio::test]
async fn racing_actions_on_two_instances_let_exactly_one_through() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let w = &app.world;
    let mut body = fixtures::minimal();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    let id = app.refer_ok(&w.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let token = app.token(&w.council, &["coordinator"]);
    let statuses: Vec<StatusCode> = futures_util::stream::iter(0..40)
        .map(|i| {
            let request = app
                .client
                .post(format!(
                    "{}/api/v1/cases/{id}/accept",
                    base(&app, &other, i)
                ))
                .bearer_auth(&token)
                .header("If-Match", &etag)
                .json(&json!({}));
            async move { request.send().await.unwrap().status() }
        })
        .buffer_unordered(40)
        .collect()
        .await;
    let ok = statuses.iter().filter(|s| s.is_success()).count();
    assert_eq!(ok, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| s.is_success()
            || *s == StatusCode::PRECONDITION_FAILED
            || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn references_stay_gap_free_and_unique_across_instances() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let token = app.token(&app.world.harbour, &["referrer"]);
    let body = fixtures::minimal();
    let mut numbers: Vec<u32> = futures_util::stream::iter(0..60)
        .map(|i| {
            let request = app
                .client
                .post(format!("{}/api/v1/referrals", base(&app, &other, i)))
                .bearer_auth(&token)
                .json(&body);
            async move {
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), StatusCode::CREATED);
                let case: Value = response.json().await.unwrap();
                case["reference"]
                    .as_str()
                    .unwrap()
                    .rsplit('-')
                    .next()
                    .unwrap()
                    .parse::<u32>()
                    .unwrap()
            }
        })
        .buffer_unordered(20)
        .collect()
        .await;
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=60).collect::<Vec<_>>());
}
