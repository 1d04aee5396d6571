//! The contractor's view of a case lasts while it holds the order, then the scheme's
//! `contractor_access_days` after the works are completed or the case ends.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::http::change_settings;
use crate::support::{TestApp, problem};

async fn contractor_reads(app: &TestApp, id: &str) -> bool {
    let w = &app.world;
    let response = app
        .get_as(
            &w.contractor,
            &["contractor"],
            &format!("/api/v1/cases/{id}"),
        )
        .await;
    match response.status() {
        StatusCode::OK => true,
        _ => {
            problem(response, StatusCode::NOT_FOUND).await;
            false
        }
    }
}

async fn contractor_lists(app: &TestApp) -> Vec<String> {
    let w = &app.world;
    let page: Value = app
        .get_as(&w.contractor, &["contractor"], "/api/v1/cases?limit=100")
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn with_the_default_the_contractor_keeps_a_completed_case_for_now() {
    let app = TestApp::spawn().await;
    let id = app.case_with_works(true).await;
    assert!(contractor_reads(&app, &id).await, "30 days by default");
    let (case, _) = app.read(&app.world.council, "coordinator", &id).await;
    assert_eq!(case["status"], "works_completed");
}

#[tokio::test]
async fn the_contractor_loses_the_case_when_its_days_run_out() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // The scheme gives contractors no days after the works: access ends with them.
    change_settings(&app, |settings| {
        assert_eq!(settings["contractor_access_days"], 30);
        settings["contractor_access_days"] = json!(0);
    })
    .await;

    let in_progress = app.case_with_works(false).await;
    assert!(
        contractor_reads(&app, &in_progress).await,
        "while it holds the order"
    );
    let completed = app.case_with_works(false).await;
    let (case, etag) = app.read(&w.contractor, "contractor", &completed).await;
    let results: Vec<Value> = case["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"item_id": i["id"], "installed": true, "actual_cost_pence": 10_000}))
        .collect();
    let done = app
        .act(
            &w.contractor,
            "contractor",
            &completed,
            "complete-works",
            &etag,
            Some(json!({ "results": results })),
        )
        .await;
    // Done, and the case is out of its sight at once: nothing to show.
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    assert!(!contractor_reads(&app, &completed).await, "works completed");
    let listed = contractor_lists(&app).await;
    assert_eq!(listed, vec![in_progress.clone()], "the list agrees");

    // The case ends with the works under way: the order ends with it.
    let cancel = json!({"reason": "client_moved"});
    app.act_ok(
        &w.council,
        "coordinator",
        &in_progress,
        "cancel",
        Some(cancel),
    )
    .await;
    assert!(
        !contractor_reads(&app, &in_progress).await,
        "the order ended"
    );
    assert!(contractor_lists(&app).await.is_empty());
    // The coordinator still reads both.
    for id in [&in_progress, &completed] {
        let (case, _) = app.read(&w.council, "coordinator", id).await;
        assert_eq!(case["view"], "full");
    }
}
