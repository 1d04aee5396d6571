//! The demo data generator: synthetic cases taken through the workflow's own rules at
//! past dates, the same data for the same seed.

use reqwest::StatusCode;
use sanctuary_persistence::audit::{self, Verdict};
use sanctuary_server::seed::{SeedError, SeedOptions, SeedReport, seed_demo};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::support::TestApp;

const NOW: OffsetDateTime = datetime!(2026-11-23 12:00 UTC);
const CASES: u64 = 100;

fn options(scheme: &str) -> SeedOptions {
    SeedOptions {
        scheme: scheme.into(),
        cases: CASES,
        years: 2,
        seed: 7,
    }
}

async fn seeded() -> (TestApp, SeedReport) {
    let app = TestApp::spawn().await;
    let mut done = Vec::new();
    let report = seed_demo(&app.store, &options("darlington"), NOW, |n| done.push(n))
        .await
        .expect("the scheme is seeded");
    assert_eq!(done.last(), Some(&CASES), "progress reaches the total");
    (app, report)
}

async fn distinct(app: &TestApp, column: &str) -> i64 {
    app.number(&format!("SELECT COUNT(DISTINCT {column}) AS n FROM cases"))
        .await
}

async fn with_status(app: &TestApp, statuses: &str) -> i64 {
    app.number(&format!(
        "SELECT COUNT(*) AS n FROM cases WHERE status IN ({statuses})"
    ))
    .await
}

const WORKS_COST: &str =
    "SELECT CAST(COALESCE(SUM(works_cost_pence), 0) AS BIGINT) AS n FROM cases";

#[tokio::test]
async fn seeded_cases_follow_the_workflow_in_the_past_and_the_same_seed_repeats_them() {
    let (app, report) = seeded().await;
    assert_eq!(report.cases, CASES);
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM cases").await,
        CASES as i64
    );

    // A spread of outcomes: accepted, declined, withdrawn, cancelled, completed, open.
    let accepted = "SELECT COUNT(*) AS n FROM cases \
                    WHERE decided_at IS NOT NULL AND decline_reason IS NULL";
    assert!(app.number(accepted).await > CASES as i64 / 2);
    for status in ["'declined'", "'withdrawn'", "'cancelled'", "'closed'"] {
        assert!(with_status(&app, status).await > 0, "no {status} case");
    }
    assert!(with_status(&app, "'works_completed', 'follow_up'").await > 0);
    let open = "'received', 'accepted', 'assessment', 'assessed', 'works_approved', \
                'works_ordered', 'works_in_progress', 'works_completed', 'follow_up', 'on_hold'";
    assert!(
        with_status(&app, open).await > 0,
        "recent cases are still open"
    );
    assert!(app.number(WORKS_COST).await > 0);

    // The categories the monitoring report counts vary.
    for (column, at_least) in [
        ("gender", 2),
        ("ethnicity", 4),
        ("age_band", 4),
        ("tenure", 4),
        ("risk_level", 3),
        ("referral_source", 2),
    ] {
        assert!(
            distinct(&app, column).await >= at_least,
            "{column} hardly varies"
        );
    }

    // Everything happened in the past, within the two years.
    let db = app.store.connection();
    let events = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT at FROM case_events",
        ))
        .await
        .unwrap();
    assert!(events.len() as u64 >= report.cases + report.actions);
    for row in events {
        let at: OffsetDateTime = row.try_get("", "at").unwrap();
        assert!(at <= NOW && at > NOW - Duration::days(2 * 366), "{at}");
    }

    // Every case has audit records, and the chain holds.
    let unaudited = "SELECT COUNT(*) AS n FROM cases c WHERE NOT EXISTS \
                     (SELECT 1 FROM audit_events a WHERE a.case_id = c.id)";
    assert_eq!(app.number(unaudited).await, 0);
    let Verdict::Intact { records } =
        audit::verify(app.store.connection(), app.store.keys().unwrap())
            .await
            .unwrap()
    else {
        panic!("the audit chain is broken");
    };
    assert!(records as u64 >= report.cases + report.actions);

    // The coordinator sees them over HTTP, newest first.
    let council = &app.world.council;
    let list = app
        .get_as(council, &["coordinator"], "/api/v1/cases?limit=50")
        .await;
    assert_eq!(list.status(), StatusCode::OK);
    let list: Value = list.json().await.unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert!(list["next_cursor"].is_string());
    for item in items.iter().step_by(10) {
        let id = item["id"].as_str().unwrap();
        let (case, _) = app.read(council, "coordinator", id).await;
        assert_eq!(case["status"], item["status"]);
        let received = case["received_at"].as_str().unwrap();
        let received = OffsetDateTime::parse(received, &Rfc3339).unwrap();
        assert!(received < NOW && received > NOW - Duration::days(2 * 366));
    }

    // The same seed into a fresh database: the same data (ids aside).
    let (again, second) = seeded().await;
    assert_eq!(second, report);
    assert_eq!(again.report_basis().await, app.report_basis().await);
    assert_eq!(again.number(WORKS_COST).await, app.number(WORKS_COST).await);
}

#[tokio::test]
async fn a_scheme_without_a_contractor_cannot_be_seeded() {
    let app = TestApp::spawn().await;
    let err = seed_demo(&app.store, &options("teesside"), NOW, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&err, SeedError::MissingRole { role, .. } if role.as_str() == "contractor"),
        "{err}"
    );
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM cases").await, 0);
}
