//! POST /api/v1/referrals.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, remove, set, with};
use crate::support::{TestApp, problem, violations};

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect();
    v.sort();
    v
}

/// Every field present in `sent` appears in `echoed` with the same value.
fn assert_echoed(sent: &Value, echoed: &Value, at: &str) {
    match sent {
        Value::Object(map) => {
            for (k, v) in map {
                assert_echoed(v, &echoed[k], &format!("{at}/{k}"));
            }
        }
        other => assert_eq!(other, echoed, "at {at}"),
    }
}

#[tokio::test]
async fn the_full_canonical_example_is_accepted_unchanged() {
    let app = TestApp::spawn().await;
    let body = fixtures::full();
    let response = app.refer(&app.world.harbour, &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    let case: Value = response.json().await.unwrap();

    let id = uuid::Uuid::parse_str(case["id"].as_str().unwrap()).unwrap();
    assert_eq!(id.get_version_num(), 7);
    assert_eq!(location, format!("/api/v1/cases/{id}"));
    assert_eq!(etag, "\"1\"");
    let year = time::OffsetDateTime::now_utc().year();
    assert_eq!(case["reference"], format!("DAR-{year}-0001"));
    assert_eq!(case["status"], "received");
    assert_eq!(case["scheme"], "darlington");
    assert_eq!(case["urgent"], true);
    assert_eq!(case["external_reference"], "HARBOUR-2026-00412");
    assert_eq!(case["referral_source"], "specialist_domestic_abuse_service");
    assert_eq!(
        case["referring_organisation"]["id"],
        app.world.harbour.id.to_string()
    );
    assert_eq!(case["dash_score"], 16);
    assert_eq!(case["risk_level"], "high");
    assert_eq!(case["flags"], json!(["arson_risk"]));
    assert_eq!(case["can_progress"], true);
    assert_eq!(case["blocked_by"], json!([]));
    time::OffsetDateTime::parse(
        case["received_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("received_at is RFC 3339");
    assert_echoed(&body, &case["referral"], "");
}

#[tokio::test]
async fn the_minimal_canonical_example_is_accepted_and_unknowns_stay_unknown() {
    let app = TestApp::spawn().await;
    let body = fixtures::minimal();
    let case = app.refer_ok(&app.world.harbour, &body).await;
    assert_echoed(&body, &case["referral"], "");
    assert_eq!(case["risk_level"], Value::Null);
    assert_eq!(case["dash_score"], Value::Null);
    assert_eq!(case["urgent"], false);
    assert_eq!(case["flags"], json!(["landlord_contact_consent_refused"]));
    let demographics = &case["referral"]["demographics"];
    for field in [
        "gender",
        "ethnicity",
        "sexual_orientation",
        "interpreter_needed",
    ] {
        assert_eq!(demographics[field], Value::Null, "{field}");
    }
    assert_eq!(demographics["disabilities"], json!([]));
}

#[tokio::test]
async fn every_missing_mandatory_field_is_reported_at_once() {
    let app = TestApp::spawn().await;
    let p = problem(
        app.refer(&app.world.harbour, &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["code"], "validation_failed");
    let expected = [
        "/scheme",
        "/referrer",
        "/client",
        "/household",
        "/safety",
        "/consents",
    ];
    assert_eq!(violations(&p), pairs(&expected.map(|p| (p, "required"))));

    let body = json!({
        "scheme": "darlington",
        "referrer": {},
        "client": {"address": {}},
        "household": {},
        "safety": {"dash": {}, "police": {}, "arson_risk": {}},
        "consents": {},
    });
    let p = problem(
        app.refer(&app.world.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let required = [
        "/referrer/name",
        "/client/name",
        "/client/date_of_birth",
        "/client/phone",
        "/client/unsafe_contact_times",
        "/client/address/line1",
        "/client/address/town",
        "/client/address/postcode",
        "/household/tenure",
        "/safety/dash/completed",
        "/safety/police/involved",
        "/safety/arson_risk/present",
        "/consents/installation",
        "/consents/landlord_contact",
        "/consents/information_sharing",
        "/consents/follow_up_contact",
        "/consents/method",
        "/consents/obtained_on",
    ];
    let mut expected: Vec<(&str, &str)> = required.iter().map(|p| (*p, "required")).collect();
    // Rules that need no other field still apply: the referrer must be reachable.
    expected.push(("/referrer/email", "one_of_required"));
    assert_eq!(violations(&p), pairs(&expected));
}

#[tokio::test]
async fn shape_errors_and_rule_errors_come_back_together() {
    let app = TestApp::spawn().await;
    let mut body = fixtures::full();
    set(&mut body, "/nickname", json!("x"));
    set(&mut body, "/demographics/gender", json!("woman"));
    set(
        &mut body,
        "/demographics/disabilities",
        json!(["physical", "blind"]),
    );
    set(&mut body, "/referrer/name", json!("x".repeat(201)));
    set(&mut body, "/urgent", json!("yes"));
    set(&mut body, "/household/children_ages", json!([4, 19]));
    set(&mut body, "/civil_order_expiry", json!("2027-01-01"));
    set(
        &mut body,
        "/safety/civil_order/expires_on",
        json!("2027-02-30"),
    );
    // Rule violations, in sections whose shape is fine:
    set(&mut body, "/client/date_of_birth", json!("2015-01-01"));
    set(&mut body, "/client/address/postcode", json!("QL1 1AA"));
    set(&mut body, "/safety/marac", json!({"referred": true}));
    set(&mut body, "/safety/police", json!({"involved": true}));
    set(&mut body, "/referrer/email", json!(null));
    set(&mut body, "/referrer/phone", json!(null));
    let p = problem(
        app.refer(&app.world.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        pairs(&[
            ("/nickname", "unknown_field"),
            ("/civil_order_expiry", "unknown_field"),
            ("/demographics/gender", "invalid_value"),
            ("/demographics/disabilities/1", "invalid_value"),
            ("/referrer/name", "too_long"),
            ("/urgent", "invalid_type"),
            ("/household/children_ages/1", "out_of_range"),
            ("/safety/civil_order/expires_on", "invalid_format"),
            ("/client/date_of_birth", "too_young"),
            ("/client/address/postcode", "invalid_postcode"),
            ("/safety/marac/meeting_date", "required_by_answer"),
            ("/safety/police/crime_reference", "required_by_answer"),
            ("/referrer/email", "one_of_required"),
        ])
    );
    let gender = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["pointer"] == "/demographics/gender")
        .unwrap();
    assert_eq!(
        gender["message"],
        "must be one of: female, male, prefer_not_to_say, self_describe"
    );
    assert_eq!(p["detail"], "13 field(s) are not valid; see `errors`.");
}

#[tokio::test]
async fn error_messages_never_repeat_submitted_values() {
    let app = TestApp::spawn().await;
    let canary = "Zq7Canary";
    let mut body = fixtures::full();
    set(
        &mut body,
        "/client/name",
        json!(format!("{canary}{}", "n".repeat(300))),
    );
    set(
        &mut body,
        "/client/address/postcode",
        json!(format!("{canary}1")),
    );
    set(&mut body, "/client/phone", json!(format!("{canary}-phone")));
    set(&mut body, "/demographics/ethnicity", json!(canary));
    set(&mut body, "/referrer/email", json!(format!("{canary}@")));
    set(&mut body, "/client/date_of_birth", json!(canary));
    let response = app.refer(&app.world.harbour, &body).await;
    let text = response.text().await.unwrap();
    assert!(text.contains("validation_failed"));
    assert!(!text.contains(canary), "{text}");
}

#[tokio::test]
async fn dates_must_not_be_in_the_future_and_clients_must_be_sixteen() {
    let app = TestApp::spawn().await;
    let today = time::OffsetDateTime::now_utc().date();
    let iso = |d: time::Date| d.to_string();
    let tomorrow = today.next_day().unwrap();
    let mut body = fixtures::minimal();
    set(&mut body, "/client/date_of_birth", json!(iso(tomorrow)));
    set(&mut body, "/consents/obtained_on", json!(iso(tomorrow)));
    let p = problem(
        app.refer(&app.world.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        pairs(&[
            ("/client/date_of_birth", "date_in_future"),
            ("/consents/obtained_on", "date_in_future")
        ])
    );

    // Sixteen today is old enough.
    let sixteen = today.replace_year(today.year() - 16).unwrap_or(today);
    let body = with(
        fixtures::minimal(),
        "/client/date_of_birth",
        json!(iso(sixteen)),
    );
    app.refer_ok(&app.world.harbour, &body).await;
    let too_young = sixteen.next_day().unwrap();
    let body = with(
        fixtures::minimal(),
        "/client/date_of_birth",
        json!(iso(too_young)),
    );
    let p = problem(
        app.refer(&app.world.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        pairs(&[("/client/date_of_birth", "too_young")])
    );
}

#[tokio::test]
async fn dash_answers_give_the_score_and_must_agree_with_a_given_score() {
    let app = TestApp::spawn().await;
    let body = fixtures::with_dash_answers();
    let case = app.refer_ok(&app.world.harbour, &body).await;
    assert_eq!(case["dash_score"], 11);
    assert_eq!(case["risk_level"], "medium");
    assert_eq!(
        case["referral"]["safety"]["dash"]["answers"]["q20"],
        "not_known"
    );
    assert!(
        !case["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("high_risk_without_marac"))
    );

    let mut body = fixtures::with_dash_answers();
    set(&mut body, "/external_reference", json!("another"));
    set(&mut body, "/safety/dash/score", json!(12));
    remove(&mut body, "/safety/dash/answers/q27");
    let p = problem(
        app.refer(&app.world.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        pairs(&[("/safety/dash/answers", "incomplete_answers")])
    );

    let mut body = fixtures::with_dash_answers();
    set(&mut body, "/external_reference", json!("a third"));
    set(&mut body, "/safety/dash/score", json!(12));
    let p = problem(
        app.refer(&app.world.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        pairs(&[("/safety/dash/score", "score_mismatch")])
    );

    let body = with(
        fixtures::minimal(),
        "/safety/dash",
        json!({"completed": true, "score": 28}),
    );
    let p = problem(
        app.refer(&app.world.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        pairs(&[("/safety/dash/score", "out_of_range")])
    );
}

#[tokio::test]
async fn high_risk_without_a_marac_referral_is_flagged() {
    let app = TestApp::spawn().await;
    let mut body = fixtures::full();
    set(&mut body, "/safety/marac", json!({"referred": false}));
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(true),
    );
    set(
        &mut body,
        "/support_needs/care_and_support_needs",
        json!(true),
    );
    let case = app.refer_ok(&app.world.harbour, &body).await;
    let flags = case["flags"].as_array().unwrap();
    for flag in [
        "high_risk_without_marac",
        "perpetrator_at_property",
        "safeguarding_referral_needed",
        "arson_risk",
    ] {
        assert!(flags.contains(&json!(flag)), "{flag} in {flags:?}");
    }
}

#[tokio::test]
async fn a_referral_without_consent_is_stored_but_cannot_progress() {
    let app = TestApp::spawn().await;
    let case = app
        .refer_ok(&app.world.harbour, &fixtures::consent_refused())
        .await;
    assert_eq!(case["status"], "received");
    assert_eq!(case["can_progress"], false);
    assert_eq!(
        case["blocked_by"],
        json!([
            "installation_consent_refused",
            "information_sharing_consent_refused"
        ])
    );
    let flags = case["flags"].as_array().unwrap();
    assert!(flags.contains(&json!("installation_consent_refused")));
    assert!(flags.contains(&json!("information_sharing_consent_refused")));

    let path = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
    let stored: Value = app
        .get_as(&app.world.council, &["coordinator"], &path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["can_progress"], false);
    assert_eq!(stored["blocked_by"], case["blocked_by"]);
}

#[tokio::test]
async fn text_is_trimmed_blank_text_is_absent_and_postcodes_are_normalised() {
    let app = TestApp::spawn().await;
    let mut body = fixtures::minimal();
    set(&mut body, "/client/name", json!("  Alex Smith  "));
    set(&mut body, "/client/address/postcode", json!(" dl36ab "));
    set(&mut body, "/client/address/line2", json!("   "));
    set(&mut body, "/referrer/organisation_name", json!(""));
    let case = app.refer_ok(&app.world.harbour, &body).await;
    let referral = &case["referral"];
    assert_eq!(referral["client"]["name"], "Alex Smith");
    assert_eq!(referral["client"]["address"]["postcode"], "DL3 6AB");
    assert_eq!(referral["client"]["address"]["line2"], Value::Null);
    assert_eq!(referral["referrer"]["organisation_name"], Value::Null);
}

#[tokio::test]
async fn control_characters_are_refused() {
    let app = TestApp::spawn().await;
    let body = with(
        fixtures::minimal(),
        "/client/unsafe_contact_times",
        json!("evenings\u{0}"),
    );
    let p = problem(
        app.refer(&app.world.harbour, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        pairs(&[("/client/unsafe_contact_times", "invalid_characters")])
    );
    let body = with(
        fixtures::minimal(),
        "/client/unsafe_contact_times",
        json!("evenings\nand weekends\t"),
    );
    app.refer_ok(&app.world.harbour, &body).await;
}

#[tokio::test]
async fn references_run_per_scheme_and_year() {
    let app = TestApp::spawn().await;
    let year = time::OffsetDateTime::now_utc().year();
    let first = app.refer_ok(&app.world.harbour, &fixtures::minimal()).await;
    let second = app.refer_ok(&app.world.housing, &fixtures::minimal()).await;
    let tees = with(fixtures::minimal(), "/scheme", json!("teesside"));
    let third = app.refer_ok(&app.world.tees_referrer, &tees).await;
    assert_eq!(first["reference"], format!("DAR-{year}-0001"));
    assert_eq!(second["reference"], format!("DAR-{year}-0002"));
    assert_eq!(third["reference"], format!("TEE-{year}-0001"));
}

#[tokio::test]
async fn concurrent_referrals_get_gap_free_unique_references() {
    let app = TestApp::spawn().await;
    let body = fixtures::minimal();
    let posts = (0..20).map(|_| app.refer(&app.world.harbour, &body));
    let responses = futures_util::future::join_all(posts).await;
    let mut numbers = Vec::new();
    for response in responses {
        assert_eq!(response.status(), StatusCode::CREATED);
        let case: Value = response.json().await.unwrap();
        let reference = case["reference"].as_str().unwrap().to_owned();
        numbers.push(
            reference
                .rsplit('-')
                .next()
                .unwrap()
                .parse::<u32>()
                .unwrap(),
        );
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=20).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_external_reference_can_be_used_once_per_organisation() {
    let app = TestApp::spawn().await;
    let first = app.refer_ok(&app.world.harbour, &fixtures::full()).await;
    let p = problem(
        app.refer(&app.world.harbour, &fixtures::full()).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "duplicate_external_reference");
    assert_eq!(p["existing_case"]["id"], first["id"]);
    assert_eq!(p["existing_case"]["reference"], first["reference"]);
    // Another organisation's numbering is its own.
    app.refer_ok(&app.world.housing, &fixtures::full()).await;
}

#[tokio::test]
async fn referrers_refer_only_into_schemes_they_belong_to() {
    let app = TestApp::spawn().await;
    let into_teesside = with(fixtures::minimal(), "/scheme", json!("teesside"));
    let p = problem(
        app.refer(&app.world.harbour, &into_teesside).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(p["code"], "forbidden");
    problem(
        app.refer(&app.world.stranger, &fixtures::minimal()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let unknown = with(fixtures::minimal(), "/scheme", json!("atlantis"));
    problem(
        app.refer(&app.world.harbour, &unknown).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Membership is checked before the body's other fields: no validation oracle.
    let invalid = with(into_teesside, "/client/date_of_birth", json!("2030-01-01"));
    problem(
        app.refer(&app.world.harbour, &invalid).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn only_tokens_with_the_referrer_role_may_refer() {
    let app = TestApp::spawn().await;
    let response = app
        .post("/api/v1/referrals")
        .bearer_auth(app.token(&app.world.harbour, &["coordinator", "funder"]))
        .json(&fixtures::minimal())
        .send()
        .await
        .unwrap();
    problem(response, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn the_referral_source_follows_the_referring_organisations_kind() {
    let app = TestApp::spawn().await;
    let case = app.refer_ok(&app.world.housing, &fixtures::minimal()).await;
    assert_eq!(case["referral_source"], "housing_association");
}

/// Mass assignment: fields the server owns cannot be sent; each is named, and nothing
/// is stored.
#[tokio::test]
async fn server_owned_fields_in_a_body_are_refused_and_nothing_changes() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut body = fixtures::minimal();
    let owned = [
        "id",
        "status",
        "reference",
        "referring_organisation_id",
        "received_at",
        "created_at",
        "version",
    ];
    for field in owned {
        body[field] = json!("01a21000-0000-7000-8000-000000000000");
    }
    let response = app.refer(&w.harbour, &body).await;
    let problem = crate::support::problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pointers: Vec<String> = crate::support::violations(&problem)
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    for field in owned {
        assert!(
            pointers.contains(&format!("/{field}")),
            "{field}: {pointers:?}"
        );
    }
    let list: Value = app
        .get_as(&w.council, &["coordinator"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing stored"
    );

    // The same for an action's body: the case's version does not move.
    let case = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    let id = case["id"].as_str().unwrap();
    let (_, etag) = app.read(&w.council, "coordinator", id).await;
    let response = app
        .act(
            &w.council,
            "coordinator",
            id,
            "accept",
            &etag,
            Some(json!({"status": "closed"})),
        )
        .await;
    crate::support::problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let (after, same) = app.read(&w.council, "coordinator", id).await;
    assert_eq!(same, etag);
    assert_eq!(after["status"], "received");
}

#[tokio::test]
async fn the_coordinator_enters_a_self_referral_and_the_report_counts_it_as_one() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut body = fixtures::eligible("SELF-1");
    set(&mut body, "/self_referral", json!(true));
    let post = |org: &crate::support::Org, role: &str, body: &Value| {
        app.post("/api/v1/referrals")
            .bearer_auth(app.token(org, &[role]))
            .json(body)
            .send()
    };
    // Only the scheme's coordinator enters one; a partner refers as a referrer.
    problem(
        post(&w.harbour, "referrer", &body).await.unwrap(),
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        post(&w.tees_council, "coordinator", &body).await.unwrap(),
        StatusCode::FORBIDDEN,
    )
    .await;
    let mut partner = body.clone();
    set(&mut partner, "/self_referral", json!(false));
    problem(
        post(&w.council, "coordinator", &partner).await.unwrap(),
        StatusCode::FORBIDDEN,
    )
    .await;
    let response = post(&w.council, "coordinator", &body).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let case: Value = response.json().await.unwrap();
    assert_eq!(case["referral_source"], "self_referral");
    assert_eq!(case["referral"]["self_referral"], true);
    assert_eq!(case["referring_organisation"]["id"], json!(w.council.id));
    let id = case["id"].as_str().unwrap();
    // A partner's referral is no self-referral, and a correction cannot make it one.
    let theirs = app
        .refer_ok(&w.harbour, &fixtures::eligible("SELF-2"))
        .await;
    assert_eq!(theirs["referral"]["self_referral"], false);
    let (_, etag) = app.read(&w.council, "coordinator", id).await;
    let mut corrected = body.clone();
    set(&mut corrected, "/self_referral", json!(false));
    let refused = app
        .client
        .patch(app.url(&format!("/api/v1/cases/{id}/referral")))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("If-Match", etag)
        .json(&corrected)
        .send()
        .await
        .unwrap();
    let p = problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        violations(&p),
        pairs(&[("/self_referral", "contradicts_answer")])
    );

    let report: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            "/api/v1/reports/monitoring?scheme=darlington",
        )
        .await
        .json()
        .await
        .unwrap();
    let row = |code: &str| {
        report["sections"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["rows"].as_array().unwrap())
            .find(|r| r["code"] == code)
            .unwrap_or_else(|| panic!("no row {code}"))["total"]["value"]
            .clone()
    };
    assert_eq!(row("source.self_referral"), 1);
    assert_eq!(row("source.specialist_domestic_abuse_service"), 1);
    assert_eq!(row("referrals_received"), 2);
}
