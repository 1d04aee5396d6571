//! Encryption at rest: no personal value is stored in the clear, a tampered value is an
//! error rather than wrong data, and keys rotate.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use sanctuary_persistence::cases;
use sanctuary_persistence::crypto::Keyring;
use sanctuary_persistence::rekey;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use serde_json::{Value, json};

use crate::support::fixtures::{self, Canaries, set, today};
use crate::support::{TestApp, problem, test_keyring};

/// A case with the canary referral, a contact note and an assessment (findings and a
/// works location), all canaries.
async fn canary_case(app: &TestApp, canaries: &mut Canaries) -> String {
    let w = &app.world;
    let mut body = canaries.body.clone();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    let id = app.refer_ok(&w.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let note = canaries.value_for("contactnote");
    let location = canaries.value_for("location");
    let findings = canaries.value_for("findings");
    canaries.fields.extend([
        ("note".into(), note.clone()),
        ("location".into(), location.clone()),
        ("findings".into(), findings.clone()),
    ]);
    let contact = json!({"method": "phone", "outcome": "spoke_to_client", "notes": note});
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "record-contact",
        Some(contact),
    )
    .await;
    let written = canaries.value_for("writtennote");
    canaries
        .fields
        .push(("written_note".into(), written.clone()));
    let response = app
        .post(&format!("/api/v1/cases/{id}/notes"))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .json(&json!({"kind": "safety_concern", "text": written, "audience": ["assessor"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    // A document whose content holds a canary (a PDF: stored as sent, but encrypted).
    let document = canaries.value_for("document");
    canaries.fields.push(("document".into(), document.clone()));
    let response = app
        .post(&format!(
            "/api/v1/cases/{id}/documents?kind=landlord_letter"
        ))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .body(format!("%PDF-1.7\n% {document}\n%%EOF\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    let assessor = json!({"organisation_id": w.assessor.id});
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(assessor),
    )
    .await;
    let assessment = json!({"visit_date": today(), "findings": findings, "recommended_measures": [
        {"measure_code": "safe_room", "quantity": 1, "location": location},
    ]});
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &id,
            "record-assessment",
            Some(assessment),
        )
        .await;
    assert_eq!(case["works"]["items"][0]["location"], json!(location));
    id
}

#[tokio::test]
async fn no_personal_value_posted_through_the_api_is_stored_in_the_clear() {
    let app = TestApp::spawn().await;
    let mut canaries = Canaries::new();
    let id = canary_case(&app, &mut canaries).await;
    // The API still reads everything back.
    let (case, _) = app.read(&app.world.council, "coordinator", &id).await;
    assert_eq!(
        case["referral"]["client"]["name"],
        json!(canaries.value_for("name"))
    );

    let stored = app.storage_text().await;
    assert!(stored.contains("enc1:test-1:"), "sealed values are there");
    let mut checked = 0;
    for (pointer, value) in &canaries.fields {
        // The partner's reference too: only its keyed blind index is stored beside the
        // sealed referral.
        assert!(
            !stored.contains(value.as_str()),
            "{pointer} is stored in the clear"
        );
        checked += 1;
    }
    eprintln!("{checked} canary values posted; 0 found in storage");
    assert!(checked >= 19);
}

/// A database from before external references were sealed keeps them in the clear;
/// the next start moves each to its blind index, and duplicates are still refused.
#[tokio::test]
async fn external_references_kept_in_the_clear_are_sealed_at_start_up() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let legacy = "LEGACY-REF-7f3a9c";
    let body = fixtures::eligible(legacy);
    let case = app.refer_ok(&w.harbour, &body).await;
    let id = case["id"].as_str().unwrap();
    assert!(
        !app.storage_text().await.contains(legacy),
        "sealed from the start"
    );
    // As an older release wrote it.
    app.rows_for(
        &format!(
            "UPDATE cases SET external_reference = '{legacy}', external_reference_index = NULL WHERE id = $1"
        ),
        id,
    )
    .await;
    assert!(app.storage_text().await.contains(legacy));

    let _restarted = app.second_instance().await;
    let clear = app
        .number("SELECT COUNT(*) AS n FROM cases WHERE external_reference IS NOT NULL")
        .await;
    assert_eq!(clear, 0);
    assert!(
        !app.storage_text().await.contains(legacy),
        "moved to its blind index at start-up"
    );
    let duplicate = problem(app.refer(&w.harbour, &body).await, StatusCode::CONFLICT).await;
    assert_eq!(duplicate["code"], "duplicate_external_reference");
    assert_eq!(duplicate["existing_case"]["id"], case["id"]);
    let (read, _) = app.read(&w.harbour, "referrer", id).await;
    assert_eq!(read["external_reference"], legacy);
}

/// Replaces the stored referral of `id` with `sealed`.
async fn store_referral(app: &TestApp, id: &str, sealed: &str) {
    let db = app.store.connection();
    let backend = db.get_database_backend();
    let (sql, values) = match backend {
        DatabaseBackend::Postgres => (
            "UPDATE case_referrals SET details = $1 WHERE case_id = $2",
            vec![sealed.into(), uuid::Uuid::parse_str(id).unwrap().into()],
        ),
        _ => (
            "UPDATE case_referrals SET details = ? WHERE case_id = ?",
            vec![sealed.into(), uuid::Uuid::parse_str(id).unwrap().into()],
        ),
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap();
}

async fn stored_referral(app: &TestApp, id: &str) -> String {
    let db = app.store.connection();
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "SELECT details FROM case_referrals WHERE case_id = $1",
        _ => "SELECT details FROM case_referrals WHERE case_id = ?",
    };
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [uuid::Uuid::parse_str(id).unwrap().into()],
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "details").unwrap()
}

#[tokio::test]
async fn a_tampered_value_is_an_error_never_wrong_data() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let first = app.refer_ok(&w.harbour, &fixtures::full()).await;
    let second = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    let (a, b) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    );
    let original = stored_referral(&app, a).await;

    // One flipped bit in the ciphertext.
    let (head, body) = original.rsplit_once(':').unwrap();
    let mut bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x04;
    store_referral(
        &app,
        a,
        &format!("{head}:{}", URL_SAFE_NO_PAD.encode(&bytes)),
    )
    .await;
    let path = format!("/api/v1/cases/{a}");
    let response = app.get_as(&w.council, &["coordinator"], &path).await;
    let body = problem(response, StatusCode::INTERNAL_SERVER_ERROR).await;
    assert_eq!(body["code"], "internal_error");

    // Another case's (valid) sealed referral moved onto this case.
    let other = stored_referral(&app, b).await;
    store_referral(&app, a, &other).await;
    let response = app.get_as(&w.council, &["coordinator"], &path).await;
    problem(response, StatusCode::INTERNAL_SERVER_ERROR).await;

    // Put back, it reads again.
    store_referral(&app, a, &original).await;
    let (case, _) = app.read(&w.council, "coordinator", a).await;
    assert_eq!(case["referral"], first["referral"]);
}

/// The test keyring with a new key `k2` added and made current, and a keyring with
/// only `k2`.
fn with_new_key() -> (Keyring, Keyring) {
    let mut ring: Value = serde_json::from_str(&test_keyring()).unwrap();
    let fresh: Value = serde_json::from_str(&Keyring::generate_json("k2").unwrap()).unwrap();
    ring["keys"]["k2"] = fresh["keys"]["k2"].clone();
    ring["current"] = json!("k2");
    let both = Keyring::from_json(&ring.to_string()).unwrap();
    ring["keys"] = json!({"k2": fresh["keys"]["k2"]});
    let only_new = Keyring::from_json(&ring.to_string()).unwrap();
    (both, only_new)
}

#[tokio::test]
async fn rotating_reseals_every_value_and_then_the_old_key_can_go() {
    let app = TestApp::spawn().await;
    let mut canaries = Canaries::new();
    let id = canary_case(&app, &mut canaries).await;
    let other = app.refer_ok(&app.world.harbour, &fixtures::minimal()).await;
    let before = cases::find(&app.store, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();

    let (rotating, only_new) = with_new_key();
    let mut seen = Vec::new();
    let count = rekey::rotate(&app.store, &rotating, |p| {
        seen.push((p.column.to_owned(), p.done, p.total));
    })
    .await
    .unwrap();
    // 2 referrals, 3 notes (contact, written, findings), 1 works location, 1 document
    // key (the document's content is not re-encrypted: its key is re-wrapped).
    assert_eq!(count, 7, "{seen:?}");
    assert!(
        seen.contains(&("case_referrals.details".into(), 2, 2)),
        "{seen:?}"
    );
    // Nothing is left under the old key: a second run has nothing to do.
    assert_eq!(
        rekey::rotate(&app.store, &rotating, |_| {}).await.unwrap(),
        0
    );

    // The old key removed: everything still opens.
    let only_new = app.store.clone().with_keys(Arc::new(only_new));
    let after = cases::find(&only_new, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.referral, before.referral);
    assert_eq!(after.works, before.works);
    let other_id = other["id"].as_str().unwrap().parse().unwrap();
    assert!(cases::find(&only_new, other_id).await.unwrap().is_some());
    // And the old keyring alone no longer can.
    let response = app
        .get_as(
            &app.world.council,
            &["coordinator"],
            &format!("/api/v1/cases/{id}"),
        )
        .await;
    problem(response, StatusCode::INTERNAL_SERVER_ERROR).await;
}
