//! Access follows membership, now: an organisation's relation to a case (it referred
//! it, assesses it, holds its works order) counts only while it holds the matching role
//! in the case's scheme. Removed, demoted or deactivated, it sees the case exactly as a
//! missing one; re-added, it sees it again.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::support::fixtures::{self, today};
use crate::support::http::{admin, send, set_roles, without_request_id};
use crate::support::{Org, TestApp, problem};

async fn remove_member(app: &TestApp, org: &Org) {
    let path = format!("/api/v1/admin/schemes/darlington/members/{}", org.id);
    let response = send(app, Method::DELETE, &path, &admin(app), None, None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

async fn roles(app: &TestApp, org: &Org, roles: Value) {
    let response = set_roles(app, "darlington", org, roles).await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// Status and body with the request id blanked, to compare with a missing case's.
async fn answer(response: Response) -> (StatusCode, String) {
    let status = response.status();
    (status, without_request_id(&response.text().await.unwrap()))
}

/// The caller's answer for `case` must be byte-identical to a nonexistent case's.
async fn looks_missing(app: &TestApp, org: &Org, role: &str, case: &str) {
    let missing = uuid::Uuid::now_v7();
    let seen = answer(
        app.get_as(org, &[role], &format!("/api/v1/cases/{case}"))
            .await,
    )
    .await;
    let absent = answer(
        app.get_as(org, &[role], &format!("/api/v1/cases/{missing}"))
            .await,
    )
    .await;
    assert_eq!(seen.0, StatusCode::NOT_FOUND, "{role} still sees the case");
    assert_eq!(seen, absent, "the refusal must look like a missing case");
}

async fn listed(app: &TestApp, org: &Org, role: &str, case: &str) -> bool {
    let response = app.get_as(org, &[role], "/api/v1/cases?limit=100").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|item| item["id"] == case)
}

#[tokio::test]
async fn a_referrer_removed_from_the_scheme_loses_its_cases_until_it_is_added_again() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    assert!(listed(&app, &w.harbour, "referrer", &id).await);

    remove_member(&app, &w.harbour).await;
    looks_missing(&app, &w.harbour, "referrer", &id).await;
    assert!(!listed(&app, &w.harbour, "referrer", &id).await);
    let timeline = app
        .get_as(
            &w.harbour,
            &["referrer"],
            &format!("/api/v1/cases/{id}/timeline"),
        )
        .await;
    problem(timeline, StatusCode::NOT_FOUND).await;
    let withdraw = app
        .act(
            &w.harbour,
            "referrer",
            &id,
            "withdraw",
            "\"1\"",
            Some(json!({})),
        )
        .await;
    problem(withdraw, StatusCode::NOT_FOUND).await;

    roles(&app, &w.harbour, json!(["referrer"])).await;
    let (case, _) = app.read(&w.harbour, "referrer", &id).await;
    assert_eq!(case["view"], "full");
    assert!(listed(&app, &w.harbour, "referrer", &id).await);
}

#[tokio::test]
async fn a_contractor_removed_from_the_scheme_can_no_longer_complete_the_works() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(false).await;
    let (case, etag) = app.read(&w.contractor, "contractor", &id).await;
    assert_eq!(case["view"], "contractor");
    let item = case["works"]["items"][0]["id"].clone();

    remove_member(&app, &w.contractor).await;
    looks_missing(&app, &w.contractor, "contractor", &id).await;
    assert!(!listed(&app, &w.contractor, "contractor", &id).await);
    let done = json!({"results": [{"item_id": item, "installed": true, "actual_cost_pence": 100}]});
    let response = app
        .act(
            &w.contractor,
            "contractor",
            &id,
            "complete-works",
            &etag,
            Some(done),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(case["status"], "works_in_progress", "nothing changed");
}

#[tokio::test]
async fn an_assessor_whose_role_was_taken_away_loses_the_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.refer_ok(&w.harbour, &fixtures::eligible("RA-1")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    let (_, etag) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "assign-assessor",
            Some(json!({"organisation_id": w.assessor.id})),
        )
        .await;
    // Still a member of the scheme, but no longer its assessor.
    roles(&app, &w.assessor, json!(["funder"])).await;
    looks_missing(&app, &w.assessor, "assessor", &id).await;
    assert!(!listed(&app, &w.assessor, "assessor", &id).await);
    let assessment = json!({"visit_date": today(), "recommended_measures": [
        {"measure_code": "deadlock", "quantity": 1}]});
    let response = app
        .act(
            &w.assessor,
            "assessor",
            &id,
            "record-assessment",
            &etag,
            Some(assessment),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;

    roles(&app, &w.assessor, json!(["assessor"])).await;
    let (case, _) = app.read(&w.assessor, "assessor", &id).await;
    assert_eq!(case["view"], "full");
}

#[tokio::test]
async fn a_deactivated_organisation_is_refused_and_reactivated_sees_its_cases_again() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.refer_ok(&w.harbour, &fixtures::minimal()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/admin/organisations/{}", w.harbour.id);
    let etag = send(&app, Method::GET, &path, &admin(&app), None, None)
        .await
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let patch = |etag: String, active: bool| {
        app.client
            .patch(app.url(&path))
            .bearer_auth(app.token(&w.operator, &["admin"]))
            .header("If-Match", etag)
            .json(&json!({"active": active}))
            .send()
    };
    let response = patch(etag, false).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let refused = app
        .get_as(&w.harbour, &["referrer"], &format!("/api/v1/cases/{id}"))
        .await;
    problem(refused, StatusCode::UNAUTHORIZED).await;
    let response = patch(etag, true).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let (case, _) = app.read(&w.harbour, "referrer", &id).await;
    assert_eq!(case["view"], "full");
}
