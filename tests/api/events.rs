//! Case events: written with each change, addressed to exactly the organisations that
//! can read the case, read through the feed (cursor, long poll) and free of personal
//! data.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, today};
use crate::support::{Org, TestApp, problem};

/// Every event `org` reads, from the start, with `roles`.
pub(crate) async fn feed(app: &TestApp, org: &Org, roles: &[&str]) -> Vec<Value> {
    let mut after = "0".to_owned();
    let mut events = Vec::new();
    loop {
        let page: Value = app
            .get_as(org, roles, &format!("/api/v1/events?after={after}&limit=7"))
            .await
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap().clone();
        let next = page["next_cursor"].as_str().unwrap().to_owned();
        if items.is_empty() {
            assert_eq!(next, after, "an empty page keeps the cursor");
            return events;
        }
        events.extend(items);
        after = next;
    }
}

/// The types of `org`'s events about case `id`, in order.
async fn types_for(app: &TestApp, org: &Org, role: &str, id: &str) -> Vec<String> {
    feed(app, org, &[role])
        .await
        .into_iter()
        .filter(|e| e["data"]["case_id"] == id)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_change_goes_to_exactly_the_organisations_that_can_read_the_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(true).await;
    let all = [
        "case.referral_received",
        "case.accepted",
        "case.assessor_assigned",
        "case.assessment_recorded",
        "case.works_approved",
        "case.landlord_permission_recorded",
        "case.works_ordered",
        "case.works_started",
        "case.works_completed",
    ];
    assert_eq!(types_for(&app, &w.harbour, "referrer", &id).await, all);
    // Acceptance also put the home on the fire service's and the police's registers,
    // and the safe room's progress (recommended, approved, fitted) changed what their
    // entries show: the coordinator hears of both entries, each service of its own.
    fn registered<'a>(case_events: &[&'a str], service_entries: usize) -> Vec<&'a str> {
        let mut expected = Vec::new();
        for &event in case_events {
            expected.push(event);
            let register_event = match event {
                "case.accepted" => "register.entry_added",
                "case.assessment_recorded" | "case.works_approved" | "case.works_completed" => {
                    "register.entry_updated"
                }
                _ => continue,
            };
            expected.extend(std::iter::repeat_n(register_event, service_entries));
        }
        expected
    }
    assert_eq!(
        types_for(&app, &w.council, "coordinator", &id).await,
        registered(&all, 2)
    );
    // Each joins when the case reaches it: the assessor at assignment, the contractor
    // at the order, the fire service at acceptance (the referral records an arson risk).
    assert_eq!(
        types_for(&app, &w.assessor, "assessor", &id).await,
        all[2..]
    );
    assert_eq!(
        types_for(&app, &w.contractor, "contractor", &id).await,
        all[6..]
    );
    assert_eq!(
        types_for(&app, &w.fire_service, "fire_service", &id).await,
        registered(&all[1..], 1)
    );
    assert_eq!(
        types_for(&app, &w.police, "police", &id).await,
        [
            "register.entry_added",
            "register.entry_updated",
            "register.entry_updated",
            "register.entry_updated"
        ],
        "the police hear of the register only"
    );
    for (org, role) in [
        (&w.other_contractor, "contractor"),
        (&w.tees_council, "coordinator"),
        (&w.housing, "referrer"),
        (&w.stranger, "coordinator"),
    ] {
        assert!(
            feed(&app, org, &[role]).await.is_empty(),
            "{} was told of another's case",
            org.name
        );
    }

    // What an event says: the change, the case's identifiers, who acted.
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    let events = feed(&app, &w.contractor, &["contractor"]).await;
    let ordered = &events[0];
    assert_eq!(ordered["type"], "case.works_ordered");
    assert_eq!(ordered["data"]["reference"], case["reference"]);
    assert_eq!(ordered["data"]["scheme"], "darlington");
    assert_eq!(ordered["data"]["status_before"], "works_approved");
    assert_eq!(ordered["data"]["status_after"], "works_ordered");
    assert_eq!(
        ordered["data"]["acting_organisation_id"],
        w.council.id.to_string()
    );
    let started = &events[1];
    assert_eq!(
        started["data"]["acting_organisation_id"],
        w.contractor.id.to_string()
    );
    // Ids are UUIDv7 and the same event has the same id in every feed.
    let id7 = uuid::Uuid::parse_str(ordered["id"].as_str().unwrap()).unwrap();
    assert_eq!(id7.get_version_num(), 7);
    let council = feed(&app, &w.council, &["coordinator"]).await;
    assert!(council.iter().any(|e| e["id"] == ordered["id"]));
}

#[tokio::test]
async fn an_event_exists_exactly_when_its_change_committed() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app
        .refer_ok(&w.harbour, &fixtures::eligible("COMMIT-1"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    // A stale write and a refused transition change nothing, so tell nothing.
    let stale = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "hold",
            &etag,
            Some(json!({"reason": "waiting_for_client"})),
        )
        .await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let refused = app
        .act(&w.council, "coordinator", &id, "start-works", &etag, None)
        .await;
    assert!(refused.status().is_client_error());
    assert_eq!(
        types_for(&app, &w.council, "coordinator", &id).await,
        [
            "case.referral_received",
            "case.accepted",
            "register.entry_added",
            "register.entry_added"
        ]
    );
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM outbox_events").await,
        4,
        "one outbox row per committed change, and one per register entry it made"
    );
}

#[tokio::test]
async fn withdrawn_sharing_tells_those_who_lose_the_case_once_then_nothing() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(true).await;
    let withdraw = json!({"purpose": "information_sharing", "decision": "withdrawn",
                          "method": "verbal", "on": today()});
    app.act_ok(&w.council, "coordinator", &id, "consents", Some(withdraw))
        .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "record-contact",
        Some(json!({"method": "phone", "outcome": "no_answer"})),
    )
    .await;
    // The fire service could read the case until the withdrawal: it hears of that, and
    // of nothing after it.
    assert_eq!(
        types_for(&app, &w.fire_service, "fire_service", &id).await,
        [
            "case.accepted",
            "register.entry_added",
            "case.assessor_assigned",
            "case.assessment_recorded",
            "register.entry_updated",
            "case.works_approved",
            "register.entry_updated",
            "case.landlord_permission_recorded",
            "case.works_ordered",
            "case.works_started",
            "case.works_completed",
            "register.entry_updated",
            "case.consent_withdrawn",
            "register.entry_removed"
        ]
    );
    let council = types_for(&app, &w.council, "coordinator", &id).await;
    assert_eq!(council.last().unwrap(), "case.contact_recorded");
}

#[tokio::test]
async fn the_feed_pages_by_a_stable_cursor_and_waits_for_the_next_event() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    for n in 0..5 {
        app.refer_ok(&w.harbour, &fixtures::eligible(&format!("FEED-{n}")))
            .await;
    }
    let app = &app;
    let page = |after: &str, limit: u32| {
        let path = format!("/api/v1/events?after={after}&limit={limit}");
        async move {
            let r = app.get_as(&w.harbour, &["referrer"], &path).await;
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    let first = page("0", 2).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    // The same cursor gives the same page, however often it is asked.
    let second = page(&cursor, 2).await;
    assert_eq!(page(&cursor, 2).await, second);
    let rest = page(second["next_cursor"].as_str().unwrap(), 100).await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    let end = rest["next_cursor"].as_str().unwrap().to_owned();
    let all: Vec<Value> = [&first, &second, &rest]
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap().clone())
        .collect();
    let ids: std::collections::BTreeSet<String> = all.iter().map(|e| e["id"].to_string()).collect();
    assert_eq!(ids.len(), 5, "no event twice, none skipped");

    // Nothing new: `wait` holds the request until an event commits, then answers.
    let started = Instant::now();
    let empty = app
        .get_as(
            &w.harbour,
            &["referrer"],
            &format!("/api/v1/events?after={end}&wait=1"),
        )
        .await;
    assert_eq!(empty.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(900));
    let waiting = {
        let path = format!("/api/v1/events?after={end}&wait=20");
        let request = app
            .get(&path)
            .bearer_auth(app.token(&w.harbour, &["referrer"]))
            .send();
        tokio::spawn(request)
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    app.refer_ok(&w.harbour, &fixtures::eligible("FEED-LATE"))
        .await;
    let woke: Value = waiting.await.unwrap().unwrap().json().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered {:?} after the commit",
        started.elapsed()
    );
    assert_eq!(woke["items"][0]["type"], "case.referral_received");
}

#[tokio::test]
async fn no_personal_value_reaches_an_event() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let canaried = fixtures::Canaries::new();
    let case = app.refer_ok(&w.harbour, &canaried.body).await;
    let id = case["id"].as_str().unwrap();
    let reason = json!({"override_reason": canaried.value_for("override")});
    app.act_ok(&w.council, "coordinator", id, "accept", Some(reason))
        .await;
    app.act_ok(
        &w.council,
        "coordinator",
        id,
        "hold",
        Some(json!({"reason": "waiting_for_client", "note": canaried.value_for("note")})),
    )
    .await;
    let body = app
        .get_as(&w.council, &["coordinator"], "/api/v1/events")
        .await
        .text()
        .await
        .unwrap();
    assert!(body.contains("case.held"), "{body}");
    let mut canaries = canaried.values();
    canaries.push(canaried.value_for("note"));
    canaries.push(canaried.value_for("override"));
    for value in &canaries {
        assert!(!body.contains(value.as_str()), "{value} reached an event");
    }
}

#[tokio::test]
async fn roles_that_work_on_no_case_read_no_events_and_bad_cursors_are_refused() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let r = app.get_as(&w.funder, &["funder"], "/api/v1/events").await;
    problem(r, StatusCode::FORBIDDEN).await;
    for query in ["after=-1", "after=abc", "limit=0", "limit=101", "wait=31"] {
        let r = app
            .get_as(
                &w.council,
                &["coordinator"],
                &format!("/api/v1/events?{query}"),
            )
            .await;
        assert!(r.status().is_client_error(), "{query}: {}", r.status());
    }
}

#[tokio::test]
async fn clocks_are_announced_once_when_due_soon_and_when_breached_even_with_two_schedulers() {
    use sanctuary_persistence::entities::case_clock;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let app = TestApp::spawn_configured(None, |s| s.worker.clocks_every_seconds = 1).await;
    // A second instance's scheduler races the first for every clock.
    let _other = app.second_instance().await;
    let w = &app.world;
    let id = app
        .refer_ok(&w.harbour, &fixtures::eligible("CLOCK-1"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let case_id = uuid::Uuid::parse_str(&id).unwrap();
    let set_due = |kind: &'static str, due: time::OffsetDateTime| {
        let db = app.store.connection().clone();
        async move {
            case_clock::Entity::update_many()
                .col_expr(case_clock::Column::DueAt, Expr::value(due))
                .filter(case_clock::Column::CaseId.eq(case_id))
                .filter(case_clock::Column::Kind.eq(kind))
                .exec(&db)
                .await
                .unwrap();
        }
    };
    let now = time::OffsetDateTime::now_utc();
    set_due("initial_contact", now + time::Duration::hours(2)).await;
    let (app, id) = (&app, id.as_str());
    let wait_for = |wanted: &'static str| async move {
        let started = Instant::now();
        loop {
            let types = types_for(app, &w.council, "coordinator", id).await;
            if types.iter().any(|t| t == wanted) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no {wanted}: {types:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    wait_for("case.clock_due_soon").await;
    set_due("initial_contact", now - time::Duration::hours(1)).await;
    wait_for("case.clock_breached").await;
    // Several more ticks of both schedulers: still one of each.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let types = types_for(app, &w.council, "coordinator", id).await;
    assert_eq!(
        types,
        [
            "case.referral_received",
            "case.clock_due_soon",
            "case.clock_breached"
        ]
    );
    let events = feed(app, &w.harbour, &["referrer"]).await;
    let breach = events
        .iter()
        .find(|e| e["type"] == "case.clock_breached")
        .expect("the referrer is told too");
    assert_eq!(breach["data"]["clock"], "initial_contact");
    assert!(breach["data"]["acting_organisation_id"].is_null());
    assert_eq!(breach["data"]["status_after"], "received");
}
