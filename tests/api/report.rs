//! The quarterly monitoring report: exact figures from cases built through the API,
//! quarter boundaries, who sees it, disclosure control, CSV and HTML, notes.

use reqwest::StatusCode;
use serde_json::{Value, json};
use time::{Date, Duration, Month};

use crate::support::fixtures::{self, set};
use crate::support::{Org, TestApp, problem};

fn uk_today() -> Date {
    sanctuary_domain::calendar::london::local_date(time::OffsetDateTime::now_utc())
}

/// `date` minus `months` calendar months, the day clamped to the month's length.
fn months_back(date: Date, months: i32) -> Date {
    let index = date.year() * 12 + date.month() as i32 - 1 - months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(month as u8).unwrap();
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).unwrap()
}

fn id(case: &Value) -> String {
    case["id"].as_str().unwrap().to_owned()
}

/// Six referrals: completed, declined, cancelled, withdrawn, waiting, and one in the
/// other scheme (which must not count).
pub async fn scenario(app: &TestApp) {
    let w = &app.world;
    let coordinator = |case: String, action: &'static str, body: Value| async move {
        app.act_ok(&w.council, "coordinator", &case, action, Some(body))
            .await;
    };
    app.case_with_works(true).await;
    let declined = id(&app.refer_ok(&w.harbour, &fixtures::minimal()).await);
    coordinator(declined, "decline", json!({"reason": "out_of_area"})).await;
    let cancelled = id(&app
        .refer_ok(&w.housing, &fixtures::eligible("HOUSING-1"))
        .await);
    coordinator(cancelled.clone(), "accept", json!({})).await;
    coordinator(cancelled, "cancel", json!({"reason": "client_moved"})).await;
    let mut minimal = fixtures::minimal();
    set(&mut minimal, "/external_reference", json!("HARBOUR-MIN-2"));
    let withdrawn = id(&app.refer_ok(&w.harbour, &minimal).await);
    coordinator(
        withdrawn.clone(),
        "accept",
        json!({"override_reason": "Coordinator's judgement after a call with the IDVA"}),
    )
    .await;
    app.act_ok(
        &w.harbour,
        "referrer",
        &withdrawn,
        "withdraw",
        Some(json!({})),
    )
    .await;
    app.refer_ok(&w.housing, &fixtures::minimal()).await;
    let mut tees = fixtures::minimal();
    set(&mut tees, "/scheme", json!("teesside"));
    app.refer_ok(&w.tees_referrer, &tees).await;
}

async fn report(app: &TestApp, org: &Org, role: &str, query: &str) -> Value {
    let response = app
        .get_as(
            org,
            &[role],
            &format!("/api/v1/reports/monitoring?scheme=darlington{query}"),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body:#}");
    body
}

fn row<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap())
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row {code}"))
}

/// A row's five values (Q1–Q4, Total) as JSON.
fn cells(report: &Value, code: &str) -> [Value; 5] {
    let r = row(report, code);
    ["q1", "q2", "q3", "q4", "total"].map(|c| r[c]["value"].clone())
}

fn q1(n: impl Into<Value>) -> [Value; 5] {
    let n = n.into();
    [n.clone(), json!(0), json!(0), json!(0), n]
}

#[tokio::test]
async fn every_affected_cell_is_exact_for_the_coordinator() {
    let app = TestApp::spawn().await;
    scenario(&app).await;
    let today = uk_today();
    let r = report(
        &app,
        &app.world.council,
        "coordinator",
        &format!("&year_start={today}"),
    )
    .await;
    assert_eq!(r["disclosure_control"]["applied"], false);
    assert_eq!(r["year_start"], today.to_string());
    let expected: &[(&str, [Value; 5])] = &[
        ("referrals_received", q1(5)),
        ("referrals_accepted", q1(3)),
        ("referrals_not_accepted", q1(1)),
        ("installations_cancelled", q1(2)),
        ("installations_completed", q1(1)),
        ("not_accepted.out_of_area", q1(1)),
        ("not_accepted.other", q1(0)),
        ("cancelled.client_moved", q1(1)),
        ("cancelled.client_withdrew", q1(1)),
        ("source.specialist_domestic_abuse_service", q1(3)),
        ("source.housing_association", q1(2)),
        ("source.police", q1(0)),
        ("measure.safe_room", q1(1)),
        ("units.safe_room", q1(1)),
        ("measure.window_locks", q1(0)),
        ("measure.deadlock", q1(0)),
        ("gender.female", q1(2)),
        ("gender.unknown", q1(1)),
        ("gender_identity.differs", q1(0)),
        ("disability.physical", q1(2)),
        ("disability.unknown", q1(1)),
        ("ethnicity.group.white", q1(2)),
        ("ethnicity.white_british", q1(2)),
        ("ethnicity.unknown", q1(1)),
        ("interpreter.needed", q1(0)),
        ("age.unknown", q1(0)),
        ("support.nrpf", q1(0)),
        ("accommodation.terraced", q1(2)),
        ("accommodation.unknown", q1(1)),
        ("tenure.social_housing", q1(2)),
        ("tenure.privately_owned", q1(1)),
        ("children.count", q1(4)),
        ("risk.high", q1(2)),
        ("risk.unknown", q1(1)),
        ("marac.referred", q1(2)),
        ("arson.concerns", q1(2)),
    ];
    for (code, want) in expected {
        assert_eq!(&cells(&r, code), want, "{code}");
    }
    let none = Value::Null;
    let money = json!(119_000);
    assert_eq!(
        cells(&r, "spend.lowest"),
        [
            money.clone(),
            none.clone(),
            none.clone(),
            none.clone(),
            money.clone()
        ]
    );
    assert_eq!(cells(&r, "spend.average")[4], money);
    assert_eq!(cells(&r, "days_to_installation.average")[0], json!(0.0));
    assert_eq!(cells(&r, "children.average_age")[4], json!(6.5));
    // Age bands add up to the accepted clients.
    let ages: i64 = row(&r, "age.under_18")["code"]
        .as_str()
        .map(|_| {
            [
                "under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus", "unknown",
            ]
            .iter()
            .map(|b| cells(&r, &format!("age.{b}"))[4].as_i64().unwrap())
            .sum()
        })
        .unwrap();
    assert_eq!(ages, 3);
    // Every section says what it counts.
    for section in r["sections"].as_array().unwrap() {
        assert!(section["basis_description"].as_str().unwrap().len() > 20);
    }
}

#[tokio::test]
async fn cases_fall_in_the_quarter_of_their_uk_day() {
    let app = TestApp::spawn().await;
    scenario(&app).await;
    let council = &app.world.council;
    let today = uk_today();
    let received = |r: &Value| cells(r, "referrals_received");
    let starts = [
        // Today is the first day of Q2.
        (months_back(today, 3), [0, 5, 0, 0, 5]),
        // Today is the last day of Q1.
        (months_back(today, 3) + Duration::days(1), [5, 0, 0, 0, 5]),
        // Today is the last day of Q4.
        (months_back(today, 12) + Duration::days(1), [0, 0, 0, 5, 5]),
        // The year starts tomorrow; a year that ended yesterday.
        (today + Duration::days(1), [0, 0, 0, 0, 0]),
        (months_back(today, 12), [0, 0, 0, 0, 0]),
    ];
    for (start, want) in starts {
        let r = report(
            &app,
            council,
            "coordinator",
            &format!("&year_start={start}"),
        )
        .await;
        assert_eq!(received(&r), want.map(|n| json!(n)), "year from {start}");
    }
}

#[tokio::test]
async fn funders_get_small_numbers_suppressed_and_others_are_refused() {
    let app = TestApp::spawn().await;
    scenario(&app).await;
    let w = &app.world;
    let funder = report(&app, &w.funder, "funder", "").await;
    assert_eq!(funder["disclosure_control"]["applied"], true);
    assert_eq!(funder["disclosure_control"]["threshold"], 8);
    let mut suppressed = 0;
    for section in funder["sections"].as_array().unwrap() {
        for row in section["rows"].as_array().unwrap() {
            for c in ["q1", "q2", "q3", "q4", "total"] {
                let cell = &row[c];
                if cell["suppressed"] == true {
                    assert!(cell["value"].is_null());
                    suppressed += 1;
                } else if let Some(n) = cell["value"].as_i64().filter(|_| row["kind"] == "count") {
                    assert!(n == 0 || n >= 8, "{} shows {n}", row["code"]);
                }
            }
        }
    }
    assert!(suppressed > 20, "{suppressed}");
    assert_eq!(
        row(&funder, "referrals_received")["total"]["suppressed"],
        true
    );
    assert_eq!(
        row(&funder, "spend.average")["total"]["suppressed"],
        true,
        "one household"
    );
    // The coordinator can preview exactly what the funder sees.
    let preview = report(&app, &w.council, "coordinator", "&disclosure_control=true").await;
    assert_eq!(preview["sections"], funder["sections"]);

    for (org, role) in [
        (&w.harbour, "referrer"),
        (&w.auditor, "auditor"),
        (&w.operator, "admin"),
        (&w.tees_council, "coordinator"),
        (&w.stranger, "funder"),
    ] {
        let response = app
            .get_as(org, &[role], "/api/v1/reports/monitoring?scheme=darlington")
            .await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
    let missing = app
        .get_as(
            &w.council,
            &["coordinator"],
            "/api/v1/reports/monitoring?scheme=nowhere",
        )
        .await;
    problem(missing, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn notes_csv_and_html() {
    let app = TestApp::spawn().await;
    scenario(&app).await;
    let w = &app.world;
    let today = uk_today();
    let note_path = format!("/api/v1/schemes/darlington/report-notes/{today}/1");
    let put = |org: &Org, role: &str, path: String, body: Value| {
        let request = app
            .client
            .put(app.url(&path))
            .bearer_auth(app.token(org, &[role]))
            .json(&body);
        async move { request.send().await.unwrap() }
    };
    let text = "=HYPERLINK(\"http://evil\")\n<script>alert(1)</script>, working group met";
    let saved = put(
        &w.council,
        "coordinator",
        note_path.clone(),
        json!({"text": text}),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    problem(
        put(&w.funder, "funder", note_path.clone(), json!({"text": "x"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let bad = format!("/api/v1/schemes/darlington/report-notes/{today}/5");
    problem(
        put(&w.council, "coordinator", bad, json!({"text": "x"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem(
        put(
            &w.council,
            "coordinator",
            note_path,
            json!({"text": "x".repeat(4001)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;

    let query = format!("/api/v1/reports/monitoring?scheme=darlington&year_start={today}");
    let json = report(
        &app,
        &w.council,
        "coordinator",
        &format!("&year_start={today}"),
    )
    .await;
    assert_eq!(json["notes"][0]["text"], text);
    assert!(json["notes"][1]["text"].is_null());

    let csv = app
        .get(&query)
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
    assert!(csv.len() < 1 << 20, "the contract's maxLength");
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], "Sanctuary Scheme Monitoring Template");
    assert!(lines.contains(&"Referrals and installations,Q1,Q2,Q3,Q4,Total"));
    assert!(lines.contains(&"Number of referrals received,5,0,0,0,5"));
    assert!(lines.contains(&"Lowest spend,1190.00,,,,1190.00"));
    assert!(lines.contains(&"\"English, Welsh, Scottish, Northern Irish or British\",2,0,0,0,2"));
    let rows: usize = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["rows"].as_array().unwrap().len())
        .sum();
    let data_lines = lines.iter().filter(|l| l.matches(',').count() >= 5).count();
    assert!(data_lines >= rows, "{data_lines} lines for {rows} rows");
    assert!(
        csv.contains("Q1,\"'=HYPERLINK"),
        "the note is neutralised: {csv}"
    );

    // Funders read only the scheme's own reporting years: the note goes there too.
    let year = sanctuary_domain::report::year::current_start(
        sanctuary_domain::scheme::YearStart::default(),
        today,
    );
    let saved = put(
        &w.council,
        "coordinator",
        format!("/api/v1/schemes/darlington/report-notes/{year}/1"),
        json!({"text": text}),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let html = app
        .get(&format!(
            "/api/v1/reports/monitoring?scheme=darlington&year_start={year}"
        ))
        .bearer_auth(app.token(&w.funder, &["funder"]))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        html.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    let html = html.text().await.unwrap();
    assert!(html.len() < 1 << 20, "the contract's maxLength");
    assert!(html.contains("<svg"));
    assert!(!html.contains("<script"), "no script, the note escaped");
    assert!(html.contains("&lt;script&gt;"));
    assert!(
        html.contains("<td class=\"n\">*</td>"),
        "suppressed cells show *"
    );
    assert!(!html.contains("http://") || html.contains("http://www.w3.org/2000/svg"));
}

#[tokio::test]
async fn funders_may_ask_only_for_the_schemes_reporting_years() {
    let app = TestApp::spawn().await;
    scenario(&app).await;
    let w = &app.world;
    let today = uk_today();
    let year = sanctuary_domain::report::year::current_start(
        sanctuary_domain::scheme::YearStart::default(),
        today,
    );
    // The scheme's own year (1 April), and the one before: fine for funders.
    for start in [year, months_back(year, 12)] {
        report(&app, &w.funder, "funder", &format!("&year_start={start}")).await;
    }
    // A day later, a quarter later, 17 October: 422 naming the parameter, for the
    // funder and for the coordinator's preview of what funders see.
    for start in [
        year + Duration::days(1),
        months_back(year, -3),
        Date::from_calendar_date(year.year(), Month::October, 17).unwrap(),
    ] {
        for (org, role, preview) in [
            (&w.funder, "funder", ""),
            (&w.council, "coordinator", "&disclosure_control=true"),
        ] {
            let response = app
                .get_as(
                    org,
                    &[role],
                    &format!(
                        "/api/v1/reports/monitoring?scheme=darlington&year_start={start}{preview}"
                    ),
                )
                .await;
            let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            let text = body.to_string();
            assert!(text.contains("year_start"), "{body:#}");
            assert!(text.contains("04-01"), "names the allowed form: {body:#}");
        }
        // The coordinator keeps free choice.
        report(
            &app,
            &w.council,
            "coordinator",
            &format!("&year_start={start}"),
        )
        .await;
    }
}

#[tokio::test]
async fn unknown_rows_and_sexual_orientation_are_counted() {
    let app = TestApp::spawn().await;
    scenario(&app).await;
    let today = uk_today();
    let r = report(
        &app,
        &app.world.council,
        "coordinator",
        &format!("&year_start={today}"),
    )
    .await;
    for code in [
        "gender_identity.unknown",
        "interpreter.unknown",
        "support.nrpf_unknown",
        "support.pregnant_unknown",
        "children.unknown",
        "marac.unknown",
        "works_completed_nothing_installed",
    ] {
        row(&r, code);
    }
    // Orientation partitions the accepted clients.
    let orientation: i64 = [
        "bisexual",
        "gay_man",
        "gay_woman_or_lesbian",
        "heterosexual",
        "other",
        "unknown",
    ]
    .iter()
    .map(|o| {
        cells(&r, &format!("sexual_orientation.{o}"))[4]
            .as_i64()
            .unwrap()
    })
    .sum();
    assert_eq!(orientation, 3);
    assert_eq!(cells(&r, "works_completed_nothing_installed"), q1(0));
}
