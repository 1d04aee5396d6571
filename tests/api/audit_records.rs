//! Audit records the security test found missing: an idempotent replay of a referral,
//! a correction that changed nothing (both serve the case), refusals outside a case
//! (report, audit trail, administration, settings, measures), measure price changes
//! and report notes — each by field name, never value.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures;
use crate::support::{Org, TestApp};

/// The auditor's view of the scheme's records, newest first: (action, outcome,
/// organisation, fields).
async fn trail(app: &TestApp, query: &str) -> Vec<(String, String, String, Vec<String>)> {
    let page: Value = app
        .get_as(
            &app.world.auditor,
            &["auditor"],
            &format!("/api/v1/audit?limit=200&{query}"),
        )
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
                r["organisation_id"].as_str().unwrap().to_owned(),
                r["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

/// Records in the whole chain (also those of no scheme) of `action` by `org`.
async fn count(app: &TestApp, org: &Org, action: &str, outcome: &str) -> usize {
    app.rows_for(
        &format!(
            "SELECT seq FROM audit_events WHERE organisation_id = $1 \
             AND action = '{action}' AND outcome = '{outcome}'"
        ),
        &org.id.to_string(),
    )
    .await
    .len()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn a_replayed_referral_and_a_correction_that_changed_nothing_are_audited() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let body = fixtures::full();
    let post = || {
        app.post("/api/v1/referrals")
            .bearer_auth(app.token(&w.harbour, &["referrer"]))
            .header("Idempotency-Key", "replay-me")
            .json(&body)
            .send()
    };
    let first = post().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let case: Value = first.json().await.unwrap();
    let id = case["id"].as_str().unwrap().to_owned();
    let again = post().await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    let replayed: Value = again.json().await.unwrap();
    assert_eq!(replayed["id"], case["id"]);

    // The same referral sent back as a correction: nothing changes, the case is served.
    let (_, etag) = app.read(&w.harbour, "referrer", &id).await;
    let unchanged = app
        .client
        .patch(app.url(&format!("/api/v1/cases/{id}/referral")))
        .bearer_auth(app.token(&w.harbour, &["referrer"]))
        .header("If-Match", &etag)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), StatusCode::OK);
    assert_eq!(unchanged.headers()["etag"].to_str().unwrap(), etag);

    let harbour = w.harbour.id.to_string();
    let records = trail(&app, &format!("case_id={id}")).await;
    let mine: Vec<_> = records
        .iter()
        .filter(|(action, ..)| action != "view_case")
        .map(|(action, outcome, org, fields)| {
            (
                action.as_str(),
                outcome.as_str(),
                org.as_str(),
                fields.clone(),
            )
        })
        .collect();
    assert_eq!(mine.len(), 3, "{records:?}");
    let (action, outcome, org, fields) = &mine[0];
    assert_eq!(
        (*action, *outcome, *org),
        ("rectify_referral", "allowed", harbour.as_str())
    );
    assert_eq!(fields.len(), 2, "{fields:?}");
    assert_eq!(fields[0], "no_change");
    assert!(fields[1].starts_with("view:"), "{fields:?}");
    assert_eq!(
        mine[1],
        (
            "create_referral",
            "allowed",
            harbour.as_str(),
            strings(&["idempotent_replay"])
        )
    );
    assert_eq!(mine[2].0, "create_referral");
    assert!(!mine[2].3.contains(&"idempotent_replay".to_owned()));
}

#[tokio::test]
async fn refusals_outside_a_case_are_audited() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let darlington = |path: &str| format!("/api/v1/schemes/darlington{path}");
    let refusals = [
        // The monitoring report: a referrer is neither coordinator nor funder.
        (
            &w.harbour,
            "referrer",
            "/api/v1/reports/monitoring?scheme=darlington".to_owned(),
            StatusCode::FORBIDDEN,
        ),
        // Settings and members: for the coordinator.
        (
            &w.harbour,
            "referrer",
            darlington("/settings-versions"),
            StatusCode::FORBIDDEN,
        ),
        (
            &w.stranger,
            "coordinator",
            darlington("/settings-versions"),
            StatusCode::NOT_FOUND,
        ),
        (
            &w.harbour,
            "referrer",
            darlington("/members"),
            StatusCode::FORBIDDEN,
        ),
        // The audit trail: for auditors.
        (
            &w.council,
            "coordinator",
            "/api/v1/audit".to_owned(),
            StatusCode::FORBIDDEN,
        ),
        // Administration: for the operator's admins.
        (
            &w.council,
            "admin",
            "/api/v1/admin/schemes".to_owned(),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (org, role, path, status) in &refusals {
        let response = app.get_as(org, &[role], path).await;
        assert_eq!(response.status(), *status, "{path}");
    }
    let put = |org: &Org, role: &str, path: String, body: Value| {
        let request = app
            .client
            .put(app.url(&path))
            .bearer_auth(app.token(org, &[role]))
            .json(&body);
        async move { request.send().await.unwrap().status() }
    };
    let measure = json!({"name": "Deadlock", "report_row": "deadlock", "unit_cost_pence": 9900, "requires_fire_check": false});
    assert_eq!(
        put(
            &w.harbour,
            "referrer",
            darlington("/measures/deadlock"),
            measure.clone()
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        put(
            &w.stranger,
            "coordinator",
            darlington("/measures/deadlock"),
            measure
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put(
            &w.funder,
            "funder",
            darlington("/report-notes/2026-04-01/1"),
            json!({"text": "x"})
        )
        .await,
        StatusCode::FORBIDDEN
    );

    // The scheme's refusals are in its auditor's view of the trail.
    let denied: Vec<(String, String)> = trail(&app, "")
        .await
        .into_iter()
        .filter(|(_, outcome, ..)| outcome == "denied")
        .map(|(action, _, org, fields)| {
            assert!(fields.is_empty());
            (action, org)
        })
        .collect();
    let org = |o: &Org| o.id.to_string();
    assert_eq!(
        denied,
        [
            ("write_report_notes".to_owned(), org(&w.funder)),
            ("manage_measures".to_owned(), org(&w.stranger)),
            ("manage_measures".to_owned(), org(&w.harbour)),
            ("view_scheme_members".to_owned(), org(&w.harbour)),
            ("view_scheme_settings".to_owned(), org(&w.stranger)),
            ("view_scheme_settings".to_owned(), org(&w.harbour)),
            ("view_report".to_owned(), org(&w.harbour)),
        ]
    );
    // Those of no scheme are in the chain.
    assert_eq!(count(&app, &w.council, "view_audit", "denied").await, 1);
    assert_eq!(count(&app, &w.council, "administer", "denied").await, 1);
}

#[tokio::test]
async fn measure_changes_and_report_notes_are_audited_by_field_name() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let put = |path: &str, body: Value| {
        let request = app
            .client
            .put(app.url(&format!("/api/v1/schemes/darlington{path}")))
            .bearer_auth(app.token(&w.council, &["coordinator"]))
            .json(&body);
        async move { request.send().await.unwrap().status() }
    };
    let mut gate = json!({"name": "Side gate lock", "report_row": "other", "unit_cost_pence": 9900, "requires_fire_check": false});
    assert_eq!(
        put("/measures/side_gate_lock", gate.clone()).await,
        StatusCode::OK
    );
    gate["unit_cost_pence"] = json!(12345);
    assert_eq!(
        put("/measures/side_gate_lock", gate.clone()).await,
        StatusCode::OK
    );
    assert_eq!(put("/measures/side_gate_lock", gate).await, StatusCode::OK);
    // A shipped measure priced for the scheme: only its price differs.
    let shipped: Value = app
        .get_as(&w.council, &["coordinator"], "/api/v1/measures")
        .await
        .json()
        .await
        .unwrap();
    let shipped = shipped
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "safe_room")
        .unwrap();
    let mut safe_room = json!({});
    for field in ["name", "report_row", "requires_fire_check"] {
        safe_room[field] = shipped[field].clone();
    }
    safe_room["unit_cost_pence"] = json!(77777);
    assert_eq!(put("/measures/safe_room", safe_room).await, StatusCode::OK);
    let note = "Working group met the housing association; 12 High Street pilot";
    assert_eq!(
        put("/report-notes/2026-04-01/2", json!({"text": note})).await,
        StatusCode::OK
    );

    let council = w.council.id.to_string();
    let records = trail(&app, "").await;
    let expected = [
        ("write_report_notes", strings(&["text"])),
        ("manage_measures", strings(&["unit_cost_pence"])),
        ("manage_measures", strings(&["no_change"])),
        ("manage_measures", strings(&["unit_cost_pence"])),
        ("manage_measures", strings(&["new_measure"])),
    ];
    assert_eq!(records.len(), expected.len(), "{records:?}");
    for (record, (action, fields)) in records.iter().zip(expected) {
        assert_eq!(
            record,
            &(
                action.to_owned(),
                "allowed".to_owned(),
                council.clone(),
                fields
            )
        );
    }
    // Names, never values (looked for outside the ids and times, whose random hex
    // digits could spell a number by chance).
    let mut page: serde_json::Value = app
        .get_as(&w.auditor, &["auditor"], "/api/v1/audit")
        .await
        .json()
        .await
        .unwrap();
    for item in page["items"].as_array_mut().unwrap() {
        let item = item.as_object_mut().unwrap();
        for key in [
            "id",
            "seq",
            "at",
            "request_id",
            "organisation_id",
            "case_id",
            "actor",
        ] {
            item.remove(key);
        }
    }
    let text = page["items"].to_string();
    for value in ["High Street", "12345", "77777", "9900"] {
        assert!(!text.contains(value), "{value} is in the audit trail");
    }
}
