//! Case notes: who reads which (the coordinator all, the writer its own, the roles the
//! coordinator shows a note to), corrections that supersede and keep, notes recorded
//! with actions listed beside written ones, pages, validation, and the text kept out of
//! the timeline, the events and the audit trail.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Org, TestApp, problem, violations};

async fn write(app: &TestApp, org: &Org, role: &str, case: &str, body: Value) -> reqwest::Response {
    app.post(&format!("/api/v1/cases/{case}/notes"))
        .bearer_auth(app.token(org, &[role]))
        .json(&body)
        .send()
        .await
        .expect("request sent")
}

/// Writes a note that must be accepted; returns it.
async fn write_ok(app: &TestApp, org: &Org, role: &str, case: &str, body: Value) -> Value {
    let response = write(app, org, role, case, body).await;
    let status = response.status();
    let note: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{note:#}");
    note
}

/// Every note `org` acting as `role` may read on `case`, following the cursor, newest first.
async fn notes_of(app: &TestApp, org: &Org, role: &str, case: &str, limit: u32) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/cases/{case}/notes?limit={limit}{cursor}");
        let response = app.get_as(org, &[role], &path).await;
        assert_eq!(response.status(), StatusCode::OK, "{role} reading notes");
        let page: Value = response.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit as usize);
        all.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return all,
        }
    }
}

fn texts(notes: &[Value]) -> Vec<&str> {
    notes.iter().map(|n| n["text"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn each_note_reaches_the_coordinator_its_writer_and_the_roles_the_coordinator_chose() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // Works under way: the referrer, the assessor and the contractor all have a part.
    let case = app.case_with_works(false).await;
    let referrers = write_ok(
        &app,
        &w.harbour,
        "referrer",
        &case,
        json!({"kind": "contact_attempt", "text": "Rang the client twice, no answer"}),
    )
    .await;
    assert_eq!(referrers["audience"], json!(["coordinator"]));
    assert_eq!(
        referrers["author"]["organisation"]["id"],
        json!(w.harbour.id)
    );
    assert_eq!(referrers["author"]["role"], "referrer");
    assert_eq!(referrers["action"], "write_note");
    // Only the coordinator shows a note to other roles.
    let widened = write(
        &app,
        &w.harbour,
        "referrer",
        &case,
        json!({"kind": "case_note", "text": "For the assessor", "audience": ["assessor"]}),
    )
    .await;
    problem(widened, StatusCode::FORBIDDEN).await;
    let for_assessor = write_ok(
        &app,
        &w.council,
        "coordinator",
        &case,
        json!({"kind": "safety_concern", "text": "Perpetrator seen nearby; visit in daylight",
               "audience": ["assessor", "coordinator"]}),
    )
    .await;
    assert_eq!(for_assessor["audience"], json!(["coordinator", "assessor"]));
    write_ok(
        &app,
        &w.council,
        "coordinator",
        &case,
        json!({"kind": "management_decision", "text": "Funding agreed above the limit"}),
    )
    .await;
    write_ok(
        &app,
        &w.assessor,
        "assessor",
        &case,
        json!({"kind": "case_note", "text": "Rear garden gate is rotten"}),
    )
    .await;

    let coordinator = notes_of(&app, &w.council, "coordinator", &case, 100).await;
    let written: Vec<&str> = coordinator
        .iter()
        .filter(|n| n["action"] == "write_note")
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        written,
        [
            "Rear garden gate is rotten",
            "Funding agreed above the limit",
            "Perpetrator seen nearby; visit in daylight",
            "Rang the client twice, no answer",
        ]
    );
    // The notes recorded with actions are there too, each with its action: the
    // landlord's permission was granted by a letting agent.
    let granted = coordinator
        .iter()
        .find(|n| n["kind"] == "landlord_granted_by")
        .expect("the action's note is listed");
    assert_eq!(granted["action"], "record_landlord_permission");
    assert_eq!(granted["text"], "Letting agent");
    assert_eq!(granted["audience"], json!(["coordinator"]));

    assert_eq!(
        texts(&notes_of(&app, &w.harbour, "referrer", &case, 100).await),
        ["Rang the client twice, no answer"]
    );
    assert_eq!(
        texts(&notes_of(&app, &w.assessor, "assessor", &case, 100).await),
        [
            "Rear garden gate is rotten",
            "Perpetrator seen nearby; visit in daylight"
        ]
    );
    assert!(
        notes_of(&app, &w.contractor, "contractor", &case, 100)
            .await
            .is_empty()
    );

    // The text is in no timeline entry and no event; the timeline says only that a note
    // was written; every read of the notes is audited.
    let timeline = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{case}/timeline"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(timeline.contains("\"write_note\""));
    let events = crate::events::feed(&app, &w.council, &["coordinator"]).await;
    assert!(!events.is_empty());
    let events = serde_json::to_string(&events).unwrap();
    for text in [
        "Perpetrator seen nearby",
        "Rang the client",
        "Rear garden gate",
    ] {
        assert!(!timeline.contains(text), "{text} in the timeline");
        assert!(!events.contains(text), "{text} in the events");
    }
    let reads = app
        .number("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'read_notes' AND outcome = 'allowed'")
        .await;
    assert_eq!(reads, 4);
    let writes = app
        .number("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'write_note' AND outcome = 'allowed'")
        .await;
    assert_eq!(writes, 4);

    // Replaced on the case, the assessor reads none of its notes any more.
    app.act_ok(
        &w.council,
        "coordinator",
        &case,
        "reassign-assessor",
        Some(json!({"organisation_id": w.other_assessor.id, "reason": "On leave"})),
    )
    .await;
    let gone = app
        .get_as(
            &w.assessor,
            &["assessor"],
            &format!("/api/v1/cases/{case}/notes"),
        )
        .await;
    problem(gone, StatusCode::NOT_FOUND).await;
    // The new assessor reads what was shown to the assessor's role, not the old one's own.
    assert_eq!(
        texts(&notes_of(&app, &w.other_assessor, "assessor", &case, 100).await),
        ["Perpetrator seen nearby; visit in daylight"]
    );
}

#[tokio::test]
async fn a_correction_supersedes_a_note_and_both_are_kept() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.case_with_works(false).await;
    let shown = write_ok(
        &app,
        &w.council,
        "coordinator",
        &case,
        json!({"kind": "safety_concern", "text": "Visit on Tuesdays only", "audience": ["contractor"]}),
    )
    .await;
    let mistaken = write_ok(
        &app,
        &w.assessor,
        "assessor",
        &case,
        json!({"kind": "case_note", "text": "Back door is uPVC"}),
    )
    .await;
    let mistaken_id = mistaken["id"].as_str().unwrap();
    // A note the caller cannot read is no note to it; one it reads but did not write is
    // not its to correct.
    let unseen = write(
        &app,
        &w.contractor,
        "contractor",
        &case,
        json!({"kind": "case_note", "text": "x", "supersedes": mistaken_id}),
    )
    .await;
    let p = problem(unseen, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        violations(&p),
        [("/supersedes".to_owned(), "invalid_value".to_owned())]
    );
    let not_its = write(
        &app,
        &w.contractor,
        "contractor",
        &case,
        json!({"kind": "case_note", "text": "x", "supersedes": shown["id"]}),
    )
    .await;
    problem(not_its, StatusCode::FORBIDDEN).await;

    // The coordinator corrects the assessor's note: the correction reaches the assessor.
    let correction = write_ok(
        &app,
        &w.council,
        "coordinator",
        &case,
        json!({"kind": "case_note", "text": "Back door is timber, not uPVC",
               "supersedes": mistaken_id}),
    )
    .await;
    assert_eq!(correction["supersedes"], json!(mistaken_id));
    assert_eq!(correction["audience"], json!(["coordinator", "assessor"]));
    let again = write(
        &app,
        &w.assessor,
        "assessor",
        &case,
        json!({"kind": "case_note", "text": "x", "supersedes": mistaken_id}),
    )
    .await;
    let p = problem(again, StatusCode::CONFLICT).await;
    assert_eq!(p["code"], "note_already_superseded");
    // A correction of a note shown to the contractor is shown to it too.
    let retimed = write_ok(
        &app,
        &w.council,
        "coordinator",
        &case,
        json!({"kind": "safety_concern", "text": "Visit on Wednesdays only",
               "supersedes": shown["id"]}),
    )
    .await;
    assert_eq!(retimed["audience"], json!(["coordinator", "contractor"]));

    let assessor = notes_of(&app, &w.assessor, "assessor", &case, 100).await;
    let by_text = |t: &str| assessor.iter().find(|n| n["text"] == t).cloned().unwrap();
    assert_eq!(
        by_text("Back door is uPVC")["superseded_by"],
        correction["id"]
    );
    assert_eq!(
        by_text("Back door is timber, not uPVC")["supersedes"],
        json!(mistaken_id)
    );
    assert_eq!(
        texts(&notes_of(&app, &w.contractor, "contractor", &case, 100).await),
        ["Visit on Wednesdays only", "Visit on Tuesdays only"]
    );

    // A note recorded with an action is not superseded.
    let coordinator = notes_of(&app, &w.council, "coordinator", &case, 100).await;
    let action_note = coordinator
        .iter()
        .find(|n| n["action"] == "record_landlord_permission")
        .unwrap();
    let p = problem(
        write(
            &app,
            &w.council,
            "coordinator",
            &case,
            json!({"kind": "case_note", "text": "x", "supersedes": action_note["id"]}),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "note_recorded_with_action");
}

#[tokio::test]
async fn notes_are_paged_newest_first_and_checked_all_at_once() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app
        .refer_ok(&w.harbour, &crate::support::fixtures::minimal())
        .await;
    let case = case["id"].as_str().unwrap();
    for n in 1..=5 {
        write_ok(
            &app,
            &w.harbour,
            "referrer",
            case,
            json!({"kind": "contact_attempt", "text": format!("Attempt {n}")}),
        )
        .await;
    }
    assert_eq!(
        texts(&notes_of(&app, &w.council, "coordinator", case, 2).await),
        [
            "Attempt 5",
            "Attempt 4",
            "Attempt 3",
            "Attempt 2",
            "Attempt 1"
        ]
    );
    let p = problem(
        write(
            &app,
            &w.harbour,
            "referrer",
            case,
            json!({"kind": "gossip", "text": "   ", "audience": ["police"], "extra": 1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [
            ("/audience/0".to_owned(), "invalid_value".to_owned()),
            ("/extra".to_owned(), "unknown_field".to_owned()),
            ("/kind".to_owned(), "invalid_value".to_owned()),
            // Blank text is no text.
            ("/text".to_owned(), "required".to_owned()),
        ]
    );
    let long = "é".repeat(10_001);
    let p = problem(
        write(
            &app,
            &w.harbour,
            "referrer",
            case,
            json!({"kind": "case_note", "text": long}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [("/text".to_owned(), "too_long".to_owned())]
    );
    let exactly = "é".repeat(10_000);
    write_ok(
        &app,
        &w.harbour,
        "referrer",
        case,
        json!({"kind": "case_note", "text": exactly}),
    )
    .await;
    let bad_cursor = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{case}/notes?cursor=yesterday"),
        )
        .await;
    problem(bad_cursor, StatusCode::UNPROCESSABLE_ENTITY).await;
}
