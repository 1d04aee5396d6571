//! After the works: remedial works a fire check asks for (ordered and completed like
//! works, holding the close until done), reviews of the fitted equipment, and measures
//! taken out when no longer needed, shown on the case and in the register entry.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::today;
use crate::support::{TestApp, problem, violations};

async fn timeline(app: &TestApp, id: &str) -> String {
    let w = &app.world;
    app.get_as(
        &w.council,
        &["coordinator"],
        &format!("/api/v1/cases/{id}/timeline"),
    )
    .await
    .text()
    .await
    .unwrap()
}

fn item<'a>(case: &'a Value, code: &str, kind: &str) -> &'a Value {
    case["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["measure_code"] == code && i["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} {code} in {case:#}"))
}

#[tokio::test]
async fn a_fire_check_needing_action_opens_remedial_works_that_hold_the_close() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(true).await;
    let check = |outcome: &str| {
        json!({"checked_on": today(), "outcome": outcome, "remedial_works": [
            {"measure_code": "smoke_alarms", "quantity": 2, "location": "hall and landing"}
        ]})
    };
    assert_eq!(
        app.act_invalid(
            &w.fire_service,
            "fire_service",
            &id,
            "record-fire-check",
            check("satisfactory")
        )
        .await,
        [(
            "/remedial_works".to_owned(),
            "contradicts_answer".to_owned()
        )]
    );
    app.act_ok(
        &w.fire_service,
        "fire_service",
        &id,
        "record-fire-check",
        Some(check("actions_required")),
    )
    .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "record-follow-up-visit",
        Some(json!({"visited_on": today()})),
    )
    .await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    let remedial = item(&case, "smoke_alarms", "remedial");
    assert_eq!(remedial["approved"], false, "not ordered yet");
    assert_eq!(remedial["outcome"], Value::Null);
    let close = json!({"reason": "completed"});
    assert_eq!(
        app.act_refused(
            &w.council,
            "coordinator",
            &id,
            "close",
            close.clone(),
            StatusCode::CONFLICT
        )
        .await["code"],
        "remedial_works_outstanding"
    );

    // Nothing for a contractor to record before the order.
    let done = json!({"results": [
        {"measure_code": "smoke_alarms", "installed": true, "actual_cost_pence": 4_800}
    ]});
    assert_eq!(
        app.act_refused(
            &w.contractor,
            "contractor",
            &id,
            "complete-remedial-works",
            done.clone(),
            StatusCode::CONFLICT
        )
        .await["code"],
        "nothing_outstanding"
    );

    // Ordered from another contractor, who sees the case from then on.
    let path = format!("/api/v1/cases/{id}");
    let before = app
        .get_as(&w.other_contractor, &["contractor"], &path)
        .await;
    assert_eq!(before.status(), StatusCode::NOT_FOUND);
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "order-remedial-works",
        Some(json!({"organisation_id": w.other_contractor.id})),
    )
    .await;
    let (view, _) = app.read(&w.other_contractor, "contractor", &id).await;
    assert_eq!(item(&view, "smoke_alarms", "remedial")["approved"], true);
    let (case, _) = app
        .act_ok(
            &w.other_contractor,
            "contractor",
            &id,
            "complete-remedial-works",
            Some(done),
        )
        .await;
    assert_eq!(
        item(&case, "smoke_alarms", "remedial")["outcome"],
        "installed"
    );
    // The household's spend: the safe room (119,000) and the alarms.
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(case["works"]["works_cost_pence"], 123_800);
    app.act_ok(&w.council, "coordinator", &id, "close", Some(close))
        .await;
    let timeline = timeline(&app, &id).await;
    for action in ["order_remedial_works", "complete_remedial_works"] {
        assert!(timeline.contains(action), "{action} on the timeline");
    }
}

#[tokio::test]
async fn equipment_reviews_and_removals_show_on_the_case_and_the_register() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(true).await;
    app.act_ok(
        &w.fire_service,
        "fire_service",
        &id,
        "record-fire-check",
        Some(json!({"checked_on": today(), "outcome": "satisfactory"})),
    )
    .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "record-follow-up-visit",
        Some(json!({"visited_on": today()})),
    )
    .await;

    // Each item named by id or measure code.
    assert_eq!(
        app.act_invalid(
            &w.council,
            "coordinator",
            &id,
            "record-equipment-review",
            json!({"reviewed_on": today(), "items": [
                {"measure_code": "window_locks", "condition": "working"},
                {"condition": "working"},
                {"measure_code": "safe_room", "condition": "faulty"},
            ]})
        )
        .await,
        [("/items/1/item_id".to_owned(), "one_of_required".to_owned())]
    );
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-equipment-review",
            Some(json!({"reviewed_on": today(), "items": [
                {"measure_code": "safe_room", "condition": "no_longer_needed"},
            ]})),
        )
        .await;
    assert_eq!(case["status"], "follow_up");
    assert_eq!(
        item(&case, "safe_room", "works")["condition"],
        "no_longer_needed"
    );

    // The perpetrator is in prison for years: the safe room comes out.
    assert_eq!(
        app.act_invalid(
            &w.council,
            "coordinator",
            &id,
            "order-removal",
            json!({"organisation_id": w.contractor.id, "items": [
                {"measure_code": "window_locks"}
            ], "reason": "perpetrator_imprisoned"})
        )
        .await,
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
            "order-removal",
            Some(json!({"organisation_id": w.contractor.id, "items": [
                {"measure_code": "safe_room"}
            ], "reason": "perpetrator_imprisoned"})),
        )
        .await;
    assert_eq!(
        item(&case, "safe_room", "works")["removal"],
        json!({"status": "ordered", "reason": "perpetrator_imprisoned"})
    );
    assert_eq!(
        app.act_invalid(
            &w.contractor,
            "contractor",
            &id,
            "record-removal",
            json!({"results": [{"measure_code": "safe_room", "removed": true}]})
        )
        .await,
        [(
            "/results/0/cost_pence".to_owned(),
            "required_by_answer".to_owned()
        )]
    );
    app.act_ok(
        &w.contractor,
        "contractor",
        &id,
        "record-removal",
        Some(json!({"results": [
            {"measure_code": "safe_room", "removed": true, "cost_pence": 32_000}
        ]})),
    )
    .await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    let room = item(&case, "safe_room", "works");
    assert_eq!(
        room["removal"],
        json!({"status": "removed", "reason": "perpetrator_imprisoned", "cost_pence": 32_000})
    );
    assert_eq!(room["actual_cost_pence"], 119_000, "what fitting it cost");
    assert_eq!(case["works"]["works_cost_pence"], 151_000);

    // The control room learns the home has no safe room any more.
    let register: Value = app
        .get_as(
            &w.fire_service,
            &["fire_service"],
            "/api/v1/register?scheme=darlington&limit=100",
        )
        .await
        .json()
        .await
        .unwrap();
    let entry = register["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["case_id"] == id.as_str())
        .unwrap();
    assert_eq!(entry["home"]["safe_room"]["status"], "removed");
    assert_eq!(entry["home"]["removed_measures"], json!(["safe_room"]));
    let events: Value = app
        .get_as(
            &w.fire_service,
            &["fire_service"],
            "/api/v1/events?after=0&limit=100",
        )
        .await
        .json()
        .await
        .unwrap();
    let updated: Vec<&Value> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "register.entry_updated")
        .collect();
    assert!(
        updated
            .iter()
            .any(|e| e["data"]["register_entry_id"] == entry["id"]),
        "told of the change: {events:#}"
    );

    // Reviews go on after the case closes; what came out is no longer there to review.
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "close",
        Some(json!({"reason": "completed"})),
    )
    .await;
    assert_eq!(
        app.act_invalid(
            &w.council,
            "coordinator",
            &id,
            "record-equipment-review",
            json!({"reviewed_on": today(), "items": [
                {"measure_code": "safe_room", "condition": "working"},
            ]})
        )
        .await,
        [(
            "/items/0/measure_code".to_owned(),
            "invalid_value".to_owned()
        )]
    );
}

/// Every order names a contractor of the scheme: an assessor, another scheme's
/// contractor or an unknown organisation is refused (interim, remedial and removal
/// orders too, not only the works order).
#[tokio::test]
async fn every_order_goes_to_a_contractor_of_the_scheme() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(true).await;
    app.act_ok(
        &w.fire_service,
        "fire_service",
        &id,
        "record-fire-check",
        Some(
            json!({"checked_on": today(), "outcome": "actions_required", "remedial_works": [
                {"measure_code": "smoke_alarms", "quantity": 1}
            ]}),
        ),
    )
    .await;
    let unknown = uuid::Uuid::now_v7();
    for (action, extra) in [
        ("order-remedial-works", json!({})),
        (
            "order-removal",
            json!({"items": [{"measure_code": "safe_room"}], "reason": "client_moved"}),
        ),
    ] {
        for not_a_contractor in [w.assessor.id, w.tees_assessor.id, unknown] {
            let mut body = extra.clone();
            body["organisation_id"] = json!(not_a_contractor);
            let (_, etag) = app.read(&w.council, "coordinator", &id).await;
            let refused = app
                .act(&w.council, "coordinator", &id, action, &etag, Some(body))
                .await;
            let p = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(
                violations(&p),
                [("/organisation_id".to_owned(), "invalid_value".to_owned())],
                "{action} to {not_a_contractor}"
            );
        }
    }
    let urgent = app
        .refer_ok(&w.harbour, &crate::support::fixtures::eligible("ORD-1"))
        .await;
    let urgent = urgent["id"].as_str().unwrap();
    assert_eq!(
        app.act_invalid(
            &w.council,
            "coordinator",
            urgent,
            "order-interim-measures",
            json!({"organisation_id": w.assessor.id, "items": [
                {"measure_code": "emergency_lock_change", "quantity": 1}
            ]})
        )
        .await,
        [("/organisation_id".to_owned(), "invalid_value".to_owned())]
    );
}
