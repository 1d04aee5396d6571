//! Requests every test file makes: any method with a token, `If-Match` and a body;
//! the administrator's token; an organisation's roles in a scheme; a case's clock.

use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use super::{Org, TestApp};

/// Sends `method path` with `token`, `If-Match: etag` and a JSON body, if given.
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    etag: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(etag) = etag {
        request = request.header("If-Match", etag);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request sent")
}

/// Sends and expects `status`; returns the ETag (if any) and the JSON body.
pub async fn expect(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    etag: Option<&str>,
    body: Option<Value>,
    status: StatusCode,
) -> (Option<String>, Value) {
    let response = send(app, method.clone(), path, token, etag, body).await;
    let got = response.status();
    let tag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_owned());
    let json: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{method} {path}: {json:#}");
    (tag, json)
}

/// Changes Darlington's settings as the administrator: `change` edits the settings as
/// the scheme shows them; the new settings must be accepted.
pub async fn change_settings(app: &TestApp, change: impl FnOnce(&mut Value)) {
    let admin = admin(app);
    let (etag, scheme) = expect(
        app,
        Method::GET,
        "/api/v1/schemes/darlington",
        &admin,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let mut settings = scheme["settings"].clone();
    change(&mut settings);
    expect(
        app,
        Method::PUT,
        "/api/v1/admin/schemes/darlington/settings",
        &admin,
        etag.as_deref(),
        Some(settings),
        StatusCode::OK,
    )
    .await;
}

/// A token of the deployment's operators, with the admin role.
pub fn admin(app: &TestApp) -> String {
    app.token(&app.world.operator, &["admin"])
}

/// Sets `org`'s roles in `scheme` as the administrator (an empty list removes it).
pub async fn set_roles(app: &TestApp, scheme: &str, org: &Org, roles: Value) -> Response {
    send(
        app,
        Method::PUT,
        &format!("/api/v1/admin/schemes/{scheme}/members/{}", org.id),
        &admin(app),
        None,
        Some(json!({"roles": roles})),
    )
    .await
}

/// The clock of `kind` on a case as the API shows it.
/// The row `code` of a report (any section), as the JSON has it.
pub fn report_row<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["rows"].as_array().unwrap())
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row {code}"))
}

pub fn clock<'a>(case: &'a Value, kind: &str) -> &'a Value {
    case["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} clock"))
}

/// A response body with its request id blanked, for comparing two answers byte for byte.
pub fn without_request_id(body: &str) -> String {
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        return body.to_owned();
    };
    match json["request_id"].as_str() {
        Some(id) => body.replace(id, "<request-id>"),
        None => body.to_owned(),
    }
}
