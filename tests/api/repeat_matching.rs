//! Repeat-referral matching is no oracle: a partner cannot learn from its own case
//! whether another organisation referred the same person or home. The match and the
//! link show only to callers who can see the earlier case.

use serde_json::{Value, json};

use crate::support::fixtures::{self, set, with};
use crate::support::{Org, TestApp};

fn id(case: &Value) -> String {
    case["id"].as_str().unwrap().to_owned()
}

fn repeat_flag(case: &Value) -> bool {
    case["flags"]
        .as_array()
        .unwrap()
        .contains(&json!("repeat_referral"))
}

/// What a referrer is shown of its new case that could depend on other cases: the
/// flags, the workflow facts, the timeline's event data, the list item's flags.
async fn what_the_referrer_sees(app: &TestApp, org: &Org, created: &Value) -> Value {
    let id = id(created);
    let (read, _) = app.read(org, "referrer", &id).await;
    let timeline: Value = app
        .get_as(org, &["referrer"], &format!("/api/v1/cases/{id}/timeline"))
        .await
        .json()
        .await
        .unwrap();
    let list: Value = app
        .get_as(org, &["referrer"], "/api/v1/cases?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .cloned()
        .unwrap();
    json!({
        "created_flags": created["flags"],
        "created_workflow_repeat": created["workflow"]["repeat_of_case_id"],
        "flags": read["flags"],
        "repeat_of_case_id": read["workflow"]["repeat_of_case_id"],
        "timeline_data": timeline.as_array().unwrap().iter().map(|e| e["data"].clone()).collect::<Vec<_>>(),
        "list_flags": item["flags"],
    })
}

#[tokio::test]
async fn a_new_referral_for_the_same_client_or_home_is_linked_to_the_open_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // The coordinator sees the links (referrers only their own: below).
    let coordinator = |case: Value| {
        let id = id(&case);
        let app = &app;
        async move { app.read(&w.council, "coordinator", &id).await.0 }
    };
    let first = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    // Another agency refers the same client, her name typed differently.
    let again = with(fixtures::minimal(), "/client/name", json!("ALEX  smith"));
    let second = coordinator(app.refer_ok(&w.housing, &again).await).await;
    assert!(
        second["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("repeat_referral"))
    );
    assert_eq!(second["workflow"]["repeat_of_case_id"], first["id"]);
    // Same home, different person.
    let mut neighbour = fixtures::minimal();
    set(&mut neighbour, "/client/name", json!("Sam Other"));
    set(&mut neighbour, "/client/date_of_birth", json!("1985-01-01"));
    let third = coordinator(app.refer_ok(&w.harbour, &neighbour).await).await;
    assert_eq!(
        third["workflow"]["repeat_of_case_id"], second["id"],
        "linked to the most recent"
    );
    // A different client at a different address is not a repeat.
    let mut other = fixtures::minimal();
    set(&mut other, "/client/name", json!("Pat Else"));
    set(&mut other, "/client/address/line1", json!("9 Other Road"));
    let fourth = coordinator(app.refer_ok(&w.harbour, &other).await).await;
    assert_eq!(fourth["workflow"]["repeat_of_case_id"], Value::Null);
    assert!(
        !fourth["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("repeat_referral"))
    );
    // The same client in another scheme is not a repeat there.
    let teesside = with(fixtures::minimal(), "/scheme", json!("teesside"));
    let fifth = app.refer_ok(&w.tees_referrer, &teesside).await;
    let fifth = app
        .read(&w.tees_council, "coordinator", &id(&fifth))
        .await
        .0;
    assert_eq!(fifth["workflow"]["repeat_of_case_id"], Value::Null);
}

#[tokio::test]
async fn a_referrer_cannot_tell_whether_another_agency_referred_the_same_client() {
    // With a match: Housing referred this client (and home) first.
    let matched = TestApp::spawn().await;
    let w = &matched.world;
    let earlier = matched.refer_ok(&w.housing, &fixtures::minimal()).await;
    let case = matched.refer_ok(&w.harbour, &fixtures::minimal()).await;
    let seen_with_match = what_the_referrer_sees(&matched, &w.harbour, &case).await;
    // The coordinator does see the match and the link.
    let (coordinator, _) = matched.read(&w.council, "coordinator", &id(&case)).await;
    assert!(repeat_flag(&coordinator));
    assert_eq!(coordinator["workflow"]["repeat_of_case_id"], earlier["id"]);

    // Without: the same referral into an empty scheme.
    let alone = TestApp::spawn().await;
    let case = alone
        .refer_ok(&alone.world.harbour, &fixtures::minimal())
        .await;
    let seen_alone = what_the_referrer_sees(&alone, &alone.world.harbour, &case).await;

    assert_eq!(
        seen_with_match, seen_alone,
        "the referrer's view must not depend on other organisations' cases"
    );
    assert_eq!(seen_alone["repeat_of_case_id"], Value::Null);
}

#[tokio::test]
async fn a_referrer_sees_the_link_to_its_own_earlier_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let first = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    let second = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    assert!(repeat_flag(&second));
    assert_eq!(second["workflow"]["repeat_of_case_id"], first["id"]);
}

#[tokio::test]
async fn names_match_whatever_their_unicode_normal_form() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // "Zoë" precomposed (NFC) and with a combining diaeresis (NFD).
    let mut nfc = fixtures::minimal();
    set(&mut nfc, "/client/name", json!("Zo\u{eb} Brown"));
    set(&mut nfc, "/client/address/line1", json!("1 First Road"));
    let mut nfd = fixtures::minimal();
    set(&mut nfd, "/client/name", json!("Zoe\u{308} Brown"));
    set(&mut nfd, "/client/address/line1", json!("2 Second Road"));
    let first = app.refer_ok(&w.harbour, &nfc).await;
    let second = app.refer_ok(&w.housing, &nfd).await;
    let (case, _) = app.read(&w.council, "coordinator", &id(&second)).await;
    assert!(repeat_flag(&case), "the same client: {:?}", case["flags"]);
    assert_eq!(case["workflow"]["repeat_of_case_id"], first["id"]);
}
