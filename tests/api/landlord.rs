//! The landlord's permission: a rented home's works wait for it; it is asked for only
//! with the client's consent to contact the landlord (or a safeguarding decision), on a
//! clock; granted, works are ordered; refused, the case is cancelled for it.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set, today};
use crate::support::http::clock;
use crate::support::{TestApp, problem, violations};

/// A case of `body` taken as far as `works_approved`.
async fn approved(app: &TestApp, body: &Value) -> String {
    let w = &app.world;
    let id = app.refer_ok(&w.harbour, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let coordinator = |action: &'static str, body: Option<Value>| {
        let id = id.clone();
        async move {
            app.act_ok(&w.council, "coordinator", &id, action, body)
                .await
        }
    };
    coordinator(
        "accept",
        Some(json!({"override_reason": "Agreed with the IDVA"})),
    )
    .await;
    coordinator(
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;
    let assessment = json!({"visit_date": today(), "recommended_measures": [
        {"measure_code": "deadlock", "quantity": 1, "location": "back door"}]});
    app.act_ok(
        &w.assessor,
        "assessor",
        &id,
        "record-assessment",
        Some(assessment),
    )
    .await;
    coordinator("approve-works", None).await;
    id
}

async fn order(app: &TestApp, id: &str) -> reqwest::Response {
    let w = &app.world;
    let (_, etag) = app.read(&w.council, "coordinator", id).await;
    app.act(
        &w.council,
        "coordinator",
        id,
        "order-works",
        &etag,
        Some(json!({"organisation_id": w.contractor.id})),
    )
    .await
}

async fn record(app: &TestApp, id: &str, body: Value) -> reqwest::Response {
    let w = &app.world;
    let (_, etag) = app.read(&w.council, "coordinator", id).await;
    app.act(
        &w.council,
        "coordinator",
        id,
        "record-landlord-permission",
        &etag,
        Some(body),
    )
    .await
}

#[tokio::test]
async fn a_rented_homes_works_wait_for_the_landlords_permission() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // The full example's home is a housing association's.
    let id = approved(&app, &fixtures::eligible("LL-1")).await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(
        case["workflow"]["landlord_permission"]["status"],
        "required"
    );
    let refused = order(&app, &id).await;
    assert_eq!(
        problem(refused, StatusCode::CONFLICT).await["code"],
        "landlord_permission_required"
    );

    // Only the coordinator records it; a request says how, a grant by whom.
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let by_referrer = app
        .act(
            &w.harbour,
            "referrer",
            &id,
            "record-landlord-permission",
            &etag,
            Some(json!({"step": "requested", "on": today(), "method": "letter"})),
        )
        .await;
    problem(by_referrer, StatusCode::FORBIDDEN).await;
    let bare = record(&app, &id, json!({"step": "requested", "on": today()})).await;
    let p = problem(bare, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        violations(&p),
        [("/method".to_owned(), "required_by_answer".to_owned())]
    );

    let asked = record(
        &app,
        &id,
        json!({"step": "requested", "on": today(), "method": "email"}),
    )
    .await;
    assert_eq!(asked.status(), StatusCode::OK);
    let case: Value = asked.json().await.unwrap();
    assert_eq!(
        case["workflow"]["landlord_permission"]["status"],
        "requested"
    );
    assert_eq!(
        case["workflow"]["landlord_permission"]["requested_on"],
        today()
    );
    let c = clock(&case, "landlord_permission");
    assert_eq!(c["state"], "running");
    assert_eq!(c["amount"], 10);
    assert_eq!(c["unit"], "working_days");
    problem(order(&app, &id).await, StatusCode::CONFLICT).await;

    let granted = record(
        &app,
        &id,
        json!({"step": "granted", "on": today(), "granted_by": "CANARY-AGENT Lettings",
               "conditions": "CANARY-CONDITION master-key pattern"}),
    )
    .await;
    let case: Value = granted.json().await.unwrap();
    assert_eq!(case["workflow"]["landlord_permission"]["status"], "granted");
    assert_eq!(clock(&case, "landlord_permission")["state"], "met");
    assert_eq!(order(&app, &id).await.status(), StatusCode::OK);
    // Who granted it and the conditions are sealed notes: never on the timeline.
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
    assert!(timeline.contains("record_landlord_permission"));
    assert!(!timeline.contains("CANARY"));
    let export = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{id}/export"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(export.contains("CANARY-AGENT") && export.contains("CANARY-CONDITION"));
}

#[tokio::test]
async fn the_landlord_is_asked_only_with_consent_and_a_refusal_ends_the_works() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut no_contact = fixtures::eligible("LL-2");
    set(
        &mut no_contact,
        "/consents/landlord_contact",
        json!("refused"),
    );
    let id = approved(&app, &no_contact).await;
    let asked = record(
        &app,
        &id,
        json!({"step": "requested", "on": today(), "method": "letter"}),
    )
    .await;
    assert_eq!(
        problem(asked, StatusCode::CONFLICT).await["code"],
        "consent_required"
    );
    // A safeguarding decision may stand in for the consent.
    let review = (time::OffsetDateTime::now_utc().date() + time::Duration::days(60)).to_string();
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "record-safeguarding-decision",
        Some(
            json!({"purpose": "landlord_contact", "lawful_basis": "uk_gdpr_6_1_e_public_task",
                    "reason": "The door belongs to the association", "deciding_officer": "Lead",
                    "review_on": review}),
        ),
    )
    .await;
    let asked = record(
        &app,
        &id,
        json!({"step": "requested", "on": today(), "method": "letter"}),
    )
    .await;
    assert_eq!(asked.status(), StatusCode::OK);
    let no = record(
        &app,
        &id,
        json!({"step": "refused", "on": today(), "reason": "Listed building"}),
    )
    .await;
    let case: Value = no.json().await.unwrap();
    assert_eq!(case["workflow"]["landlord_permission"]["status"], "refused");
    assert!(
        case["allowed_actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "cancel")
    );
    problem(order(&app, &id).await, StatusCode::CONFLICT).await;
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "cancel",
            Some(json!({"reason": "landlord_refused"})),
        )
        .await;
    assert_eq!(case["workflow"]["cancel_reason"], "landlord_refused");
}

#[tokio::test]
async fn an_owned_home_needs_no_landlord_and_a_scheme_may_say_which_tenures_do() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut owned = fixtures::eligible("LL-3");
    set(&mut owned, "/household/tenure", json!("privately_owned"));
    let id = approved(&app, &owned).await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(
        case["workflow"]["landlord_permission"]["status"],
        "not_needed"
    );
    assert_eq!(order(&app, &id).await.status(), StatusCode::OK);

    crate::support::http::change_settings(&app, |settings| {
        assert_eq!(
            settings["landlord"]["permission_tenures"],
            json!([
                "council_housing",
                "housing_association",
                "privately_rented",
                "sheltered_or_supported",
                "refuge"
            ])
        );
        settings["landlord"]["permission_tenures"] = json!(["privately_rented"]);
    })
    .await;
    let id = approved(&app, &fixtures::eligible("LL-4")).await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(
        case["workflow"]["landlord_permission"]["status"],
        "not_needed"
    );
}
