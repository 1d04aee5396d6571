//! The annual safe-accommodation return, recounted here household by household from the
//! case rows with the return's mapping written out again (category by category), on a
//! seeded dataset; funders get it disclosure-controlled, anyone may ask for it rounded.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use sanctuary_domain::calendar::london;
use sanctuary_persistence::entities::{case, works_item};
use sea_orm::EntityTrait;
use serde_json::Value;
use time::{Date, OffsetDateTime};

use crate::support::{TestApp, problem};

/// Each decline, cancel and close reason and the return's category for it (`None`: not
/// counted, as a duplicate referral's household is counted with its other referral).
const DECLINED: &[(&str, Option<&str>)] = &[
    ("ineligible_tenure", Some("not_eligible")),
    ("out_of_area", Some("not_eligible")),
    ("no_consent", Some("declined_support")),
    ("client_wishes_to_move", Some("needs_met_elsewhere")),
    ("refuge_more_suitable", Some("needs_met_elsewhere")),
    ("perpetrator_lives_at_property", Some("unsafe_to_support")),
    ("referral_incomplete", Some("could_not_provide")),
    ("duplicate_referral", None),
    ("other", Some("other")),
];
const CANCELLED: &[(&str, &str)] = &[
    ("client_withdrew", "declined_support"),
    ("client_moved", "needs_met_elsewhere"),
    ("perpetrator_returned", "unsafe_to_support"),
    ("unsafe_to_proceed", "unsafe_to_support"),
    ("unable_to_contact", "could_not_contact"),
    ("landlord_refused", "could_not_provide"),
    ("works_not_feasible", "could_not_provide"),
    ("other", "other"),
];
const CLOSED: &[(&str, &str)] = &[
    ("completed", "completed"),
    ("client_moved", "moved_on"),
    ("no_further_action", "no_longer_needed"),
    ("unable_to_contact", "lost_contact"),
    ("other", "other"),
];

fn within(at: Option<OffsetDateTime>, first: Date, last: Date) -> bool {
    at.map(london::local_date)
        .is_some_and(|d| first <= d && d <= last)
}

/// The return's figures by row code, counted case by case.
async fn recount(app: &TestApp, first: Date, last: Date) -> BTreeMap<String, i64> {
    let db = app.store.connection();
    let cases = case::Entity::find().all(db).await.unwrap();
    let items = works_item::Entity::find().all(db).await.unwrap();
    let mut n: BTreeMap<String, i64> = BTreeMap::new();
    let mut add = |code: &str, by: i64| *n.entry(code.to_owned()).or_default() += by;
    // Only the seeded scheme has cases.
    for c in &cases {
        let installed = |c: &case::Model| {
            items
                .iter()
                .any(|i| i.case_id == c.id && i.outcome.as_deref() == Some("installed"))
        };
        let completed = within(c.works_completed_at, first, last);
        if (completed && installed(c)) || within(c.interim_fitted_at, first, last) {
            add("households_supported", 1);
            let gender = if c.gender_identity_differs == Some(true)
                || c.gender.as_deref() == Some("self_describe")
            {
                "trans_and_non_binary"
            } else {
                match c.gender.as_deref() {
                    Some("female") => "women",
                    Some("male") => "men",
                    _ => "not_known",
                }
            };
            add(&format!("adults.{gender}"), 1);
            add("children.count", i64::from(c.children_count));
            let lgb = [
                "bisexual",
                "gay_man",
                "gay_woman_or_lesbian",
                "self_describe",
            ];
            let characteristics = [
                (
                    "disabled",
                    c.disability_physical
                        || c.disability_learning
                        || c.disability_mental_illness
                        || c.disability_mental_impairment,
                ),
                (
                    "lgbt_plus",
                    c.gender_identity_differs == Some(true)
                        || c.sexual_orientation
                            .as_deref()
                            .is_some_and(|o| lgb.contains(&o)),
                ),
                (
                    "black_and_minoritised",
                    c.ethnicity
                        .as_deref()
                        .is_some_and(|e| e != "white_british" && e != "prefer_not_to_say"),
                ),
                (
                    "no_recourse_to_public_funds",
                    c.no_recourse_to_public_funds == Some(true),
                ),
                (
                    "aged_16_to_24",
                    c.age_band == "under_18" || c.age_band == "18_24",
                ),
                ("aged_65_or_over", c.age_band == "65_plus"),
                ("complex_needs", c.other_support_needs),
            ];
            for (name, has) in characteristics {
                add(&format!("characteristic.{name}"), i64::from(has));
            }
        }
        if completed {
            let units: i64 = items
                .iter()
                .filter(|i| i.case_id == c.id && i.outcome.as_deref() == Some("installed"))
                .map(|i| i64::from(i.quantity))
                .sum();
            add("sanctuary_units_installed", units);
        }
        if let (Some(reason), true) = (&c.decline_reason, within(c.decided_at, first, last)) {
            let (_, category) = DECLINED.iter().find(|(r, _)| r == reason).unwrap();
            if let Some(category) = category {
                add(&format!("not_supported.{category}"), 1);
                add("households_not_supported", 1);
            }
        }
        let ended = within(c.ended_at, first, last);
        let before_works =
            c.decided_at.is_some() && c.decline_reason.is_none() && c.works_completed_at.is_none();
        if ended && before_works && (c.status == "cancelled" || c.status == "withdrawn") {
            let reason = match c.status.as_str() {
                "withdrawn" => "client_withdrew",
                _ => c.cancel_reason.as_deref().unwrap_or("other"),
            };
            let (_, category) = CANCELLED.iter().find(|(r, _)| *r == reason).unwrap();
            add(&format!("not_supported.{category}"), 1);
            add("households_not_supported", 1);
        }
        if ended && c.status == "closed" {
            let reason = c.close_reason.as_deref().unwrap_or("other");
            let (_, category) = CLOSED.iter().find(|(r, _)| *r == reason).unwrap();
            add(&format!("support_ended.{category}"), 1);
            add("households_support_ended", 1);
        }
    }
    n
}

fn figures(body: &Value) -> BTreeMap<String, Value> {
    body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap())
        .map(|r| (r["code"].as_str().unwrap().to_owned(), r["value"].clone()))
        .collect()
}

#[tokio::test]
async fn the_return_matches_a_recount_category_by_category_and_funders_see_no_small_number() {
    use sanctuary_server::seed::{SeedOptions, seed_demo};
    let app = TestApp::spawn().await;
    let w = &app.world;
    let options = SeedOptions {
        scheme: "darlington".into(),
        cases: 150,
        years: 2,
        seed: 19,
    };
    let now = time::macros::datetime!(2026-11-23 12:00 UTC);
    seed_demo(&app.store, &options, now, |_| {}).await.unwrap();
    let path = "/api/v1/reports/safe-accommodation?scheme=darlington&year=2025";
    let body: Value = app
        .get_as(&w.council, &["coordinator"], path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["year_start"], "2025-04-01");
    assert_eq!(body["year_end"], "2026-03-31");
    assert_eq!(body["disclosure_control"]["applied"], false);
    let expected = recount(
        &app,
        time::macros::date!(2025 - 04 - 01),
        time::macros::date!(2026 - 03 - 31),
    )
    .await;
    let shown = figures(&body);
    assert_eq!(shown.len(), 28, "{shown:#?}");
    for (code, value) in &shown {
        let want = expected.get(code).copied().unwrap_or(0);
        assert_eq!(value["value"], want, "{code}");
        assert_eq!(value["suppressed"], false, "{code}");
    }
    // The seeded year exercises most categories, not only zeros.
    assert!(expected["households_supported"] > 20, "{expected:#?}");
    assert!(expected["households_not_supported"] > 0);
    assert!(expected["households_support_ended"] > 0);
    let nonzero = shown.values().filter(|v| v["value"] != 0).count();
    assert!(nonzero >= 15, "{nonzero} categories have households");

    // Funders: nothing from 1 to threshold − 1, and each hidden cell stays hidden.
    let funders: Value = app
        .get_as(&w.funder, &["funder"], path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(funders["disclosure_control"]["applied"], true);
    let threshold = funders["disclosure_control"]["threshold"].as_i64().unwrap();
    let mut hidden = 0;
    for (code, cell) in figures(&funders) {
        match cell["value"].as_i64() {
            Some(v) => assert!(v == 0 || v >= threshold, "{code} shows {v}"),
            None => {
                assert_eq!(cell["suppressed"], true, "{code}");
                hidden += 1;
            }
        }
    }
    assert!(hidden > 0, "a seeded year has small categories to hide");

    // Rounded to the nearest 10 when asked, for the coordinator too: never 0 for a
    // category with households.
    let rounded: Value = app
        .get_as(&w.council, &["coordinator"], &format!("{path}&rounding=10"))
        .await
        .json()
        .await
        .unwrap();
    for (code, cell) in figures(&rounded) {
        let v = cell["value"].as_i64().unwrap();
        let exact = expected.get(&code).copied().unwrap_or(0);
        assert_eq!(v % 10, 0, "{code}");
        assert!(
            (v - exact).abs() <= 5 || (exact > 0 && v == 10),
            "{code}: {exact} → {v}"
        );
        assert_eq!(v == 0, exact == 0, "{code}");
    }

    // CSV and a printable page; nobody else reads it.
    let csv = app
        .get(path)
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert!(csv.contains(&format!(
        "Households supported by the sanctuary scheme,{}",
        expected["households_supported"]
    )));
    let html = app
        .get(path)
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<table>") && html.contains("Adults supported, by gender"));
    for (org, role) in [(&w.assessor, "assessor"), (&w.harbour, "referrer")] {
        problem(app.get_as(org, &[role], path).await, StatusCode::FORBIDDEN).await;
    }
}
