//! Reopening: a closed case opened again within the scheme's window goes back to
//! `accepted` in a new round of clocks; its installation is counted once, the reopening
//! in its own row; after the window, a new referral is the route.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::today;
use crate::support::http::clock;
use crate::support::{TestApp, problem};

/// A case with works completed, its fire check recorded, then closed.
async fn closed(app: &TestApp) -> String {
    let w = &app.world;
    let id = app.case_with_works(true).await;
    let check = json!({"checked_on": today(), "outcome": "satisfactory"});
    app.act_ok(
        &w.fire_service,
        "fire_service",
        &id,
        "record-fire-check",
        Some(check),
    )
    .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "close",
        Some(json!({"reason": "completed"})),
    )
    .await;
    id
}

fn row(report: &Value, code: &str) -> Value {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap())
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row {code}"))["total"]["value"]
        .clone()
}

#[tokio::test]
async fn a_closed_case_reopens_into_a_new_round_and_is_counted_once() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = closed(&app).await;
    let (before, _) = app.read(&w.council, "coordinator", &id).await;
    let completed_at = before["works"]["completed_at"].clone();
    assert_eq!(before["workflow"]["round"], 1);

    let reopen = json!({"reason": "perpetrator_returned", "note": "CANARY-NOTE seen outside"});
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let by_referrer = app
        .act(
            &w.harbour,
            "referrer",
            &id,
            "reopen",
            &etag,
            Some(reopen.clone()),
        )
        .await;
    problem(by_referrer, StatusCode::FORBIDDEN).await;
    let (case, _) = app
        .act_ok(&w.council, "coordinator", &id, "reopen", Some(reopen))
        .await;
    assert_eq!(case["status"], "accepted");
    assert_eq!(case["workflow"]["round"], 2);
    assert!(case["workflow"]["reopened_at"].is_string());
    assert_eq!(case["workflow"]["ended_at"], Value::Null);
    assert_eq!(case["workflow"]["close_reason"], Value::Null);
    assert_eq!(case["workflow"]["fire_check_recorded_at"], Value::Null);
    // The new round's clocks: the assessor is to be referred again; the last round's
    // follow-up contacts are not this round's.
    assert_eq!(clock(&case, "refer_to_assessor")["state"], "running");
    assert!(
        case["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] != "follow_up_contact_12_months")
    );
    // The home is back on the register.
    let register = case["workflow"]["register"].as_array().unwrap();
    assert!(register.iter().any(|e| e["status"] == "active"));
    let timeline = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{id}/timeline"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(timeline.contains("\"reopen\"") && !timeline.contains("CANARY-NOTE"));

    // A second round of works: assessed, approved (the new item only), fitted.
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;
    let assessment = json!({"visit_date": today(), "recommended_measures": [
        {"measure_code": "door_chain_and_viewer", "quantity": 1, "location": "front door"}]});
    app.act_ok(
        &w.assessor,
        "assessor",
        &id,
        "record-assessment",
        Some(assessment),
    )
    .await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    let items = case["works"]["items"].as_array().unwrap().clone();
    let id_of =
        |test: &dyn Fn(&Value) -> bool| items.iter().find(|i| test(i)).unwrap()["id"].clone();
    let chain = id_of(&|i| i["measure_code"] == "door_chain_and_viewer");
    // A measure fitted in the first round is no longer for approval.
    let fitted = id_of(&|i| i["outcome"] == "installed");
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let again = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "approve-works",
            &etag,
            Some(json!({"items": [fitted]})),
        )
        .await;
    problem(again, StatusCode::UNPROCESSABLE_ENTITY).await;
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "approve-works",
            Some(json!({"items": [chain]})),
        )
        .await;
    let approved_now: Vec<&Value> = case["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["approved"] == true && i["outcome"].is_null())
        .collect();
    assert_eq!(approved_now.len(), 1);
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "order-works",
        Some(json!({"organisation_id": w.contractor.id})),
    )
    .await;
    app.act_ok(&w.contractor, "contractor", &id, "start-works", None)
        .await;
    let item = approved_now[0]["id"].clone();
    app.act_ok(
        &w.contractor,
        "contractor",
        &id,
        "complete-works",
        Some(
            json!({"results": [{"item_id": item, "installed": true, "actual_cost_pence": 3_500}]}),
        ),
    )
    .await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(
        case["works"]["completed_at"], completed_at,
        "counted at the first"
    );

    let report: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            "/api/v1/reports/monitoring?scheme=darlington",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(row(&report, "cases_reopened"), 1);
    assert_eq!(row(&report, "installations_completed"), 1);
    assert_eq!(row(&report, "referrals_received"), 1);
}

#[tokio::test]
async fn after_the_window_a_closed_case_stays_closed() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = closed(&app).await;
    // Closed thirteen months ago.
    let long_ago = time::OffsetDateTime::now_utc() - time::Duration::days(400);
    let db = app.store.connection();
    let backend = sea_orm::ConnectionTrait::get_database_backend(db);
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "UPDATE cases SET ended_at = $1 WHERE id = $2",
        _ => "UPDATE cases SET ended_at = ? WHERE id = ?",
    };
    let case_id: uuid::Uuid = id.parse().unwrap();
    sea_orm::ConnectionTrait::execute_raw(
        db,
        sea_orm::Statement::from_sql_and_values(backend, sql, [long_ago.into(), case_id.into()]),
    )
    .await
    .unwrap();
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let late = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "reopen",
            &etag,
            Some(json!({"reason": "new_incident"})),
        )
        .await;
    assert_eq!(
        problem(late, StatusCode::CONFLICT).await["code"],
        "reopen_window_passed"
    );
}
