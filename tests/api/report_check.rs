//! An independent check of the monitoring report: every cell recomputed from the case
//! rows with plain Rust (UK dates, the shipped calendar for working days), not the SQL.

use std::collections::BTreeMap;

use sanctuary_domain::calendar::{Calendar, london};
use sanctuary_domain::report::year::{Quarter, quarters};
use sanctuary_domain::report::{Spread, Tallies, build};
use sanctuary_domain::scheme::Nation;
use sanctuary_persistence::entities::{case, case_record, scheme, scheme_feedback, works_item};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use time::{Date, OffsetDateTime};

use crate::support::TestApp;

fn quarter_of(qs: &[Quarter; 4], at: Option<OffsetDateTime>) -> Option<usize> {
    let day = london::local_date(at?);
    qs.iter()
        .position(|q| q.first_day <= day && day <= q.last_day)
}

fn yes_no(flag: Option<bool>) -> &'static str {
    match flag {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

fn spread(s: &mut Spread, v: i64) {
    s.n += 1;
    s.sum += v;
    s.min = Some(s.min.map_or(v, |m| m.min(v)));
    s.max = Some(s.max.map_or(v, |m| m.max(v)));
}

/// The report's tallies, counted case by case.
pub async fn recount(app: &TestApp, code: &str, start: Date) -> Tallies {
    let db = app.store.connection();
    let scheme = scheme::Entity::find()
        .filter(scheme::Column::Code.eq(code))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let calendar = Calendar::shipped(Nation::EnglandAndWales);
    let qs = quarters(start);
    let cases = case::Entity::find()
        .filter(case::Column::SchemeId.eq(scheme.id))
        .all(db)
        .await
        .unwrap();
    let items = works_item::Entity::find().all(db).await.unwrap();
    let mut t = Tallies::default();
    outcomes(app, &scheme, &cases, &qs, &mut t).await;
    for c in &cases {
        if let Some(q) = quarter_of(&qs, Some(c.received_at)) {
            t.add("source", &c.referral_source, q, 1);
        }
        let accepted = c.decided_at.is_some() && c.decline_reason.is_none();
        if let Some(q) = quarter_of(&qs, c.decided_at) {
            t.add(
                "decision",
                c.decline_reason.as_deref().unwrap_or("accepted"),
                q,
                1,
            );
        }
        let ended_early = accepted
            && c.works_completed_at.is_none()
            && (c.status == "cancelled" || c.status == "withdrawn");
        if let (true, Some(q)) = (ended_early, quarter_of(&qs, c.ended_at)) {
            let reason = if c.status == "withdrawn" {
                "client_withdrew"
            } else {
                c.cancel_reason.as_deref().unwrap_or("other")
            };
            t.add("cancellation", reason, q, 1);
        }
        if let Some(q) = quarter_of(&qs, c.reopened_at) {
            t.add("reopened", "reopened", q, 1);
        }
        if let Some(q) = quarter_of(&qs, c.interim_fitted_at) {
            t.add("interim", "fitted", q, 1);
        }
        if let Some(q) = quarter_of(&qs, c.works_completed_at) {
            // An installation is completed works with at least one measure fitted.
            let fitted = items
                .iter()
                .any(|i| i.case_id == c.id && i.outcome.as_deref() == Some("installed"));
            t.add(
                "completed",
                if fitted {
                    "installed"
                } else {
                    "nothing_installed"
                },
                q,
                1,
            );
        }
        if let Some(q) = quarter_of(&qs, c.works_completed_at).filter(|_| {
            items
                .iter()
                .any(|i| i.case_id == c.id && i.outcome.as_deref() == Some("installed"))
        }) {
            if let Some(cost) = c.works_cost_pence {
                spread(&mut t.spend[q], cost);
            }
            // Recomputed from the dates, not read from the stored column.
            let days = calendar.working_days_between(
                london::local_date(c.received_at),
                london::local_date(c.works_completed_at.unwrap()),
            );
            spread(&mut t.days[q], days);
            let mut rows: BTreeMap<&str, i64> = BTreeMap::new();
            for item in items
                .iter()
                .filter(|i| i.case_id == c.id && i.outcome.as_deref() == Some("installed"))
            {
                *rows.entry(&item.report_row).or_default() += i64::from(item.quantity);
            }
            for (row, units) in rows {
                t.add("measure", row, q, 1);
                t.add("measure_units", row, q, units);
            }
        }
        let Some(q) = quarter_of(&qs, c.decided_at).filter(|_| accepted) else {
            continue;
        };
        let or_unknown = |v: &Option<String>| v.clone().unwrap_or_else(|| "unknown".into());
        t.add("gender", &or_unknown(&c.gender), q, 1);
        t.add("ethnicity", &or_unknown(&c.ethnicity), q, 1);
        t.add("age", &c.age_band, q, 1);
        t.add("accommodation", &or_unknown(&c.accommodation_type), q, 1);
        t.add("tenure", &c.tenure, q, 1);
        t.add("risk", &or_unknown(&c.risk_level), q, 1);
        t.add(
            "sexual_orientation",
            &or_unknown(&c.sexual_orientation),
            q,
            1,
        );
        t.add("children_given", yes_no(Some(c.children_given)), q, 1);
        t.add(
            "gender_identity_differs",
            yes_no(c.gender_identity_differs),
            q,
            1,
        );
        t.add("interpreter", yes_no(c.interpreter_needed), q, 1);
        t.add("nrpf", yes_no(c.no_recourse_to_public_funds), q, 1);
        t.add("pregnant", yes_no(c.pregnant), q, 1);
        t.add("other_support", yes_no(Some(c.other_support_needs)), q, 1);
        t.add("marac", yes_no(c.marac_referred), q, 1);
        t.add("arson", yes_no(Some(c.arson_risk)), q, 1);
        let flags = [
            ("physical", c.disability_physical),
            ("learning_disability", c.disability_learning),
            ("mental_illness", c.disability_mental_illness),
            ("mental_impairment", c.disability_mental_impairment),
        ];
        for (name, set) in flags {
            t.add("disability", name, q, i64::from(set));
        }
        let known = flags.iter().any(|(_, f)| *f) || c.disability_none;
        t.add(
            "disability",
            "unknown",
            q,
            i64::from(c.disability_prefer_not_to_say || !known),
        );
        t.add("children", "count", q, i64::from(c.children_count));
        t.children[q].n += i64::from(c.children_count);
        t.children[q].sum += i64::from(c.children_age_sum);
    }
    t
}

/// What the works achieved, counted record by record: follow-up contacts by their
/// day, closures by theirs, repeat referrals, and referring agencies' ratings.
async fn outcomes(
    app: &TestApp,
    scheme: &scheme::Model,
    cases: &[case::Model],
    qs: &[Quarter; 4],
    t: &mut Tallies,
) {
    let db = app.store.connection();
    let ids: Vec<_> = cases.iter().map(|c| c.id).collect();
    let contacts = case_record::Entity::find()
        .filter(case_record::Column::Kind.eq("follow_up_contact"))
        .filter(case_record::Column::CaseId.is_in(ids))
        .all(db)
        .await
        .unwrap();
    for r in &contacts {
        let day = r.occurred_on.unwrap();
        let Some(q) = qs
            .iter()
            .position(|q| q.first_day <= day && day <= q.last_day)
        else {
            continue;
        };
        let m = r.milestone_months.unwrap().to_string();
        t.add("answered", &m, q, 1);
        t.add(
            "felt_safer",
            r.feels_safer.as_deref().unwrap_or("not_said"),
            q,
            1,
        );
        t.add(
            &format!("at_home_{m}"),
            r.still_at_home.as_deref().unwrap_or("unknown"),
            q,
            1,
        );
        t.add(
            "further_incidents",
            r.further_incidents.as_deref().unwrap_or("unknown"),
            q,
            1,
        );
    }
    for c in cases.iter().filter(|c| c.status == "closed") {
        let Some(q) = quarter_of(qs, c.ended_at) else {
            continue;
        };
        t.add("answered", "closing", q, 1);
        t.add(
            "felt_safer",
            c.close_feels_safer.as_deref().unwrap_or("not_said"),
            q,
            1,
        );
        t.add(
            "at_home_closing",
            c.close_still_at_home.as_deref().unwrap_or("unknown"),
            q,
            1,
        );
        t.add(
            "further_incidents",
            c.close_further_incidents.as_deref().unwrap_or("unknown"),
            q,
            1,
        );
    }
    for c in cases {
        let Some(q) = quarter_of(qs, Some(c.received_at)) else {
            continue;
        };
        let earlier = c
            .repeat_of_case_id
            .and_then(|id| cases.iter().find(|p| p.id == id));
        if earlier
            .and_then(|p| p.works_completed_at)
            .is_some_and(|done| done < c.received_at)
        {
            t.add("repeat", "within_12_months", q, 1);
        }
    }
    let feedback = scheme_feedback::Entity::find()
        .filter(scheme_feedback::Column::SchemeId.eq(scheme.id))
        .all(db)
        .await
        .unwrap();
    for f in &feedback {
        let Some(q) = quarter_of(qs, Some(f.received_at)) else {
            continue;
        };
        t.add("feedback", "response", q, 1);
        for (i, rating) in [f.speed, f.communication, f.outcome]
            .into_iter()
            .enumerate()
        {
            t.ratings[i][q].n += 1;
            t.ratings[i][q].sum += i64::from(rating);
        }
    }
}

/// Compares every cell of the coordinator's report with the recount; returns how many.
pub fn compare(report: &Value, expected: &Tallies) -> usize {
    let sections = serde_json::to_value(build(expected)).unwrap();
    let mut cells = 0;
    for (got, want) in report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .zip(sections.as_array().unwrap())
    {
        assert_eq!(got["code"], want["code"]);
        for (g, w) in got["rows"]
            .as_array()
            .unwrap()
            .iter()
            .zip(want["rows"].as_array().unwrap())
        {
            for c in ["q1", "q2", "q3", "q4", "total"] {
                assert_eq!(g[c], w[c], "{} {c}", g["code"]);
                cells += 1;
            }
        }
    }
    cells
}

#[tokio::test]
async fn the_report_matches_a_recount_of_the_hand_built_scenario() {
    let app = TestApp::spawn().await;
    crate::report::scenario(&app).await;
    let today = london::local_date(OffsetDateTime::now_utc());
    // Today falls in Q2.
    let start = today.replace_day(1).unwrap() - time::Duration::days(100);
    let expected = recount(&app, "darlington", start).await;
    assert_eq!(
        expected.counts[&("decision".into(), "accepted".into())],
        [0, 3, 0, 0]
    );
    let report = app
        .get_as(
            &app.world.council,
            &["coordinator"],
            &format!("/api/v1/reports/monitoring?scheme=darlington&year_start={start}"),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let cells = compare(&report, &expected);
    assert!(cells > 500, "{cells}");
}

#[tokio::test]
async fn the_report_matches_a_recount_of_a_seeded_dataset_and_funders_see_no_small_number() {
    use sanctuary_server::seed::{SeedOptions, seed_demo};
    let app = TestApp::spawn().await;
    let options = SeedOptions {
        scheme: "darlington".into(),
        cases: 150,
        years: 2,
        seed: 11,
    };
    let now = time::macros::datetime!(2026-11-23 12:00 UTC);
    seed_demo(&app.store, &options, now, |_| {}).await.unwrap();
    let w = &app.world;
    let mut compared = 0;
    // Follow-up answers, closures, repeat referrals and feedback the recount found.
    let mut answered = 0;
    for start in ["2024-11-01", "2025-04-01", "2025-10-15", "2026-04-01"] {
        let date =
            Date::parse(start, &time::format_description::well_known::Iso8601::DATE).unwrap();
        let expected = recount(&app, "darlington", date).await;
        let path = format!("/api/v1/reports/monitoring?scheme=darlington&year_start={start}");
        let report: Value = app
            .get_as(&w.council, &["coordinator"], &path)
            .await
            .json()
            .await
            .unwrap();
        compared += compare(&report, &expected);
        let received: i64 = expected.counts[&("decision".into(), "accepted".into())]
            .iter()
            .sum();
        assert!(received > 0, "the year from {start} has accepted cases");
        answered += expected
            .counts
            .iter()
            .filter(|((d, _), _)| ["answered", "repeat", "feedback"].contains(&d.as_str()))
            .map(|(_, q)| q.iter().sum::<i64>())
            .sum::<i64>();

        let response = app.get_as(&w.funder, &["funder"], &path).await;
        if start.ends_with("-10-15") || start.ends_with("-11-01") {
            // Not one of the scheme's reporting years: funders may not shift the period.
            crate::support::problem(response, reqwest::StatusCode::UNPROCESSABLE_ENTITY).await;
            continue;
        }
        let funder: Value = response.json().await.unwrap();
        for section in funder["sections"].as_array().unwrap() {
            for row in section["rows"].as_array().unwrap() {
                for c in ["q1", "q2", "q3", "q4", "total"] {
                    let cell = &row[c];
                    if let (Some(n), "count") =
                        (cell["value"].as_f64(), row["kind"].as_str().unwrap())
                    {
                        assert!(
                            n == 0.0 || n >= 8.0,
                            "{start} {} {c} shows {n}",
                            row["code"]
                        );
                    }
                }
            }
        }
    }
    assert!(compared > 2_000, "{compared} cells compared");
    assert!(
        answered > 50,
        "the outcomes had figures to compare: {answered}"
    );
}
