//! What the service logs: one access line per request, and never personal data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::{TestApp, logs};

/// The captured log lines (JSON) of one request.
fn lines_of(request_id: &str) -> Vec<Value> {
    logs::captured()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["span"]["request_id"] == request_id)
        .collect()
}

fn access_line(request_id: &str) -> Value {
    lines_of(request_id)
        .into_iter()
        .find(|l| l["fields"]["message"] == "request completed")
        .unwrap_or_else(|| panic!("no access log line for {request_id}"))
}

fn request_id(response: &reqwest::Response) -> String {
    response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn personal_data_never_reaches_the_logs() {
    let app = TestApp::spawn().await;
    let canaried = fixtures::Canaries::new();
    let (body, mut canaries) = (canaried.body.clone(), canaried.values());
    let canary = |field: &str| canaried.value_for(field);
    let created = app.refer(&app.world.harbour, &body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let create_id = request_id(&created);
    let case: Value = created.json().await.unwrap();
    let path = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());
    let read = app
        .get_as(&app.world.council, &["coordinator"], &path)
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    let read_id = request_id(&read);
    let listed = app
        .get_as(&app.world.council, &["coordinator"], "/api/v1/cases")
        .await;
    assert_eq!(listed.status(), StatusCode::OK);
    // The error paths: a conflict, and a validation failure quoting nothing.
    assert_eq!(
        app.refer(&app.world.harbour, &body).await.status(),
        StatusCode::CONFLICT
    );
    let mut invalid = body.clone();
    set(&mut invalid, "/client/date_of_birth", json!(canary("dob")));
    set(
        &mut invalid,
        "/client/address/postcode",
        json!(canary("postcode")),
    );
    canaries.extend([canary("dob"), canary("postcode")]);
    assert_eq!(
        app.refer(&app.world.harbour, &invalid).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let captured = logs::captured();
    assert!(!captured.is_empty());
    for value in &canaries {
        assert!(
            !captured.contains(value.as_str()),
            "{value} reached the log"
        );
    }

    // The access log has what operations need, and the route pattern, not the path.
    let line = access_line(&read_id);
    assert_eq!(line["fields"]["route"], "/api/v1/cases/{id}");
    assert_eq!(line["fields"]["status"], 200);
    assert_eq!(line["fields"]["org"], app.world.council.id.to_string());
    assert_eq!(line["span"]["method"], "GET");
    assert!(
        line["fields"]["latency_ms"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            >= 0.0
    );
    let line = access_line(&create_id);
    assert_eq!(line["fields"]["route"], "/api/v1/referrals");
    assert_eq!(line["fields"]["status"], 201);
    assert_eq!(line["fields"]["org"], app.world.harbour.id.to_string());
}

#[tokio::test]
async fn unauthenticated_requests_are_logged_without_an_organisation() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/cases").send().await.unwrap();
    let line = access_line(&request_id(&response));
    assert_eq!(line["fields"]["status"], 401);
    assert_eq!(line["fields"]["org"], "-");
    let response = app.get("/api/v1/cases/some/raw/path").send().await.unwrap();
    let line = access_line(&request_id(&response));
    assert_eq!(line["fields"]["route"], "unmatched");
}
