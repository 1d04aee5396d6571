//! Scheme settings and the calendar as they reach cases.

use sanctuary_domain::calendar::{Calendar, london};
use sanctuary_domain::eligibility::EligibilityRules;
use sanctuary_domain::referral::Tenure;
use sanctuary_domain::scheme::Nation;
use sanctuary_domain::settings::SchemeSettings;
use sanctuary_persistence::schemes::ChangedBy;
use sanctuary_persistence::{admin, calendars, schemes};
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::support::{TestApp, fixtures};

fn due(case: &Value, kind: &str) -> OffsetDateTime {
    let clock = case["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap();
    OffsetDateTime::parse(
        clock["due_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

#[tokio::test]
async fn holidays_an_administrator_adds_push_working_day_clocks_back() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let before = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    // Declare the next two working days holidays (say, an announced one-off).
    let calendar = Calendar::shipped(Nation::EnglandAndWales);
    let today = london::local_date(OffsetDateTime::now_utc());
    let first = calendar.add_working_days(today, 1);
    let second = calendar.add_working_days(today, 2);
    for day in [first, second] {
        calendars::add_holiday(
            app.store.connection(),
            Nation::EnglandAndWales,
            day,
            "Test holiday",
        )
        .await
        .unwrap();
    }
    let after = app.refer_ok(&w.housing, &fixtures::minimal()).await;
    let extended = Calendar::with_extra(Nation::EnglandAndWales, [first, second]);
    let expected = london::end_of_day(extended.add_working_days(today, 2));
    assert_eq!(due(&after, "initial_contact"), expected);
    assert!(due(&after, "initial_contact") > due(&before, "initial_contact"));
    // Another nation's calendar is untouched.
    assert!(
        !calendars::for_nation(app.store.connection(), Nation::Scotland)
            .await
            .unwrap()
            .is_holiday(first)
    );
}

#[tokio::test]
async fn a_schemes_eligibility_rules_decide_the_warnings_its_cases_show() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let darlington = schemes::find_by_code(app.store.connection(), "darlington")
        .await
        .unwrap()
        .unwrap();
    let settings = SchemeSettings {
        eligibility: EligibilityRules {
            allowed_tenures: Some(vec![Tenure::CouncilHousing, Tenure::HousingAssociation]),
            require_police_crime_reference: true,
            require_perpetrator_not_at_property: false,
            require_client_wishes_to_remain: false,
        },
        ..SchemeSettings::default()
    };
    admin::change_settings(
        &app.store,
        "darlington",
        darlington.version,
        &settings,
        &ChangedBy::system("test"),
    )
    .await
    .unwrap();
    // Privately owned, no police involvement.
    let minimal = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    assert_eq!(
        minimal["workflow"]["eligibility_warnings"],
        json!(["tenure_not_eligible", "no_police_crime_reference"])
    );
    // A housing association tenant with a crime reference meets them all.
    let full = app.refer_ok(&w.harbour, &fixtures::full()).await;
    assert_eq!(full["workflow"]["eligibility_warnings"], json!([]));
    // Teesside keeps the default rules.
    let teesside = fixtures::with(fixtures::minimal(), "/scheme", json!("teesside"));
    let tees = app.refer_ok(&w.tees_referrer, &teesside).await;
    assert_eq!(
        tees["workflow"]["eligibility_warnings"],
        json!([
            "perpetrator_may_live_at_property",
            "client_may_not_wish_to_remain"
        ])
    );
}
