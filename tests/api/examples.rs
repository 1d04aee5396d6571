//! Examples that work the first time: every request example of the served contract,
//! executed as Swagger UI would send it, in pathway order, on a fresh demo set-up (the
//! shipped Darlington organisations with their fixed ids), each expecting the
//! operation's documented success status. Only path parameters and `If-Match` come
//! from the walk, as a person in Swagger UI would fill them in.

use std::collections::BTreeSet;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::demo::DemoApp;

const REFERRER: Who = ("Harbour Support Services", "referrer");
const COORDINATOR: Who = ("Darlington Borough Council Sanctuary Team", "coordinator");
const ASSESSOR: Who = ("Durham Constabulary Crime Prevention Unit", "assessor");
const CONTRACTOR: Who = ("SecureHome Installations Ltd", "contractor");
const FIRE: Who = (
    "County Durham and Darlington Fire and Rescue Service",
    "fire_service",
);
const ADMIN: Who = ("Sanctuary Platform Operators", "admin");
const SURVEYORS: Who = ("Darlington Borough Council Building Surveyors", "assessor");

/// A demo organisation and the role it acts in.
type Who = (&'static str, &'static str);

/// The served contract, and what has been executed of it.
struct Walk {
    app: DemoApp,
    spec: Value,
    executed: BTreeSet<String>,
}

/// `(operation, example name)` of every request example in `spec`: the body's named
/// examples, or its schema's example.
fn every_example(spec: &Value) -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(content) = op.pointer("/requestBody/content/application~1json") else {
                continue;
            };
            let key = format!("{} {path}", method.to_uppercase());
            match content["examples"].as_object() {
                Some(named) => all.extend(named.keys().map(|n| format!("{key} #{n}"))),
                None => {
                    assert!(
                        schema_example(spec, content).is_some(),
                        "{key} has a body without an example"
                    );
                    all.insert(format!("{key} #schema"));
                }
            }
        }
    }
    all
}

fn schema_example(spec: &Value, content: &Value) -> Option<Value> {
    let name = content["schema"]["$ref"]
        .as_str()?
        .strip_prefix("#/components/schemas/")?;
    spec["components"]["schemas"][name].get("example").cloned()
}

impl Walk {
    async fn start() -> Walk {
        let app = DemoApp::spawn().await;
        let spec: Value = app
            .request(Method::GET, "/api-docs/openapi.json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Walk {
            app,
            spec,
            executed: BTreeSet::new(),
        }
    }

    fn operation(&self, method: &str, template: &str) -> &Value {
        self.spec["paths"][template]
            .get(method.to_lowercase())
            .unwrap_or_else(|| panic!("no {method} {template} in the contract"))
    }

    /// The body of `example` (`None`: the schema's) for `method template`.
    fn body(&self, method: &str, template: &str, example: Option<&str>) -> Option<Value> {
        let content = self
            .operation(method, template)
            .pointer("/requestBody/content/application~1json")?;
        Some(match example {
            Some(name) => content["examples"][name]["value"].clone(),
            None => schema_example(&self.spec, content).expect("a schema example"),
        })
    }

    /// The documented success status of `method template`.
    fn success(&self, method: &str, template: &str) -> StatusCode {
        let responses = self.operation(method, template)["responses"]
            .as_object()
            .unwrap();
        let status = responses
            .keys()
            .find(|s| s.starts_with('2'))
            .expect("a documented success");
        StatusCode::from_u16(status.parse().unwrap()).unwrap()
    }

    async fn etag(&self, path: &str, who: (&str, &str)) -> String {
        let response = self
            .app
            .request(Method::GET, path)
            .bearer_auth(self.app.token(who.0, who.1))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "reading {path}");
        response.headers()["etag"].to_str().unwrap().to_owned()
    }

    /// Sends `example` of `method template` to `path` as `who` (with `If-Match` from
    /// `version_at` when the operation takes it) and expects the documented success.
    async fn run(
        &mut self,
        who: Who,
        method: &str,
        template: &str,
        path: &str,
        example: Option<&str>,
        version_at: Option<&str>,
    ) -> Value {
        let body = self.body(method, template, example);
        let mut request = self
            .app
            .request(Method::from_bytes(method.as_bytes()).unwrap(), path)
            .bearer_auth(self.app.token(who.0, who.1));
        if let Some(at) = version_at {
            request = request.header("If-Match", self.etag(at, reader_of(who)).await);
        }
        if let Some(body) = &body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let expected = self.success(method, template);
        assert_eq!(
            status, expected,
            "{method} {path} (example {example:?}) as {}: {text}",
            who.1
        );
        if body.is_some() {
            let name = example.map_or("schema".to_owned(), str::to_owned);
            self.executed.insert(format!("{method} {template} #{name}"));
        }
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn act(&mut self, who: Who, case: &str, action: &str) -> Value {
        let template = format!("/api/v1/cases/{{id}}/{action}");
        let path = format!("/api/v1/cases/{case}/{action}");
        let at = format!("/api/v1/cases/{case}");
        self.run(who, "POST", &template, &path, None, Some(&at))
            .await
    }
}

/// Versions are read by whoever may read the resource: the coordinator for cases (any
/// case of the scheme), the administrator for administration.
fn reader_of(who: Who) -> Who {
    if who == ADMIN { ADMIN } else { COORDINATOR }
}

fn id(case: &Value) -> String {
    case["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_example_of_the_served_contract_succeeds_on_a_fresh_demo_in_pathway_order() {
    let mut walk = Walk::start().await;
    let referrals = "/api/v1/referrals";

    // The full referral walks the whole pathway; posted twice, it is the documented
    // 409 (the README says to change `external_reference`).
    let full = walk
        .run(REFERRER, "POST", referrals, referrals, Some("full"), None)
        .await;
    let again = walk
        .app
        .request(Method::POST, referrals)
        .bearer_auth(walk.app.token(REFERRER.0, REFERRER.1))
        .json(&walk.body("POST", referrals, Some("full")).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["code"], "duplicate_external_reference");
    assert_eq!(again["existing_case"]["id"], full["id"]);
    assert!(
        walk.operation("POST", referrals)["responses"]
            .get("409")
            .is_some(),
        "the 409 is documented"
    );

    let a = id(&full);
    let mut minimal = Vec::new();
    for _ in 0..4 {
        let case = walk
            .run(
                REFERRER,
                "POST",
                referrals,
                referrals,
                Some("minimal"),
                None,
            )
            .await;
        minimal.push(id(&case));
    }

    // A client who phoned the scheme: the coordinator enters it.
    let own = walk
        .run(
            COORDINATOR,
            "POST",
            referrals,
            referrals,
            Some("self_referral"),
            None,
        )
        .await;
    assert_eq!(own["referral"]["self_referral"], true);

    // The straight road.
    let case = format!("/api/v1/cases/{a}");
    walk.run(
        COORDINATOR,
        "PATCH",
        "/api/v1/cases/{id}/referral",
        &format!("{case}/referral"),
        None,
        Some(&case),
    )
    .await;
    walk.run(
        COORDINATOR,
        "POST",
        "/api/v1/cases/{id}/risk-assessments",
        &format!("{case}/risk-assessments"),
        None,
        Some(&case),
    )
    .await;
    // The coordinator's note for the assessor, then the case's notes.
    let note = walk
        .run(
            COORDINATOR,
            "POST",
            "/api/v1/cases/{id}/notes",
            &format!("{case}/notes"),
            None,
            None,
        )
        .await;
    let notes = walk
        .run(
            COORDINATOR,
            "GET",
            "/api/v1/cases/{id}/notes",
            &format!("{case}/notes"),
            None,
            None,
        )
        .await;
    assert_eq!(notes["items"][0]["id"], note["id"]);
    // The coordinator attaches the assessor's report (the contract's PDF example), reads
    // the list, downloads it and deletes it.
    let documents = "/api/v1/cases/{id}/documents";
    let pdf = walk
        .operation("POST", documents)
        .pointer("/requestBody/content/application~1octet-stream/example")
        .and_then(Value::as_str)
        .expect("the upload's example")
        .to_owned();
    let uploaded = walk
        .app
        .request(
            Method::POST,
            &format!("{case}/documents?kind=assessment_report&audience=assessor"),
        )
        .bearer_auth(walk.app.token(COORDINATOR.0, COORDINATOR.1))
        .header("Content-Type", "application/pdf")
        .body(pdf.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), walk.success("POST", documents));
    let uploaded: Value = uploaded.json().await.unwrap();
    let listed = walk
        .run(
            COORDINATOR,
            "GET",
            documents,
            &format!("{case}/documents"),
            None,
            None,
        )
        .await;
    assert_eq!(listed[0]["id"], uploaded["id"]);
    let href = uploaded["href"].as_str().unwrap();
    let one = "/api/v1/cases/{id}/documents/{document}";
    let content = walk
        .app
        .request(Method::GET, href)
        .bearer_auth(walk.app.token(COORDINATOR.0, COORDINATOR.1))
        .send()
        .await
        .unwrap();
    assert_eq!(content.status(), walk.success("GET", one));
    assert_eq!(content.text().await.unwrap(), pdf);
    walk.run(COORDINATOR, "DELETE", one, href, None, None).await;
    for (who, action) in [
        (COORDINATOR, "record-contact"),
        (COORDINATOR, "record-referral-made"),
        (COORDINATOR, "record-safeguarding-decision"),
        (COORDINATOR, "accept"),
        (COORDINATOR, "review-register-entry"),
        (COORDINATOR, "assign-assessor"),
        (ASSESSOR, "record-assessment"),
        (COORDINATOR, "approve-works"),
        (COORDINATOR, "record-landlord-permission"),
        (COORDINATOR, "order-works"),
        // The contractor books its visit, and moves it.
        (CONTRACTOR, "book-visit"),
        (CONTRACTOR, "record-visit-outcome"),
        (CONTRACTOR, "start-works"),
        (CONTRACTOR, "complete-works"),
        (FIRE, "record-fire-check"),
        // The check asked for smoke alarms.
        (COORDINATOR, "order-remedial-works"),
        (CONTRACTOR, "complete-remedial-works"),
        (COORDINATOR, "record-follow-up-visit"),
        (COORDINATOR, "record-equipment-review"),
        (COORDINATOR, "record-follow-up-contact"),
        (COORDINATOR, "close"),
        // The perpetrator is in prison for years: the safe room comes out.
        (COORDINATOR, "order-removal"),
        (CONTRACTOR, "record-removal"),
        (COORDINATOR, "legal-hold"),
    ] {
        walk.act(who, &a, action).await;
    }
    let closed: Value = walk
        .app
        .request(Method::GET, &case)
        .bearer_auth(walk.app.token(COORDINATOR.0, COORDINATOR.1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "closed");
    // The perpetrator came back: the case opens again.
    walk.act(COORDINATOR, &a, "reopen").await;

    // Off the straight road, on the minimal referrals.
    walk.act(COORDINATOR, &minimal[0], "hold").await;
    walk.act(COORDINATOR, &minimal[0], "resume").await;
    // Cancelling is for accepted cases.
    walk.act(COORDINATOR, &minimal[0], "accept").await;
    walk.act(COORDINATOR, &minimal[0], "remove-register-entry")
        .await;
    walk.act(COORDINATOR, &minimal[0], "order-interim-measures")
        .await;
    walk.act(CONTRACTOR, &minimal[0], "record-interim-measures-fitted")
        .await;
    walk.act(COORDINATOR, &minimal[0], "cancel").await;
    walk.act(REFERRER, &minimal[1], "consents").await;
    walk.act(COORDINATOR, &minimal[1], "decline").await;
    walk.act(REFERRER, &minimal[2], "withdraw").await;
    // Another assessor and another contractor take over.
    for (who, action) in [
        (COORDINATOR, "accept"),
        (COORDINATOR, "assign-assessor"),
        (COORDINATOR, "reassign-assessor"),
        (SURVEYORS, "record-assessment"),
        (COORDINATOR, "approve-works"),
        (COORDINATOR, "order-works"),
        (COORDINATOR, "reassign-contractor"),
        (COORDINATOR, "record-emergency-accommodation"),
    ] {
        walk.act(who, &minimal[3], action).await;
    }

    // The scheme's own reference data and notes.
    walk.run(
        COORDINATOR,
        "PUT",
        "/api/v1/schemes/{scheme}/measures/{code}",
        "/api/v1/schemes/darlington/measures/side_gate_lock",
        None,
        None,
    )
    .await;
    walk.run(
        COORDINATOR,
        "PUT",
        "/api/v1/schemes/{scheme}/report-notes/{year_start}/{quarter}",
        "/api/v1/schemes/darlington/report-notes/2026-04-01/1",
        None,
        None,
    )
    .await;
    walk.run(
        COORDINATOR,
        "PUT",
        "/api/v1/schemes/{scheme}/budgets/{year}",
        "/api/v1/schemes/darlington/budgets/2026",
        None,
        None,
    )
    .await;
    walk.run(
        REFERRER,
        "POST",
        "/api/v1/schemes/{scheme}/feedback",
        "/api/v1/schemes/darlington/feedback",
        None,
        None,
    )
    .await;

    // Administration.
    let admin = "/api/v1/admin";
    walk.run(
        ADMIN,
        "POST",
        "/api/v1/admin/schemes",
        &format!("{admin}/schemes"),
        None,
        None,
    )
    .await;
    let scheme = "/api/v1/schemes/darlington";
    walk.run(
        ADMIN,
        "PATCH",
        "/api/v1/admin/schemes/{code}",
        &format!("{admin}/schemes/darlington"),
        None,
        Some(scheme),
    )
    .await;
    for example in ["stricter", "defaults"] {
        walk.run(
            ADMIN,
            "PUT",
            "/api/v1/admin/schemes/{code}/settings",
            &format!("{admin}/schemes/darlington/settings"),
            Some(example),
            Some(scheme),
        )
        .await;
    }
    // The coordinator's case system subscribes (demo mode allows a loopback URL).
    let hooks = "/api/v1/webhooks";
    let hook = walk
        .run(COORDINATOR, "POST", hooks, hooks, None, None)
        .await;
    let hook = format!("{hooks}/{}", id(&hook["webhook"]));
    walk.run(
        COORDINATOR,
        "PATCH",
        "/api/v1/webhooks/{id}",
        &hook,
        None,
        Some(&hook),
    )
    .await;
    let org = walk
        .run(
            ADMIN,
            "POST",
            "/api/v1/admin/organisations",
            &format!("{admin}/organisations"),
            None,
            None,
        )
        .await;
    let org = id(&org);
    walk.run(
        ADMIN,
        "PUT",
        "/api/v1/admin/schemes/{code}/members/{organisation_id}",
        &format!("{admin}/schemes/south-essex/members/{org}"),
        None,
        None,
    )
    .await;
    walk.run(
        ADMIN,
        "PATCH",
        "/api/v1/admin/organisations/{id}",
        &format!("{admin}/organisations/{org}"),
        None,
        Some(&format!("{admin}/organisations/{org}")),
    )
    .await;
    walk.run(
        ADMIN,
        "POST",
        "/api/v1/admin/holidays",
        &format!("{admin}/holidays"),
        None,
        None,
    )
    .await;
    walk.run(
        ADMIN,
        "POST",
        "/api/v1/admin/revoked-tokens",
        &format!("{admin}/revoked-tokens"),
        None,
        None,
    )
    .await;

    // The demo's police control room reads its register: the homes the walk put on it
    // (and took off again).
    let police = ("Durham Constabulary Force Control Room", "police");
    let register: Value = walk
        .app
        .request(Method::GET, "/api/v1/register?scheme=darlington")
        .bearer_auth(walk.app.token(police.0, police.1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(register["services"], serde_json::json!(["police"]));
    assert!(!register["items"].as_array().unwrap().is_empty());

    // Nothing was left out, and a new example cannot be.
    let all = every_example(&walk.spec);
    let missing: Vec<_> = all.difference(&walk.executed).collect();
    assert!(missing.is_empty(), "examples not executed: {missing:?}");
    assert!(all.len() >= 30, "{} examples", all.len());
}
