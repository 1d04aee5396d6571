//! The fire service's part in a case: only where its measures need a fire check or the
//! referral records an arson risk, from acceptance, while the case is open.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set, today};
use crate::support::{TestApp, problem};

async fn fire_list(app: &TestApp) -> Vec<String> {
    let page: Value = app
        .get_as(
            &app.world.fire_service,
            &["fire_service"],
            "/api/v1/cases?limit=100",
        )
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

async fn fire_reads(app: &TestApp, id: &str) -> bool {
    let path = format!("/api/v1/cases/{id}");
    let response = app
        .get_as(&app.world.fire_service, &["fire_service"], &path)
        .await;
    match response.status() {
        StatusCode::OK => {
            let case: Value = response.json().await.unwrap();
            assert_eq!(case["view"], "fire_service");
            true
        }
        _ => {
            problem(response, StatusCode::NOT_FOUND).await;
            false
        }
    }
}

#[tokio::test]
async fn the_fire_service_sees_only_homes_that_need_it_from_acceptance_to_the_end() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // No arson risk, and works that need no fire check: none of its business.
    let mut body = fixtures::eligible("FS-1");
    set(&mut body, "/safety/arson_risk", json!({"present": false}));
    let quiet = app.refer_ok(&w.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.council, "coordinator", &quiet, "accept", None)
        .await;
    let assign = json!({"organisation_id": w.assessor.id});
    app.act_ok(
        &w.council,
        "coordinator",
        &quiet,
        "assign-assessor",
        Some(assign),
    )
    .await;
    let assessment = json!({"visit_date": today(), "recommended_measures": [
        {"measure_code": "deadlock", "quantity": 1, "location": "back door"},
    ]});
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &quiet,
            "record-assessment",
            Some(assessment),
        )
        .await;
    let item = case["works"]["items"][0]["id"].clone();
    app.act_ok(
        &w.council,
        "coordinator",
        &quiet,
        "approve-works",
        Some(json!({})),
    )
    .await;
    app.landlord_agrees(&quiet).await;
    let order = json!({"organisation_id": w.contractor.id});
    app.act_ok(
        &w.council,
        "coordinator",
        &quiet,
        "order-works",
        Some(order),
    )
    .await;
    app.act_ok(&w.contractor, "contractor", &quiet, "start-works", None)
        .await;
    let results = json!({"results": [
        {"item_id": item, "installed": true, "actual_cost_pence": 9_000},
    ]});
    let (done, _) = app
        .act_ok(
            &w.contractor,
            "contractor",
            &quiet,
            "complete-works",
            Some(results),
        )
        .await;
    assert_eq!(done["status"], "works_completed");
    assert!(
        !fire_reads(&app, &quiet).await,
        "works complete, no fire check needed"
    );

    // An arson risk: from acceptance, before any works, until the case ends.
    let risky = app.refer_ok(&w.harbour, &fixtures::eligible("FS-2")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!fire_reads(&app, &risky).await, "not before acceptance");
    app.act_ok(&w.council, "coordinator", &risky, "accept", None)
        .await;
    assert!(fire_reads(&app, &risky).await, "from acceptance");
    assert_eq!(
        fire_list(&app).await,
        vec![risky.clone()],
        "the list agrees"
    );

    // A fire-check measure recommended brings a case in, left out at approval takes it
    // out again.
    let mut body = fixtures::eligible("FS-3");
    set(&mut body, "/safety/arson_risk", json!({"present": false}));
    let room = app.refer_ok(&w.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.council, "coordinator", &room, "accept", None)
        .await;
    let assign = json!({"organisation_id": w.assessor.id});
    app.act_ok(
        &w.council,
        "coordinator",
        &room,
        "assign-assessor",
        Some(assign),
    )
    .await;
    assert!(!fire_reads(&app, &room).await);
    let assessment = json!({"visit_date": today(), "recommended_measures": [
        {"measure_code": "safe_room", "quantity": 1, "location": "ground-floor bedroom"},
        {"measure_code": "deadlock", "quantity": 1, "location": "back door"},
    ]});
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &room,
            "record-assessment",
            Some(assessment),
        )
        .await;
    assert!(fire_reads(&app, &room).await, "a safe room recommended");
    let deadlock = case["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["measure_code"] == "deadlock")
        .unwrap()["id"]
        .clone();
    app.act_ok(
        &w.council,
        "coordinator",
        &room,
        "approve-works",
        Some(json!({"items": [deadlock]})),
    )
    .await;
    assert!(
        !fire_reads(&app, &room).await,
        "the safe room was not approved"
    );

    app.act_ok(&w.harbour, "referrer", &risky, "withdraw", Some(json!({})))
        .await;
    assert!(!fire_reads(&app, &risky).await, "the case ended");
    assert!(fire_list(&app).await.is_empty());
}
