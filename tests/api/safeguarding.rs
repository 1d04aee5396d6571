//! Safeguarding decisions (seed 004): the coordinator shares without consent where a
//! person is at risk, on a recorded lawful basis; it lets a case with sharing refused
//! be accepted and read by the roles named, and never stands in for installation.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::{TestApp, problem, violations};

const REASON: &str = "CANARY-REASON adult at risk, too frightened to agree";
const OFFICER: &str = "CANARY-OFFICER J. Patel";

fn decision(share_with: Value) -> Value {
    let review = (time::OffsetDateTime::now_utc().date() + time::Duration::days(90)).to_string();
    json!({
        "purpose": "information_sharing",
        "share_with": share_with,
        "lawful_basis": "uk_gdpr_9_2_g_dpa_2018_sch_1_para_18",
        "reason": REASON,
        "deciding_officer": OFFICER,
        "review_on": review,
    })
}

fn high_risk_refusing(purpose: &str) -> Value {
    let mut body = fixtures::full();
    set(&mut body, &format!("/consents/{purpose}"), json!("refused"));
    set(
        &mut body,
        "/support_needs/care_and_support_needs",
        json!(true),
    );
    // No eligibility warnings: acceptance turns on consent alone.
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    body
}

#[tokio::test]
async fn a_decision_lets_a_refused_sharing_case_proceed_for_the_roles_it_names() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app
        .refer_ok(&w.harbour, &high_risk_refusing("information_sharing"))
        .await;
    let id = case["id"].as_str().unwrap().to_owned();
    assert_eq!(case["can_progress"], false);
    assert_eq!(
        case["blocked_by"],
        json!(["information_sharing_consent_refused"])
    );
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let refused = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "accept",
            &etag,
            Some(json!({})),
        )
        .await;
    assert_eq!(
        problem(refused, StatusCode::CONFLICT).await["code"],
        "consent_required"
    );

    // Only the coordinator decides; a decision names its roles and a later review.
    let (_, etag) = app.read(&w.harbour, "referrer", &id).await;
    let by_referrer = app
        .act(
            &w.harbour,
            "referrer",
            &id,
            "record-safeguarding-decision",
            &etag,
            Some(decision(json!(["assessor"]))),
        )
        .await;
    problem(by_referrer, StatusCode::FORBIDDEN).await;
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let nobody = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "record-safeguarding-decision",
            &etag,
            Some(decision(json!([]))),
        )
        .await;
    let p = problem(nobody, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(violations(&p)[0].0, "/share_with");

    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-safeguarding-decision",
            Some(decision(json!(["assessor"]))),
        )
        .await;
    assert_eq!(case["status"], "received");
    assert_eq!(case["can_progress"], true);
    assert_eq!(case["blocked_by"], json!([]));
    app.act_ok(&w.council, "coordinator", &id, "accept", Some(json!({})))
        .await;
    let assign = json!({"organisation_id": w.assessor.id});
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(assign),
    )
    .await;
    // The monitoring data counts the case as progressed under a safeguarding decision.
    let today = sanctuary_domain::calendar::london::local_date(time::OffsetDateTime::now_utc());
    let report: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/reports/monitoring?scheme=darlington&year_start={today}"),
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
        .find(|r| r["code"] == "referrals_accepted_under_safeguarding_decision")
        .unwrap()
        .clone();
    assert_eq!(row["total"]["value"], 1, "{row:#}");
    // The assessor named reads the case whole (it could not without the decision).
    let (assessor, _) = app.read(&w.assessor, "assessor", &id).await;
    assert_eq!(assessor["view"], "full");
    assert!(
        assessor["referral"]["client"]["address"].is_object(),
        "{assessor:#}"
    );

    // The timeline keeps the decision, not the reason or the officer.
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
    assert!(!timeline.contains("CANARY"), "{timeline}");
    let entries: Value = serde_json::from_str(&timeline).unwrap();
    let decided = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "record_safeguarding_decision")
        .unwrap()
        .clone();
    assert_eq!(decided["data"]["purpose"], "information_sharing");
    assert_eq!(decided["data"]["share_with"], "assessor");
    assert_eq!(
        decided["data"]["lawful_basis"],
        "uk_gdpr_9_2_g_dpa_2018_sch_1_para_18"
    );
    // The coordinator's feed has it, without detail; the export has the reason.
    let feed = app
        .get_as(
            &w.council,
            &["coordinator"],
            "/api/v1/events?after=0&limit=100",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        feed.contains("case.safeguarding_decision_recorded"),
        "{feed}"
    );
    assert!(!feed.contains("CANARY"));
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
    assert!(export.contains(REASON) && export.contains(OFFICER));
}

#[tokio::test]
async fn no_decision_lets_a_case_in_without_consent_to_installation() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut body = high_risk_refusing("information_sharing");
    set(&mut body, "/consents/installation", json!("refused"));
    let case = app.refer_ok(&w.harbour, &body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let (case, etag) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-safeguarding-decision",
            Some(decision(json!(["assessor", "contractor"]))),
        )
        .await;
    assert_eq!(case["can_progress"], false);
    assert_eq!(case["blocked_by"], json!(["installation_consent_refused"]));
    let refused = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "accept",
            &etag,
            Some(json!({})),
        )
        .await;
    let p = problem(refused, StatusCode::CONFLICT).await;
    assert_eq!(p["code"], "consent_required");
    assert!(
        p["detail"].as_str().unwrap().contains("installation"),
        "{p:#}"
    );
}
