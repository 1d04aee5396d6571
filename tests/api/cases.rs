//! GET /api/v1/cases and /api/v1/cases/{id}.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, with};
use crate::support::{TestApp, problem, violations};

/// A problem body without its request id (which differs per request by design).
fn without_request_id(mut problem: Value) -> Value {
    problem.as_object_mut().unwrap().remove("request_id");
    problem
}

#[tokio::test]
async fn the_referrer_and_the_coordinator_read_a_case_and_everyone_else_gets_the_same_404() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &fixtures::full()).await;
    let path = format!("/api/v1/cases/{}", case["id"].as_str().unwrap());

    // The actions' names; each is a link to this case's route for it, as a POST.
    let without_actions = |mut v: Value| {
        let links = v
            .as_object_mut()
            .unwrap()
            .remove("allowed_actions")
            .unwrap();
        let names: Vec<Value> = links
            .as_array()
            .unwrap()
            .iter()
            .map(|link| {
                assert_eq!(link["method"], "POST", "{link}");
                let href = link["href"].as_str().unwrap();
                assert!(href.starts_with(&format!("{path}/")), "{href}");
                link["action"].clone()
            })
            .collect();
        (v, Value::Array(names))
    };
    let (created, _) = without_actions(case.clone());
    for (org, role, actions) in [
        (
            &w.harbour,
            "referrer",
            json!([
                "record_risk_assessment",
                "record_referral_made",
                "withdraw",
                "record_consent"
            ]),
        ),
        (
            &w.council,
            "coordinator",
            json!([
                "accept",
                "decline",
                "record_contact",
                "record_risk_assessment",
                "record_referral_made",
                "order_interim_measures",
                "record_emergency_accommodation",
                "record_landlord_permission",
                "record_safeguarding_decision",
                "hold",
                "withdraw",
                "record_consent",
                "set_legal_hold"
            ]),
        ),
    ] {
        let response = app.get_as(org, &[role], &path).await;
        assert_eq!(response.status(), StatusCode::OK, "{role}");
        assert_eq!(response.headers()["etag"], "\"1\"");
        let (read, allowed) = without_actions(response.json().await.unwrap());
        assert_eq!(read, created, "{role} reads what was created");
        assert_eq!(allowed, actions, "{role}'s actions");
    }

    let missing = format!("/api/v1/cases/{}", uuid::Uuid::now_v7());
    let reference = without_request_id(
        problem(
            app.get_as(&w.harbour, &["referrer"], &missing).await,
            StatusCode::NOT_FOUND,
        )
        .await,
    );
    assert_eq!(reference["code"], "not_found");
    let denied = [
        (&w.housing, "referrer"),
        (&w.tees_referrer, "referrer"),
        (&w.tees_council, "coordinator"),
        (&w.stranger, "referrer"),
        // The coordinating organisation, but the token lacks the coordinator role.
        (&w.council, "referrer"),
        (&w.council, "funder"),
        // The referring organisation acting in a role that does not see referrals.
        (&w.harbour, "assessor"),
    ];
    for (org, role) in denied {
        let body = problem(app.get_as(org, &[role], &path).await, StatusCode::NOT_FOUND).await;
        assert_eq!(
            without_request_id(body),
            reference,
            "{} as {role}",
            org.name
        );
    }
    let malformed = problem(
        app.get_as(&w.harbour, &["referrer"], "/api/v1/cases/not-a-uuid")
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(without_request_id(malformed), reference);
}

async fn seed(app: &TestApp) -> Vec<Value> {
    let w = &app.world;
    let mut cases = Vec::new();
    cases.push(app.refer_ok(&w.harbour, &fixtures::full()).await);
    cases.push(app.refer_ok(&w.harbour, &fixtures::minimal()).await);
    cases.push(
        app.refer_ok(&w.housing, &fixtures::with_dash_answers())
            .await,
    );
    cases.push(
        app.refer_ok(
            &w.tees_referrer,
            &with(fixtures::minimal(), "/scheme", json!("teesside")),
        )
        .await,
    );
    cases
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn lists_hold_exactly_the_cases_the_caller_could_read() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let cases = seed(&app).await;
    let id = |i: usize| cases[i]["id"].as_str().unwrap().to_owned();
    let list = |org, role| {
        let app = &app;
        async move {
            app.get_as(org, &[role], "/api/v1/cases")
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    assert_eq!(ids(&list(&w.harbour, "referrer").await), [id(1), id(0)]);
    assert_eq!(ids(&list(&w.housing, "referrer").await), [id(2)]);
    assert_eq!(
        ids(&list(&w.council, "coordinator").await),
        [id(2), id(1), id(0)]
    );
    assert_eq!(ids(&list(&w.tees_council, "coordinator").await), [id(3)]);
    assert!(ids(&list(&w.stranger, "referrer").await).is_empty());
    assert!(ids(&list(&w.council, "funder").await).is_empty());
    // Every listed case can be fetched.
    for case_id in ids(&list(&w.council, "coordinator").await) {
        let response = app
            .get_as(
                &w.council,
                &["coordinator"],
                &format!("/api/v1/cases/{case_id}"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn list_items_carry_status_and_flags_but_no_personal_data() {
    let app = TestApp::spawn().await;
    seed(&app).await;
    let page = app
        .get_as(&app.world.council, &["coordinator"], "/api/v1/cases")
        .await
        .text()
        .await
        .unwrap();
    for personal in [
        "Jane Doe",
        "Alex Smith",
        "12 Example Street",
        "07700",
        "John Roe",
        "DL1 1AA",
    ] {
        assert!(!page.contains(personal), "{personal} in list");
    }
    let page: Value = serde_json::from_str(&page).unwrap();
    let item = &page["items"][0];
    for field in [
        "id",
        "reference",
        "scheme",
        "status",
        "received_at",
        "urgent",
        "risk_level",
        "flags",
        "can_progress",
    ] {
        assert!(item.get(field).is_some(), "{field}");
    }
    assert!(item.get("referral").is_none());
}

#[tokio::test]
async fn lists_filter_by_status_risk_urgency_and_received_date() {
    let app = TestApp::spawn().await;
    let cases = seed(&app).await;
    let coordinator = |query: String| {
        let app = &app;
        async move {
            let response = app
                .get_as(
                    &app.world.council,
                    &["coordinator"],
                    &format!("/api/v1/cases?{query}"),
                )
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{query}");
            ids(&response.json::<Value>().await.unwrap())
        }
    };
    let id = |i: usize| cases[i]["id"].as_str().unwrap().to_owned();
    assert_eq!(coordinator("risk_level=high".into()).await, [id(0)]);
    assert_eq!(coordinator("risk_level=medium".into()).await, [id(2)]);
    assert_eq!(coordinator("urgent=true".into()).await, [id(2), id(0)]);
    assert_eq!(coordinator("urgent=false".into()).await, [id(1)]);
    assert_eq!(coordinator("status=received".into()).await.len(), 3);
    assert!(coordinator("status=closed".into()).await.is_empty());
    let today = time::OffsetDateTime::now_utc().date();
    let (yesterday, tomorrow) = (today.previous_day().unwrap(), today.next_day().unwrap());
    assert_eq!(
        coordinator(format!("received_from={today}&received_to={today}"))
            .await
            .len(),
        3
    );
    assert!(
        coordinator(format!("received_to={yesterday}"))
            .await
            .is_empty()
    );
    assert!(
        coordinator(format!("received_from={tomorrow}"))
            .await
            .is_empty()
    );
    assert_eq!(
        coordinator("risk_level=high&urgent=false".into()).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn pages_follow_cursors_in_a_stable_newest_first_order() {
    let app = TestApp::spawn().await;
    let mut created = Vec::new();
    for _ in 0..7 {
        created.push(
            app.refer_ok(&app.world.harbour, &fixtures::minimal()).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    created.reverse();
    let mut seen = Vec::new();
    let mut path = "/api/v1/cases?limit=3".to_owned();
    let mut sizes = Vec::new();
    loop {
        let page: Value = app
            .get_as(&app.world.harbour, &["referrer"], &path)
            .await
            .json()
            .await
            .unwrap();
        sizes.push(page["items"].as_array().unwrap().len());
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/cases?limit=3&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(seen, created);
    let all: Value = app
        .get_as(&app.world.harbour, &["referrer"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&all), created, "default page of 25 holds all seven");
    assert_eq!(all["next_cursor"], Value::Null);
}

#[tokio::test]
async fn bad_list_parameters_are_422_naming_each_parameter() {
    let app = TestApp::spawn().await;
    let get = |query: &'static str| {
        let app = &app;
        async move {
            app.get_as(
                &app.world.council,
                &["coordinator"],
                &format!("/api/v1/cases?{query}"),
            )
            .await
        }
    };
    let p = problem(get("limit=101").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        violations(&p),
        [("limit".to_owned(), "out_of_range".to_owned())]
    );
    problem(get("limit=0").await, StatusCode::UNPROCESSABLE_ENTITY).await;
    app.get_as(
        &app.world.council,
        &["coordinator"],
        "/api/v1/cases?limit=100",
    )
    .await
    .error_for_status()
    .unwrap();
    let p = problem(
        get("limit=lots&status=lost&urgent=maybe&colour=red&received_from=2026-02-30").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [
            ("colour".to_owned(), "unknown_field".to_owned()),
            ("limit".to_owned(), "invalid_format".to_owned()),
            ("received_from".to_owned(), "invalid_format".to_owned()),
            ("status".to_owned(), "invalid_value".to_owned()),
            ("urgent".to_owned(), "invalid_format".to_owned()),
        ]
    );
    let status = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["parameter"] == "status")
        .unwrap();
    assert!(
        status["message"].as_str().unwrap().contains("`received`"),
        "{status}"
    );
    assert!(!p.to_string().contains("lost"), "the value is not echoed");
    let p = problem(
        get("cursor=garbage").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        violations(&p),
        [("cursor".to_owned(), "invalid_format".to_owned())]
    );
}

#[tokio::test]
async fn a_reference_finds_exactly_its_case_and_only_for_those_who_may_read_it() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let cases = seed(&app).await;
    let reference = cases[1]["reference"].as_str().unwrap();
    let path = format!("/api/v1/cases?reference={reference}");
    let found: Value = app
        .get_as(&w.council, &["coordinator"], &path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&found), [cases[1]["id"].as_str().unwrap()]);
    let by_referrer: Value = app
        .get_as(&w.harbour, &["referrer"], &path)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&by_referrer), ids(&found));
    // Another referrer's case is not found by its reference either.
    let other: Value = app
        .get_as(&w.housing, &["referrer"], &path)
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&other).is_empty());
    let none: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            "/api/v1/cases?reference=DAR-1999-0001",
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&none).is_empty());
    let bad = app
        .get_as(
            &w.council,
            &["coordinator"],
            "/api/v1/cases?reference=dar%201",
        )
        .await;
    let p = problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(violations(&p)[0].0, "reference");
}

#[tokio::test]
async fn updated_since_pages_through_changes_oldest_first_with_the_cursor() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let before: Value = app
        .get_as(&w.council, &["coordinator"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&before).is_empty());
    let since = "2026-01-01T00:00:00Z";
    let mut created = Vec::new();
    for i in 0..4 {
        let case = app
            .refer_ok(&w.harbour, &fixtures::eligible(&format!("SYNC-{i}")))
            .await;
        created.push(case["id"].as_str().unwrap().to_owned());
        // Distinct update instants (the store keeps microseconds).
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    // The first case changes last.
    let contact = json!({"method": "phone", "outcome": "spoke_to_client"});
    app.act_ok(
        &w.council,
        "coordinator",
        &created[0],
        "record-contact",
        Some(contact),
    )
    .await;
    let expected = [1, 2, 3, 0].map(|i| created[i].clone());

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut updated = Vec::new();
    let mut path = format!("/api/v1/cases?updated_since={since}&limit=3");
    loop {
        let page: Value = app
            .get_as(&w.council, &["coordinator"], &path)
            .await
            .json()
            .await
            .unwrap();
        sizes.push(page["items"].as_array().unwrap().len());
        seen.extend(ids(&page));
        for item in page["items"].as_array().unwrap() {
            updated.push(item["updated_at"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                assert_eq!(cursor.len(), 32, "an update-order cursor");
                // Found by schemathesis: the contract said at most 22.
                let spec = serde_json::to_value(sanctuary_http::openapi()).unwrap();
                let declared = &spec["components"]["schemas"]["CasePage"]["properties"];
                assert!(declared["next_cursor"]["maxLength"].as_u64().unwrap() >= 32);
                path = format!("/api/v1/cases?updated_since={since}&limit=3&cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(sizes, [3, 1]);
    assert_eq!(seen, expected);
    let mut sorted = updated.clone();
    sorted.sort();
    assert_eq!(updated, sorted, "oldest update first");

    // From the last change seen: that case again, and nothing older.
    let last = updated.last().unwrap();
    let from_last: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases?updated_since={}", last.replace('+', "%2B")),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ids(&from_last), [created[0].clone()]);
    // Any offset is the same instant.
    let later: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            "/api/v1/cases?updated_since=2999-01-01T01:00:00%2B01:00",
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&later).is_empty());
    // Other filters still apply, and visibility too.
    let referrer: Value = app
        .get_as(
            &w.housing,
            &["referrer"],
            &format!("/api/v1/cases?updated_since={since}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(ids(&referrer).is_empty(), "Housing referred none of them");

    for bad in [
        "yesterday",
        "2026-01-01",
        "2026-01-01T00:00:00.0000000000000000000000000Z",
    ] {
        let response = app
            .get_as(
                &w.council,
                &["coordinator"],
                &format!("/api/v1/cases?updated_since={bad}"),
            )
            .await;
        let p = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(violations(&p)[0].0, "updated_since", "{bad}");
    }
}

/// Found by schemathesis: an unknown parameter's name was echoed whole, past the
/// contract's 40 characters.
#[tokio::test]
async fn an_unknown_parameters_name_is_clipped_to_the_contracts_bound() {
    let app = TestApp::spawn().await;
    let name = "x".repeat(300);
    let response = app
        .get_as(
            &app.world.council,
            &["coordinator"],
            &format!("/api/v1/cases?{name}=1"),
        )
        .await;
    let p = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let shown = p["errors"][0]["parameter"].as_str().unwrap();
    assert_eq!(shown.chars().count(), 40);
    assert!(shown.starts_with("xxxx") && shown.ends_with('…'));
}
