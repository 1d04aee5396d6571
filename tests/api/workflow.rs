//! Walking cases through the workflow, every path, as the organisations that act.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::http::clock;
use crate::support::{TestApp, problem, violations};

fn id(case: &Value) -> String {
    case["id"].as_str().unwrap().to_owned()
}

/// The names of `allowed_actions` (a case's, or a 409 problem's), checking each link:
/// a POST to the action's route on this case.
fn actions(case: &Value) -> Vec<String> {
    let id = case["id"].as_str();
    case["allowed_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| {
            let action = link["action"].as_str().unwrap().to_owned();
            assert_eq!(link["method"], "POST", "{link}");
            let href = link["href"].as_str().unwrap();
            let tail = match action.as_str() {
                "record_consent" => "consents".to_owned(),
                "record_risk_assessment" => "risk-assessments".to_owned(),
                "set_legal_hold" => "legal-hold".to_owned(),
                other => other.replace('_', "-"),
            };
            assert!(href.starts_with("/api/v1/cases/"), "{href}");
            assert!(href.ends_with(&format!("/{tail}")), "{href} for {action}");
            if let Some(id) = id {
                assert_eq!(href, format!("/api/v1/cases/{id}/{tail}"));
            }
            action
        })
        .collect()
}

/// A referral that meets the default eligibility rules (so accepting needs no override).
fn eligible() -> Value {
    let mut body = fixtures::minimal();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    body
}

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

#[tokio::test]
async fn a_case_runs_from_referral_to_closed_with_every_organisation_playing_its_part() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &eligible()).await;
    let id = id(&case);
    assert_eq!(clock(&case, "initial_contact")["state"], "running");

    let contact = json!({"method": "phone", "outcome": "spoke_to_client"});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-contact",
            Some(contact),
        )
        .await;
    assert_eq!(clock(&case, "initial_contact")["state"], "met");
    let (case, _) = app
        .act_ok(&w.council, "coordinator", &id, "accept", Some(json!({})))
        .await;
    assert_eq!(case["status"], "accepted");
    assert_eq!(
        actions(&case),
        [
            "assign_assessor",
            "record_contact",
            "record_risk_assessment",
            "record_referral_made",
            "order_interim_measures",
            "record_emergency_accommodation",
            "record_safeguarding_decision",
            "cancel",
            "hold",
            "withdraw",
            "record_consent",
            "set_legal_hold",
            "review_register_entry",
            "remove_register_entry"
        ]
    );
    let assign = json!({"organisation_id": w.assessor.id});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "assign-assessor",
            Some(assign),
        )
        .await;
    assert_eq!(case["status"], "assessment");
    assert_eq!(clock(&case, "refer_to_assessor")["state"], "met");
    assert_eq!(clock(&case, "assessment")["state"], "running");

    let assessment = json!({
        "visit_date": today(),
        "findings": "Back door frame split; ground-floor bedroom suits a safe room",
        "recommended_measures": [
            {"measure_code": "safe_room", "quantity": 1, "location": "ground-floor bedroom"},
            {"measure_code": "door_chain_and_viewer", "quantity": 1, "location": "front door"},
            {"measure_code": "window_locks", "quantity": 4, "estimated_cost_pence": 9000},
        ],
    });
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &id,
            "record-assessment",
            Some(assessment),
        )
        .await;
    assert_eq!(case["status"], "assessed");
    let items = case["works"]["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["estimated_cost_pence"], 120_000);
    assert_eq!(items[2]["estimated_cost_pence"], 9000);

    let approve = json!({"items": [items[0]["id"], items[1]["id"]]});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "approve-works",
            Some(approve),
        )
        .await;
    assert_eq!(case["works"]["approved_cost_pence"], 123_500);
    let order = json!({"organisation_id": w.contractor.id});
    let (case, _) = app
        .act_ok(&w.council, "coordinator", &id, "order-works", Some(order))
        .await;
    assert_eq!(case["status"], "works_ordered");
    assert_eq!(clock(&case, "works_start")["state"], "running");
    assert_eq!(clock(&case, "works_complete")["unit"], "calendar_days");

    let (case, _) = app
        .act_ok(&w.contractor, "contractor", &id, "start-works", None)
        .await;
    assert_eq!(case["status"], "works_in_progress");
    assert_eq!(case["view"], "contractor");
    let results = json!({"results": [
        {"item_id": items[0]["id"], "installed": true, "actual_cost_pence": 118_000},
        {"item_id": items[1]["id"], "installed": false, "reason": "Door too thin for a viewer; chain fitted next visit"},
    ]});
    let (case, _) = app
        .act_ok(
            &w.contractor,
            "contractor",
            &id,
            "complete-works",
            Some(results),
        )
        .await;
    assert_eq!(case["status"], "works_completed");
    assert_eq!(case["works"]["works_cost_pence"], 118_000);

    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(clock(&case, "works_complete")["state"], "met");
    for kind in [
        "fire_safety_check",
        "follow_up_visit",
        "follow_up_contact_3_months",
        "follow_up_contact_12_months",
    ] {
        assert_eq!(clock(&case, kind)["state"], "running", "{kind}");
    }
    // A safe room was fitted: the fire service must check it before the case closes.
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let early = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "close",
            &etag,
            Some(json!({"reason": "completed"})),
        )
        .await;
    assert_eq!(
        problem(early, StatusCode::CONFLICT).await["code"],
        "fire_check_required"
    );
    let check = json!({"checked_on": today(), "outcome": "satisfactory"});
    app.act_ok(
        &w.fire_service,
        "fire_service",
        &id,
        "record-fire-check",
        Some(check),
    )
    .await;
    let visit =
        json!({"visited_on": today(), "notes": "Client shown how to use the safe room lock"});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-follow-up-visit",
            Some(visit),
        )
        .await;
    assert_eq!(case["status"], "follow_up");
    let follow_up = json!({"contacted_on": today(), "milestone_months": 3, "feels_safer": "yes"});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-follow-up-contact",
            Some(follow_up),
        )
        .await;
    assert_eq!(clock(&case, "follow_up_contact_3_months")["state"], "met");
    let close = json!({"reason": "completed", "still_living_at_home": "yes",
                       "feels_safer": "yes", "further_incidents": "no",
                       "onward_referrals": ["idva", "housing_options", "idva"]});
    let (case, _) = app
        .act_ok(&w.council, "coordinator", &id, "close", Some(close))
        .await;
    assert_eq!(case["status"], "closed");
    assert_eq!(case["workflow"]["close_reason"], "completed");
    assert_eq!(
        case["workflow"]["close_outcome"],
        json!({"still_living_at_home": "yes", "feels_safer": "yes", "further_incidents": "no",
               "onward_referrals": ["idva", "housing_options"]})
    );
    // A closed case takes the follow-up contacts the client consented to (their clocks
    // run on), reviews and removals of what was fitted, a reopening, consent changes and
    // a legal hold; the register entries came off with it.
    assert_eq!(
        actions(&case),
        [
            "record_follow_up_contact",
            "record_equipment_review",
            "order_removal",
            "reopen",
            "record_consent",
            "set_legal_hold"
        ]
    );
    for kind in ["follow_up_contact_6_months", "follow_up_contact_12_months"] {
        assert_eq!(clock(&case, kind)["state"], "running", "{kind}");
    }
    let six = json!({"contacted_on": today(), "milestone_months": 6, "feels_safer": "yes",
                     "still_living_at_home": "no", "further_incidents": "yes"});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-follow-up-contact",
            Some(six),
        )
        .await;
    assert_eq!(case["status"], "closed");
    assert_eq!(clock(&case, "follow_up_contact_6_months")["state"], "met");
    // What the works achieved, this year: the two contacts' answers and the closing's
    // (the 3-month contact did not say whether the client is still at home).
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
    let total =
        |code: &str| crate::support::http::report_row(&report, code)["total"]["value"].clone();
    for (code, n) in [
        ("outcomes.answers", 3),
        ("felt_safer.yes", 3),
        ("still_at_home.3_months.unknown", 1),
        ("still_at_home.6_months.no", 1),
        ("still_at_home.at_closing.yes", 1),
        ("still_at_home.12_months.yes", 0),
        ("further_incidents.unknown", 1),
        ("further_incidents.yes", 1),
        ("further_incidents.no", 1),
    ] {
        assert_eq!(total(code), n, "{code}");
    }

    // The timeline has every step, by whom, and no free text.
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
    let steps: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "create_referral",
            "record_contact",
            "accept",
            "assign_assessor",
            "record_assessment",
            "approve_works",
            "order_works",
            "start_works",
            "complete_works",
            "record_fire_check",
            "record_follow_up_visit",
            "record_follow_up_contact",
            "close",
            "record_follow_up_contact",
        ]
    );
    let entries = timeline.as_array().unwrap();
    assert_eq!(
        entries[4]["actor"]["organisation"]["id"],
        w.assessor.id.to_string()
    );
    assert_eq!(entries[4]["actor"]["role"], "assessor");
    assert_eq!(
        entries[4]["data"]["recommended"],
        json!(["safe_room", "door_chain_and_viewer", "window_locks"])
    );
    assert_eq!(entries[7]["from_status"], "works_ordered");
    let text = timeline.to_string();
    for free_text in [
        "Back door frame split",
        "Door too thin",
        "safe room lock",
        "Alex Smith",
    ] {
        assert!(!text.contains(free_text), "{free_text} in the timeline");
    }
}

#[tokio::test]
async fn declining_needs_a_reason_and_ends_the_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = id(&app.refer_ok(&w.harbour, &eligible()).await);
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let p = problem(
        app.act(
            &w.council,
            "coordinator",
            &id,
            "decline",
            &etag,
            Some(json!({"reason": "other"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [("/other".to_owned(), "required_by_answer".to_owned())]
    );
    let bad = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "decline",
            &etag,
            Some(json!({"reason": "because"})),
        )
        .await;
    problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "decline",
            Some(json!({"reason": "out_of_area"})),
        )
        .await;
    assert_eq!(case["status"], "declined");
    assert_eq!(case["workflow"]["decline_reason"], "out_of_area");
    assert!(case["workflow"]["decided_at"].is_string());
    assert_eq!(clock(&case, "initial_contact")["state"], "cancelled");
    // An ended case only takes consent changes (and a legal hold).
    assert_eq!(actions(&case), ["record_consent", "set_legal_hold"]);
}

#[tokio::test]
async fn a_case_on_hold_pauses_its_clocks_and_resumes_where_it_was() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = id(&app.refer_ok(&w.harbour, &eligible()).await);
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    let hold = json!({"reason": "waiting_for_contractor", "note": "Contractor's locksmith off until the 5th"});
    let (case, _) = app
        .act_ok(&w.council, "coordinator", &id, "hold", Some(hold))
        .await;
    assert_eq!(case["status"], "on_hold");
    assert_eq!(case["workflow"]["held_from"], "accepted");
    assert_eq!(case["workflow"]["hold_reason"], "waiting_for_contractor");
    assert_eq!(clock(&case, "refer_to_assessor")["state"], "paused");
    // Paused on its start day: its one working day is still to run.
    assert_eq!(
        clock(&case, "refer_to_assessor")["working_days_remaining"],
        1
    );
    assert_eq!(
        actions(&case),
        [
            "record_contact",
            "record_risk_assessment",
            "record_referral_made",
            "order_interim_measures",
            "record_emergency_accommodation",
            "record_safeguarding_decision",
            "cancel",
            "resume",
            "withdraw",
            "record_consent",
            "set_legal_hold",
            "review_register_entry",
            "remove_register_entry"
        ]
    );
    // Assigning is not possible while on hold.
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let p = problem(
        app.act(
            &w.council,
            "coordinator",
            &id,
            "assign-assessor",
            &etag,
            Some(json!({"organisation_id": w.assessor.id})),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "invalid_transition");
    assert_eq!(p["current_status"], "on_hold");
    let (case, _) = app
        .act_ok(&w.council, "coordinator", &id, "resume", None)
        .await;
    assert_eq!(case["status"], "accepted");
    assert_eq!(case["workflow"]["held_from"], Value::Null);
    assert_eq!(clock(&case, "refer_to_assessor")["state"], "running");
}

#[tokio::test]
async fn cancelling_records_the_reason_and_ends_the_clocks() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = id(&app.refer_ok(&w.harbour, &eligible()).await);
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let p = problem(
        app.act(
            &w.council,
            "coordinator",
            &id,
            "cancel",
            &etag,
            Some(json!({"reason": "client_moved"})),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(
        actions(&p),
        [
            "accept",
            "decline",
            "record_contact",
            "record_risk_assessment",
            "record_referral_made",
            "order_interim_measures",
            "record_emergency_accommodation",
            "record_safeguarding_decision",
            "hold",
            "withdraw",
            "record_consent",
            "set_legal_hold"
        ]
    );
    assert_eq!(
        p["allowed_actions"][0]["href"],
        format!("/api/v1/cases/{id}/accept")
    );
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "cancel",
            Some(json!({"reason": "perpetrator_returned"})),
        )
        .await;
    assert_eq!(case["status"], "cancelled");
    assert_eq!(case["workflow"]["cancel_reason"], "perpetrator_returned");
    assert!(case["workflow"]["ended_at"].is_string());
    assert_eq!(clock(&case, "assessment")["state"], "cancelled");
    // The assessor no longer has anything to do on it.
    let (case, _) = app.read(&w.assessor, "assessor", &id).await;
    assert!(actions(&case).is_empty());
}

#[tokio::test]
async fn the_referrer_can_record_that_the_client_withdrew() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = id(&app.refer_ok(&w.harbour, &eligible()).await);
    let (case, _) = app
        .act_ok(
            &w.harbour,
            "referrer",
            &id,
            "withdraw",
            Some(json!({"note": "Client moving to family"})),
        )
        .await;
    assert_eq!(case["status"], "withdrawn");
    // An ended case only takes consent changes.
    assert_eq!(actions(&case), ["record_consent"]);
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(clock(&case, "initial_contact")["state"], "cancelled");
}

#[tokio::test]
async fn accepting_needs_consent_and_a_reason_to_override_eligibility_warnings() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let refused = id(&app.refer_ok(&w.harbour, &fixtures::consent_refused()).await);
    let (_, etag) = app.read(&w.council, "coordinator", &refused).await;
    let p = problem(
        app.act(&w.council, "coordinator", &refused, "accept", &etag, None)
            .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "consent_required");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("installation, information_sharing")
    );

    // The minimal example does not say the perpetrator is gone or the client wants to stay.
    let unclear = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    assert_eq!(
        unclear["workflow"]["eligibility_warnings"],
        json!([
            "perpetrator_may_live_at_property",
            "client_may_not_wish_to_remain"
        ])
    );
    let unclear = id(&unclear);
    let (_, etag) = app.read(&w.council, "coordinator", &unclear).await;
    let p = problem(
        app.act(
            &w.council,
            "coordinator",
            &unclear,
            "accept",
            &etag,
            Some(json!({})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [(
            "/override_reason".to_owned(),
            "required_by_answer".to_owned()
        )]
    );
    let reason = json!({"override_reason": "IDVA confirmed by phone: perpetrator in custody; client staying"});
    let (case, _) = app
        .act_ok(&w.council, "coordinator", &unclear, "accept", Some(reason))
        .await;
    assert_eq!(case["status"], "accepted");
    let timeline: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{unclear}/timeline"),
        )
        .await
        .json()
        .await
        .unwrap();
    let accept = &timeline.as_array().unwrap()[1];
    assert_eq!(
        accept["data"]["overridden_warning"],
        json!([
            "perpetrator_may_live_at_property",
            "client_may_not_wish_to_remain"
        ])
    );
    assert!(
        !timeline.to_string().contains("custody"),
        "the reason is a note, not event data"
    );
}

#[tokio::test]
async fn assignments_go_only_to_the_schemes_own_organisations() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = id(&app.refer_ok(&w.harbour, &eligible()).await);
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    for org in [&w.tees_assessor, &w.contractor, &w.harbour] {
        let body = json!({"organisation_id": org.id});
        let p = problem(
            app.act(
                &w.council,
                "coordinator",
                &id,
                "assign-assessor",
                &etag,
                Some(body),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(
            violations(&p),
            [("/organisation_id".to_owned(), "invalid_value".to_owned())],
            "{}",
            org.name
        );
    }
}

#[tokio::test]
async fn approvals_over_the_household_limit_need_the_funders_reference() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = id(&app.refer_ok(&w.harbour, &eligible()).await);
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;
    let assessment = json!({"visit_date": today(), "recommended_measures": [
        {"measure_code": "safe_room", "quantity": 1},
        {"measure_code": "window_grilles", "quantity": 4},
    ]});
    app.act_ok(
        &w.assessor,
        "assessor",
        &id,
        "record-assessment",
        Some(assessment),
    )
    .await;
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let p = problem(
        app.act(
            &w.council,
            "coordinator",
            &id,
            "approve-works",
            &etag,
            Some(json!({})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [(
            "/funder_approval_reference".to_owned(),
            "required_by_answer".to_owned()
        )]
    );
    assert!(
        p.to_string().contains("£2200.00") && p.to_string().contains("£2000.00"),
        "{p}"
    );
    let funded = json!({"funder_approval_reference": "PCC-2026-0117"});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "approve-works",
            Some(funded),
        )
        .await;
    assert_eq!(case["works"]["approved_cost_pence"], 220_000);
    assert_eq!(case["works"]["funder_approval_reference"], "PCC-2026-0117");
}

#[tokio::test]
async fn follow_up_contacts_need_the_clients_consent() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // This client refuses follow-up contact (the full example's gives it).
    let mut body = fixtures::full();
    set(&mut body, "/consents/follow_up_contact", json!("refused"));
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    let id = id(&app.refer_ok(&w.harbour, &body).await);
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;
    let assessment = json!({"visit_date": today(), "recommended_measures": [{"measure_code": "deadlock", "quantity": 1}]});
    app.act_ok(
        &w.assessor,
        "assessor",
        &id,
        "record-assessment",
        Some(assessment),
    )
    .await;
    app.act_ok(&w.council, "coordinator", &id, "approve-works", None)
        .await;
    app.landlord_agrees(&id).await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "order-works",
        Some(json!({"organisation_id": w.contractor.id})),
    )
    .await;
    let (case, _) = app
        .act_ok(&w.contractor, "contractor", &id, "start-works", None)
        .await;
    let item = case["works"]["items"][0]["id"].clone();
    let done =
        json!({"results": [{"item_id": item, "installed": true, "actual_cost_pence": 8_500}]});
    app.act_ok(
        &w.contractor,
        "contractor",
        &id,
        "complete-works",
        Some(done),
    )
    .await;
    let (case, etag) = app.read(&w.council, "coordinator", &id).await;
    let kinds: Vec<&str> = case["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(
        !kinds.iter().any(|k| k.starts_with("follow_up_contact")),
        "no consent, no follow-up clocks: {kinds:?}"
    );
    let contact = json!({"contacted_on": today(), "milestone_months": 3, "feels_safer": "yes"});
    let p = problem(
        app.act(
            &w.council,
            "coordinator",
            &id,
            "record-follow-up-contact",
            &etag,
            Some(contact),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "follow_up_consent_required");
    // No fire check needed for a deadlock: the case can close.
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "close",
            Some(json!({"reason": "completed"})),
        )
        .await;
    assert_eq!(case["status"], "closed");
}

#[tokio::test]
async fn reassessment_may_raise_the_risk_level_but_never_lower_it() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // Score 16 (high) and referred to MARAC.
    let id = id(&app.refer_ok(&w.harbour, &fixtures::full()).await);
    let (_, etag) = app.read(&w.harbour, "referrer", &id).await;
    let lower =
        json!({"dash": {"completed": true, "score": 15}, "professional_judgement": "medium"});
    let p = problem(
        app.act(
            &w.harbour,
            "referrer",
            &id,
            "risk-assessments",
            &etag,
            Some(lower),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [(
            "/professional_judgement".to_owned(),
            "contradicts_answer".to_owned()
        )]
    );
    let raised = json!({
        "dash": {"completed": true, "score": 9},
        "professional_judgement": "high",
        "incidents_last_12_months": 4,
        "new_incident": true,
    });
    let (case, _) = app
        .act_ok(
            &w.harbour,
            "referrer",
            &id,
            "risk-assessments",
            Some(raised),
        )
        .await;
    assert_eq!(case["risk_level"], "high");
    assert_eq!(case["dash_score"], 9);
    let flags = case["flags"].as_array().unwrap();
    assert!(flags.contains(&json!("potential_escalation")), "{flags:?}");
    assert!(
        flags.contains(&json!("repeat_marac_referral_needed")),
        "a new incident within 12 months of MARAC"
    );
    assert!(flags.contains(&json!("arson_risk")), "other flags stay");
    let history: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{id}/risk-assessments"),
        )
        .await
        .json()
        .await
        .unwrap();
    let levels: Vec<(&str, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["source"].as_str().unwrap(), r["level"].as_str().unwrap()))
        .collect();
    assert_eq!(levels, [("referral", "high"), ("reassessment", "high")]);
    assert_eq!(history[1]["professional_judgement"], "high");
}

/// Contractors think in measures: a result may name its item by `measure_code` when the
/// case has one approved item of that measure.
#[tokio::test]
async fn works_results_name_their_item_by_id_or_by_measure_code() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(false).await;
    let (case, etag) = app.read(&w.contractor, "contractor", &id).await;
    let safe_room = case["works"]["items"][0]["id"].clone();
    let bad = json!({"results": [
        {"item_id": safe_room, "measure_code": "safe_room", "installed": true, "actual_cost_pence": 1},
        {"installed": true, "actual_cost_pence": 1},
        {"measure_code": "deadlock", "installed": true, "actual_cost_pence": 1},
    ]});
    let refused = app
        .act(
            &w.contractor,
            "contractor",
            &id,
            "complete-works",
            &etag,
            Some(bad),
        )
        .await;
    let p = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    let found = violations(&p);
    for (pointer, code) in [
        ("/results/0/measure_code", "exclusive_choice"),
        ("/results/1/item_id", "one_of_required"),
    ] {
        assert!(
            found.contains(&(pointer.to_owned(), code.to_owned())),
            "{pointer} {code} in {found:?}"
        );
    }
    let by_measure = json!({"results": [
        {"measure_code": "safe_room", "installed": true, "actual_cost_pence": 119_000},
        {"measure_code": "window_locks", "installed": false, "reason": "uPVC windows already lock"},
    ]});
    let wrong = json!({"results": [
        {"measure_code": "deadlock", "installed": true, "actual_cost_pence": 1},
        {"measure_code": "window_locks", "installed": false, "reason": "uPVC windows already lock"},
    ]});
    let refused = app
        .act(
            &w.contractor,
            "contractor",
            &id,
            "complete-works",
            &etag,
            Some(wrong),
        )
        .await;
    let p = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        violations(&p).contains(&("/results/0/measure_code".into(), "invalid_value".into())),
        "deadlock was recommended but not approved: {p}"
    );
    let (done, _) = app
        .act_ok(
            &w.contractor,
            "contractor",
            &id,
            "complete-works",
            Some(by_measure),
        )
        .await;
    assert_eq!(done["status"], "works_completed");
    let items = done["works"]["items"].as_array().unwrap();
    assert_eq!(items[0]["outcome"], "installed");
    assert_eq!(items[0]["actual_cost_pence"], 119_000);
    assert_eq!(items[1]["outcome"], "not_installed");
}
