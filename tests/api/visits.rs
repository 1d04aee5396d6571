//! Visits to the home: the referral's unsafe-contact windows, bookings refused inside
//! one, each role booking its own kind, outcomes and rebookings, the contractor seeing
//! its installation visits and, when the scheme says so, who to call to arrange them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set, today};
use crate::support::http::change_settings;
use crate::support::{TestApp, problem, violations};

const EVERY_DAY: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The eligible referral, with the client's evenings unsafe every day.
fn evenings_unsafe(reference: &str) -> Value {
    let mut body = fixtures::eligible(reference);
    set(
        &mut body,
        "/client/unsafe_contact_windows",
        json!([{"days": EVERY_DAY, "from": "18:00", "to": "23:59"}]),
    );
    body
}

fn slot(kind: &str, on: &str, from: &str, to: &str) -> Value {
    json!({"kind": kind, "on": on, "from": from, "to": to})
}

#[tokio::test]
async fn windows_on_the_referral_are_checked_all_at_once() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut body = fixtures::eligible("VIS-0");
    set(
        &mut body,
        "/client/unsafe_contact_windows",
        json!([
            {"days": [], "from": "18:00", "to": "23:59"},
            {"days": ["monday"], "from": "18:00", "to": "09:00"},
            {"days": ["monday", "monday"], "from": "07:00", "to": "09:00"},
        ]),
    );
    let p = problem(
        app.refer(&w.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [
            (
                "/client/unsafe_contact_windows/0/days".to_owned(),
                "too_short".to_owned()
            ),
            (
                "/client/unsafe_contact_windows/1/to".to_owned(),
                "out_of_range".to_owned()
            ),
            (
                "/client/unsafe_contact_windows/2/days".to_owned(),
                "duplicate_items".to_owned()
            ),
        ]
    );
    let case = app.refer_ok(&w.harbour, &evenings_unsafe("VIS-1")).await;
    assert_eq!(
        case["referral"]["client"]["unsafe_contact_windows"][0]["from"],
        "18:00"
    );
}

#[tokio::test]
async fn each_books_its_own_visits_never_in_an_unsafe_time_and_records_how_they_went() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.refer_ok(&w.harbour, &evenings_unsafe("VIS-2")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    // Nothing to visit for before an assessor is assigned.
    assert_eq!(
        app.act_refused(
            &w.council,
            "coordinator",
            &id,
            "book-visit",
            slot("assessment", "2030-01-08", "10:00", "11:00"),
            StatusCode::CONFLICT
        )
        .await["code"],
        "nothing_outstanding"
    );
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;

    let (_, etag) = app.read(&w.assessor, "assessor", &id).await;
    assert_eq!(
        app.act_invalid(
            &w.assessor,
            "assessor",
            &id,
            "book-visit",
            slot("assessment", "2030-01-08", "17:30", "18:30")
        )
        .await,
        [("/from".to_owned(), "unsafe_contact_time".to_owned())]
    );
    assert_eq!(
        app.act_invalid(
            &w.assessor,
            "assessor",
            &id,
            "book-visit",
            slot("assessment", "2020-01-07", "11:00", "10:00")
        )
        .await,
        [
            ("/on".to_owned(), "date_in_past".to_owned()),
            ("/to".to_owned(), "out_of_range".to_owned())
        ]
    );
    // The assessor books assessments, not installations.
    let wrong_kind = app
        .act(
            &w.assessor,
            "assessor",
            &id,
            "book-visit",
            &etag,
            Some(slot("installation", "2030-01-08", "10:00", "11:00")),
        )
        .await;
    assert_eq!(wrong_kind.status(), StatusCode::FORBIDDEN);
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &id,
            "book-visit",
            Some(slot("assessment", "2030-01-08", "10:00", "11:00")),
        )
        .await;
    let visits = case["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 1);
    assert_eq!(
        (
            &visits[0]["kind"],
            &visits[0]["booked_by"],
            &visits[0]["outcome"]
        ),
        (&json!("assessment"), &json!(w.assessor.id), &Value::Null)
    );
    // Not attended before the day; rebooked, into a safe time only.
    assert_eq!(
        app.act_invalid(
            &w.assessor,
            "assessor",
            &id,
            "record-visit-outcome",
            json!({"kind": "assessment", "outcome": "attended"})
        )
        .await,
        [("/outcome".to_owned(), "date_in_future".to_owned())]
    );
    assert_eq!(
        app.act_invalid(
            &w.assessor,
            "assessor",
            &id,
            "record-visit-outcome",
            json!({"kind": "assessment", "outcome": "rebooked",
                        "rebook": {"on": "2030-01-09", "from": "19:00", "to": "20:00"}})
        )
        .await,
        [("/rebook/from".to_owned(), "unsafe_contact_time".to_owned())]
    );
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &id,
            "record-visit-outcome",
            Some(json!({"kind": "assessment", "outcome": "rebooked",
                        "rebook": {"on": "2030-01-09", "from": "09:00", "to": "10:00"}})),
        )
        .await;
    let visits = case["visits"].as_array().unwrap();
    assert_eq!(visits.len(), 2);
    assert_eq!(visits[0]["outcome"], "rebooked");
    assert_eq!(visits[0]["rebooked_as"], visits[1]["id"]);
    assert_eq!(
        (&visits[1]["on"], &visits[1]["from"]),
        (&json!("2030-01-09"), &json!("09:00"))
    );
    // The coordinator may record it too: the client cancelled.
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "record-visit-outcome",
        Some(json!({"visit_id": visits[1]["id"], "outcome": "client_cancelled"})),
    )
    .await;
    // A visit booked today can be recorded as attended.
    app.act_ok(
        &w.assessor,
        "assessor",
        &id,
        "book-visit",
        Some(slot("assessment", &today(), "08:00", "09:00")),
    )
    .await;
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &id,
            "record-visit-outcome",
            Some(json!({"kind": "assessment", "outcome": "attended"})),
        )
        .await;
    assert_eq!(case["visits"][2]["outcome"], "attended");
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
    assert!(timeline.contains("book_visit") && timeline.contains("record_visit_outcome"));
    assert!(
        !timeline.contains("Jane"),
        "no personal data on the timeline"
    );
}

#[tokio::test]
async fn the_contractor_sees_its_visits_and_whom_to_call_only_when_the_scheme_says_so() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app
        .case_with_works_from(&evenings_unsafe("VIS-3"), false)
        .await;
    // The coordinator books one installation visit, the contractor another.
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "book-visit",
        Some(slot("installation", "2030-01-08", "09:00", "12:00")),
    )
    .await;
    app.act_ok(
        &w.contractor,
        "contractor",
        &id,
        "book-visit",
        Some(slot("installation", "2030-01-10", "09:00", "12:00")),
    )
    .await;
    let (view, _) = app.read(&w.contractor, "contractor", &id).await;
    assert_eq!(
        view["visits"].as_array().unwrap().len(),
        2,
        "a second visit is normal"
    );
    assert_eq!(
        view["property"]["unsafe_contact_windows"][0]["from"],
        "18:00"
    );
    assert!(view["property"].get("client_contact").is_none());
    assert!(!view.to_string().contains("Jane"));
    // The contractor records how its own visit went, not the coordinator's booking.
    let (_, etag) = app.read(&w.contractor, "contractor", &id).await;
    let others = app
        .act(
            &w.contractor,
            "contractor",
            &id,
            "record-visit-outcome",
            &etag,
            Some(json!({"visit_id": view["visits"][0]["id"], "outcome": "client_cancelled"})),
        )
        .await;
    assert_eq!(others.status(), StatusCode::FORBIDDEN);
    app.act_ok(
        &w.contractor,
        "contractor",
        &id,
        "record-visit-outcome",
        Some(json!({"visit_id": view["visits"][1]["id"], "outcome": "client_cancelled"})),
    )
    .await;

    change_settings(&app, |s| s["contractor_contacts_client"] = json!(true)).await;
    let (view, _) = app.read(&w.contractor, "contractor", &id).await;
    assert_eq!(
        view["property"]["client_contact"],
        json!({"first_name": "Jane", "phone": "07700 900123"})
    );
    assert!(!view.to_string().contains("Doe"), "the first name only");
    // The fire service never sees it.
    let (fire, _) = app.read(&w.fire_service, "fire_service", &id).await;
    assert!(fire["property"].get("client_contact").is_none());
    assert!(fire.get("visits").is_none());
}
