//! The emergency-services register: homes go on the fire service's and the police's
//! registers at acceptance (or works completed, as the scheme says; urgent cases at
//! acceptance), on consent to share or a safeguarding decision naming the service; they
//! are reviewed on a clock and come off when the basis goes, the case ends (at once or
//! after the scheme's months) or the coordinator decides. Each service reads exactly
//! the listed fields of its own entries and is told of every change.

use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, Canaries, set};
use crate::support::http::{change_settings, clock};
use crate::support::{Org, TestApp, problem};

const REGISTER: &str = "/api/v1/register?scheme=darlington";

async fn register(app: &TestApp, org: &Org, role: &str, query: &str) -> Value {
    let response = app
        .get_as(org, &[role], &format!("{REGISTER}{query}"))
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{role}: {body:#}");
    body
}

/// The items of `org`'s register about case `id`.
async fn entries(app: &TestApp, org: &Org, role: &str, id: &str) -> Vec<Value> {
    register(app, org, role, "&limit=100").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["case_id"] == id)
        .cloned()
        .collect()
}

/// Every event `org` reads, from the start.
async fn events(app: &TestApp, org: &Org, role: &str) -> Vec<Value> {
    let page: Value = app
        .get_as(org, &[role], "/api/v1/events?after=0&limit=100")
        .await
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set_of(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

/// Changes the scheme's register settings.
async fn register_settings(app: &TestApp, change: Value) {
    change_settings(app, |settings| {
        for (key, value) in change.as_object().unwrap() {
            settings["register"][key] = value.clone();
        }
    })
    .await;
}

async fn accepted(app: &TestApp, body: &Value) -> String {
    let w = &app.world;
    let id = app.refer_ok(&w.harbour, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.council, "coordinator", &id, "accept", Some(json!({})))
        .await;
    id
}

#[tokio::test]
async fn acceptance_puts_the_home_on_both_registers_each_service_reading_only_the_listed_fields() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    register_settings(
        &app,
        json!({"contact_24h": "Out-of-hours duty team: 01632 960 651"}),
    )
    .await;
    let canaries = Canaries::new();
    let mut body = canaries.body.clone();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    set(&mut body, "/demographics/disabilities", json!(["physical"]));
    let id = app.refer_ok(&w.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        entries(&app, &w.council, "coordinator", &id)
            .await
            .is_empty(),
        "not before acceptance"
    );
    app.act_ok(&w.council, "coordinator", &id, "accept", Some(json!({})))
        .await;

    let fire = register(&app, &w.fire_service, "fire_service", "").await;
    assert_eq!(
        keys(&fire),
        set_of(&["scheme", "services", "contact_24h", "items", "next_cursor"])
    );
    assert_eq!(fire["services"], json!(["fire_service"]));
    assert_eq!(fire["contact_24h"], "Out-of-hours duty team: 01632 960 651");
    let items = fire["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(
        keys(item),
        set_of(&[
            "id",
            "case_id",
            "reference",
            "service",
            "status",
            "basis",
            "added_at",
            "review_due",
            "last_reviewed_at",
            "removed_at",
            "removal_reason",
            "updated_at",
            "home",
        ])
    );
    assert_eq!(item["service"], "fire_service");
    assert_eq!(item["status"], "active");
    assert_eq!(item["basis"], "information_sharing_consent");
    let home = &item["home"];
    assert_eq!(
        keys(home),
        set_of(&[
            "address",
            "safe_room",
            "removed_measures",
            "arson_risk",
            "children",
            "needs_help_to_leave",
            "interpreter_needed",
        ])
    );
    assert_eq!(
        keys(&home["address"]),
        set_of(&["line1", "line2", "town", "postcode"])
    );
    assert_eq!(
        home["address"]["line1"],
        canaries.value_for("line1"),
        "the address is what the register is for"
    );
    assert_eq!(home["arson_risk"], body["safety"]["arson_risk"]["present"]);
    assert_eq!(
        home["children"],
        json!(body["household"]["children_ages"].as_array().unwrap().len())
    );
    assert_eq!(home["needs_help_to_leave"], true);
    assert_eq!(home["safe_room"], Value::Null, "none recommended yet");
    assert_eq!(home["removed_measures"], json!([]));
    // Nothing else personal: no name, phone, perpetrator, incidents or notes.
    let text = fire.to_string();
    for (pointer, value) in &canaries.fields {
        let shown = pointer == "/client/address/line1" || pointer == "/client/address/town";
        assert_eq!(text.contains(value.as_str()), shown, "{pointer}");
    }
    for absent in ["dash", "marac", "perpetrator", "name"] {
        assert!(!text.contains(absent), "{absent} in {text}");
    }

    let police = register(&app, &w.police, "police", "").await;
    assert_eq!(police["services"], json!(["police"]));
    assert_eq!(police["items"].as_array().unwrap().len(), 1);
    assert_eq!(police["items"][0]["service"], "police");
    let both = register(&app, &w.council, "coordinator", "").await;
    assert_eq!(both["services"], json!(["fire_service", "police"]));
    assert_eq!(both["items"].as_array().unwrap().len(), 2);

    // The case shows its entries and the review clock, six months on.
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    let on_case = case["workflow"]["register"].as_array().unwrap();
    assert_eq!(on_case.len(), 2);
    assert_eq!(clock(&case, "register_review")["state"], "running");
    assert_eq!(
        clock(&case, "register_review")["due_at"],
        on_case[0]["review_due"]
    );
    assert_eq!(
        clock(&case, "register_review")["due_at"],
        item["review_due"]
    );

    // Each service is told of its own entry, the referrer of neither.
    let told = |events: Vec<Value>| -> Vec<(String, String)> {
        events
            .into_iter()
            .filter(|e| e["type"].as_str().unwrap().starts_with("register."))
            .map(|e| {
                (
                    e["type"].as_str().unwrap().to_owned(),
                    e["data"]["service"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let fire_events = events(&app, &w.fire_service, "fire_service").await;
    assert_eq!(
        told(fire_events.clone()),
        [("register.entry_added".to_owned(), "fire_service".to_owned())]
    );
    let added = fire_events
        .iter()
        .find(|e| e["type"] == "register.entry_added")
        .unwrap();
    assert_eq!(added["data"]["register_entry_id"], item["id"]);
    assert_eq!(added["data"]["case_id"], id);
    assert_eq!(
        told(events(&app, &w.police, "police").await),
        [("register.entry_added".to_owned(), "police".to_owned())]
    );
    assert!(told(events(&app, &w.harbour, "referrer").await).is_empty());
    assert_eq!(told(events(&app, &w.council, "coordinator").await).len(), 2);

    // Every home shown is audited: the auditor sees who read this case's address.
    let audit: Value = app
        .get_as(
            &w.auditor,
            &["auditor"],
            &format!("/api/v1/audit?case_id={id}&limit=100"),
        )
        .await
        .json()
        .await
        .unwrap();
    let readers: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "view_register")
        .map(|r| &r["organisation_id"])
        .collect();
    for org in [&w.fire_service, &w.police, &w.council] {
        assert!(
            readers.contains(&&json!(org.id)),
            "{} read it unaudited",
            org.name
        );
    }
}

#[tokio::test]
async fn only_the_coordinator_fire_service_and_police_read_it_and_the_police_no_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = accepted(&app, &fixtures::eligible("REG-ACCESS")).await;
    for (org, role) in [
        (&w.harbour, "referrer"),
        (&w.assessor, "assessor"),
        (&w.contractor, "contractor"),
        (&w.funder, "funder"),
        (&w.auditor, "auditor"),
        (&w.tees_council, "coordinator"),
        (&w.stranger, "police"),
        // The role in the token without the membership, and the other way round.
        (&w.fire_service, "police"),
        (&w.police, "fire_service"),
    ] {
        let response = app.get_as(org, &[role], REGISTER).await;
        problem(response, StatusCode::FORBIDDEN).await;
    }
    let missing = app
        .get_as(&w.police, &["police"], "/api/v1/register?scheme=nowhere")
        .await;
    problem(missing, StatusCode::NOT_FOUND).await;
    // The police read the register, never a case: a case looks missing to them.
    let case = app
        .get_as(&w.police, &["police"], &format!("/api/v1/cases/{id}"))
        .await;
    problem(case, StatusCode::NOT_FOUND).await;
    let list: Value = app
        .get_as(&w.police, &["police"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
    // Only the coordinator reviews or removes.
    for (org, role, expected) in [
        (&w.harbour, "referrer", StatusCode::FORBIDDEN),
        (&w.fire_service, "fire_service", StatusCode::FORBIDDEN),
        (&w.police, "police", StatusCode::NOT_FOUND),
    ] {
        let (_, etag) = app.read(&w.council, "coordinator", &id).await;
        let response = app
            .act(
                org,
                role,
                &id,
                "review-register-entry",
                &etag,
                Some(json!({})),
            )
            .await;
        problem(response, expected).await;
    }
}

#[tokio::test]
async fn reviews_and_removals_are_recorded_told_and_leave_the_home_off_for_good() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = accepted(&app, &fixtures::eligible("REG-REVIEW")).await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert!(
        case["allowed_actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "review_register_entry")
    );
    let (reviewed, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "review-register-entry",
            Some(json!({})),
        )
        .await;
    for entry in reviewed["workflow"]["register"].as_array().unwrap() {
        let reviews = entry["reviews"].as_array().unwrap();
        assert_eq!(reviews.len(), 1);
        assert_eq!(reviews[0]["organisation_id"], json!(w.council.id));
        assert_eq!(reviews[0]["next_due"], entry["review_due"]);
    }
    let fire = entries(&app, &w.fire_service, "fire_service", &id).await;
    assert!(fire[0]["last_reviewed_at"].is_string());

    // The client moved out of the police force's area, say: the police entry comes off.
    let since = time::OffsetDateTime::now_utc();
    let (removed, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "remove-register-entry",
            Some(json!({"service": "police", "reason": "client_moved"})),
        )
        .await;
    let statuses: Vec<(&Value, &Value)> = removed["workflow"]["register"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (&e["service"], &e["status"]))
        .collect();
    assert_eq!(
        statuses,
        [
            (&json!("fire_service"), &json!("active")),
            (&json!("police"), &json!("removed"))
        ]
    );
    let police = entries(&app, &w.police, "police", &id).await;
    assert_eq!(police[0]["status"], "removed");
    assert_eq!(police[0]["removal_reason"], "client_moved");
    assert_eq!(police[0]["home"], Value::Null, "no address once removed");
    // A control room in step: only what changed since it last asked.
    let since = since
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let changed = register(
        &app,
        &w.police,
        "police",
        &format!("&changed_since={}", since.replace('+', "%2B")),
    )
    .await;
    assert_eq!(changed["items"].as_array().unwrap().len(), 1);
    let active = register(&app, &w.police, "police", "&status=active").await;
    assert_eq!(active["items"], json!([]));
    let police_events: Vec<String> = events(&app, &w.police, "police")
        .await
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        police_events,
        [
            "register.entry_added",
            "register.entry_reviewed",
            "register.entry_removed"
        ]
    );

    // Nothing to remove twice, and an open case did not end.
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let again = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "remove-register-entry",
            &etag,
            Some(json!({"service": "police", "reason": "client_moved"})),
        )
        .await;
    assert_eq!(
        problem(again, StatusCode::CONFLICT).await["code"],
        "no_register_entry"
    );
    let ended = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "remove-register-entry",
            &etag,
            Some(json!({"reason": "case_ended"})),
        )
        .await;
    problem(ended, StatusCode::UNPROCESSABLE_ENTITY).await;

    // Removed by the coordinator, it stays off whatever happens next on the case.
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;
    assert_eq!(entries(&app, &w.police, "police", &id).await.len(), 1);

    // The case ends: the fire entry comes off with it, and the fire service's view of
    // the case (an arson risk) with the entry.
    assert_eq!(
        app.get_as(
            &w.fire_service,
            &["fire_service"],
            &format!("/api/v1/cases/{id}")
        )
        .await
        .status(),
        StatusCode::OK
    );
    app.act_ok(&w.harbour, "referrer", &id, "withdraw", Some(json!({})))
        .await;
    let fire = entries(&app, &w.fire_service, "fire_service", &id).await;
    assert_eq!(fire[0]["status"], "removed");
    assert_eq!(fire[0]["removal_reason"], "case_ended");
    let gone = app
        .get_as(
            &w.fire_service,
            &["fire_service"],
            &format!("/api/v1/cases/{id}"),
        )
        .await;
    problem(gone, StatusCode::NOT_FOUND).await;
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(clock(&case, "register_review")["state"], "cancelled");
}

#[tokio::test]
async fn withdrawn_consent_takes_the_home_off_every_register_no_decision_names() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = accepted(&app, &fixtures::eligible("REG-CONSENT")).await;
    let review = (time::OffsetDateTime::now_utc().date() + time::Duration::days(90)).to_string();
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "record-safeguarding-decision",
        Some(json!({
            "purpose": "information_sharing",
            "share_with": ["police"],
            "lawful_basis": "crime_and_disorder_act_1998_s_115",
            "reason": "Perpetrator released; police must be able to respond",
            "deciding_officer": "Safeguarding lead",
            "review_on": review,
        })),
    )
    .await;
    let withdrawal = json!({"purpose": "information_sharing", "decision": "withdrawn",
                            "method": "verbal", "on": fixtures::today()});
    app.act_ok(&w.harbour, "referrer", &id, "consents", Some(withdrawal))
        .await;
    let fire = entries(&app, &w.fire_service, "fire_service", &id).await;
    assert_eq!(fire[0]["status"], "removed");
    assert_eq!(fire[0]["removal_reason"], "consent_withdrawn");
    assert_eq!(fire[0]["home"], Value::Null);
    let police = entries(&app, &w.police, "police", &id).await;
    assert_eq!(police[0]["status"], "active", "a decision names the police");
    assert_eq!(police[0]["basis"], "safeguarding_decision");
    assert!(police[0]["home"]["address"]["postcode"].is_string());
    let fire_case = app
        .get_as(
            &w.fire_service,
            &["fire_service"],
            &format!("/api/v1/cases/{id}"),
        )
        .await;
    problem(fire_case, StatusCode::NOT_FOUND).await;
    let fire_events: Vec<String> = events(&app, &w.fire_service, "fire_service")
        .await
        .iter()
        .filter(|e| e["data"]["case_id"] == id)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fire_events.last().map(String::as_str),
        Some("register.entry_removed")
    );

    // Refused on the form: only the registers a decision names.
    let mut refused = fixtures::eligible("REG-REFUSED");
    set(
        &mut refused,
        "/consents/information_sharing",
        json!("refused"),
    );
    let other = app.refer_ok(&w.harbour, &refused).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(
        &w.council,
        "coordinator",
        &other,
        "record-safeguarding-decision",
        Some(json!({
            "purpose": "information_sharing",
            "share_with": ["fire_service"],
            "lawful_basis": "uk_gdpr_6_1_d_vital_interests",
            "reason": "Arson threats",
            "deciding_officer": "Safeguarding lead",
            "review_on": review,
        })),
    )
    .await;
    app.act_ok(&w.council, "coordinator", &other, "accept", Some(json!({})))
        .await;
    let fire = entries(&app, &w.fire_service, "fire_service", &other).await;
    assert_eq!(fire.len(), 1);
    assert_eq!(fire[0]["basis"], "safeguarding_decision");
    assert!(entries(&app, &w.police, "police", &other).await.is_empty());
}

#[tokio::test]
async fn at_works_completed_when_the_scheme_says_so_and_urgent_cases_at_acceptance() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    register_settings(&app, json!({"add_at": "works_completed"})).await;
    let mut urgent = fixtures::eligible("REG-URGENT");
    set(&mut urgent, "/urgent", json!(true));
    let urgent = accepted(&app, &urgent).await;
    assert_eq!(
        entries(&app, &w.council, "coordinator", &urgent)
            .await
            .len(),
        2
    );
    let mut body = fixtures::eligible("REG-STANDARD");
    set(&mut body, "/urgent", json!(false));
    let id = app.case_with_works_from(&body, false).await;
    assert!(
        entries(&app, &w.council, "coordinator", &id)
            .await
            .is_empty(),
        "accepted, works under way: not yet"
    );
    let (case, etag) = app.read(&w.contractor, "contractor", &id).await;
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
            &id,
            "complete-works",
            &etag,
            Some(json!({ "results": results })),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let fire = entries(&app, &w.fire_service, "fire_service", &id).await;
    assert_eq!(fire.len(), 1);
    assert_eq!(fire[0]["home"]["safe_room"]["status"], "fitted");
    assert_eq!(
        fire[0]["home"]["safe_room"]["location"],
        "ground-floor bedroom"
    );
}

#[tokio::test]
async fn kept_after_the_case_ends_the_home_comes_off_when_the_schemes_months_are_up() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    register_settings(&app, json!({"keep_months_after_end": 2})).await;
    let id = accepted(&app, &fixtures::eligible("REG-KEPT")).await;
    app.act_ok(&w.harbour, "referrer", &id, "withdraw", Some(json!({})))
        .await;
    let fire = entries(&app, &w.fire_service, "fire_service", &id).await;
    assert_eq!(fire[0]["status"], "active", "kept after the end");
    // The fire service keeps its view of the case (an arson risk) while the entry stands.
    let path = format!("/api/v1/cases/{id}");
    let read = app.get_as(&w.fire_service, &["fire_service"], &path).await;
    assert_eq!(read.status(), StatusCode::OK);
    let fire_list = || async {
        let page: Value = app
            .get_as(
                &w.fire_service,
                &["fire_service"],
                "/api/v1/cases?limit=100",
            )
            .await
            .json()
            .await
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(fire_list().await, vec![id.clone()], "the list agrees");
    // The coordinator may take it off early, now that the case has ended.
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert!(
        case["allowed_actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "remove_register_entry")
    );

    let now = time::OffsetDateTime::now_utc();
    let early = sanctuary_app::register::take_off_ended(&app.store, now + time::Duration::days(30))
        .await
        .unwrap();
    assert_eq!(early, 0, "a month is not two");
    let taken = sanctuary_app::register::take_off_ended(&app.store, now + time::Duration::days(62))
        .await
        .unwrap();
    assert_eq!(taken, 1);
    for (org, role) in [(&w.fire_service, "fire_service"), (&w.police, "police")] {
        let e = entries(&app, org, role, &id).await;
        assert_eq!(e[0]["status"], "removed");
        assert_eq!(e[0]["removal_reason"], "case_ended");
        let told = events(&app, org, role).await;
        assert_eq!(told.last().unwrap()["type"], "register.entry_removed");
        assert_eq!(
            told.last().unwrap()["data"]["acting_organisation_id"],
            Value::Null
        );
    }
    let read = app.get_as(&w.fire_service, &["fire_service"], &path).await;
    problem(read, StatusCode::NOT_FOUND).await;
    assert!(fire_list().await.is_empty());
    let again = sanctuary_app::register::take_off_ended(&app.store, now + time::Duration::days(62))
        .await
        .unwrap();
    assert_eq!(again, 0, "nothing twice");
}

#[tokio::test]
async fn the_review_clock_is_announced_when_overdue_and_a_late_review_is_recorded_as_such() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = accepted(&app, &fixtures::eligible("REG-CLOCK")).await;
    // Seven months on: the review is overdue (a day ago).
    let db = app.store.connection();
    let backend = sea_orm::ConnectionTrait::get_database_backend(db);
    let past = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "UPDATE case_clocks SET due_at = $1 WHERE kind = 'register_review' AND case_id = $2"
        }
        _ => "UPDATE case_clocks SET due_at = ? WHERE kind = 'register_review' AND case_id = ?",
    };
    let case_id: uuid::Uuid = id.parse().unwrap();
    // The clock and the entries it times, as if seven months had passed.
    for sql in [
        sql.to_owned(),
        sql.replace("case_clocks", "register_entries")
            .replace("due_at", "review_due")
            .replace("kind = 'register_review' AND ", ""),
    ] {
        sea_orm::ConnectionTrait::execute_raw(
            db,
            sea_orm::Statement::from_sql_and_values(backend, sql, [past.into(), case_id.into()]),
        )
        .await
        .unwrap();
    }
    sanctuary_app::clocks::announce(
        &app.store,
        time::OffsetDateTime::now_utc(),
        time::Duration::hours(24),
    )
    .await
    .unwrap();
    let breached: Vec<Value> = events(&app, &w.council, "coordinator")
        .await
        .into_iter()
        .filter(|e| e["type"] == "case.clock_breached" && e["data"]["case_id"] == id)
        .collect();
    assert_eq!(breached.len(), 1);
    assert_eq!(breached[0]["data"]["clock"], "register_review");

    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "review-register-entry",
            Some(json!({"service": "fire_service"})),
        )
        .await;
    let review = clock(&case, "register_review");
    assert_eq!(review["state"], "running", "the next period runs");
    let fire = &case["workflow"]["register"][0];
    assert_eq!(fire["service"], "fire_service");
    let was_due = time::OffsetDateTime::parse(
        fire["reviews"][0]["was_due"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(was_due < time::OffsetDateTime::now_utc(), "reviewed late");
    assert_eq!(review["due_at"], fire["review_due"]);
    let timeline: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{id}/timeline"),
        )
        .await
        .json()
        .await
        .unwrap();
    let last = timeline.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "review_register_entry");
    assert_eq!(last["data"]["review_on_time"], "false");
    assert_eq!(last["data"]["register_reviewed"], "fire_service");
}

#[tokio::test]
async fn cases_accepted_before_the_register_are_put_on_it_once() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let open = accepted(&app, &fixtures::eligible("REG-OLD-OPEN")).await;
    let ended = accepted(&app, &fixtures::eligible("REG-OLD-ENDED")).await;
    app.act_ok(&w.harbour, "referrer", &ended, "withdraw", Some(json!({})))
        .await;
    let received = app
        .refer_ok(&w.harbour, &fixtures::eligible("REG-OLD-NEW"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // As a database from before the register: no entries, no standing, no review clock.
    let db = app.store.connection();
    let backend = sea_orm::ConnectionTrait::get_database_backend(db);
    for sql in [
        "DELETE FROM outbox_recipients WHERE seq IN (SELECT seq FROM outbox_events WHERE register_entry_id IS NOT NULL)",
        "DELETE FROM outbox_events WHERE register_entry_id IS NOT NULL",
        "DELETE FROM register_reviews",
        "DELETE FROM register_entries",
        "DELETE FROM case_clocks WHERE kind = 'register_review'",
        "UPDATE cases SET fire_register = NULL, police_register = NULL",
    ] {
        sea_orm::ConnectionTrait::execute_raw(db, sea_orm::Statement::from_string(backend, sql))
            .await
            .unwrap();
    }
    assert_eq!(
        register(&app, &w.council, "coordinator", "").await["items"],
        json!([])
    );
    let added = sanctuary_migrations::backfill_register(db).await.unwrap();
    assert_eq!(added, 1, "only the open accepted case");
    let entries_now = entries(&app, &w.council, "coordinator", &open).await;
    assert_eq!(entries_now.len(), 2);
    assert!(entries_now.iter().all(|e| e["status"] == "active"
        && e["basis"] == "information_sharing_consent"
        && e["home"]["address"]["postcode"].is_string()));
    for id in [&ended, &received] {
        assert!(
            entries(&app, &w.council, "coordinator", id)
                .await
                .is_empty()
        );
    }
    let (case, _) = app.read(&w.council, "coordinator", &open).await;
    assert_eq!(clock(&case, "register_review")["state"], "running");
    assert_eq!(
        clock(&case, "register_review")["due_at"],
        entries_now[0]["review_due"]
    );
    // It works like any entry: the coordinator reviews it.
    app.act_ok(
        &w.council,
        "coordinator",
        &open,
        "review-register-entry",
        Some(json!({})),
    )
    .await;
    assert_eq!(
        sanctuary_migrations::backfill_register(db).await.unwrap(),
        0,
        "a second run adds nothing"
    );
}
