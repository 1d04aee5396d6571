//! Background work: the worker runs retention on its own, beside the HTTP server or as
//! `sanctuary worker`, and stops cleanly on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sanctuary_persistence::entities::case;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use time::OffsetDateTime;

use crate::support::fixtures;
use crate::support::{TestApp, test_keyring};

/// A withdrawn case whose ending is moved ten years back: past the default six-year
/// retention.
async fn long_ended_case(app: &TestApp) -> String {
    let w = &app.world;
    let id = app.refer_ok(&w.harbour, &fixtures::minimal()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.harbour, "referrer", &id, "withdraw", Some(json!({})))
        .await;
    let ten_years_ago = OffsetDateTime::now_utc() - time::Duration::days(3653);
    case::Entity::update_many()
        .col_expr(case::Column::EndedAt, Expr::value(ten_years_ago))
        .filter(case::Column::Id.eq(id.parse::<uuid::Uuid>().unwrap()))
        .exec(app.store.connection())
        .await
        .unwrap();
    id
}

async fn anonymised(app: &TestApp, id: &str) -> bool {
    let found = case::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(app.store.connection())
        .await
        .unwrap()
        .unwrap();
    found.anonymised_at.is_some()
}

async fn wait_until_anonymised(app: &TestApp, id: &str) -> Duration {
    let started = Instant::now();
    while !anonymised(app, id).await {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the worker did not anonymise the case"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    started.elapsed()
}

#[tokio::test]
async fn the_server_runs_retention_in_the_background() {
    let app = TestApp::spawn_configured(None, |s| s.worker.retention_every_seconds = 1).await;
    let id = long_ended_case(&app).await;
    wait_until_anonymised(&app, &id).await;
    let gone = app
        .get_as(
            &app.world.council,
            &["coordinator"],
            &format!("/api/v1/cases/{id}"),
        )
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    // Those who could read it until then are told, so they can purge their copies.
    let events: serde_json::Value = app
        .get_as(
            &app.world.council,
            &["coordinator"],
            "/api/v1/events?limit=100",
        )
        .await
        .json()
        .await
        .unwrap();
    let last = events["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["type"], "case.anonymised");
    assert_eq!(last["data"]["case_id"], id.as_str());
    assert!(last["data"]["acting_organisation_id"].is_null());
}

#[tokio::test]
async fn events_are_purged_after_the_time_they_are_kept() {
    let app = TestApp::spawn_configured(None, |s| {
        s.worker.retention_every_seconds = 1;
        s.worker.events_kept_days = 0;
    })
    .await;
    let w = &app.world;
    app.refer_ok(&w.harbour, &crate::support::fixtures::eligible("PURGE-1"))
        .await;
    assert!(
        app.number("SELECT COUNT(*) AS n FROM outbox_recipients")
            .await
            > 0
    );
    let started = Instant::now();
    while app.number("SELECT COUNT(*) AS n FROM outbox_events").await > 0 {
        assert!(started.elapsed() < Duration::from_secs(20), "never purged");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM outbox_recipients")
            .await,
        0
    );
}

#[tokio::test]
async fn sanctuary_worker_runs_the_jobs_alone_and_stops_on_sigterm() {
    // The service itself leaves background work to the separate worker.
    let app = TestApp::spawn_configured(None, |s| s.worker.enabled = false).await;
    let id = long_ended_case(&app).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!anonymised(&app, &id).await, "nobody else ran retention");

    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_sanctuary"));
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("SANCTUARY_")) {
        command.env_remove(name);
    }
    let mut child = command
        .arg("worker")
        .env("SANCTUARY_DATABASE_URL", app.database_url())
        .env("SANCTUARY_DATA_DIR", dir.path())
        .env("SANCTUARY_DEMO", "false")
        .env("SANCTUARY_ENCRYPTION__KEYS", test_keyring())
        .env("SANCTUARY_WORKER__RETENTION_EVERY_SECONDS", "1")
        .env("SANCTUARY_LOG__LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until_anonymised(&app, &id).await;

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the worker did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
}
