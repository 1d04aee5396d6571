//! The assessment copy: whole for the coordinator, the referrer and the assessor; the
//! approved measures and their places for the contractor; nothing for anyone else; as
//! JSON or a printable page; every read audited.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, today};
use crate::support::{Org, TestApp, problem};

async fn get(app: &TestApp, org: &Org, role: &str, id: &str) -> reqwest::Response {
    app.get_as(org, &[role], &format!("/api/v1/cases/{id}/assessment"))
        .await
}

async fn json_of(app: &TestApp, org: &Org, role: &str, id: &str) -> Value {
    let r = get(app, org, role, id).await;
    assert_eq!(r.status(), StatusCode::OK, "{} as {role}", org.name);
    r.json().await.unwrap()
}

/// A case assessed (findings, two measures, one approved) and ordered to the contractor.
async fn assessed(app: &TestApp) -> String {
    let w = &app.world;
    let id = app
        .refer_ok(&w.harbour, &fixtures::eligible("ASSESS-1"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        get(app, &w.council, "coordinator", &id).await.status(),
        StatusCode::NOT_FOUND,
        "no assessment yet"
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
    let assessment = json!({"visit_date": today(),
        "findings": "Back door frame weak <b>& rotten</b>",
        "recommended_measures": [
            {"measure_code": "deadlock", "quantity": 1, "location": "back door"},
            {"measure_code": "window_locks", "quantity": 2, "location": "kitchen"}]});
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &id,
            "record-assessment",
            Some(assessment),
        )
        .await;
    let first = case["works"]["items"][0]["id"].clone();
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "approve-works",
        Some(json!({"items": [first]})),
    )
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
    id
}

#[tokio::test]
async fn the_copy_goes_whole_to_commissioner_referrer_and_assessor_and_in_part_to_the_contractor() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = assessed(&app).await;
    for (org, role) in [
        (&w.council, "coordinator"),
        (&w.harbour, "referrer"),
        (&w.assessor, "assessor"),
    ] {
        let copy = json_of(&app, org, role, &id).await;
        assert_eq!(copy["view"], "full");
        assert_eq!(copy["visit_date"], today());
        assert_eq!(copy["findings"], "Back door frame weak <b>& rotten</b>");
        assert_eq!(copy["assessed_by"]["id"], w.assessor.id.to_string());
        let measures = copy["measures"].as_array().unwrap();
        assert_eq!(measures.len(), 2);
        assert_eq!(measures[0]["location"], "back door");
        assert!(measures[0]["estimated_cost_pence"].as_i64().unwrap() > 0);
        let all = copy["estimated_total_pence"].as_i64().unwrap();
        let approved = copy["approved_total_pence"].as_i64().unwrap();
        assert!(approved > 0 && approved < all, "{copy:#}");
    }
    // The contractor: what to fit and where; no findings, no money.
    let copy = json_of(&app, &w.contractor, "contractor", &id).await;
    assert_eq!(copy["view"], "contractor");
    assert!(copy["findings"].is_null());
    assert!(copy["estimated_total_pence"].is_null());
    let measures = copy["measures"].as_array().unwrap();
    assert_eq!(measures.len(), 1, "the approved measure only");
    assert_eq!(measures[0]["measure_code"], "deadlock");
    assert!(measures[0]["estimated_cost_pence"].is_null());
    // The fire service reads the case (it records an arson risk), not the copy.
    problem(
        get(&app, &w.fire_service, "fire_service", &id).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Anyone else: the case does not exist for them.
    for (org, role) in [
        (&w.other_contractor, "contractor"),
        (&w.housing, "referrer"),
        (&w.tees_council, "coordinator"),
    ] {
        problem(get(&app, org, role, &id).await, StatusCode::NOT_FOUND).await;
    }
    // Every read is on the audit trail.
    let reads = app
        .number("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'view_assessment' AND outcome = 'allowed'")
        .await;
    assert_eq!(reads, 4);
}

#[tokio::test]
async fn the_printable_copy_runs_nothing_and_escapes_everything() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = assessed(&app).await;
    let r = app
        .get(&format!("/api/v1/cases/{id}/assessment"))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(
        r.headers()["content-security-policy"],
        sanctuary_http::PRINTABLE_CSP
    );
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Back door frame weak &lt;b&gt;&amp; rotten&lt;/b&gt;"),
        "{page}"
    );
    assert!(!page.contains("<b>") && !page.contains("<script"));
    assert!(page.contains("back door"));
}

#[tokio::test]
async fn withdrawn_sharing_takes_the_copy_from_the_referrer_but_not_the_coordinator() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = assessed(&app).await;
    let withdraw = json!({"purpose": "information_sharing", "decision": "withdrawn",
                          "method": "verbal", "on": today()});
    app.act_ok(&w.council, "coordinator", &id, "consents", Some(withdraw))
        .await;
    problem(
        get(&app, &w.harbour, "referrer", &id).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        json_of(&app, &w.council, "coordinator", &id).await["view"],
        "full"
    );
}
