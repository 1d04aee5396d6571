//! The test harness: `TestApp::spawn()` and its helpers.

mod db;
pub mod demo;
pub mod fixtures;
pub mod http;
pub mod logs;
pub mod receiver;
pub mod smtp;
pub mod tokens;
mod world;

use std::sync::Arc;

use actix_web::dev::ServerHandle;
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use sanctuary_http::ExtraRoutes;
use sanctuary_persistence::Store;
use sanctuary_persistence::crypto::Keyring;
use sanctuary_server::Application;
use sanctuary_server::config::{
    AuthSettings, EncryptionSettings, IssuerSettings, KeySettings, RateLimitSettings, Settings,
    WebhookSettings, WorkerSettings,
};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use secrecy::SecretString;
use serde_json::{Value, json};

use fixtures::today;

pub use db::TestDb;
pub use tokens::{ISSUER, TestKeys};
pub use world::{Org, World};

/// The keyring every test app of this process seals with (JSON).
pub fn test_keyring() -> String {
    static KEYRING: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEYRING
        .get_or_init(|| Keyring::generate_json("test-1").expect("a keyring"))
        .clone()
}

/// The settings every test server runs with: the test issuer trusted, a test keyring,
/// the rate limit on but out of the way.
pub fn test_settings(db: &TestDb) -> Settings {
    let keys = TestKeys::get();
    Settings {
        bind: "127.0.0.1:0".into(),
        database_url: Some(SecretString::from(db.url().to_owned())),
        demo: Some(false),
        workers: Some(2),
        max_connections: 5,
        shutdown_timeout_seconds: 5,
        auth: AuthSettings {
            issuers: vec![IssuerSettings {
                issuer: ISSUER.into(),
                jwks_file: None,
                keys: keys
                    .public_keys()
                    .into_iter()
                    .map(|(kid, algorithm, pem)| KeySettings {
                        kid,
                        algorithm,
                        public_key_file: None,
                        public_key_pem: Some(pem),
                    })
                    .collect(),
                organisations: None,
                allow_missing_jti: false,
            }],
            ..AuthSettings::default()
        },
        encryption: EncryptionSettings {
            keys: Some(SecretString::from(test_keyring())),
            keys_file: None,
        },
        // On, so every test passes through it, but out of the way; the rate limit
        // test sets its own.
        rate_limit: RateLimitSettings {
            per_minute: 1_000_000,
            burst: 100_000,
            per_address_per_minute: 1_000_000,
            per_address_burst: 100_000,
            client_address_header: None,
        },
        // The clock scheduler announces due and breached clocks by the wall clock: a
        // case made late on a Sunday has its first contact due within the day, and an
        // announcement would land in the middle of a test's events. Tests of the
        // scheduler turn it on (or call `clocks::announce`).
        worker: WorkerSettings {
            clocks_every_seconds: 0,
            ..WorkerSettings::default()
        },
        // Receivers started by the tests listen on loopback; retries come quickly.
        webhooks: WebhookSettings {
            allow_http_loopback: Some(true),
            timeout_seconds: 2,
            retry_base_ms: 200,
            poll_ms: 100,
            ..WebhookSettings::default()
        },
        ..Settings::default()
    }
}

pub struct TestApp {
    pub address: String,
    /// Where `/metrics` is served, when the test turned it on.
    pub metrics_address: Option<String>,
    pub client: Client,
    pub store: Store,
    pub world: World,
    handle: ServerHandle,
    /// The settings it runs with, for a second instance on the same database.
    settings: Settings,
    _db: TestDb,
}

/// Another server process on the same database (scale-out).
pub struct Instance {
    pub address: String,
    handle: ServerHandle,
}

impl Drop for Instance {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(None).await
    }

    /// Spawns the app with extra routes mounted (e.g. a handler that panics).
    pub async fn spawn_with(extra: Option<ExtraRoutes>) -> TestApp {
        Self::spawn_configured(extra, |_| {}).await
    }

    /// Spawns the app after `customise` has adjusted the test settings.
    pub async fn spawn_configured(
        extra: Option<ExtraRoutes>,
        customise: impl FnOnce(&mut Settings),
    ) -> TestApp {
        logs::capture();
        let db = TestDb::create().await;
        let mut settings = test_settings(&db);
        customise(&mut settings);
        let app = Application::build(&settings, extra.clone())
            .await
            .expect("the app starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let metrics_address = app.metrics_port().map(|p| format!("http://127.0.0.1:{p}"));
        let store = app.store().clone();
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        let world = World::create(&store).await;
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // Never reuse a connection the server may be closing as idle.
            .pool_idle_timeout(std::time::Duration::from_secs(2))
            .build()
            .expect("a client");
        TestApp {
            address,
            metrics_address,
            client,
            store,
            world,
            handle,
            settings,
            _db: db,
        }
    }

    /// One number from `sql` (a single row, column `n`).
    pub async fn number(&self, sql: &str) -> i64 {
        let db = self.store.connection();
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                sql,
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "n").unwrap()
    }

    /// The database this app runs on.
    pub fn database_url(&self) -> &str {
        self._db.url()
    }

    /// Starts a second instance of the service on this app's database.
    pub async fn second_instance(&self) -> Instance {
        self.second_instance_with(|_| {}).await
    }

    /// Starts a second instance on this app's database, its settings adjusted.
    pub async fn second_instance_with(&self, customise: impl FnOnce(&mut Settings)) -> Instance {
        let mut settings = self.settings.clone();
        customise(&mut settings);
        let app = Application::build(&settings, None)
            .await
            .expect("the second instance starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        Instance { address, handle }
    }

    /// Everything the database holds, as text: the raw SQLite files (database and WAL), or
    /// every row of every PostgreSQL table.
    pub async fn storage_text(&self) -> String {
        let app = self;
        if let Some(file) = app.sqlite_file() {
            let mut bytes = std::fs::read(&file).unwrap();
            let wal = file.with_extension("db-wal");
            if let Ok(more) = std::fs::read(wal) {
                bytes.extend(more);
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        let db = app.store.connection();
        let tables = db
            .query_all_raw(Statement::from_string(
                DatabaseBackend::Postgres,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
            ))
            .await
            .unwrap();
        let mut text = String::new();
        for row in tables {
            let table: String = row.try_get("", "table_name").unwrap();
            let dump = db
                .query_one_raw(Statement::from_string(
                    DatabaseBackend::Postgres,
                    format!(
                        "SELECT coalesce(string_agg(t::text, E'\\n'), '') AS d FROM \"{table}\" t"
                    ),
                ))
                .await
                .unwrap()
                .unwrap();
            text.push_str(&dump.try_get::<String>("", "d").unwrap());
        }
        text
    }

    /// Rows of `sql`, whose one parameter `$1` (written so for PostgreSQL) is `id`.
    pub async fn rows_for(&self, sql: &str, id: &str) -> Vec<sea_orm::QueryResult> {
        let db = self.store.connection();
        let backend = db.get_database_backend();
        let sql = match backend {
            DatabaseBackend::Postgres => sql.to_owned(),
            _ => sql.replace("$1", "?"),
        };
        let id: uuid::Uuid = id.parse().expect("a uuid");
        db.query_all_raw(Statement::from_sql_and_values(backend, sql, [id.into()]))
            .await
            .expect("the query runs")
    }

    /// The figures the monitoring report is built from: counts by every category column.
    pub async fn report_basis(&self) -> Vec<String> {
        let db = self.store.connection();
        let sql = "SELECT status, gender, ethnicity, age_band, tenure, risk_level, referral_source, \
                   accommodation_type, children_count, consent_installation, COUNT(*) AS n \
                   FROM cases GROUP BY status, gender, ethnicity, age_band, tenure, risk_level, \
                   referral_source, accommodation_type, children_count, consent_installation \
                   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10";
        db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .unwrap()
            .into_iter()
            .map(|row| format!("{row:?}"))
            .collect()
    }

    /// The SQLite database file, when the tests run on SQLite.
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        let url = self._db.url();
        let path = url.strip_prefix("sqlite://")?;
        Some(path.split('?').next()?.into())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path))
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client.post(self.url(path))
    }

    /// A valid token for `org` with `roles`.
    pub fn token(&self, org: &Org, roles: &[&str]) -> String {
        TestKeys::get().token(org.id, roles)
    }

    /// POSTs a referral as `org` (a referrer).
    pub async fn refer(&self, org: &Org, body: &Value) -> Response {
        self.post("/api/v1/referrals")
            .bearer_auth(self.token(org, &["referrer"]))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// POSTs a referral that must succeed; returns the case.
    pub async fn refer_ok(&self, org: &Org, body: &Value) -> Value {
        let response = self.refer(org, body).await;
        let status = response.status();
        let json: Value = response.json().await.expect("json");
        assert_eq!(status, StatusCode::CREATED, "{json:#}");
        json
    }

    /// Reads a case as `org` acting as `role`: the body and its ETag.
    pub async fn read(&self, org: &Org, role: &str, id: &str) -> (Value, String) {
        let response = self
            .get_as(org, &[role], &format!("/api/v1/cases/{id}"))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{} reading as {role}",
            org.name
        );
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        (response.json().await.unwrap(), etag)
    }

    /// POSTs `action` on case `id` as `org` acting as `role`, with `If-Match: etag`.
    pub async fn act(
        &self,
        org: &Org,
        role: &str,
        id: &str,
        action: &str,
        etag: &str,
        body: Option<Value>,
    ) -> Response {
        let mut request = self
            .post(&format!("/api/v1/cases/{id}/{action}"))
            .bearer_auth(self.token(org, &[role]))
            .header("If-Match", etag);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request sent")
    }

    /// Takes `action` and expects 200: the case after it, and its new ETag.
    pub async fn act_ok(
        &self,
        org: &Org,
        role: &str,
        id: &str,
        action: &str,
        body: Option<Value>,
    ) -> (Value, String) {
        let (_, etag) = self.read(org, role, id).await;
        let response = self.act(org, role, id, action, &etag, body).await;
        let status = response.status();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let json: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, StatusCode::OK, "{action} as {role}: {json:#}");
        (json, etag)
    }

    /// Takes `action` (at the case's current ETag) expecting `status`: the problem.
    pub async fn act_refused(
        &self,
        org: &Org,
        role: &str,
        id: &str,
        action: &str,
        body: Value,
        status: StatusCode,
    ) -> Value {
        let (_, etag) = self.read(org, role, id).await;
        let response = self.act(org, role, id, action, &etag, Some(body)).await;
        problem(response, status).await
    }

    /// Takes `action` expecting 422: its `(pointer, code)` pairs, sorted.
    pub async fn act_invalid(
        &self,
        org: &Org,
        role: &str,
        id: &str,
        action: &str,
        body: Value,
    ) -> Vec<(String, String)> {
        let p = self
            .act_refused(
                org,
                role,
                id,
                action,
                body,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        violations(&p)
    }

    /// A case taken as far as `works_completed` (or `works_in_progress`), with a safe room fitted in the ground-floor
    /// bedroom and window locks approved but not fitted.
    pub async fn case_with_works(&self, complete: bool) -> String {
        // Unique, so a test can walk several cases.
        let body = fixtures::eligible(&format!("W-{}", uuid::Uuid::now_v7().simple()));
        self.case_with_works_from(&body, complete).await
    }

    /// [`TestApp::case_with_works`] from the referral `body`.
    pub async fn case_with_works_from(&self, body: &Value, complete: bool) -> String {
        let app = self;
        let w = &app.world;
        let (id, case) = app.assessed_case(body).await;
        let items: Vec<Value> = case["works"]["items"].as_array().unwrap().clone();
        let approve = json!({"items": [items[0]["id"], items[1]["id"]]});
        app.act_ok(
            &w.council,
            "coordinator",
            &id,
            "approve-works",
            Some(approve),
        )
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
        if !complete {
            return id;
        }
        let results = json!({"results": [
            {"item_id": items[0]["id"], "installed": true, "actual_cost_pence": 119_000},
            {"item_id": items[1]["id"], "installed": false, "reason": "uPVC windows already lock"},
        ]});
        app.act_ok(
            &w.contractor,
            "contractor",
            &id,
            "complete-works",
            Some(results),
        )
        .await;
        id
    }

    /// A case referred with `body`, accepted and assessed (a safe room, window locks
    /// and a deadlock recommended): its id, and the case after the assessment.
    pub async fn assessed_case(&self, body: &Value) -> (String, Value) {
        let app = self;
        let w = &app.world;
        let id = app.refer_ok(&w.harbour, body).await["id"]
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
        let assessment = json!({"visit_date": today(), "recommended_measures": [
            {"measure_code": "safe_room", "quantity": 1, "location": "ground-floor bedroom"},
            {"measure_code": "window_locks", "quantity": 2, "location": "kitchen"},
            {"measure_code": "deadlock", "quantity": 1, "location": "back door"},
        ]});
        let (case, _) = app
            .act_ok(
                &w.assessor,
                "assessor",
                &id,
                "record-assessment",
                Some(assessment),
            )
            .await;
        (id, case)
    }

    /// The coordinator records the landlord's permission granted on case `id` (the
    /// fixtures' homes are rented: works wait for it).
    pub async fn landlord_agrees(&self, id: &str) {
        let grant = json!({"step": "granted", "on": today(), "granted_by": "Letting agent"});
        self.act_ok(
            &self.world.council,
            "coordinator",
            id,
            "record-landlord-permission",
            Some(grant),
        )
        .await;
    }

    /// GETs `path` as `org` with `roles`.
    pub async fn get_as(&self, org: &Org, roles: &[&str], path: &str) -> Response {
        self.get(path)
            .bearer_auth(self.token(org, roles))
            .send()
            .await
            .expect("request sent")
    }

    pub fn handle(&self) -> ServerHandle {
        self.handle.clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The stop command is sent at once; the returned future only awaits completion.
        drop(self.handle.stop(false));
    }
}

/// Reads a problem+json response, checking the envelope every error must have.
pub async fn problem(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let request_id = response.headers().get("x-request-id").cloned();
    let body: Value = response.json().await.expect("a JSON problem");
    for field in ["type", "title", "status", "detail", "code", "request_id"] {
        assert!(
            body.get(field).is_some(),
            "problem without {field}: {body:#}"
        );
    }
    assert_eq!(body["status"], status.as_u16());
    assert_eq!(
        body["type"].as_str().unwrap(),
        format!("/problems/{}", body["code"].as_str().unwrap())
    );
    assert_eq!(
        Some(body["request_id"].as_str().unwrap()),
        request_id.as_ref().and_then(|v| v.to_str().ok())
    );
    body
}

/// The `(pointer, code)` pairs of a validation problem, sorted.
pub fn violations(problem: &Value) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            let place = e["pointer"]
                .as_str()
                .or(e["parameter"].as_str())
                .unwrap_or_default();
            (
                place.to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

pub type Extra = Option<ExtraRoutes>;

pub fn extra(f: impl Fn(&mut actix_web::web::ServiceConfig) + Send + Sync + 'static) -> Extra {
    Some(Arc::new(f))
}
