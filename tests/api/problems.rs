//! Problem `type` URIs resolve: `GET /problems/{code}` describes every code, as a short
//! HTML page or as JSON, with no token.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{TestApp, problem};

fn codes() -> Vec<String> {
    let spec = serde_json::to_value(sanctuary_http::openapi()).unwrap();
    spec["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("the codes are listed in the contract")
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_code_in_the_contract_has_its_page_in_html_and_json() {
    let app = TestApp::spawn().await;
    let codes = codes();
    assert!(codes.len() >= 25, "{}", codes.len());
    for code in &codes {
        let page = app.get(&format!("/problems/{code}")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{code}");
        assert!(
            page.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let html = page.text().await.unwrap();
        assert!(html.len() <= 4096, "the contract's maxLength");
        assert!(html.contains(&format!("<code>{code}</code>")), "{code}");
        assert!(!html.contains('`'), "code spans rendered: {code}");

        let json: Value = app
            .get(&format!("/problems/{code}"))
            .header("Accept", "application/json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(json["type"], format!("/problems/{code}"));
        assert_eq!(json["code"], code.as_str());
        let status = json["status"].as_u64().unwrap();
        assert!((400..600).contains(&status), "{code}: {status}");
        assert!(
            html.contains(&format!("<strong>{status}</strong>")),
            "{code}"
        );
        let description = json["description"].as_str().unwrap();
        assert!(
            description.len() > 20,
            "{code} says what it means: {description}"
        );
    }
    let unknown = app.get("/problems/no_such_code").send().await.unwrap();
    problem(unknown, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_real_problems_type_resolves_to_its_status() {
    let app = TestApp::spawn().await;
    let refused = app.get("/api/v1/cases").send().await.unwrap();
    let body = problem(refused, StatusCode::UNAUTHORIZED).await;
    let described: Value = app
        .get(body["type"].as_str().unwrap())
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(described["status"], body["status"]);
    assert_eq!(described["title"], body["title"]);
}
