//! Referrals the scheme makes onward (MARAC, adult safeguarding, ...): recorded by the
//! coordinator or the referrer, they clear the flag that asked for them, and to whom
//! stays sealed (in the export, never in the timeline or an event).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set, today};
use crate::support::{TestApp, problem, violations};

const CANARY: &str = "Darlington MARAC ref M-CANARY-118";

fn flags(case: &Value) -> Vec<String> {
    case["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_referral_made_clears_its_flag_and_a_reassessment_does_not_raise_it_again() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut body = fixtures::full();
    set(&mut body, "/safety/marac", json!({"referred": false}));
    set(
        &mut body,
        "/support_needs/care_and_support_needs",
        json!(true),
    );
    let case = app.refer_ok(&w.harbour, &body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let before = flags(&case);
    for flag in ["high_risk_without_marac", "safeguarding_referral_needed"] {
        assert!(before.contains(&flag.to_owned()), "{flag} in {before:?}");
    }

    // Not in the future.
    let tomorrow = (time::OffsetDateTime::now_utc().date() + time::Duration::days(2)).to_string();
    let (_, etag) = app.read(&w.harbour, "referrer", &id).await;
    let p = problem(
        app.act(
            &w.harbour,
            "referrer",
            &id,
            "record-referral-made",
            &etag,
            Some(json!({"type": "marac", "referred_on": tomorrow})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(violations(&p)[0].0, "/referred_on");

    // The referrer (the IDVA service) made the MARAC referral.
    let marac = json!({"type": "marac", "referred_on": today(), "details": CANARY});
    let (case, _) = app
        .act_ok(
            &w.harbour,
            "referrer",
            &id,
            "record-referral-made",
            Some(marac),
        )
        .await;
    let after = flags(&case);
    assert!(
        !after.contains(&"high_risk_without_marac".to_owned()),
        "{after:?}"
    );
    assert!(after.contains(&"safeguarding_referral_needed".to_owned()));
    let kept: Vec<&String> = before
        .iter()
        .filter(|f| *f != "high_risk_without_marac")
        .collect();
    assert_eq!(
        after.iter().collect::<Vec<_>>(),
        kept,
        "the other flags stay"
    );

    let safeguarding = json!({"type": "adult_safeguarding", "referred_on": today()});
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "record-referral-made",
            Some(safeguarding),
        )
        .await;
    assert!(!flags(&case).contains(&"safeguarding_referral_needed".to_owned()));

    // A reassessment with the same facts raises neither again.
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "risk-assessments",
            Some(json!({"dash": {"completed": true, "score": 20}})),
        )
        .await;
    assert_eq!(case["risk_level"], "high");
    let now = flags(&case);
    for flag in ["high_risk_without_marac", "safeguarding_referral_needed"] {
        assert!(!now.contains(&flag.to_owned()), "{flag} back in {now:?}");
    }

    // The timeline keeps which referral, when, and what it cleared; not to whom.
    let response = app
        .get_as(
            &w.harbour,
            &["referrer"],
            &format!("/api/v1/cases/{id}/timeline"),
        )
        .await;
    let text = response.text().await.unwrap();
    assert!(!text.contains("M-CANARY-118"), "{text}");
    let timeline: Value = serde_json::from_str(&text).unwrap();
    let made: Vec<&Value> = timeline
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "record_referral_made")
        .collect();
    assert_eq!(made.len(), 2);
    assert_eq!(made[0]["data"]["referral_type"], "marac");
    assert_eq!(made[0]["data"]["referred_on"], json!(today()));
    assert_eq!(made[0]["data"]["cleared_flag"], "high_risk_without_marac");
    assert_eq!(made[1]["data"]["referral_type"], "adult_safeguarding");

    // The referrer is told, with no detail.
    let feed = app
        .get_as(
            &w.harbour,
            &["referrer"],
            "/api/v1/events?after=0&limit=100",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(feed.contains("case.referral_made"), "{feed}");
    assert!(!feed.contains("M-CANARY-118"));

    // To whom is in the subject access export, with the other notes.
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
    assert!(export.contains(CANARY));
}

#[tokio::test]
async fn a_referral_made_is_recorded_only_on_an_open_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let (_, etag) = app
        .act_ok(&w.harbour, "referrer", &id, "withdraw", Some(json!({})))
        .await;
    let p = problem(
        app.act(
            &w.council,
            "coordinator",
            &id,
            "record-referral-made",
            &etag,
            Some(json!({"type": "police", "referred_on": today()})),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "invalid_transition");
}
