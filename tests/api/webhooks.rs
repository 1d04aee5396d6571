//! Webhooks against a real receiver: Standard Webhooks signatures checked by a
//! verifier written here from the specification, retries after failures and timeouts,
//! per-endpoint order, disabling, secret rotation, subscriptions, isolation between
//! organisations and the refusal of internal addresses.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::fixtures::{self};
use crate::support::receiver::{Answer, Received, Receiver};
use crate::support::{Org, TestApp, problem};

/// Standard Webhooks verification, from the specification: the key is the base64 after
/// `whsec_`; the signed content `{webhook-id}.{webhook-timestamp}.{body}`; the header
/// a space-separated list of `v1,<base64 HMAC-SHA256>`, any of which may match.
fn verifies(secret: &str, r: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let content = format!(
        "{}.{}.{}",
        r.header("webhook-id"),
        r.header("webhook-timestamp"),
        r.body
    );
    mac.update(content.as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    r.header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

/// Registers `url` for `org` (as `role`); the endpoint and its secret.
async fn register(app: &TestApp, org: &Org, role: &str, body: Value) -> (Value, String) {
    let response = app
        .post("/api/v1/webhooks")
        .bearer_auth(app.token(org, &[role]))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let created: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{created:#}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    (created["webhook"].clone(), secret)
}

/// The endpoint's deliveries once none is pending: the worker records a run of
/// deliveries after the receiver has answered the last of them.
async fn settled(app: &TestApp, endpoint: &Value) -> Value {
    let path = format!(
        "/api/v1/webhooks/{}/deliveries",
        endpoint["id"].as_str().unwrap()
    );
    let started = std::time::Instant::now();
    loop {
        let page: Value = app
            .get_as(&app.world.council, &["coordinator"], &path)
            .await
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap();
        if !items.iter().any(|d| d["status"] == "pending") {
            return page;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "still pending: {page:#}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn refer(app: &TestApp, reference: &str) -> String {
    app.refer_ok(&app.world.harbour, &fixtures::eligible(reference))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn types(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn deliveries_are_signed_as_standard_webhooks_say_and_carry_the_feeds_event() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let receiver = Receiver::start().await;
    let (endpoint, secret) = register(
        &app,
        &w.council,
        "coordinator",
        json!({"url": receiver.url, "description": "Council case system"}),
    )
    .await;
    assert_eq!(endpoint["enabled"], true);
    assert!(secret.starts_with("whsec_"));
    // The secret is shown once: never in a read of the endpoint.
    let read = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/webhooks/{}", endpoint["id"].as_str().unwrap()),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(!read.contains(&secret[6..]), "{read}");

    let canaried = fixtures::Canaries::new();
    app.refer_ok(&w.harbour, &canaried.body).await;
    let got = receiver.wait_for("the referral", |r| !r.is_empty()).await;
    let delivery = &got[0];
    assert!(verifies(&secret, delivery), "{delivery:#?}");
    assert!(!verifies(&sanctuary_webhooks::sign::new_secret(), delivery));
    assert_eq!(delivery.header("content-type"), "application/json");
    let body = delivery.json();
    assert_eq!(body["type"], "case.referral_received");
    assert_eq!(delivery.header("webhook-id"), body["id"].as_str().unwrap());
    let sent_at: i64 = delivery.header("webhook-timestamp").parse().unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((now - sent_at).abs() < 30, "timestamp {sent_at} vs {now}");
    // The same event, byte for byte in meaning, as the feed gives.
    let feed: Value = app
        .get_as(&w.council, &["coordinator"], "/api/v1/events")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(feed["items"][0], body);
    for value in canaried.values() {
        assert!(!delivery.body.contains(&value), "{value} reached a webhook");
    }
    // The delivery is on record.
    let deliveries = settled(&app, &endpoint).await;
    let record = &deliveries["items"][0];
    assert_eq!(record["status"], "delivered", "{deliveries:#}");
    assert_eq!(record["attempts"], 1);
    assert_eq!(record["last_status"], 200);
    assert_eq!(record["event_id"], body["id"]);
}

#[tokio::test]
async fn failures_and_timeouts_are_retried_and_each_endpoint_gets_its_events_in_order() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let receiver = Receiver::start().await;
    receiver.script(&[
        Answer::Status(500),
        Answer::Stall(Duration::from_secs(3)),
        Answer::Status(503),
    ]);
    let (endpoint, _) = register(
        &app,
        &w.council,
        "coordinator",
        json!({"url": receiver.url}),
    )
    .await;
    let mut cases = Vec::new();
    for n in 0..3 {
        cases.push(refer(&app, &format!("ORDER-{n}")).await);
    }
    let got = receiver
        .wait_for("three deliveries accepted", |r| {
            r.iter().filter(|r| r.answered == 200).count() >= 3
        })
        .await;
    // The first event was tried four times (500, timeout, 503, 200) before any other
    // was sent: order is kept while an endpoint fails.
    let first_id = got[0].header("webhook-id").to_owned();
    assert!(got[..4].iter().all(|r| r.header("webhook-id") == first_id));
    let accepted: Vec<String> = receiver
        .accepted()
        .iter()
        .map(|r| r.json()["data"]["case_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        accepted, cases,
        "delivered in the order the cases were referred"
    );
    let deliveries = settled(&app, &endpoint).await;
    let oldest = deliveries["items"].as_array().unwrap().last().unwrap();
    assert_eq!(oldest["attempts"], 4, "{deliveries:#}");
    assert_eq!(oldest["status"], "delivered");

    // A delivery can be sent again by hand; it keeps its webhook-id.
    let retried = app
        .post(&format!(
            "/api/v1/webhooks/{}/deliveries/{}/retry",
            endpoint["id"].as_str().unwrap(),
            oldest["id"].as_str().unwrap()
        ))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), StatusCode::ACCEPTED);
    receiver
        .wait_for("the retried delivery", |r| {
            r.iter()
                .filter(|r| r.header("webhook-id") == first_id && r.answered == 200)
                .count()
                == 2
        })
        .await;
}

#[tokio::test]
async fn an_endpoint_failing_for_five_days_is_disabled_and_its_organisation_told() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let failing = Receiver::start().await;
    failing.script(&[Answer::Status(500); 50]);
    let healthy = Receiver::start().await;
    let (endpoint, _) =
        register(&app, &w.council, "coordinator", json!({"url": failing.url})).await;
    register(&app, &w.council, "coordinator", json!({"url": healthy.url})).await;
    // It has been failing for six days.
    let id = endpoint["id"].as_str().unwrap();
    let six_days_ago = time::OffsetDateTime::now_utc() - time::Duration::days(6);
    {
        use sanctuary_persistence::entities::webhook_endpoint;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        webhook_endpoint::Entity::update_many()
            .col_expr(
                webhook_endpoint::Column::FailingSince,
                Expr::value(Some(six_days_ago)),
            )
            .filter(webhook_endpoint::Column::Id.eq(uuid::Uuid::parse_str(id).unwrap()))
            .exec(app.store.connection())
            .await
            .unwrap();
    }
    refer(&app, "DISABLE-1").await;
    let told = healthy
        .wait_for("the disabled notice", |r| {
            types(r).contains(&"webhook.endpoint_disabled".to_owned())
        })
        .await;
    let notice = told
        .iter()
        .find(|r| r.json()["type"] == "webhook.endpoint_disabled")
        .unwrap()
        .json();
    assert_eq!(notice["data"]["endpoint_id"], id);
    assert!(notice["data"]["case_id"].is_null());
    let read: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/webhooks/{id}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["enabled"], false);
    assert_eq!(read["disabled_reason"], "failing_for_5_days");
    // Disabled, it is sent nothing more.
    let attempts = failing.received().len();
    refer(&app, "DISABLE-2").await;
    healthy
        .wait_for("the next referral", |r| {
            types(r)
                .iter()
                .filter(|t| *t == "case.referral_received")
                .count()
                == 2
        })
        .await;
    assert_eq!(failing.received().len(), attempts);
    // Only to the organisation concerned.
    let harbour: Value = app
        .get_as(&w.harbour, &["referrer"], "/api/v1/events?limit=100")
        .await
        .json()
        .await
        .unwrap();
    assert!(!harbour.to_string().contains("webhook.endpoint_disabled"));
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_through_the_grace_period() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let receiver = Receiver::start().await;
    let (endpoint, old) = register(
        &app,
        &w.council,
        "coordinator",
        json!({"url": receiver.url}),
    )
    .await;
    let id = endpoint["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/{id}/rotate-secret");
    let without_etag = app
        .post(&path)
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .send()
        .await
        .unwrap();
    assert_eq!(without_etag.status(), StatusCode::PRECONDITION_REQUIRED);
    let rotated = app
        .post(&path)
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header("If-Match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: Value = rotated.json().await.unwrap();
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    refer(&app, "ROTATE-1").await;
    let got = receiver.wait_for("a delivery", |r| !r.is_empty()).await;
    assert!(verifies(&new, &got[0]) && verifies(&old, &got[0]));
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 2);
}

#[tokio::test]
async fn an_endpoint_gets_only_the_types_it_asked_for_and_only_its_organisations() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let council = Receiver::start().await;
    let contractor = Receiver::start().await;
    register(
        &app,
        &w.council,
        "coordinator",
        json!({"url": council.url, "event_types": ["case.works_completed"]}),
    )
    .await;
    let (contractor_endpoint, _) = register(
        &app,
        &w.contractor,
        "contractor",
        json!({"url": contractor.url}),
    )
    .await;
    let id = app.case_with_works(true).await;
    council.wait_for("works completed", |r| !r.is_empty()).await;
    contractor
        .wait_for("the contractor's events", |r| r.len() >= 3)
        .await;
    assert_eq!(types(&council.received()), ["case.works_completed"]);
    // The contractor hears from its order on, nothing from before it.
    assert_eq!(
        types(&contractor.received()),
        [
            "case.works_ordered",
            "case.works_started",
            "case.works_completed"
        ]
    );
    assert!(
        contractor
            .received()
            .iter()
            .all(|r| r.json()["data"]["case_id"] == id.as_str())
    );

    // Another organisation's endpoint does not exist for anyone else.
    let path = format!(
        "/api/v1/webhooks/{}",
        contractor_endpoint["id"].as_str().unwrap()
    );
    let missing = format!("/api/v1/webhooks/{}", uuid::Uuid::now_v7());
    let theirs = app.get_as(&w.council, &["coordinator"], &path).await;
    let nothing = app.get_as(&w.council, &["coordinator"], &missing).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let (a, b) = (
        crate::support::http::without_request_id(&theirs.text().await.unwrap()),
        crate::support::http::without_request_id(&nothing.text().await.unwrap()),
    );
    assert_eq!(a.replace(&path, ""), b.replace(&missing, ""));
    let deleted = app
        .client
        .delete(app.url(&path))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NOT_FOUND);
    let listed: Value = app
        .get_as(&w.council, &["coordinator"], "/api/v1/webhooks")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // The contractor's own removal works.
    let own = app
        .client
        .delete(app.url(&path))
        .bearer_auth(app.token(&w.contractor, &["contractor"]))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn internal_addresses_are_refused_at_registration_and_at_connection() {
    // Production: only https, only public addresses.
    let app =
        TestApp::spawn_configured(None, |s| s.webhooks.allow_http_loopback = Some(false)).await;
    let w = &app.world;
    for url in [
        "http://127.0.0.1:9/hooks",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.0.0.8/hooks",
        "https://192.168.1.20/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://user:secret@example.org/hooks",
        "ftp://example.org/hooks",
    ] {
        let response = app
            .post("/api/v1/webhooks")
            .bearer_auth(app.token(&w.council, &["coordinator"]))
            .json(&json!({"url": url}))
            .send()
            .await
            .unwrap();
        let p = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(p["errors"][0]["pointer"], "/url", "{url}: {p:#}");
        assert!(!p.to_string().contains("secret@"), "{p}");
    }
    // An endpoint that got in anyway (registered where loopback was allowed, or a
    // name that now resolves inside) is refused when the connection is made.
    let receiver = Receiver::start().await;
    let url = receiver.url.replace("127.0.0.1", "localhost");
    let endpoint = sanctuary_persistence::webhooks::create(
        &app.store,
        sanctuary_persistence::webhooks::NewEndpoint {
            organisation_id: w.council.id,
            url: &url,
            description: None,
            event_types: &[],
            secret: &sanctuary_webhooks::sign::new_secret(),
            at: time::OffsetDateTime::now_utc(),
        },
    )
    .await
    .unwrap();
    refer(&app, "SSRF-1").await;
    let path = format!("/api/v1/webhooks/{}/deliveries", endpoint.id);
    let started = std::time::Instant::now();
    let record = loop {
        let page: Value = app
            .get_as(&w.council, &["coordinator"], &path)
            .await
            .json()
            .await
            .unwrap();
        if page["items"][0]["attempts"].as_i64().unwrap_or(0) > 0 {
            break page["items"][0].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never attempted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(record["status"], "pending");
    assert!(
        record["last_error"].as_str().unwrap().contains("loopback"),
        "{record:#}"
    );
    assert!(receiver.received().is_empty(), "it connected");
}

#[tokio::test]
async fn two_instances_deliver_every_event_and_never_one_endpoint_twice_at_once() {
    let app = TestApp::spawn().await;
    let other = app.second_instance().await;
    let w = &app.world;
    let receiver = Receiver::start().await;
    // Slow answers widen the window in which both instances' workers are looking.
    receiver.delay_answers(Duration::from_millis(40));
    register(
        &app,
        &w.council,
        "coordinator",
        json!({"url": receiver.url}),
    )
    .await;
    let token = app.token(&w.harbour, &["referrer"]);
    let mut cases = Vec::new();
    for i in 0..16 {
        let base = if i % 2 == 0 {
            &app.address
        } else {
            &other.address
        };
        let case: Value = app
            .client
            .post(format!("{base}/api/v1/referrals"))
            .bearer_auth(&token)
            .json(&fixtures::eligible(&format!("TWO-{i}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        cases.push(case["id"].as_str().unwrap().to_owned());
    }
    let got = receiver
        .wait_for("sixteen referrals", |r| r.len() >= 16)
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = if receiver.received().len() > got.len() {
        receiver.received()
    } else {
        got
    };
    let ids: std::collections::BTreeSet<&str> =
        got.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(ids.len(), 16, "every event once");
    assert_eq!(got.len(), 16, "none twice");
    assert_eq!(
        receiver.most_in_flight(),
        1,
        "one endpoint, one delivery at a time"
    );
    let order: Vec<String> = got
        .iter()
        .map(|r| r.json()["data"]["case_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order, cases, "in commit order");
}

#[tokio::test]
async fn a_mailto_endpoint_gets_a_short_email_per_chosen_event_with_no_personal_data() {
    use crate::support::smtp::SmtpListener;
    let smtp = SmtpListener::start().await;
    let url = smtp.url.clone();
    let app = TestApp::spawn_configured(None, |s| {
        s.webhooks.smtp_url = Some(url.into());
        s.webhooks.email_from = "Sanctuary Scheme <sanctuary@scheme.example>".into();
    })
    .await;
    let w = &app.world;
    register(
        &app,
        &w.contractor,
        "contractor",
        json!({"url": "mailto:works@contractor.example", "event_types": ["case.works_ordered"]}),
    )
    .await;
    let canaried = fixtures::Canaries::new();
    let case = app.refer_ok(&w.harbour, &canaried.body).await;
    let id = case["id"].as_str().unwrap();
    for (action, body) in [
        (
            "accept",
            json!({"override_reason": "Checked with the IDVA"}),
        ),
        ("assign-assessor", json!({"organisation_id": w.assessor.id})),
    ] {
        app.act_ok(&w.council, "coordinator", id, action, Some(body))
            .await;
    }
    let assessment = json!({"visit_date": crate::support::fixtures::today(),
        "recommended_measures": [{"measure_code": "deadlock", "quantity": 1, "location": "back door"}]});
    app.act_ok(
        &w.assessor,
        "assessor",
        id,
        "record-assessment",
        Some(assessment),
    )
    .await;
    app.act_ok(&w.council, "coordinator", id, "approve-works", None)
        .await;
    app.landlord_agrees(id).await;
    app.act_ok(
        &w.council,
        "coordinator",
        id,
        "order-works",
        Some(json!({"organisation_id": w.contractor.id})),
    )
    .await;
    let mails = smtp.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.mails().len(), 1, "only the event asked for");
    let mail = &mails[0];
    assert_eq!(mail.to, ["<works@contractor.example>"]);
    assert_eq!(mail.from, "<sanctuary@scheme.example>");
    let reference = case["reference"].as_str().unwrap();
    assert!(
        mail.data
            .contains(&format!("Subject: Case {reference}: works ordered")),
        "{}",
        mail.data
    );
    assert!(mail.data.contains("no personal data"));
    for value in canaried.values() {
        assert!(!mail.data.contains(&value), "{value} reached an email");
    }

    // Without SMTP configured, mailto: is refused at registration.
    let plain = TestApp::spawn().await;
    let refused = plain
        .post("/api/v1/webhooks")
        .bearer_auth(plain.token(&plain.world.council, &["coordinator"]))
        .json(&json!({"url": "mailto:team@council.example"}))
        .send()
        .await
        .unwrap();
    problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn redirects_are_not_followed_and_an_event_is_given_up_after_72_hours() {
    use sanctuary_persistence::entities::webhook_delivery;
    use sea_orm::{EntityTrait, sea_query::Expr};
    let app = TestApp::spawn().await;
    let w = &app.world;
    let receiver = Receiver::start().await;
    receiver.script(&[Answer::Status(302), Answer::Status(500)]);
    let (endpoint, _) = register(
        &app,
        &w.council,
        "coordinator",
        json!({"url": receiver.url}),
    )
    .await;
    refer(&app, "REDIRECT-1").await;
    let got = receiver
        .wait_for("a second attempt", |r| r.len() >= 2)
        .await;
    assert_eq!(got[0].answered, 302);
    assert_eq!(
        got[1].header("webhook-id"),
        got[0].header("webhook-id"),
        "retried, not followed"
    );
    // The event has been failing for more than 72 hours: the next failure gives it up.
    receiver.script(&[Answer::Status(500); 10]);
    webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::CreatedAt,
            Expr::value(time::OffsetDateTime::now_utc() - time::Duration::hours(73)),
        )
        .exec(app.store.connection())
        .await
        .unwrap();
    let path = format!(
        "/api/v1/webhooks/{}/deliveries",
        endpoint["id"].as_str().unwrap()
    );
    let started = std::time::Instant::now();
    let record = loop {
        let page: Value = app
            .get_as(&w.council, &["coordinator"], &path)
            .await
            .json()
            .await
            .unwrap();
        if page["items"][0]["status"] == "failed" {
            break page["items"][0].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never given up: {page:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(record["last_status"], 500);
    assert!(record["next_attempt_at"].is_null());
    let attempts = receiver.received().len();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        receiver.received().len(),
        attempts,
        "no attempt after giving up"
    );
}
