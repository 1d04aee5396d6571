//! Rectification: the referring organisation or the coordinator corrects a referral.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::{TestApp, problem, violations};

async fn patch(
    app: &TestApp,
    org: &crate::support::Org,
    role: &str,
    id: &str,
    etag: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .patch(app.url(&format!("/api/v1/cases/{id}/referral")))
        .bearer_auth(app.token(org, &[role]))
        .json(body);
    if let Some(etag) = etag {
        request = request.header("If-Match", etag);
    }
    request.send().await.unwrap()
}

async fn gender_column(app: &TestApp, id: &str) -> String {
    let rows = app
        .rows_for("SELECT gender FROM cases WHERE id = $1", id)
        .await;
    rows[0].try_get_by_index::<String>(0).unwrap()
}

#[tokio::test]
async fn a_referral_is_corrected_whole_and_the_change_is_named_not_shown() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let original = fixtures::full();
    let case = app.refer_ok(&w.harbour, &original).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let (_, etag) = app.read(&w.harbour, "referrer", &id).await;

    let mut corrected = original.clone();
    set(&mut corrected, "/client/name", json!("Janet Doe"));
    set(&mut corrected, "/client/address/postcode", json!("DL3 7QR"));
    set(&mut corrected, "/demographics/gender", json!("male"));

    // Validated like a POST, every error at once; what has its own way is refused.
    let mut invalid = corrected.clone();
    set(
        &mut invalid,
        "/client/address/postcode",
        json!("NOT A POSTCODE"),
    );
    set(&mut invalid, "/consents/landlord_contact", json!("refused"));
    let response = patch(&app, &w.harbour, "referrer", &id, Some(&etag), &invalid).await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pointers: Vec<String> = violations(&body).into_iter().map(|(p, _)| p).collect();
    assert_eq!(pointers, ["/client/address/postcode", "/consents"]);
    assert_eq!(gender_column(&app, &id).await, "female", "nothing changed");

    // If-Match is required and must be current.
    let response = patch(&app, &w.harbour, "referrer", &id, None, &corrected).await;
    problem(response, StatusCode::PRECONDITION_REQUIRED).await;
    let response = patch(&app, &w.harbour, "referrer", &id, Some("\"7\""), &corrected).await;
    problem(response, StatusCode::PRECONDITION_FAILED).await;
    // Only the referrer and the coordinator.
    let response = patch(&app, &w.stranger, "referrer", &id, Some(&etag), &corrected).await;
    problem(response, StatusCode::NOT_FOUND).await;

    let response = patch(&app, &w.harbour, "referrer", &id, Some(&etag), &corrected).await;
    assert_eq!(response.status(), StatusCode::OK);
    let new_etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let case: Value = response.json().await.unwrap();
    assert_eq!(case["referral"]["client"]["name"], "Janet Doe");
    assert_eq!(
        gender_column(&app, &id).await,
        "male",
        "the report category follows"
    );
    let (read, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(read["referral"]["client"]["address"]["postcode"], "DL3 7QR");

    let fields = json!(["client.address", "client.name", "demographics.gender"]);
    let timeline: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{id}/timeline"),
        )
        .await
        .json()
        .await
        .unwrap();
    let last = timeline.as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "rectify_referral");
    assert_eq!(last["data"]["field"], fields);
    assert!(!timeline.to_string().contains("Janet"));
    let audit: Value = app
        .get_as(
            &w.auditor,
            &["auditor"],
            &format!("/api/v1/audit?case_id={id}"),
        )
        .await
        .json()
        .await
        .unwrap();
    let corrections: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "rectify_referral" && r["outcome"] == "allowed")
        .collect();
    assert_eq!(corrections.len(), 1);
    assert_eq!(corrections[0]["fields"], fields);

    // Sending the same again changes nothing.
    let response = patch(
        &app,
        &w.council,
        "coordinator",
        &id,
        Some(&new_etag),
        &corrected,
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"].to_str().unwrap(), new_etag);
}
