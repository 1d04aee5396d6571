//! Reassignment: another assessor or contractor takes a case over; the one replaced
//! loses it at once (hears that, then nothing), and the clocks run on.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures;
use crate::support::http::clock;
use crate::support::{Org, TestApp, problem, violations};

async fn reads(app: &TestApp, org: &Org, role: &str, id: &str) -> bool {
    let response = app
        .get_as(org, &[role], &format!("/api/v1/cases/{id}"))
        .await;
    match response.status() {
        StatusCode::OK => true,
        _ => {
            problem(response, StatusCode::NOT_FOUND).await;
            false
        }
    }
}

async fn listed(app: &TestApp, org: &Org, role: &str) -> Vec<String> {
    let page: Value = app
        .get_as(org, &[role], "/api/v1/cases?limit=100")
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn event_types(app: &TestApp, org: &Org, role: &str, id: &str) -> Vec<String> {
    let page: Value = app
        .get_as(org, &[role], "/api/v1/events?after=0&limit=100")
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["data"]["case_id"] == id)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn another_assessor_takes_the_case_over_and_the_first_loses_it_at_once() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.refer_ok(&w.harbour, &fixtures::eligible("RE-1")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "assign-assessor",
            Some(json!({"organisation_id": w.assessor.id})),
        )
        .await;
    let assessment_clock = clock(&case, "assessment").clone();
    assert!(reads(&app, &w.assessor, "assessor", &id).await);

    // Only the coordinator, only to another active assessor of the scheme, with a reason.
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let body = |org: &Org| json!({"organisation_id": org.id, "reason": "CPO on leave"});
    let by_assessor = app
        .act(
            &w.assessor,
            "assessor",
            &id,
            "reassign-assessor",
            &etag,
            Some(body(&w.other_assessor)),
        )
        .await;
    problem(by_assessor, StatusCode::FORBIDDEN).await;
    for (org, pointer) in [
        (&w.assessor, "/organisation_id"),
        (&w.tees_assessor, "/organisation_id"),
    ] {
        let refused = app
            .act(
                &w.council,
                "coordinator",
                &id,
                "reassign-assessor",
                &etag,
                Some(body(org)),
            )
            .await;
        let p = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(violations(&p)[0].0, pointer);
    }

    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "reassign-assessor",
            Some(body(&w.other_assessor)),
        )
        .await;
    assert_eq!(case["status"], "assessment");
    assert_eq!(
        case["workflow"]["assessor_organisation_id"],
        json!(w.other_assessor.id)
    );
    assert_eq!(
        clock(&case, "assessment"),
        &assessment_clock,
        "the clock runs on"
    );
    // The first assessor: the case is gone from its reads, its list and its feed.
    assert!(!reads(&app, &w.assessor, "assessor", &id).await);
    assert!(listed(&app, &w.assessor, "assessor").await.is_empty());
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let late = app
        .act(
            &w.assessor,
            "assessor",
            &id,
            "record-assessment",
            &etag,
            Some(json!({"visit_date": fixtures::today(), "recommended_measures": []})),
        )
        .await;
    problem(late, StatusCode::NOT_FOUND).await;
    assert_eq!(
        event_types(&app, &w.assessor, "assessor", &id)
            .await
            .last()
            .map(String::as_str),
        Some("case.assessor_reassigned")
    );
    // The new one takes it from here.
    assert!(reads(&app, &w.other_assessor, "assessor", &id).await);
    let assessment = json!({"visit_date": fixtures::today(), "recommended_measures": [
        {"measure_code": "deadlock", "quantity": 1, "location": "back door"}]});
    let (case, _) = app
        .act_ok(
            &w.other_assessor,
            "assessor",
            &id,
            "record-assessment",
            Some(assessment),
        )
        .await;
    assert_eq!(clock(&case, "assessment")["state"], "met");
    let before = event_types(&app, &w.assessor, "assessor", &id).await;
    assert_eq!(
        before.last().unwrap(),
        "case.assessor_reassigned",
        "nothing more"
    );
    // The timeline names both organisations, not the reason.
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
    let entry = timeline
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "reassign_assessor")
        .unwrap();
    assert_eq!(
        entry["data"]["previous_organisation_id"],
        json!(w.assessor.id)
    );
    assert!(!timeline.to_string().contains("CPO on leave"));
}

#[tokio::test]
async fn another_contractor_takes_an_unfinished_order_over() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(false).await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    let works_complete = clock(&case, "works_complete").clone();
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "reassign-contractor",
            Some(json!({"organisation_id": w.other_contractor.id, "reason": "Firm closed"})),
        )
        .await;
    assert_eq!(case["status"], "works_in_progress");
    assert_eq!(clock(&case, "works_complete"), &works_complete);
    assert!(!reads(&app, &w.contractor, "contractor", &id).await);
    assert!(listed(&app, &w.contractor, "contractor").await.is_empty());
    assert!(reads(&app, &w.other_contractor, "contractor", &id).await);
    let (case, etag) = app.read(&w.other_contractor, "contractor", &id).await;
    let results: Vec<Value> = case["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"item_id": i["id"], "installed": true, "actual_cost_pence": 10_000}))
        .collect();
    let done = app
        .act(
            &w.other_contractor,
            "contractor",
            &id,
            "complete-works",
            &etag,
            Some(json!({ "results": results })),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    // A finished order is not reassigned.
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let late = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "reassign-contractor",
            &etag,
            Some(json!({"organisation_id": w.contractor.id, "reason": "x"})),
        )
        .await;
    assert_eq!(
        problem(late, StatusCode::CONFLICT).await["code"],
        "invalid_transition"
    );
}
