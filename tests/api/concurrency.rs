//! Optimistic concurrency on case actions: If-Match, ETags, races.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::{TestApp, problem};

async fn eligible_case(app: &TestApp) -> String {
    let mut body = fixtures::minimal();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    app.refer_ok(&app.world.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn actions_need_if_match_and_a_stale_etag_is_refused() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = eligible_case(&app).await;
    let missing = app
        .post(&format!("/api/v1/cases/{id}/accept"))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem(missing, StatusCode::PRECONDITION_REQUIRED).await["code"],
        "precondition_required"
    );
    // A blank If-Match is no precondition at all.
    let blank = app
        .act(&w.council, "coordinator", &id, "accept", " ", None)
        .await;
    assert_eq!(
        problem(blank, StatusCode::PRECONDITION_REQUIRED).await["code"],
        "precondition_required"
    );
    // `*` and weak or malformed tags never match: a write names the version it saw.
    for tag in ["*", "W/\"1\"", "1", "\"one\""] {
        let response = app
            .act(&w.council, "coordinator", &id, "accept", tag, None)
            .await;
        let status = response.status();
        assert!(
            matches!(status, StatusCode::PRECONDITION_FAILED),
            "{tag}: {status}"
        );
    }
    let (case, etag) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(etag, "\"1\"");
    assert_eq!(case["status"], "received");
    // Someone else records a contact first: the coordinator's ETag is now stale.
    let contact = json!({"method": "phone", "outcome": "no_answer"});
    let response = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "record-contact",
            &etag,
            Some(contact),
        )
        .await;
    assert_eq!(response.headers()["etag"], "\"2\"");
    let stale = app
        .act(&w.council, "coordinator", &id, "accept", &etag, None)
        .await;
    assert_eq!(
        stale.headers()["etag"],
        "\"2\"",
        "the current ETag comes back"
    );
    assert_eq!(
        problem(stale, StatusCode::PRECONDITION_FAILED).await["code"],
        "precondition_failed"
    );
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(case["status"], "received", "nothing changed");
    let fresh = app
        .act(&w.council, "coordinator", &id, "accept", "\"2\"", None)
        .await;
    assert_eq!(fresh.status(), StatusCode::OK);
    assert_eq!(fresh.headers()["etag"], "\"3\"");
}

#[tokio::test]
async fn of_racing_actions_exactly_one_succeeds() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = eligible_case(&app).await;
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let accept = (0..6).map(|_| app.act(&w.council, "coordinator", &id, "accept", &etag, None));
    let decline = (0..6).map(|_| {
        app.act(
            &w.council,
            "coordinator",
            &id,
            "decline",
            &etag,
            Some(json!({"reason": "out_of_area"})),
        )
    });
    let responses = futures_util::future::join_all(accept.chain(decline)).await;
    let mut ok = 0;
    for response in responses {
        match response.status() {
            StatusCode::OK => ok += 1,
            StatusCode::PRECONDITION_FAILED => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 1);
    let (case, etag) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(etag, "\"2\"", "one write, one version");
    assert!(matches!(
        case["status"].as_str(),
        Some("accepted" | "declined")
    ));
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
    assert_eq!(
        timeline.as_array().unwrap().len(),
        2,
        "one decision recorded"
    );
}
