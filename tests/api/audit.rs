//! The audit trail: every read of personal data, every write and every refused attempt
//! is recorded (field names only), readable by the scheme's auditors, append-only, and
//! hash-chained so that any edit, deletion or reordering is found.

use reqwest::StatusCode;
use sanctuary_persistence::audit::{self, Verdict};
use sanctuary_persistence::entities::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseBackend, EntityTrait};
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::{Org, TestApp, problem};

async fn audit_page(app: &TestApp, org: &Org, query: &str) -> Value {
    let response = app
        .get_as(org, &["auditor"], &format!("/api/v1/audit?{query}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn summary(page: &Value) -> Vec<(String, String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
                r["organisation_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn reads_writes_and_refusals_are_audited_by_name_only() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut body = fixtures::full();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    let case = app.refer_ok(&w.harbour, &body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/cases/{id}");

    let read = app.get_as(&w.council, &["coordinator"], &path).await;
    assert_eq!(read.status(), StatusCode::OK);
    let read_request = read.headers()["x-request-id"].to_str().unwrap().to_owned();
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let stranger = app.get_as(&w.stranger, &["referrer"], &path).await;
    problem(stranger, StatusCode::NOT_FOUND).await;
    let wrong_role = app
        .act(&w.harbour, "referrer", &id, "accept", &etag, None)
        .await;
    problem(wrong_role, StatusCode::FORBIDDEN).await;
    let accepted = app
        .act(&w.council, "coordinator", &id, "accept", &etag, None)
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);

    let page = audit_page(&app, &w.auditor, &format!("case_id={id}")).await;
    let org = |o: &Org| o.id.to_string();
    assert_eq!(
        summary(&page),
        [
            ("accept".into(), "allowed".into(), org(&w.council)),
            ("accept".into(), "denied".into(), org(&w.harbour)),
            ("view_case".into(), "denied".into(), org(&w.stranger)),
            ("view_case".into(), "allowed".into(), org(&w.council)),
            ("create_referral".into(), "allowed".into(), org(&w.harbour)),
        ]
    );
    let items = page["items"].as_array().unwrap();
    assert_eq!(items[3]["request_id"], read_request);
    assert_eq!(items[3]["fields"], json!(["view:full"]));
    assert_eq!(items[3]["role"], "coordinator");
    let created_fields = items[4]["fields"].as_array().unwrap();
    for section in ["client", "consents", "household", "safety"] {
        assert!(
            created_fields.contains(&json!(section)),
            "{created_fields:?}"
        );
    }
    // Names, never values: none of the client's details appear in the trail.
    let text = page.to_string();
    for path in [
        "/client/name",
        "/client/phone",
        "/client/address/postcode",
        "/client/address/line1",
    ] {
        let value = body.pointer(path).and_then(Value::as_str).unwrap();
        assert!(!text.contains(value), "{path} is in the audit trail");
    }

    // Filters: one organisation's attempts; pages follow the cursor.
    let stranger_only = audit_page(
        &app,
        &w.auditor,
        &format!("organisation_id={}", w.stranger.id),
    )
    .await;
    assert_eq!(
        summary(&stranger_only),
        [("view_case".into(), "denied".into(), org(&w.stranger))]
    );
    let first = audit_page(&app, &w.auditor, &format!("case_id={id}&limit=2")).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = audit_page(
        &app,
        &w.auditor,
        &format!("case_id={id}&limit=2&cursor={cursor}"),
    )
    .await;
    assert_eq!(summary(&second), summary(&page)[2..4]);
    let future = audit_page(&app, &w.auditor, "from=2100-01-01T00:00:00Z").await;
    assert!(future["items"].as_array().unwrap().is_empty());

    // Only auditors read it; Teesside's records are not Darlington's auditor's.
    let coordinator = app
        .get_as(&w.council, &["coordinator"], "/api/v1/audit")
        .await;
    problem(coordinator, StatusCode::FORBIDDEN).await;
    let claimed = app.get_as(&w.harbour, &["auditor"], "/api/v1/audit").await;
    problem(claimed, StatusCode::FORBIDDEN).await;
    let tees = fixtures::with(fixtures::minimal(), "/scheme", json!("teesside"));
    let tees_case = app.refer_ok(&w.tees_referrer, &tees).await;
    let tees_id = tees_case["id"].as_str().unwrap();
    let other = audit_page(&app, &w.auditor, &format!("case_id={tees_id}")).await;
    assert!(other["items"].as_array().unwrap().is_empty());
}

/// A small deterministic generator for the tamper positions (seed printed on failure).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as i64
    }
}

async fn exec(app: &TestApp, sql: &str) -> Result<(), String> {
    app.store
        .connection()
        .execute_unprepared(sql)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

async fn verdict(app: &TestApp) -> Verdict {
    audit::verify(app.store.connection(), app.store.keys().unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_chain_is_append_only_and_any_tampering_is_found() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    for _ in 0..4 {
        let case = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
        let id = case["id"].as_str().unwrap();
        for org in [&w.council, &w.stranger] {
            app.get_as(org, &["coordinator"], &format!("/api/v1/cases/{id}"))
                .await;
        }
    }
    let Verdict::Intact { records } = verdict(&app).await else {
        panic!("a fresh chain verifies")
    };
    assert_eq!(records, 12);

    // The database itself refuses changes to the records.
    for sql in [
        "UPDATE audit_events SET action = 'view_timeline' WHERE seq = 2",
        "DELETE FROM audit_events WHERE seq = 2",
    ] {
        let refused = exec(&app, sql).await.unwrap_err();
        assert!(refused.contains("append-only"), "{refused}");
    }

    // Someone with the database's owner rights drops the triggers: the chain still tells.
    let drop = match app.store.connection().get_database_backend() {
        DatabaseBackend::Postgres => {
            vec!["DROP TRIGGER audit_events_append_only ON audit_events"]
        }
        _ => vec![
            "DROP TRIGGER audit_events_no_update",
            "DROP TRIGGER audit_events_no_delete",
        ],
    };
    for sql in drop {
        exec(&app, sql).await.unwrap();
    }
    let seed = time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u64;
    let mut rng = Lcg(seed);
    for round in 0..3 {
        let at = 1 + rng.below(records);
        let context = format!("seed {seed}, round {round}, record {at}");

        // Edit one column of one record.
        let original = audit_event::Entity::find_by_id(at)
            .one(app.store.connection())
            .await
            .unwrap()
            .unwrap();
        exec(
            &app,
            &format!("UPDATE audit_events SET fields = 'view:contractor' WHERE seq = {at}"),
        )
        .await
        .unwrap();
        assert!(
            matches!(verdict(&app).await, Verdict::Broken { seq, .. } if seq == at),
            "edit: {context}"
        );
        audit_event::ActiveModel::from(original.clone())
            .reset_all()
            .update(app.store.connection())
            .await
            .unwrap();
        assert_eq!(
            verdict(&app).await,
            Verdict::Intact { records },
            "{context}"
        );

        // Delete one record.
        exec(&app, &format!("DELETE FROM audit_events WHERE seq = {at}"))
            .await
            .unwrap();
        assert!(
            matches!(verdict(&app).await, Verdict::Broken { seq, .. } if seq == at),
            "delete: {context}"
        );
        audit_event::ActiveModel::from(original)
            .insert(app.store.connection())
            .await
            .unwrap();
        assert_eq!(
            verdict(&app).await,
            Verdict::Intact { records },
            "{context}"
        );

        // Swap two records' places.
        let other = 1 + (at + rng.below(records - 1)) % records;
        let (a, b) = (at.min(other), at.max(other));
        let swap = format!(
            "UPDATE audit_events SET seq = -1 WHERE seq = {a}; \
             UPDATE audit_events SET seq = {a} WHERE seq = {b}; \
             UPDATE audit_events SET seq = {b} WHERE seq = -1"
        );
        for statement in swap.split("; ") {
            exec(&app, statement).await.unwrap();
        }
        assert!(
            matches!(verdict(&app).await, Verdict::Broken { seq, .. } if seq == a),
            "reorder {a} and {b}: {context}"
        );
        for statement in swap.split("; ") {
            exec(&app, statement).await.unwrap();
        }
        assert_eq!(
            verdict(&app).await,
            Verdict::Intact { records },
            "{context}"
        );
    }
    // Cutting the end off is found too.
    exec(
        &app,
        &format!("DELETE FROM audit_events WHERE seq = {records}"),
    )
    .await
    .unwrap();
    assert!(matches!(
        verdict(&app).await,
        Verdict::Broken { seq, .. } if seq == records
    ));
}

#[tokio::test]
async fn concurrent_reads_and_refusals_each_get_their_own_linked_record() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &fixtures::minimal()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/cases/{id}");
    let before = app
        .number("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'view_case'")
        .await;
    // Readers and refused strangers at once: both kinds go through the group commit.
    let app = &app;
    let reads = (0..40).map(|i| {
        let (org, path) = (if i % 4 == 0 { &w.stranger } else { &w.council }, &path);
        async move { app.get_as(org, &["coordinator"], path).await.status() }
    });
    let statuses = futures_util::future::join_all(reads).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        30
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::NOT_FOUND)
            .count(),
        10
    );
    let allowed = app
        .number(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'view_case' AND outcome = 'allowed'",
        )
        .await;
    let denied = app
        .number(
            "SELECT COUNT(*) AS n FROM audit_events WHERE action = 'view_case' AND outcome = 'denied'",
        )
        .await;
    assert_eq!(allowed + denied - before, 40);
    assert_eq!(denied, 10);
    let Verdict::Intact { records } = verdict(app).await else {
        panic!("the chain verifies after concurrent appends")
    };
    assert_eq!(
        records,
        app.number("SELECT COUNT(*) AS n FROM audit_events").await
    );
}
