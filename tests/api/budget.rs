//! The scheme's budget: set per reporting year by the coordinator (versioned), works
//! charged to a stream when approved (beyond what is left: the funder's reference), and
//! committed, spent and remaining figures recounted here from the cases themselves; a
//! funder sees its own streams with small counts withheld.

use reqwest::StatusCode;
use sanctuary_domain::calendar::london;
use sanctuary_domain::report::year;
use sanctuary_domain::scheme::YearStart;
use serde_json::{Value, json};

use crate::support::{Org, TestApp, problem, violations};

/// This year's calendar start (Darlington's reporting year starts on 1 April).
fn this_year() -> (i32, usize) {
    let today = london::local_date(time::OffsetDateTime::now_utc());
    let start = year::current_start(YearStart::new(4, 1).unwrap(), today);
    let quarter = year::quarters(start)
        .iter()
        .position(|q| q.first_day <= today && today <= q.last_day)
        .unwrap();
    (start.year(), quarter)
}

async fn put_budget(
    app: &TestApp,
    org: &Org,
    role: &str,
    year: i32,
    body: &Value,
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .put(app.url(&format!("/api/v1/schemes/darlington/budgets/{year}")))
        .bearer_auth(app.token(org, &[role]))
        .json(body);
    if let Some(etag) = etag {
        request = request.header("If-Match", etag);
    }
    request.send().await.unwrap()
}

async fn budget(app: &TestApp, org: &Org, role: &str, year: i32) -> reqwest::Response {
    app.get_as(
        org,
        &[role],
        &format!("/api/v1/schemes/darlington/budget?year={year}"),
    )
    .await
}

fn stream<'a>(view: &'a Value, name: &str) -> &'a Value {
    view["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no stream {name}: {view:#}"))
}

/// A case taken to `works_approved`, its works charged as `approval` says.
async fn approved(app: &TestApp, approval: Value) -> Result<String, Value> {
    let w = &app.world;
    let body = crate::support::fixtures::eligible(&format!("B-{}", uuid::Uuid::now_v7().simple()));
    let (id, _) = app.assessed_case(&body).await;
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let response = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "approve-works",
            &etag,
            Some(approval),
        )
        .await;
    match response.status() {
        StatusCode::OK => Ok(id),
        _ => Err(response.json().await.unwrap()),
    }
}

/// The case's approved estimate and actual cost, as the coordinator reads them.
async fn costs(app: &TestApp, id: &str) -> (i64, Option<i64>) {
    let (case, _) = app.read(&app.world.council, "coordinator", id).await;
    (
        case["works"]["approved_cost_pence"].as_i64().unwrap(),
        case["works"]["works_cost_pence"].as_i64(),
    )
}

#[tokio::test]
async fn works_are_charged_to_streams_and_the_budget_counts_what_they_commit_and_spend() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let (year, quarter) = this_year();
    let body = json!({"streams": [
        {"name": "Council DA fund", "amount_pence": 10_000_000},
        {"name": "PCC grant", "funder_organisation_id": w.funder.id,
         "amount_pence": 5_000_000, "household_limit_pence": 400_000},
    ]});
    // No budget yet: version 0, no streams.
    let none = budget(&app, &w.council, "coordinator", year).await;
    assert_eq!(none.headers()["etag"], "\"0\"");
    let none: Value = none.json().await.unwrap();
    assert_eq!(none["streams"], json!([]));
    let created = put_budget(&app, &w.council, "coordinator", year, &body, None).await;
    assert_eq!(created.status(), StatusCode::OK);
    assert_eq!(created.headers()["etag"], "\"1\"");
    // Replacing needs the version seen.
    let again = put_budget(&app, &w.council, "coordinator", year, &body, None).await;
    problem(again, StatusCode::PRECONDITION_REQUIRED).await;
    let stale = put_budget(&app, &w.council, "coordinator", year, &body, Some("\"7\"")).await;
    problem(stale, StatusCode::PRECONDITION_FAILED).await;
    // Out of the contract's bounds: refused as the contract says.
    let negative = json!({"streams": [{"name": "Council DA fund", "amount_pence": -5}]});
    let p = problem(
        put_budget(
            &app,
            &w.council,
            "coordinator",
            year,
            &negative,
            Some("\"1\""),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(violations(&p)[0].0, "/streams/0/amount_pence");
    // The budget's own rules: every one broken, at once.
    let bad = json!({"streams": [
        {"name": "Council DA fund", "amount_pence": 5},
        {"name": "council da fund", "amount_pence": 5, "funder_organisation_id": w.harbour.id},
    ]});
    let p = problem(
        put_budget(&app, &w.council, "coordinator", year, &bad, Some("\"1\"")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut pointers: Vec<String> = violations(&p).into_iter().map(|(p, _)| p).collect();
    pointers.sort();
    assert_eq!(
        pointers,
        ["/streams/1/funder_organisation_id", "/streams/1/name"]
    );
    // Only the coordinator sets it.
    for (org, role) in [(&w.funder, "funder"), (&w.harbour, "referrer")] {
        let refused = put_budget(&app, org, role, year, &body, Some("\"1\"")).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{role}");
    }

    // A: completed, charged to the first stream. B: approved, charged to the first.
    // C: approved, charged to the PCC grant.
    let a = app.case_with_works(true).await;
    let b = app.case_with_works(false).await;
    let c = approved(&app, json!({"funding_stream": "PCC grant"}))
        .await
        .unwrap();
    // An unknown stream is refused.
    let err = approved(&app, json!({"funding_stream": "Lottery"}))
        .await
        .unwrap_err();
    assert_eq!(err["errors"][0]["pointer"], "/funding_stream");
    let (_, a_spent) = costs(&app, &a).await;
    let a_spent = a_spent.unwrap();
    let (b_committed, _) = costs(&app, &b).await;
    let (c_committed, _) = costs(&app, &c).await;

    let view: Value = budget(&app, &w.council, "coordinator", year)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["disclosure_control"], false);
    assert_eq!(view["version"], 1);
    assert_eq!(view["year_start"], format!("{year}-04-01"));
    assert_eq!(view["year_end"], format!("{}-03-31", year + 1));
    assert_eq!(
        view["streams"][0]["quarters"][1]["first_day"],
        format!("{year}-07-01")
    );
    let council = stream(&view, "Council DA fund");
    assert_eq!(council["committed_pence"], b_committed);
    assert_eq!(council["spent_pence"], a_spent);
    assert_eq!(
        council["remaining_pence"],
        10_000_000 - b_committed - a_spent
    );
    assert_eq!(council["households"], 2);
    let q = &council["quarters"][quarter];
    assert_eq!(q["committed"]["pence"], b_committed);
    assert_eq!(q["committed"]["households"], 1);
    assert_eq!(q["spent"]["pence"], a_spent);
    for other in (0..4).filter(|i| *i != quarter) {
        assert_eq!(council["quarters"][other]["spent"]["pence"], 0);
    }
    let pcc = stream(&view, "PCC grant");
    assert_eq!(pcc["committed_pence"], c_committed);
    assert_eq!(pcc["spent_pence"], 0);
    assert_eq!(pcc["remaining_pence"], 5_000_000 - c_committed);
    assert_eq!(pcc["funder"]["id"], json!(w.funder.id));
    // Installed measures by the template's row: A's safe room, at its actual cost.
    let measures = view["measures"].as_array().unwrap();
    assert_eq!(measures.len(), 1, "{measures:#?}");
    assert_eq!(measures[0]["stream"], "Council DA fund");
    assert_eq!(measures[0]["units"], 1);
    assert_eq!(measures[0]["spent"]["pence"], a_spent);
    // By contractor: A's completed works and B's ordered ones.
    let contractors = view["contractors"].as_array().unwrap();
    let secure = contractors
        .iter()
        .find(|c| c["stream"] == "Council DA fund")
        .unwrap();
    assert_eq!(secure["contractor"]["id"], json!(w.contractor.id));
    assert_eq!(secure["committed_pence"], b_committed);
    assert_eq!(secure["spent_pence"], a_spent);

    // The funder: its stream only, the single household withheld, no contractors.
    let funded: Value = budget(&app, &w.funder, "funder", year)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(funded["disclosure_control"], true);
    let names: Vec<&str> = funded["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["PCC grant"]);
    let pcc = stream(&funded, "PCC grant");
    assert_eq!(pcc["households"], Value::Null);
    let cell = &pcc["quarters"][quarter]["committed"];
    assert_eq!(cell["suppressed"], true);
    assert_eq!(cell["households"], Value::Null);
    assert_eq!(cell["pence"], Value::Null);
    assert!(funded["contractors"].as_array().unwrap().is_empty());
    for (org, role) in [(&w.harbour, "referrer"), (&w.contractor, "contractor")] {
        assert_eq!(
            budget(&app, org, role, year).await.status(),
            StatusCode::FORBIDDEN,
            "{role}"
        );
    }

    // The PCC grant cut to less than another approval: the funder's reference needed.
    let cut = json!({"streams": [
        {"name": "Council DA fund", "amount_pence": 10_000_000},
        {"name": "PCC grant", "funder_organisation_id": w.funder.id,
         "amount_pence": c_committed + 1_000},
    ]});
    let replaced = put_budget(&app, &w.council, "coordinator", year, &cut, Some("\"1\"")).await;
    assert_eq!(replaced.status(), StatusCode::OK);
    assert_eq!(replaced.headers()["etag"], "\"2\"");
    let err = approved(&app, json!({"funding_stream": "PCC grant"}))
        .await
        .unwrap_err();
    assert_eq!(err["errors"][0]["pointer"], "/funder_approval_reference");
    assert!(
        err["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("left in the funding stream")
    );
    let d = approved(
        &app,
        json!({"funding_stream": "PCC grant", "funder_approval_reference": "OPCC-2026-0042"}),
    )
    .await
    .unwrap();
    let (d_committed, _) = costs(&app, &d).await;
    // B cancelled: its commitment is freed.
    app.act_ok(
        &w.council,
        "coordinator",
        &b,
        "cancel",
        Some(json!({"reason": "client_moved"})),
    )
    .await;
    let view: Value = budget(&app, &w.council, "coordinator", year)
        .await
        .json()
        .await
        .unwrap();
    let council = stream(&view, "Council DA fund");
    assert_eq!(council["committed_pence"], 0);
    assert_eq!(council["remaining_pence"], 10_000_000 - a_spent);
    let pcc = stream(&view, "PCC grant");
    assert_eq!(pcc["committed_pence"], c_committed + d_committed);
    assert_eq!(pcc["remaining_pence"], 1_000 - d_committed);
}

#[tokio::test]
async fn the_monitoring_report_shows_spend_against_the_budget_as_the_budget_counts_it() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let (year, quarter) = this_year();
    let report_path = "/api/v1/reports/monitoring?scheme=darlington";
    // No budget for the year: no spend section.
    let report: Value = app
        .get_as(&w.council, &["coordinator"], report_path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["spend"], Value::Null);
    let body = json!({"streams": [
        {"name": "Council DA fund", "amount_pence": 10_000_000},
        {"name": "PCC grant", "funder_organisation_id": w.funder.id, "amount_pence": 5_000_000},
    ]});
    let created = put_budget(&app, &w.council, "coordinator", year, &body, None).await;
    assert_eq!(created.status(), StatusCode::OK);
    let council = approved(&app, json!({})).await.unwrap();
    let grant = approved(&app, json!({"funding_stream": "PCC grant"}))
        .await
        .unwrap();
    let done = app.case_with_works(true).await;
    let (council_estimate, _) = costs(&app, &council).await;
    let (grant_estimate, _) = costs(&app, &grant).await;
    let (_, spent) = costs(&app, &done).await;
    let spent = spent.unwrap();

    let report: Value = app
        .get_as(&w.council, &["coordinator"], report_path)
        .await
        .json()
        .await
        .unwrap();
    let spend = &report["spend"];
    assert_eq!(spend["amount_pence"], 15_000_000);
    assert_eq!(spend["committed_pence"], council_estimate + grant_estimate);
    assert_eq!(spend["spent_pence"], spent);
    assert_eq!(
        spend["remaining_pence"],
        15_000_000 - council_estimate - grant_estimate - spent
    );
    let q = &spend["quarters"][quarter];
    assert_eq!(q["committed"]["pence"], council_estimate + grant_estimate);
    assert_eq!(q["committed"]["households"], 2);
    assert_eq!(q["spent"]["pence"], spent);
    assert_eq!(q["spent"]["households"], 1);
    // The same figures as the budget itself shows, stream by stream.
    let view: Value = budget(&app, &w.council, "coordinator", year)
        .await
        .json()
        .await
        .unwrap();
    let summed = |what: &str| -> i64 {
        view["streams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["quarters"][quarter][what]["pence"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(q["committed"]["pence"], summed("committed"));
    assert_eq!(q["spent"]["pence"], summed("spent"));

    // A funder: its own stream only, the one household withheld.
    let funders: Value = app
        .get_as(&w.funder, &["funder"], report_path)
        .await
        .json()
        .await
        .unwrap();
    let spend = &funders["spend"];
    assert_eq!(
        spend["streams"],
        json!([{"name": "PCC grant", "amount_pence": 5_000_000}])
    );
    let q = &spend["quarters"][quarter];
    assert_eq!(q["committed"]["suppressed"], true);
    assert_eq!(q["committed"]["pence"], Value::Null);
    assert_eq!(q["spent"]["households"], 0, "nothing of the grant spent");

    // In the CSV and the printable page.
    let csv = app
        .get(report_path)
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let pounds = |p: i64| format!("{}.{:02}", p / 100, p % 100);
    assert!(csv.contains("Spend against the budget"), "{csv}");
    assert!(
        csv.contains(&format!("Budget,,,,,{}", pounds(15_000_000))),
        "{csv}"
    );
    let committed_line = csv.lines().find(|l| l.starts_with("Committed,")).unwrap();
    assert!(
        committed_line.ends_with(&pounds(council_estimate + grant_estimate)),
        "{committed_line}"
    );
    let html = app
        .get(report_path)
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Spend against the budget: committed and spent by quarter"));
    // The spent bar is labelled in whole pounds (`£1,234`).
    let whole = ((spent + 50) / 100).to_string();
    let grouped: String = whole
        .chars()
        .enumerate()
        .flat_map(|(i, c)| {
            let comma = i > 0 && (whole.len() - i) % 3 == 0;
            comma.then_some(',').into_iter().chain([c])
        })
        .collect();
    assert!(html.contains(&format!(">£{grouped}<")), "£{grouped}");
}

#[tokio::test]
async fn interim_measures_are_charged_to_the_first_stream_at_once_and_never_held_up() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let (year, quarter) = this_year();
    // A stream with almost nothing left: interim measures still go ahead.
    let body = json!({"streams": [
        {"name": "Council DA fund", "amount_pence": 1_000},
        {"name": "PCC grant", "funder_organisation_id": w.funder.id, "amount_pence": 5_000_000},
    ]});
    let created = put_budget(&app, &w.council, "coordinator", year, &body, None).await;
    assert_eq!(created.status(), StatusCode::OK);
    let mut referral = crate::support::fixtures::eligible("URG-BUDGET");
    crate::support::fixtures::set(&mut referral, "/urgent", json!(true));
    crate::support::fixtures::set(
        &mut referral,
        "/urgent_reason",
        json!("Perpetrator released on bail today"),
    );
    let id = app.refer_ok(&w.harbour, &referral).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "order-interim-measures",
            Some(json!({"organisation_id": w.contractor.id, "items": [
                {"measure_code": "emergency_lock_change", "quantity": 1},
                {"measure_code": "personal_safety_alarm", "quantity": 1}
            ]})),
        )
        .await;
    let estimate: i64 = case["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["estimated_cost_pence"].as_i64().unwrap())
        .sum();
    assert!(
        estimate > 1_000,
        "more than the stream has left: {estimate}"
    );
    let view: Value = budget(&app, &w.council, "coordinator", year)
        .await
        .json()
        .await
        .unwrap();
    let council = stream(&view, "Council DA fund");
    assert_eq!(council["committed_pence"], estimate);
    assert_eq!(council["quarters"][quarter]["committed"]["households"], 1);
    assert_eq!(council["remaining_pence"], 1_000 - estimate);

    // Fitted: committed at what it cost, until the works are completed.
    let fitted = json!({"results": [
        {"measure_code": "emergency_lock_change", "installed": true, "actual_cost_pence": 9_500},
        {"measure_code": "personal_safety_alarm", "installed": true, "actual_cost_pence": 2_400}
    ]});
    app.act_ok(
        &w.contractor,
        "contractor",
        &id,
        "record-interim-measures-fitted",
        Some(fitted),
    )
    .await;
    let view: Value = budget(&app, &w.council, "coordinator", year)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stream(&view, "Council DA fund")["committed_pence"], 11_900);
    assert_eq!(stream(&view, "Council DA fund")["spent_pence"], 0);
}
