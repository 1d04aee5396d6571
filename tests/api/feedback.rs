//! Referring agencies' feedback: given by the scheme's referrers (every bad rating
//! reported at once), the comment sealed at rest and read by the coordinator alone, the
//! ratings added up in the monitoring report.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::http::report_row as row;
use crate::support::{Org, TestApp, problem, violations};

const PATH: &str = "/api/v1/schemes/darlington/feedback";

async fn give(app: &TestApp, org: &Org, role: &str, body: Value) -> reqwest::Response {
    app.post(PATH)
        .bearer_auth(app.token(org, &[role]))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn referrers_rate_the_scheme_only_the_coordinator_reads_comments_and_the_report_adds_them_up()
{
    let app = TestApp::spawn().await;
    let w = &app.world;
    let canary = format!("CANARY-{}", uuid::Uuid::now_v7().simple());
    let comment = format!("Please copy our IDVA into the completion email {canary}");

    let first = give(
        &app,
        &w.harbour,
        "referrer",
        json!({"speed": 4, "communication": 5, "outcome": 3, "comment": comment}),
    )
    .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    assert!(first["id"].as_str().is_some());
    let second = give(
        &app,
        &w.housing,
        "referrer",
        json!({"speed": 2, "communication": 3, "outcome": 5}),
    )
    .await;
    assert_eq!(second.status(), StatusCode::CREATED);

    // Every bad rating at once; a blank comment is refused too.
    let bad = give(
        &app,
        &w.harbour,
        "referrer",
        json!({"speed": 0, "communication": 6, "outcome": 3}),
    )
    .await;
    let bad = problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pointers: Vec<String> = violations(&bad).into_iter().map(|(p, _)| p).collect();
    assert!(
        pointers.contains(&"/speed".to_owned()) && pointers.contains(&"/communication".to_owned()),
        "{bad:#}"
    );
    let long = give(
        &app,
        &w.harbour,
        "referrer",
        json!({"speed": 3, "communication": 3, "outcome": 3, "comment": "x".repeat(2001)}),
    )
    .await;
    let long = problem(long, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(violations(&long)[0].0, "/comment");
    // A blank comment is no comment (as every blank text in the API).
    let blank = give(
        &app,
        &w.housing,
        "referrer",
        json!({"speed": 5, "communication": 5, "outcome": 5, "comment": "   "}),
    )
    .await;
    assert_eq!(blank.status(), StatusCode::CREATED);

    // Only the scheme's referring agencies give it; nobody else, not another scheme's.
    for (org, role) in [
        (&w.council, "coordinator"),
        (&w.assessor, "assessor"),
        (&w.funder, "funder"),
        (&w.tees_referrer, "referrer"),
        (&w.stranger, "referrer"),
    ] {
        let refused = give(
            &app,
            org,
            role,
            json!({"speed": 3, "communication": 3, "outcome": 3}),
        )
        .await;
        problem(refused, StatusCode::FORBIDDEN).await;
    }

    // The coordinator reads every response, newest first, comments and all.
    let list: Value = app
        .get_as(&w.council, &["coordinator"], PATH)
        .await
        .json()
        .await
        .unwrap();
    let items = list["feedback"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{list:#}");
    assert_eq!(items[0]["speed"], 5);
    assert_eq!(items[0]["comment"], Value::Null);
    assert_eq!(items[1]["speed"], 2);
    assert_eq!(items[2]["comment"], comment.as_str());
    assert_eq!(items[2]["organisation"]["id"], w.harbour.id.to_string());
    for (org, role) in [
        (&w.harbour, "referrer"),
        (&w.funder, "funder"),
        (&w.tees_council, "coordinator"),
    ] {
        problem(app.get_as(org, &[role], PATH).await, StatusCode::FORBIDDEN).await;
    }

    // Sealed at rest, and named by field only in the audit trail.
    assert!(!app.storage_text().await.contains(&canary));

    // The coordinator's report counts all three in this quarter and averages each
    // question: speed (4 + 2 + 5) / 3, communication (5 + 3 + 5) / 3, outcome (3 + 5 + 5) / 3.
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
    assert_eq!(row(&report, "feedback.responses")["total"]["value"], 3);
    for (question, mean) in [("speed", 3.7), ("communication", 4.3), ("outcome", 4.3)] {
        let code = format!("feedback.{question}.average");
        assert_eq!(row(&report, &code)["total"]["value"], mean, "{code}");
    }
    // Funders: three responses are under the threshold, so neither they nor the averages
    // resting on them show.
    let funders: Value = app
        .get_as(
            &w.funder,
            &["funder"],
            "/api/v1/reports/monitoring?scheme=darlington",
        )
        .await
        .json()
        .await
        .unwrap();
    for code in ["feedback.responses", "feedback.speed.average"] {
        assert_eq!(row(&funders, code)["total"]["suppressed"], true, "{code}");
        assert_eq!(row(&funders, code)["total"]["value"], Value::Null, "{code}");
    }
}
