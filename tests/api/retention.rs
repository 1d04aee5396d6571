//! Retention: cases past the scheme's retention period are anonymised — identifiers
//! and free text destroyed, report categories kept — unless held.

use reqwest::StatusCode;
use sanctuary_persistence::retention;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::support::fixtures::{self, Canaries, set};
use crate::support::{TestApp, problem};

fn withdraw() -> Option<Value> {
    Some(json!({"note": "Client moved away"}))
}

#[tokio::test]
async fn expired_cases_are_anonymised_and_held_ones_kept() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let canaries = Canaries::new();
    let expired = app.refer_ok(&w.harbour, &canaries.body).await;
    let expired = expired["id"].as_str().unwrap().to_owned();
    let contact =
        json!({"method": "phone", "outcome": "spoke_to_client", "notes": "Moving to Leeds"});
    app.act_ok(
        &w.council,
        "coordinator",
        &expired,
        "record-contact",
        Some(contact),
    )
    .await;
    let written = app
        .post(&format!("/api/v1/cases/{expired}/notes"))
        .bearer_auth(app.token(&w.harbour, &["referrer"]))
        .json(&json!({"kind": "contact_attempt", "text": "Rang twice; left no message"}))
        .send()
        .await
        .unwrap();
    assert_eq!(written.status(), StatusCode::CREATED);
    let document = app
        .post(&format!(
            "/api/v1/cases/{expired}/documents?kind=consent_form"
        ))
        .bearer_auth(app.token(&w.harbour, &["referrer"]))
        .body("%PDF-1.7\n% signed consent form\n")
        .send()
        .await
        .unwrap();
    assert_eq!(document.status(), StatusCode::CREATED);
    app.act_ok(&w.harbour, "referrer", &expired, "withdraw", withdraw())
        .await;
    let mut body = fixtures::minimal();
    set(&mut body, "/external_reference", json!("HELD-1"));
    let held = app.refer_ok(&w.harbour, &body).await;
    let held = held["id"].as_str().unwrap().to_owned();
    app.act_ok(&w.harbour, "referrer", &held, "withdraw", withdraw())
        .await;
    let hold = json!({"held": true, "reason": "Solicitor's preservation request"});
    app.act_ok(&w.council, "coordinator", &held, "legal-hold", Some(hold))
        .await;
    let open = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    let open = open["id"].as_str().unwrap().to_owned();
    let before = app.report_basis().await;

    // Not yet: the cases ended today.
    let today = retention::run(&app.store, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert!(today.anonymised.is_empty());
    // Seven years on (the default retention is six).
    let later = OffsetDateTime::now_utc() + Duration::days(7 * 366);
    let report = retention::run(&app.store, later).await.unwrap();
    assert_eq!(report.anonymised, [expired.parse::<uuid::Uuid>().unwrap()]);
    assert_eq!(report.held, 1);
    // The report's figures are unchanged.
    assert_eq!(app.report_basis().await, before);
    // Nobody reads the anonymised case any more; the held and open ones are as they were.
    let gone = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{expired}"),
        )
        .await;
    problem(gone, StatusCode::NOT_FOUND).await;
    for id in [&held, &open] {
        let (case, _) = app.read(&w.council, "coordinator", id).await;
        assert!(case["referral"]["client"]["name"].is_string());
    }
    let list: Value = app
        .get_as(&w.council, &["coordinator"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(!listed.contains(&expired.as_str()), "{listed:?}");
    assert_eq!(listed.len(), 2);
    // Identifiers and free text are gone from storage.
    for (what, sql) in [
        (
            "referral",
            "SELECT case_id FROM case_referrals WHERE case_id = $1",
        ),
        ("notes", "SELECT id FROM case_notes WHERE case_id = $1"),
        (
            "documents",
            "SELECT id FROM case_documents WHERE case_id = $1",
        ),
        (
            "document content",
            "SELECT c.seq FROM case_document_chunks c JOIN case_documents d \
             ON d.id = c.document_id WHERE d.case_id = $1",
        ),
        (
            "partner reference and match keys",
            "SELECT id FROM cases WHERE id = $1 AND (external_reference IS NOT NULL \
             OR external_reference_index IS NOT NULL \
             OR client_match_key <> '' OR address_match_key <> '')",
        ),
    ] {
        assert!(
            app.rows_for(sql, &expired).await.is_empty(),
            "{what} of {expired}"
        );
    }
    // ...while the held case still has them (the queries do find rows).
    assert_eq!(
        app.rows_for(
            "SELECT case_id FROM case_referrals WHERE case_id = $1",
            &held
        )
        .await
        .len(),
        1
    );
    // The run is audited, once per case, and a second run has nothing to do.
    let audit: Value = app
        .get_as(
            &w.auditor,
            &["auditor"],
            &format!("/api/v1/audit?case_id={expired}"),
        )
        .await
        .json()
        .await
        .unwrap();
    let anonymised: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "anonymise")
        .collect();
    assert_eq!(anonymised.len(), 1);
    assert_eq!(anonymised[0]["actor"], "sanctuary retention run");
    // The coordinator's attempt to read it afterwards is on record as refused.
    assert_eq!(audit["items"][0]["action"], "view_case");
    assert_eq!(audit["items"][0]["outcome"], "denied");
    let again = retention::run(&app.store, later).await.unwrap();
    assert!(again.anonymised.is_empty());
    assert_eq!(again.held, 1);

    // Lifting the hold lets the next run anonymise it.
    let lift = json!({"held": false});
    app.act_ok(&w.council, "coordinator", &held, "legal-hold", Some(lift))
        .await;
    let last = retention::run(&app.store, later).await.unwrap();
    assert_eq!(last.anonymised, [held.parse::<uuid::Uuid>().unwrap()]);
    // A hold needs a reason.
    let (_, etag) = app.read(&w.council, "coordinator", &open).await;
    let response = app
        .act(
            &w.council,
            "coordinator",
            &open,
            "legal-hold",
            &etag,
            Some(json!({"held": true})),
        )
        .await;
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
}

/// Declined, cancelled, withdrawn and closed cases all record when they ended, so
/// retention reaches every one of them (declined referrals used to be missed). A
/// declined case from before that fix (no `ended_at`) is backfilled by the migration.
#[tokio::test]
async fn every_ending_is_covered_by_retention() {
    let app = TestApp::spawn().await;
    let app = &app;
    let w = &app.world;
    let refer = |reference: &'static str| async move {
        app.refer_ok(&w.harbour, &fixtures::eligible(reference))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let coordinator = |id: String, action: &'static str, body: Value| async move {
        app.act_ok(&w.council, "coordinator", &id, action, Some(body))
            .await
    };
    let declined = refer("END-DECLINED").await;
    coordinator(
        declined.clone(),
        "decline",
        json!({"reason": "out_of_area"}),
    )
    .await;
    let legacy = refer("END-LEGACY").await;
    coordinator(legacy.clone(), "decline", json!({"reason": "out_of_area"})).await;
    let cancelled = refer("END-CANCELLED").await;
    coordinator(cancelled.clone(), "accept", json!({})).await;
    coordinator(
        cancelled.clone(),
        "cancel",
        json!({"reason": "client_moved"}),
    )
    .await;
    let withdrawn = refer("END-WITHDRAWN").await;
    app.act_ok(&w.harbour, "referrer", &withdrawn, "withdraw", withdraw())
        .await;
    let closed = app.case_with_works(true).await;
    let check = json!({"checked_on": fixtures::today(), "outcome": "satisfactory"});
    coordinator(closed.clone(), "record-fire-check", check).await;
    coordinator(closed.clone(), "close", json!({"reason": "completed"})).await;
    let open = refer("END-OPEN").await;

    for id in [&declined, &cancelled, &withdrawn, &closed] {
        let (case, _) = app.read(&w.council, "coordinator", id).await;
        assert!(
            case["workflow"]["ended_at"].is_string(),
            "{} records when it ended",
            case["status"]
        );
    }
    // A row written before every ending recorded it, then the migration's backfill.
    app.rows_for("UPDATE cases SET ended_at = NULL WHERE id = $1", &legacy)
        .await;
    use sea_orm::ConnectionTrait;
    app.store
        .connection()
        .execute_unprepared(sanctuary_migrations::CASE_ENDINGS_BACKFILL)
        .await
        .unwrap();
    let (case, _) = app.read(&w.council, "coordinator", &legacy).await;
    assert!(case["workflow"]["ended_at"].is_string(), "backfilled");

    let before = app.report_basis().await;
    let later = OffsetDateTime::now_utc() + Duration::days(7 * 366);
    let report = retention::run(&app.store, later).await.unwrap();
    let mut anonymised: Vec<String> = report.anonymised.iter().map(|id| id.to_string()).collect();
    anonymised.sort();
    let mut ended = vec![declined, legacy, cancelled, withdrawn, closed];
    ended.sort();
    assert_eq!(anonymised, ended, "every ended case, and only those");
    assert_eq!(
        app.report_basis().await,
        before,
        "the report's figures stay"
    );
    let (case, _) = app.read(&w.council, "coordinator", &open).await;
    assert_eq!(case["status"], "received");
}
