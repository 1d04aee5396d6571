//! The clock rules (README, "Clock rules") as cases show them over HTTP: on live cases,
//! and on clocks stored under the old rules once the migration's recomputation ran.
//! Where a rule needs a clock in the past, the test moves the stored clock back first.

use reqwest::{Method, StatusCode};
use sanctuary_domain::calendar::{Calendar, london};
use sanctuary_domain::scheme::Nation;
use sanctuary_persistence::entities::{case_clock, works_item};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::support::fixtures;
use crate::support::http::{admin, clock, expect, send};
use crate::support::{TestApp, problem};

fn instant(value: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        value.as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
}

fn england() -> Calendar {
    Calendar::shipped(Nation::EnglandAndWales)
}

/// The stored clock `kind` of case `id`.
async fn stored(app: &TestApp, id: &str, kind: &str) -> Option<case_clock::Model> {
    case_clock::Entity::find()
        .filter(case_clock::Column::CaseId.eq(Uuid::parse_str(id).unwrap()))
        .filter(case_clock::Column::Kind.eq(kind))
        .one(app.store.connection())
        .await
        .unwrap()
}

/// Rewrites the stored clock `kind` of case `id` with `change` (moving it into the past).
async fn rewrite(app: &TestApp, id: &str, kind: &str, change: impl FnOnce(&mut case_clock::Model)) {
    let mut model = stored(app, id, kind).await.expect("the clock exists");
    change(&mut model);
    let mut active = model.clone().into_active_model();
    for column in [
        case_clock::Column::StartedAt,
        case_clock::Column::CountsFrom,
        case_clock::Column::Held,
        case_clock::Column::PausedAt,
        case_clock::Column::DueAt,
        case_clock::Column::StoppedAt,
        case_clock::Column::State,
    ] {
        active.reset(column);
    }
    case_clock::Entity::update(active)
        .exec(app.store.connection())
        .await
        .unwrap();
}

async fn refer(app: &TestApp) -> String {
    let w = &app.world;
    app.refer_ok(&w.harbour, &fixtures::minimal()).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn coordinator_view(app: &TestApp, id: &str) -> Value {
    app.read(&app.world.council, "coordinator", id).await.0
}

/// Case ids in the coordinator's list with `query`.
async fn listed(app: &TestApp, query: &str) -> Vec<String> {
    let page: Value = app
        .get_as(
            &app.world.council,
            &["coordinator"],
            &format!("/api/v1/cases?{query}&limit=100"),
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
        .collect()
}

#[tokio::test]
async fn the_recomputation_puts_stored_clocks_right_under_the_corrected_rules() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let old_rule_due = |day| london::end_of_day(day);

    // A Saturday referral, stored under the old rule (Monday day 0: due end of Wednesday).
    let saturday = refer(&app).await;
    rewrite(&app, &saturday, "initial_contact", |c| {
        c.started_at = datetime!(2026-11-28 10:00 UTC);
        c.counts_from = None;
        c.due_at = old_rule_due(time::macros::date!(2026 - 12 - 02));
    })
    .await;

    // Works completed on Sunday 23 August 2026 with a safe room fitted: the old rule had
    // the fire check due on 8 September.
    let sunday = app.case_with_works(true).await;
    rewrite(&app, &sunday, "fire_safety_check", |c| {
        c.started_at = datetime!(2026-08-23 11:00 UTC);
        c.counts_from = None;
        c.due_at = old_rule_due(time::macros::date!(2026 - 09 - 08));
    })
    .await;

    // Works where nothing fitted needs a fire check, but a fire-check clock was started.
    let no_check = app.case_with_works(true).await;
    works_item::Entity::update_many()
        .col_expr(works_item::Column::RequiresFireCheck, Expr::value(false))
        .filter(works_item::Column::CaseId.eq(Uuid::parse_str(&no_check).unwrap()))
        .exec(app.store.connection())
        .await
        .unwrap();
    assert!(stored(&app, &no_check, "fire_safety_check").await.is_some());

    // A referral declined today whose first-contact clock was long overdue: stored as
    // cancelled by the old rule.
    let ended = refer(&app).await;
    app.act_ok(
        &w.council,
        "coordinator",
        &ended,
        "decline",
        Some(json!({"reason": "out_of_area"})),
    )
    .await;
    rewrite(&app, &ended, "initial_contact", |c| {
        c.started_at = datetime!(2026-11-02 09:00 UTC);
        c.counts_from = None;
        c.due_at = old_rule_due(time::macros::date!(2026 - 11 - 04));
        assert_eq!(c.state, "cancelled");
    })
    .await;

    // A case put on hold today, its first-contact clock long overdue: the old rule paused it.
    let held = refer(&app).await;
    app.act_ok(
        &w.council,
        "coordinator",
        &held,
        "hold",
        Some(json!({"reason": "waiting_for_client"})),
    )
    .await;
    rewrite(&app, &held, "initial_contact", |c| {
        c.started_at = datetime!(2026-11-02 09:00 UTC);
        c.counts_from = None;
        c.due_at = old_rule_due(time::macros::date!(2026 - 11 - 04));
        assert_eq!(c.state, "paused");
    })
    .await;

    let outcome = sanctuary_migrations::recompute_clocks(app.store.connection())
        .await
        .unwrap();
    assert_eq!(outcome.removed, 1, "{outcome:?}");
    assert!(outcome.changed >= 5, "{outcome:?}");

    // Saturday + 2 working days: the end of Tuesday 1 December.
    let case = coordinator_view(&app, &saturday).await;
    assert_eq!(
        instant(&clock(&case, "initial_contact")["due_at"]),
        datetime!(2026-12-02 00:00 UTC)
    );
    // Sunday 23 August + 10 working days (31 August off): the end of Monday 7 September.
    let case = coordinator_view(&app, &sunday).await;
    assert_eq!(
        instant(&clock(&case, "fire_safety_check")["due_at"]),
        datetime!(2026-09-07 23:00 UTC)
    );
    let case = coordinator_view(&app, &no_check).await;
    assert!(
        !case["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "fire_safety_check")
    );
    let case = coordinator_view(&app, &ended).await;
    assert_eq!(clock(&case, "initial_contact")["state"], "breached");
    let case = coordinator_view(&app, &held).await;
    let c = clock(&case, "initial_contact");
    assert_eq!(c["state"], "breached");
    assert_eq!(instant(&c["due_at"]), datetime!(2026-11-05 00:00 UTC));
    // The queues read the stored columns, so they agree.
    let breached = listed(&app, "clock_state=breached").await;
    for id in [&saturday, &sunday, &ended, &held] {
        assert!(breached.contains(id), "{id} not in the breached queue");
    }
    assert!(!listed(&app, "clock_state=paused").await.contains(&held));
    assert!(!listed(&app, "clock_state=cancelled").await.contains(&ended));

    // Run again, nothing changes.
    let again = sanctuary_migrations::recompute_clocks(app.store.connection())
        .await
        .unwrap();
    assert_eq!((again.changed, again.removed), (0, 0), "{again:?}");
}

#[tokio::test]
async fn the_fire_check_clock_starts_only_when_a_fitted_measure_needs_a_check() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // A safe room fitted: the fire check applies.
    let fitted = app.case_with_works(true).await;
    let case = coordinator_view(&app, &fitted).await;
    assert_eq!(clock(&case, "fire_safety_check")["state"], "running");

    // Only a deadlock fitted: no fire check, and the case closes without one.
    let body = fixtures::eligible(&format!("NFC-{}", Uuid::now_v7().simple()));
    let id = app.refer_ok(&w.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;
    let today = london::local_date(OffsetDateTime::now_utc());
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &id,
            "record-assessment",
            Some(
                json!({"visit_date": today.to_string(), "recommended_measures": [
                    {"measure_code": "deadlock", "quantity": 1, "location": "back door"},
                    {"measure_code": "safe_room", "quantity": 1, "location": "bedroom"},
                ]}),
            ),
        )
        .await;
    let items = case["works"]["items"].as_array().unwrap().clone();
    app.act_ok(&w.council, "coordinator", &id, "approve-works", None)
        .await;
    app.landlord_agrees(&id).await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "order-works",
        Some(json!({"organisation_id": w.contractor.id})),
    )
    .await;
    app.act_ok(&w.contractor, "contractor", &id, "start-works", None)
        .await;
    let item = |code: &str| items.iter().find(|i| i["measure_code"] == code).unwrap()["id"].clone();
    app.act_ok(
        &w.contractor,
        "contractor",
        &id,
        "complete-works",
        Some(json!({"results": [
            {"item_id": item("deadlock"), "installed": true, "actual_cost_pence": 9_500},
            {"item_id": item("safe_room"), "installed": false, "reason": "client declined"},
        ]})),
    )
    .await;
    let case = coordinator_view(&app, &id).await;
    let kinds: Vec<&str> = case["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"follow_up_visit"), "{kinds:?}");
    assert!(!kinds.contains(&"fire_safety_check"), "{kinds:?}");
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "close",
        Some(json!({"reason": "completed"})),
    )
    .await;
}

#[tokio::test]
async fn ending_a_case_leaves_an_overdue_clock_breached_and_cancels_the_rest() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let overdue = refer(&app).await;
    rewrite(&app, &overdue, "initial_contact", |c| {
        c.started_at = datetime!(2026-11-02 09:00 UTC);
        c.due_at = datetime!(2026-11-05 00:00 UTC);
    })
    .await;
    let on_time = refer(&app).await;
    for id in [&overdue, &on_time] {
        app.act_ok(
            &w.council,
            "coordinator",
            id,
            "decline",
            Some(json!({"reason": "out_of_area"})),
        )
        .await;
    }
    let case = coordinator_view(&app, &overdue).await;
    let c = clock(&case, "initial_contact");
    assert_eq!(c["state"], "breached");
    assert!(instant(&c["stopped_at"]) > instant(&c["due_at"]));
    let case = coordinator_view(&app, &on_time).await;
    assert_eq!(clock(&case, "initial_contact")["state"], "cancelled");
    let breached = listed(&app, "clock_state=breached").await;
    assert!(breached.contains(&overdue) && !breached.contains(&on_time));
    assert_eq!(
        stored(&app, &overdue, "initial_contact")
            .await
            .unwrap()
            .state,
        "breached"
    );
}

#[tokio::test]
async fn a_hold_after_a_clock_is_overdue_does_not_move_it_and_a_paused_clock_shows_its_due_date_if_resumed_today()
 {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let hold = || json!({"reason": "waiting_for_client"});

    // Overdue, then held: still breached, same due date, after resuming too.
    let overdue = refer(&app).await;
    rewrite(&app, &overdue, "initial_contact", |c| {
        c.started_at = datetime!(2026-11-02 09:00 UTC);
        c.due_at = datetime!(2026-11-05 00:00 UTC);
    })
    .await;
    app.act_ok(&w.council, "coordinator", &overdue, "hold", Some(hold()))
        .await;
    let case = coordinator_view(&app, &overdue).await;
    let c = clock(&case, "initial_contact");
    assert_eq!(c["state"], "breached");
    assert_eq!(instant(&c["due_at"]), datetime!(2026-11-05 00:00 UTC));
    assert!(!listed(&app, "clock_state=paused").await.contains(&overdue));
    app.act_ok(&w.council, "coordinator", &overdue, "resume", None)
        .await;
    let case = coordinator_view(&app, &overdue).await;
    assert_eq!(
        instant(&clock(&case, "initial_contact")["due_at"]),
        datetime!(2026-11-05 00:00 UTC)
    );

    // Held before it was due, a week ago: shown due as if resumed today.
    let paused = refer(&app).await;
    app.act_ok(&w.council, "coordinator", &paused, "hold", Some(hold()))
        .await;
    let now = OffsetDateTime::now_utc();
    let started = now - Duration::days(7);
    let cal = england();
    let start_day = london::local_date(started);
    rewrite(&app, &paused, "initial_contact", |c| {
        c.started_at = started;
        c.counts_from = None;
        c.paused_at = Some(started + Duration::minutes(1));
        c.due_at = london::end_of_day(cal.add_working_days(start_day, 2));
    })
    .await;
    let case = coordinator_view(&app, &paused).await;
    let c = clock(&case, "initial_contact");
    assert_eq!(c["state"], "paused");
    let paused_day = london::local_date(started + Duration::minutes(1));
    let held =
        u32::try_from(cal.working_days_between(paused_day, london::local_date(now))).unwrap();
    let expected = london::end_of_day(cal.add_working_days(start_day, 2 + held));
    assert_eq!(instant(&c["due_at"]), expected);
    assert_eq!(
        c["working_days_remaining"],
        2 - cal.working_days_between(start_day, paused_day)
    );
}

#[tokio::test]
async fn after_the_schemes_working_day_ends_a_clock_counts_from_the_next_working_day() {
    let app = TestApp::spawn().await;
    let admin = admin(&app);
    let (etag, darlington) = expect(
        &app,
        Method::GET,
        "/api/v1/schemes/darlington",
        &admin,
        None,
        None,
        StatusCode::OK,
    )
    .await;
    let mut settings = darlington["settings"].clone();
    settings["working_day_ends_at"] = json!("25:00");
    let response = send(
        &app,
        Method::PUT,
        "/api/v1/admin/schemes/darlington/settings",
        &admin,
        etag.as_deref(),
        Some(settings.clone()),
    )
    .await;
    let body = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(
        body.to_string().contains("/working_day_ends_at"),
        "{body:#}"
    );
    // From midnight: every referral today counts from the next working day.
    settings["working_day_ends_at"] = json!("00:00");
    expect(
        &app,
        Method::PUT,
        "/api/v1/admin/schemes/darlington/settings",
        &admin,
        etag.as_deref(),
        Some(settings),
        StatusCode::OK,
    )
    .await;
    let id = refer(&app).await;
    let case = coordinator_view(&app, &id).await;
    let c = clock(&case, "initial_contact");
    let received = instant(&case["received_at"]);
    let cal = england();
    // On a working day the whole day is past 00:00, so the next working day is day 0; on
    // a weekend or holiday the time does not matter (the next working day is day 1).
    let day = london::local_date(received);
    let day_zero = if cal.is_working_day(day) {
        cal.next_working_day_from(day + Duration::days(1))
    } else {
        day
    };
    assert_eq!(
        instant(&c["due_at"]),
        london::end_of_day(cal.add_working_days(day_zero, 2))
    );
}
