//! Urgent cases: the scheme's urgent clocks, interim measures ordered at once and fitted
//! on their own clock, and the works clocks waiting while the client is in emergency
//! accommodation.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set, today};
use crate::support::http::clock;
use crate::support::{TestApp, problem, violations};

fn urgent(reference: &str, is: bool) -> Value {
    let mut body = fixtures::eligible(reference);
    set(&mut body, "/urgent", json!(is));
    set(
        &mut body,
        "/urgent_reason",
        json!("Perpetrator released on bail today"),
    );
    body
}

#[tokio::test]
async fn an_urgent_referral_runs_the_urgent_clocks() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let urgent_case = app.refer_ok(&w.harbour, &urgent("URG-1", true)).await;
    let standard = app.refer_ok(&w.harbour, &urgent("URG-2", false)).await;
    let first = clock(&urgent_case, "initial_contact");
    assert_eq!(
        (first["amount"].clone(), first["unit"].clone()),
        (json!(4), json!("hours"))
    );
    let first = clock(&standard, "initial_contact");
    assert_eq!(
        (first["amount"].clone(), first["unit"].clone()),
        (json!(2), json!("working_days"))
    );
    assert_eq!(
        urgent_case["referral"]["urgent_reason"],
        "Perpetrator released on bail today"
    );
    // The assessment: 2 working days instead of 5.
    let id = urgent_case["id"].as_str().unwrap();
    app.act_ok(&w.council, "coordinator", id, "accept", None)
        .await;
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            id,
            "assign-assessor",
            Some(json!({"organisation_id": w.assessor.id})),
        )
        .await;
    assert_eq!(clock(&case, "assessment")["amount"], 2);
}

#[tokio::test]
async fn interim_measures_are_ordered_at_once_fitted_on_their_clock_and_counted() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.refer_ok(&w.harbour, &urgent("URG-3", true)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let order = |items: Value| json!({"organisation_id": w.contractor.id, "items": items});
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let not_interim = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "order-interim-measures",
            &etag,
            Some(order(json!([{"measure_code": "safe_room", "quantity": 1}]))),
        )
        .await;
    let p = problem(not_interim, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        violations(&p),
        [(
            "/items/0/measure_code".to_owned(),
            "invalid_value".to_owned()
        )]
    );
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "order-interim-measures",
            Some(order(json!([
                {"measure_code": "emergency_lock_change", "quantity": 1, "location": "front door"},
                {"measure_code": "personal_safety_alarm", "quantity": 1}
            ]))),
        )
        .await;
    assert_eq!(case["status"], "received", "no step on the pathway");
    let items = case["works"]["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .all(|i| i["kind"] == "interim" && i["approved"] == true)
    );
    let c = clock(&case, "interim_measures");
    assert_eq!(
        (c["amount"].clone(), c["state"].clone()),
        (json!(1), json!("running"))
    );

    // The contractor sees what it must fit, and records it.
    let (view, etag) = app.read(&w.contractor, "contractor", &id).await;
    assert_eq!(view["view"], "contractor");
    assert!(view["property"]["address"]["postcode"].is_string());
    let fitted = json!({"results": [
        {"measure_code": "emergency_lock_change", "installed": true, "actual_cost_pence": 9_500},
        {"measure_code": "personal_safety_alarm", "installed": true, "actual_cost_pence": 2_400},
    ]});
    let response = app
        .act(
            &w.contractor,
            "contractor",
            &id,
            "record-interim-measures-fitted",
            &etag,
            Some(fitted),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(clock(&case, "interim_measures")["state"], "met");
    assert_eq!(case["works"]["works_cost_pence"], 11_900);
    assert!(case["workflow"]["interim_fitted_at"].is_string());
    let (_, etag) = app.read(&w.contractor, "contractor", &id).await;
    let again = app
        .act(
            &w.contractor,
            "contractor",
            &id,
            "record-interim-measures-fitted",
            &etag,
            Some(json!({"results": []})),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await["code"],
        "nothing_outstanding"
    );

    // The report counts the case as one with interim measures fitted.
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
    let row = report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap())
        .find(|r| r["code"] == "interim_measures_fitted")
        .unwrap();
    assert_eq!(row["total"]["value"], 1);
}

#[tokio::test]
async fn the_works_clocks_wait_while_the_client_is_away() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(false).await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    let due = case["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "works_complete")
        .unwrap()["due_at"]
        .clone();
    let away = json!({"placed": true, "kind": "refuge", "on": today()});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-emergency-accommodation",
            Some(away),
        )
        .await;
    assert_eq!(case["workflow"]["emergency_accommodation"], "refuge");
    assert_eq!(clock(&case, "works_complete")["state"], "paused");
    // Only a kind, and only a return when away.
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let no_kind = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "record-emergency-accommodation",
            &etag,
            Some(json!({"placed": true, "on": today()})),
        )
        .await;
    problem(no_kind, StatusCode::UNPROCESSABLE_ENTITY).await;
    let back = json!({"placed": false, "on": today()});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-emergency-accommodation",
            Some(back.clone()),
        )
        .await;
    assert_eq!(case["workflow"]["emergency_accommodation"], Value::Null);
    let complete = clock(&case, "works_complete");
    assert_eq!(complete["state"], "running");
    assert_eq!(
        complete["due_at"], due,
        "away and back the same day: no day lost"
    );
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let twice = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "record-emergency-accommodation",
            &etag,
            Some(back),
        )
        .await;
    assert_eq!(
        problem(twice, StatusCode::CONFLICT).await["code"],
        "nothing_outstanding"
    );
}
