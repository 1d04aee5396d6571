//! Repeat-referral matching is no oracle: a partner cannot learn from its own case
//! whether another organisation referred the same person or home. The match and the
//! link show only to callers who can see the earlier case.

use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
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
