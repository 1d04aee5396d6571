//! Scheme administration: going live from nothing, settings versions, memberships,
//! deactivation, revocation and holidays — over HTTP, as the organisations involved.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::fixtures::{self, set};
use crate::support::http::{admin, clock, expect, send, set_roles};
use crate::support::{Org, TestApp, TestKeys, problem, violations};

async fn create_org(app: &TestApp, name: &str, kind: &str) -> Org {
    let (_, body) = expect(
        app,
        Method::POST,
        "/api/v1/admin/organisations",
        &admin(app),
        None,
        Some(json!({"name": name, "kind": kind})),
        StatusCode::CREATED,
    )
    .await;
    Org {
        id: body["id"].as_str().unwrap().parse().unwrap(),
        name: name.to_owned(),
    }
}

/// A referral into `scheme` that meets the default eligibility rules.
fn referral_into(scheme: &str) -> Value {
    let mut body = fixtures::minimal();
    set(&mut body, "/scheme", json!(scheme));
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    body
}

/// The clock table with `kind`'s amount changed.
fn with_clock_amount(settings: &Value, kind: &str, amount: u32) -> Value {
    let mut settings = settings.clone();
    for rule in settings["clocks"].as_array_mut().unwrap() {
        if rule["kind"] == kind {
            rule["amount"] = json!(amount);
        }
    }
    settings
}

#[tokio::test]
async fn a_scheme_goes_live_from_nothing_through_the_api() {
    let app = TestApp::spawn().await;
    let admin = admin(&app);

    // The administrator registers the organisations and the scheme.
    let council = create_org(&app, "Stockton Council Community Safety", "council").await;
    let idva = create_org(
        &app,
        "Stockton IDVA Service",
        "specialist_domestic_abuse_service",
    )
    .await;
    let police = create_org(&app, "Cleveland Police Designing Out Crime", "police").await;
    let response = send(
        &app,
        Method::POST,
        "/api/v1/admin/schemes",
        &admin,
        None,
        Some(json!({
            "code": "stockton", "name": "Stockton Sanctuary Scheme",
            "nation": "england_and_wales", "reference_prefix": "STK"
        })),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["location"], "/api/v1/schemes/stockton");
    let scheme: Value = response.json().await.unwrap();
    assert_eq!(scheme["settings_version"], 1);
    assert_eq!(scheme["year_start"], "04-01");
    assert_eq!(scheme["settings"]["disclosure_threshold"], 8);
    for (org, role) in [
        (&council, "coordinator"),
        (&idva, "referrer"),
        (&police, "assessor"),
    ] {
        let response = set_roles(&app, "stockton", org, json!([role])).await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    // The new referrer refers a client; the coordinator sees the case.
    let first = app.refer_ok(&idva, &referral_into("stockton")).await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    assert!(
        first["reference"].as_str().unwrap().starts_with("STK-"),
        "{}",
        first["reference"]
    );
    let (seen, _) = app.read(&council, "coordinator", &first_id).await;
    assert_eq!(seen["scheme"], "stockton");
    let list: Value = app
        .get_as(&council, &["coordinator"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // Darlington's coordinator does not.
    let other = app
        .get_as(
            &app.world.council,
            &["coordinator"],
            &format!("/api/v1/cases/{first_id}"),
        )
        .await;
    problem(other, StatusCode::NOT_FOUND).await;

    // Members read the scheme; only the coordinator sees its settings.
    let (etag, for_coordinator) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/stockton",
        &app.token(&council, &["coordinator"]),
        None,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(for_coordinator["your_roles"], json!(["coordinator"]));
    let settings = for_coordinator["settings"].clone();
    assert!(settings.is_object());
    let (_, for_referrer) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/stockton",
        &app.token(&idva, &["referrer"]),
        None,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(for_referrer["your_roles"], json!(["referrer"]));
    assert!(for_referrer.get("settings").is_none(), "{for_referrer:#}");
    let stranger = app
        .get_as(
            &app.world.harbour,
            &["referrer"],
            "/api/v1/schemes/stockton",
        )
        .await;
    let stranger = problem(stranger, StatusCode::NOT_FOUND).await;
    let missing = app
        .get_as(&app.world.harbour, &["referrer"], "/api/v1/schemes/nowhere")
        .await;
    let missing = problem(missing, StatusCode::NOT_FOUND).await;
    assert_eq!(stranger["detail"], missing["detail"]);

    // The standards change: first contact within 4 working days instead of 2, and
    // referral to the assessor within 3 instead of 1.
    let changed = with_clock_amount(&settings, "initial_contact", 4);
    let changed = with_clock_amount(&changed, "refer_to_assessor", 3);
    let (_, scheme) = expect(
        &app,
        Method::PUT,
        "/api/v1/admin/schemes/stockton/settings",
        &admin,
        etag.as_deref(),
        Some(changed),
        StatusCode::OK,
    )
    .await;
    assert_eq!(scheme["settings_version"], 2);

    // The running case keeps its clocks, including those that start after the change.
    let (before, _) = app.read(&council, "coordinator", &first_id).await;
    assert_eq!(
        clock(&before, "initial_contact"),
        clock(&first, "initial_contact")
    );
    assert_eq!(clock(&before, "initial_contact")["amount"], 2);
    let (first, _) = app
        .act_ok(&council, "coordinator", &first_id, "accept", None)
        .await;
    assert_eq!(clock(&first, "refer_to_assessor")["amount"], 1);
    // A case referred now runs under the new standards.
    let second = app.refer_ok(&idva, &referral_into("stockton")).await;
    let second_id = second["id"].as_str().unwrap().to_owned();
    assert_eq!(clock(&second, "initial_contact")["amount"], 4);
    let (second, _) = app
        .act_ok(&council, "coordinator", &second_id, "accept", None)
        .await;
    assert_eq!(clock(&second, "refer_to_assessor")["amount"], 3);

    // The coordinator reads the settings history: who changed what, when.
    let (_, history) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/stockton/settings-versions",
        &app.token(&council, &["coordinator"]),
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let history = history.as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["version"], 2);
    assert_eq!(history[1]["changed_keys"], json!(["clocks"]));
    assert_eq!(history[1]["changed_by"], "user-1234");
    assert_eq!(
        history[1]["changed_by_organisation_id"],
        json!(app.world.operator.id)
    );

    // Deactivating the referrer refuses its tokens from the next request.
    let token = app.token(&idva, &["referrer"]);
    let path = format!("/api/v1/cases/{first_id}");
    expect(&app, Method::GET, &path, &token, None, None, StatusCode::OK).await;
    let org_path = format!("/api/v1/admin/organisations/{}", idva.id);
    let (org_etag, _) = expect(
        &app,
        Method::GET,
        &org_path,
        &admin,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let (_, org) = expect(
        &app,
        Method::PATCH,
        &org_path,
        &admin,
        org_etag.as_deref(),
        Some(json!({"active": false})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(org["active"], false);
    let refused = send(&app, Method::GET, &path, &token, None, None).await;
    let refused = problem(refused, StatusCode::UNAUTHORIZED).await;
    assert!(
        refused["detail"].as_str().unwrap().contains("not active"),
        "{refused:#}"
    );

    // Everything is in the administration log, by field name only.
    let (_, log) = expect(
        &app,
        Method::GET,
        "/api/v1/admin/events",
        &admin,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "update_organisation",
            "change_settings",
            "set_member_roles",
            "set_member_roles",
            "set_member_roles",
            "create_scheme",
            "create_organisation",
            "create_organisation",
            "create_organisation",
        ]
    );
    assert_eq!(
        log[0]["data"],
        json!({"fields": ["active"], "active": false})
    );
    assert_eq!(log[1]["data"]["changed"], json!(["clocks"]));
}

#[tokio::test]
async fn settings_are_checked_as_a_whole_and_every_error_is_reported() {
    let app = TestApp::spawn().await;
    let admin = admin(&app);
    let (etag, scheme) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/darlington",
        &admin,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let mut bad = scheme["settings"].clone();
    bad["risk_bands"] = json!({"medium_from": 0, "high_from": 14});
    bad["disclosure_threshold"] = json!(0);
    bad["retention_years"] = json!(0);
    bad["clocks"][2]["amount"] = json!(0);
    bad["clocks"][3]["stop"] = bad["clocks"][3]["start"].clone();
    bad["household_budget_limit_pence"] = json!(-1);
    bad["unknown_setting"] = json!(true);
    let response = send(
        &app,
        Method::PUT,
        "/api/v1/admin/schemes/darlington/settings",
        &admin,
        etag.as_deref(),
        Some(bad),
    )
    .await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pointers: Vec<String> = violations(&body).into_iter().map(|(p, _)| p).collect();
    for expected in [
        "/risk_bands/medium_from",
        "/disclosure_threshold",
        "/retention_years",
        "/clocks/2/amount",
        "/clocks/3/stop",
        "/household_budget_limit_pence",
        "/unknown_setting",
    ] {
        assert!(
            pointers.iter().any(|p| p == expected),
            "{expected} missing from {pointers:?}"
        );
    }
    // Nothing changed.
    let (same_etag, same) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/darlington",
        &admin,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(same_etag, etag);
    assert_eq!(same["settings_version"], 1);

    // A valid change makes version 2; sending the same again changes nothing.
    let mut good = scheme["settings"].clone();
    good["disclosure_threshold"] = json!(10);
    good["retention_years"] = json!(7);
    let (etag2, changed) = expect(
        &app,
        Method::PUT,
        "/api/v1/admin/schemes/darlington/settings",
        &admin,
        etag.as_deref(),
        Some(good.clone()),
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["settings_version"], 2);
    assert_eq!(changed["settings"]["retention_years"], 7);
    let (etag3, again) = expect(
        &app,
        Method::PUT,
        "/api/v1/admin/schemes/darlington/settings",
        &admin,
        etag2.as_deref(),
        Some(good),
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["settings_version"], 2);
    assert_eq!(etag3, etag2);
    let (_, history) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/darlington/settings-versions",
        &admin,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        history[1]["changed_keys"],
        json!(["disclosure_threshold", "retention_years"])
    );
    // Members other than the coordinator do not see the settings or their history.
    let referrer = app
        .get_as(
            &app.world.harbour,
            &["referrer"],
            "/api/v1/schemes/darlington/settings-versions",
        )
        .await;
    problem(referrer, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn changes_need_the_current_etag() {
    let app = TestApp::spawn().await;
    let admin = admin(&app);
    let path = "/api/v1/admin/schemes/darlington";
    let rename = json!({"name": "Darlington Borough Sanctuary Scheme"});
    let missing = send(
        &app,
        Method::PATCH,
        path,
        &admin,
        None,
        Some(rename.clone()),
    )
    .await;
    problem(missing, StatusCode::PRECONDITION_REQUIRED).await;
    let (etag, _) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/darlington",
        &admin,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let etag = etag.unwrap();
    let (new_etag, renamed) = expect(
        &app,
        Method::PATCH,
        path,
        &admin,
        Some(&etag),
        Some(rename.clone()),
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["name"], "Darlington Borough Sanctuary Scheme");
    assert_ne!(new_etag.as_deref(), Some(etag.as_str()));
    // The old ETag is stale now: 412 with the current one.
    let stale = send(&app, Method::PATCH, path, &admin, Some(&etag), Some(rename)).await;
    assert_eq!(
        stale
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned()),
        new_etag
    );
    problem(stale, StatusCode::PRECONDITION_FAILED).await;
    // A year start that not every year has is refused.
    let bad = send(
        &app,
        Method::PATCH,
        path,
        &admin,
        new_etag.as_deref(),
        Some(json!({"year_start": "02-29"})),
    )
    .await;
    let bad = problem(bad, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(violations(&bad)[0].0, "/year_start");
    // The code and prefix cannot be changed.
    let fixed = send(
        &app,
        Method::PATCH,
        path,
        &admin,
        new_etag.as_deref(),
        Some(json!({"reference_prefix": "DBC"})),
    )
    .await;
    problem(fixed, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn only_an_operators_admin_token_administers() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let body = json!({"name": "New Agency", "kind": "other"});
    // The admin role of an organisation that does not operate the deployment.
    for token in [
        app.token(&w.council, &["admin"]),
        app.token(&w.council, &["coordinator"]),
        app.token(&w.operator, &["coordinator", "referrer"]),
    ] {
        for (method, path) in [
            (Method::POST, "/api/v1/admin/organisations"),
            (Method::GET, "/api/v1/admin/organisations"),
            (Method::GET, "/api/v1/admin/schemes"),
            (Method::GET, "/api/v1/admin/events"),
        ] {
            let response = send(&app, method.clone(), path, &token, None, Some(body.clone())).await;
            problem(response, StatusCode::FORBIDDEN).await;
        }
    }
    let anonymous = app
        .client
        .get(app.url("/api/v1/admin/schemes"))
        .send()
        .await
        .unwrap();
    problem(anonymous, StatusCode::UNAUTHORIZED).await;
    // Nothing was created.
    let (_, all) = expect(
        &app,
        Method::GET,
        "/api/v1/admin/organisations",
        &admin(&app),
        None,
        None,
        StatusCode::OK,
    )
    .await;
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .all(|o| o["name"] != "New Agency")
    );
    // An administrator cannot lock its own organisation out.
    let own = format!("/api/v1/admin/organisations/{}", w.operator.id);
    let (etag, _) = expect(
        &app,
        Method::GET,
        &own,
        &admin(&app),
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let response = send(
        &app,
        Method::PATCH,
        &own,
        &admin(&app),
        etag.as_deref(),
        Some(json!({"active": false})),
    )
    .await;
    problem(response, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn names_codes_prefixes_and_the_coordinator_are_unique() {
    let app = TestApp::spawn().await;
    let admin = admin(&app);
    let w = &app.world;
    let new_scheme = |code: &str, prefix: &str| json!({"code": code, "name": "A scheme", "nation": "scotland", "reference_prefix": prefix});
    for (body, code) in [
        (new_scheme("darlington", "NEW"), "scheme_exists"),
        (new_scheme("newtown", "DAR"), "reference_prefix_in_use"),
    ] {
        let response = send(
            &app,
            Method::POST,
            "/api/v1/admin/schemes",
            &admin,
            None,
            Some(body),
        )
        .await;
        assert_eq!(problem(response, StatusCode::CONFLICT).await["code"], code);
    }
    let invalid = send(
        &app,
        Method::POST,
        "/api/v1/admin/schemes",
        &admin,
        None,
        Some(json!({
            "code": "Bad Code", "name": "x", "nation": "scotland", "reference_prefix": "lower",
            "year_start": "13-01", "settings": {"retention_years": 0}
        })),
    )
    .await;
    let invalid = problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    let pointers: Vec<String> = violations(&invalid).into_iter().map(|(p, _)| p).collect();
    for expected in [
        "/code",
        "/reference_prefix",
        "/year_start",
        "/settings/retention_years",
    ] {
        assert!(
            pointers.iter().any(|p| p == expected),
            "{expected}: {pointers:?}"
        );
    }
    let duplicate = send(
        &app,
        Method::POST,
        "/api/v1/admin/organisations",
        &admin,
        None,
        Some(json!({"name": w.harbour.name, "kind": "other"})),
    )
    .await;
    assert_eq!(
        problem(duplicate, StatusCode::CONFLICT).await["code"],
        "organisation_exists"
    );

    // A second coordinator is refused until the first gives the role up.
    let response = set_roles(&app, "darlington", &w.housing, json!(["coordinator"])).await;
    assert_eq!(
        problem(response, StatusCode::CONFLICT).await["code"],
        "coordinator_exists"
    );
    let response = set_roles(&app, "darlington", &w.housing, json!(["admin"])).await;
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    let response = send(
        &app,
        Method::DELETE,
        &format!("/api/v1/admin/schemes/darlington/members/{}", w.council.id),
        &admin,
        None,
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = set_roles(
        &app,
        "darlington",
        &w.housing,
        json!(["referrer", "coordinator"]),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    // The old coordinator no longer sees the scheme; the new one reads its members.
    let old = app
        .get_as(&w.council, &["coordinator"], "/api/v1/schemes/darlington")
        .await;
    problem(old, StatusCode::NOT_FOUND).await;
    let (_, members) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/darlington/members",
        &app.token(&w.housing, &["coordinator"]),
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let housing = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["organisation"]["id"] == json!(w.housing.id))
        .unwrap();
    assert_eq!(housing["roles"], json!(["referrer", "coordinator"]));
    assert!(
        members
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["organisation"]["id"] != json!(w.council.id))
    );
    // Unknown scheme or organisation: 404.
    let response = set_roles(
        &app,
        "darlington",
        &Org {
            id: Uuid::now_v7(),
            name: "nobody".into(),
        },
        json!(["referrer"]),
    )
    .await;
    problem(response, StatusCode::NOT_FOUND).await;
    let response = set_roles(&app, "nowhere", &w.housing, json!(["referrer"])).await;
    problem(response, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_revoked_token_is_refused_from_its_next_request() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let keys = TestKeys::get();
    let mut claims = TestKeys::claims(w.harbour.id, &["referrer"]);
    let jti = Uuid::now_v7().to_string();
    claims["jti"] = json!(jti);
    let token = keys.sign(&keys.ed25519, &claims);
    let other = app.token(&w.harbour, &["referrer"]);
    let path = "/api/v1/schemes/darlington";
    expect(&app, Method::GET, path, &token, None, None, StatusCode::OK).await;
    for _ in 0..2 {
        let response = send(
            &app,
            Method::POST,
            "/api/v1/admin/revoked-tokens",
            &admin(&app),
            None,
            Some(json!({"jti": jti})),
        )
        .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    let refused = send(&app, Method::GET, path, &token, None, None).await;
    let refused = problem(refused, StatusCode::UNAUTHORIZED).await;
    assert!(refused["detail"].as_str().unwrap().contains("revoked"));
    // The organisation's other tokens still work.
    expect(&app, Method::GET, path, &other, None, None, StatusCode::OK).await;
}

#[tokio::test]
async fn holidays_are_the_shipped_table_plus_administrators_additions() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let path = "/api/v1/holidays?nation=england_and_wales&year=2027";
    let referrer = app.token(&w.harbour, &["referrer"]);
    let (_, shipped) = expect(
        &app,
        Method::GET,
        path,
        &referrer,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let dates = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|h| h["date"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = dates(&shipped);
    assert_eq!(before.len(), 8);
    assert!(before.contains(&"2027-12-27".to_owned()), "{before:?}");
    assert!(before.iter().all(|d| d.starts_with("2027-")));
    let added = json!({"nation": "england_and_wales", "date": "2027-06-14", "name": "One-off bank holiday"});
    let (_, body) = expect(
        &app,
        Method::POST,
        "/api/v1/admin/holidays",
        &admin(&app),
        None,
        Some(added.clone()),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(body["source"], "added");
    let again = send(
        &app,
        Method::POST,
        "/api/v1/admin/holidays",
        &admin(&app),
        None,
        Some(added),
    )
    .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await["code"],
        "holiday_exists"
    );
    let (_, after) = expect(
        &app,
        Method::GET,
        path,
        &referrer,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let after_dates = dates(&after);
    assert_eq!(after_dates.len(), 9);
    let position = after_dates.iter().position(|d| d == "2027-06-14").unwrap();
    assert_eq!(after[position]["source"], "added");
    assert!(after_dates.windows(2).all(|w| w[0] < w[1]), "in date order");
    // Scotland's calendar is its own.
    let (_, scotland) = expect(
        &app,
        Method::GET,
        "/api/v1/holidays?nation=scotland&year=2027",
        &referrer,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    assert!(!dates(&scotland).contains(&"2027-06-14".to_owned()));
    let invalid = send(
        &app,
        Method::GET,
        "/api/v1/holidays?nation=wales&year=1",
        &referrer,
        None,
        None,
    )
    .await;
    let invalid = problem(invalid, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(violations(&invalid)[0].0, "nation");
    let out_of_range = send(
        &app,
        Method::GET,
        "/api/v1/holidays?nation=scotland&year=1",
        &referrer,
        None,
        None,
    )
    .await;
    let out_of_range = problem(out_of_range, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        violations(&out_of_range),
        [("year".to_owned(), "out_of_range".to_owned())]
    );
    let missing = send(
        &app,
        Method::GET,
        "/api/v1/holidays?year=2027",
        &referrer,
        None,
        None,
    )
    .await;
    let missing = problem(missing, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(
        violations(&missing),
        [("nation".to_owned(), "required".to_owned())]
    );
}

/// Four eyes on privilege: an administrator cannot give its own organisation a role in
/// a scheme (it could then read every case); another operating organisation can.
#[tokio::test]
async fn an_administrator_cannot_grant_its_own_organisation_scheme_roles() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let own = set_roles(&app, "darlington", &w.operator, json!(["auditor"])).await;
    let body = problem(own, StatusCode::FORBIDDEN).await;
    assert_eq!(body["code"], "forbidden");
    let audit = app.get_as(&w.operator, &["auditor"], "/api/v1/audit").await;
    assert_ne!(audit.status(), StatusCode::OK, "it got nothing by trying");

    // A second operating organisation's administrator may.
    let second = sanctuary_persistence::organisations::create_with(
        app.store.connection(),
        sanctuary_persistence::organisations::NewOrganisation {
            id: None,
            name: "Second Operators",
            kind: sanctuary_domain::organisation::OrganisationKind::Other,
            is_administrator: true,
        },
    )
    .await
    .unwrap();
    let second = Org {
        id: second.id,
        name: second.name,
    };
    let granted = send(
        &app,
        Method::PUT,
        &format!("/api/v1/admin/schemes/darlington/members/{}", w.operator.id),
        &app.token(&second, &["admin"]),
        None,
        Some(json!({"roles": ["auditor"]})),
    )
    .await;
    assert_eq!(granted.status(), StatusCode::OK);
    // Giving its own roles up needs nobody else.
    let left = set_roles(&app, "darlington", &w.operator, json!([])).await;
    assert_eq!(left.status(), StatusCode::OK);
}
