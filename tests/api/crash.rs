//! Crash consistency: the real binary, driven with referrals and case actions, is
//! killed with SIGKILL at random moments and restarted, ten times. Every acknowledged
//! write is there exactly once with its audit record; retrying the unacknowledged ones
//! with their idempotency keys takes effect exactly once; nothing is half-written; and
//! a webhook receiver gets every committed event at least once, and nothing else.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::{Client, StatusCode};
use sanctuary_persistence::audit::{self, Verdict};
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::receiver::Receiver;
use crate::support::tokens::{ISSUER, TestKeys};
use crate::support::{TestApp, test_keyring};

/// The `sanctuary` binary, which cargo builds before this package's tests.
fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sanctuary"))
}

pub(crate) fn config(dir: &std::path::Path) -> PathBuf {
    let mut toml = format!("[[auth.issuers]]\nissuer = \"{ISSUER}\"\n");
    for (kid, algorithm, pem) in TestKeys::get().public_keys() {
        toml.push_str(&format!(
            "[[auth.issuers.keys]]\nkid = \"{kid}\"\nalgorithm = \"{algorithm}\"\npublic_key_pem = \"\"\"\n{pem}\"\"\"\n"
        ));
    }
    let path = dir.join("crash.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
}

pub(crate) async fn start(
    app: &TestApp,
    config: &std::path::Path,
    dir: &std::path::Path,
) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = Command::new(binary());
    // Only the settings given here (the test runner's own SANCTUARY_* are not config).
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("SANCTUARY_")) {
        command.env_remove(name);
    }
    let mut child = command
        .env("SANCTUARY_CONFIG", config)
        .env("SANCTUARY_BIND", format!("127.0.0.1:{port}"))
        .env("SANCTUARY_DATABASE_URL", app.database_url())
        .env("SANCTUARY_DATA_DIR", dir)
        .env("SANCTUARY_DEMO", "false")
        .env("SANCTUARY_ENCRYPTION__KEYS", test_keyring())
        .env("SANCTUARY_RATE_LIMIT__PER_MINUTE", "0")
        .env("SANCTUARY_LOG__LEVEL", "warn")
        // The test's receiver listens on loopback; a killed worker's claims run out fast.
        .env("SANCTUARY_WEBHOOKS__ALLOW_HTTP_LOOPBACK", "true")
        .env("SANCTUARY_WEBHOOKS__TIMEOUT_SECONDS", "2")
        .env("SANCTUARY_WEBHOOKS__LEASE_SECONDS", "3")
        .env("SANCTUARY_WEBHOOKS__RETRY_BASE_MS", "200")
        .env("SANCTUARY_WEBHOOKS__POLL_MS", "100")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("server.log")).unwrap())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if let Ok(r) = reqwest::get(format!("{base}/health/ready")).await
            && r.status().is_success()
        {
            return Server { child, base };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.kill().ok();
    child.wait().ok();
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    panic!("the server did not start:\n{log}");
}

/// One referral, identified by its idempotency key (also its external reference).
fn referral(key: &str) -> Value {
    let mut body = fixtures::minimal();
    set(&mut body, "/external_reference", json!(key));
    body
}

/// POSTs a referral; `Some(case id)` if acknowledged.
async fn refer(client: &Client, base: &str, token: &str, key: &str) -> Option<String> {
    let response = client
        .post(format!("{base}/api/v1/referrals"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&referral(key))
        .send()
        .await
        .ok()?;
    if response.status() != StatusCode::CREATED {
        return None;
    }
    let case: Value = response.json().await.ok()?;
    Some(case["id"].as_str()?.to_owned())
}

/// Declines a case (an action); true if acknowledged.
async fn decline(client: &Client, base: &str, token: &str, id: &str) -> bool {
    let Ok(read) = client
        .get(format!("{base}/api/v1/cases/{id}"))
        .bearer_auth(token)
        .send()
        .await
    else {
        return false;
    };
    let Some(etag) = read
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return false;
    };
    client
        .post(format!("{base}/api/v1/cases/{id}/decline"))
        .bearer_auth(token)
        .header("If-Match", etag)
        .json(&json!({"reason": "out_of_area"}))
        .send()
        .await
        .is_ok_and(|r| r.status() == StatusCode::OK)
}

#[tokio::test]
async fn acknowledged_writes_survive_kill_9_and_retries_take_effect_once() {
    // Only the killed binary delivers webhooks, not the test's own instance.
    let app = TestApp::spawn_configured(None, |s| s.webhooks.deliver = false).await;
    let receiver = Receiver::start().await;
    let registered = app
        .post("/api/v1/webhooks")
        .bearer_auth(app.token(&app.world.council, &["coordinator"]))
        .json(&json!({"url": receiver.url}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let referrer = app.token(&app.world.harbour, &["referrer"]);
    let coordinator = app.token(&app.world.council, &["coordinator"]);
    let client = Client::builder()
        // A retry may wait out a crashed holder's 10 s claim on its key.
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    // key → case id once acknowledged.
    let mut acknowledged: BTreeMap<String, String> = BTreeMap::new();
    let mut pending: Vec<String> = Vec::new();
    let mut declined: Vec<String> = Vec::new();
    let mut kills = 0;
    let mut n = 0;
    for round in 0..10 {
        let mut server = start(&app, &config, dir.path()).await;
        // Whatever was not acknowledged before the last kill is retried with its key.
        for key in std::mem::take(&mut pending) {
            match refer(&client, &server.base, &referrer, &key).await {
                Some(id) => {
                    acknowledged.insert(key, id);
                }
                None => pending.push(key),
            }
        }
        // A moment between 150 and 900 ms in, from the clock's nanoseconds.
        let jitter = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let kill_after = Duration::from_millis(150 + u64::from(jitter % 750));
        let drive = async {
            let mut sent: Vec<(String, Option<String>)> = Vec::new();
            let mut acted = Vec::new();
            loop {
                let keys: Vec<String> = (0..4).map(|i| format!("crash-{round}-{n}-{i}")).collect();
                n += 1;
                let answers = futures_util::future::join_all(
                    keys.iter()
                        .map(|k| refer(&client, &server.base, &referrer, k)),
                )
                .await;
                let stop = answers.iter().any(Option::is_none);
                for (key, id) in keys.into_iter().zip(answers) {
                    if let Some(id) = &id
                        && decline(&client, &server.base, &coordinator, id).await
                    {
                        acted.push(id.clone());
                    }
                    sent.push((key, id));
                }
                if stop {
                    return (sent, acted);
                }
            }
        };
        let killer = async {
            tokio::time::sleep(kill_after).await;
            server.child.kill().unwrap();
            server.child.wait().unwrap();
        };
        let ((sent, acted), ()) = tokio::join!(drive, killer);
        kills += 1;
        declined.extend(acted);
        for (key, id) in sent {
            match id {
                Some(id) => {
                    acknowledged.insert(key, id);
                }
                None => pending.push(key),
            }
        }
    }
    // A last start to retry what the last kill cut off.
    let mut server = start(&app, &config, dir.path()).await;
    for key in std::mem::take(&mut pending) {
        let id = refer(&client, &server.base, &referrer, &key)
            .await
            .expect("retry acknowledged");
        acknowledged.insert(key, id);
    }
    // Every committed event reaches the receiver at least once, and nothing else does:
    // deliveries cut off by a kill are claimed again once their lease runs out.
    let committed = council_event_ids(&app).await;
    let received = receiver
        .wait_for("every committed event", |r| {
            let got: BTreeSet<String> = r
                .iter()
                .filter(|r| r.answered == 200)
                .map(|r| r.header("webhook-id").to_owned())
                .collect();
            committed.is_subset(&got)
        })
        .await;
    let got: BTreeSet<String> = received
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    assert_eq!(got, committed, "an event delivered that never committed");
    let per_case: BTreeSet<String> = received
        .iter()
        .filter(|r| r.json()["type"] == "case.referral_received")
        .map(|r| r.json()["data"]["case_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(per_case.len(), acknowledged.len(), "a referral not told");
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    assert_eq!(kills, 10);
    assert!(acknowledged.len() > 40, "{} referrals", acknowledged.len());
    // Exactly once: one case per key, and no others.
    let cases = app.number("SELECT COUNT(*) AS n FROM cases").await;
    assert_eq!(cases as usize, acknowledged.len());
    let refs = app
        .number("SELECT COUNT(DISTINCT external_reference_index) AS n FROM cases")
        .await;
    assert_eq!(refs, cases);
    // Nothing half-written: every case has its referral, its intake event and audit
    // record; every acknowledged decline is stored with its event.
    for (what, sql) in [
        (
            "referral",
            "SELECT COUNT(*) AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_referrals r WHERE r.case_id = c.id)",
        ),
        (
            "event",
            "SELECT COUNT(*) AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)",
        ),
        (
            "audit",
            "SELECT COUNT(*) AS n FROM cases c WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.case_id = c.id)",
        ),
        (
            "decline event",
            "SELECT COUNT(*) AS n FROM cases c WHERE c.status = 'declined' AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'decline')",
        ),
    ] {
        assert_eq!(app.number(sql).await, 0, "cases without their {what}");
    }
    let stored_declines = app
        .number("SELECT COUNT(*) AS n FROM cases WHERE status = 'declined'")
        .await;
    assert!(
        stored_declines as usize >= declined.len(),
        "acknowledged declines lost"
    );
    for id in &declined {
        let case = app.read(&app.world.council, "coordinator", id).await.0;
        assert_eq!(case["status"], "declined");
    }
    assert!(matches!(
        audit::verify(app.store.connection(), app.store.keys().unwrap())
            .await
            .unwrap(),
        Verdict::Intact { .. }
    ));
    eprintln!(
        "crash test: {kills} kills, {} referrals acknowledged, {} declines, {} events, {} deliveries received",
        acknowledged.len(),
        declined.len(),
        committed.len(),
        received.len()
    );
}

/// The ids of every event addressed to the council.
async fn council_event_ids(app: &TestApp) -> BTreeSet<String> {
    use sanctuary_persistence::outbox;
    outbox::for_organisation(app.store.connection(), app.world.council.id, 0, 1_000_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id.to_string())
        .collect()
}
