//! The spare-room evidence letter: the coordinator's, for a social tenant whose home
//! has sanctuary measures fitted; refused (409, naming why) for an owner-occupier and
//! for a home without fitted measures; printable HTML on the scheme's letterhead, every
//! read audited.

use reqwest::StatusCode;
use sanctuary_domain::calendar::london;
use sanctuary_domain::settings::SchemeSettings;
use sanctuary_domain::spare_room::Letterhead;
use sanctuary_persistence::schemes::ChangedBy;
use sanctuary_persistence::{admin, schemes};
use serde_json::json;

use crate::support::{TestApp, fixtures, problem};

fn letter_path(case: &str, purpose: &str) -> String {
    format!("/api/v1/cases/{case}/evidence-letter?purpose={purpose}")
}

#[tokio::test]
async fn a_social_tenant_with_measures_fitted_gets_the_letter_on_the_schemes_letterhead() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let darlington = schemes::find_by_code(app.store.connection(), "darlington")
        .await
        .unwrap()
        .unwrap();
    let settings = SchemeSettings {
        letterhead: Letterhead {
            issuer: Some("Darlington Borough Council <Sanctuary> & Safety".into()),
            address: vec!["Town Hall".into(), "Darlington DL1 5QT".into()],
            telephone: Some("01632 960 650".into()),
            email: None,
            signatory: Some("A. Coordinator, Sanctuary Scheme Coordinator".into()),
        },
        ..darlington.settings.clone()
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
    // The fixture: Jane Doe, a housing association tenant at 12 Example Street; a safe
    // room fitted, window locks not.
    let case = app.case_with_works(true).await;
    let (record, _) = app.read(&w.council, "coordinator", &case).await;
    let completed = time::OffsetDateTime::parse(
        record["works"]["completed_at"].as_str().expect("completed"),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let installed = london::local_date(completed);
    let installed = format!(
        "{} {} {}",
        installed.day(),
        installed.month(),
        installed.year()
    );
    for purpose in ["housing_benefit", "universal_credit"] {
        let response = app
            .get_as(&w.council, &["coordinator"], &letter_path(&case, purpose))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{purpose}");
        let headers = response.headers().clone();
        assert!(
            headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(headers["cache-control"], "no-store");
        assert!(
            headers["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'")
        );
        let page = response.text().await.unwrap();
        for expected in [
            "Jane Doe",
            "12 Example Street",
            "DL1 1AA",
            "Darlington Borough Council &lt;Sanctuary&gt; &amp; Safety",
            "Town Hall",
            "01632 960 650",
            "A. Coordinator, Sanctuary Scheme Coordinator",
            "adapted under",
            "SI 2021/991",
            "official capacity",
        ] {
            assert!(page.contains(expected), "{purpose}: {expected} missing");
        }
        assert!(!page.contains("<Sanctuary>"), "the letterhead is escaped");
        assert!(!page.contains("<script"));
        // The fitted measure is listed; the one not fitted is not.
        assert!(page.to_lowercase().contains("safe room"), "{purpose}");
        assert!(!page.to_lowercase().contains("window lock"), "{purpose}");
        let addressee = match purpose {
            "housing_benefit" => "Housing Benefit service",
            _ => "Universal Credit",
        };
        assert!(page.contains(addressee), "{purpose}");
        assert!(
            page.contains(&installed),
            "{purpose}: installed on {installed}"
        );
    }
    // Each letter's read is audited, naming what it showed.
    let audited = app
        .number("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'issue_evidence_letter'")
        .await;
    assert_eq!(audited, 2);
    // Only the coordinator: the referrer who knows the client, the assessor and the
    // contractor on the case are refused.
    for (org, role) in [
        (&w.harbour, "referrer"),
        (&w.assessor, "assessor"),
        (&w.contractor, "contractor"),
    ] {
        let response = app
            .get_as(org, &[role], &letter_path(&case, "housing_benefit"))
            .await;
        assert!(
            matches!(
                response.status(),
                StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
            ),
            "{role}: {}",
            response.status()
        );
    }
    // A purpose the letter does not have.
    let response = app
        .get_as(
            &w.council,
            &["coordinator"],
            &letter_path(&case, "council_tax"),
        )
        .await;
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn no_letter_for_an_owner_occupier_or_a_home_without_fitted_measures() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // An owner-occupier: the spare-room rules do not reach them.
    let mut owned = fixtures::eligible("OWNER-1");
    fixtures::set(&mut owned, "/household/tenure", json!("privately_owned"));
    let owned = app.refer_ok(&w.harbour, &owned).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = problem(
        app.get_as(
            &w.council,
            &["coordinator"],
            &letter_path(&owned, "housing_benefit"),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "not_social_housing");
    // A social tenant whose works are under way, nothing fitted yet.
    let in_progress = app.case_with_works(false).await;
    let p = problem(
        app.get_as(
            &w.council,
            &["coordinator"],
            &letter_path(&in_progress, "universal_credit"),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(p["code"], "no_measures_fitted");
    // Nothing about the client is in a refusal, and a refusal reads nothing: no audit
    // record of a letter shown.
    assert!(!p.to_string().contains("Jane Doe"));
    let audited = app
        .number("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'issue_evidence_letter' AND outcome = 'allowed'")
        .await;
    assert_eq!(audited, 0);
}
