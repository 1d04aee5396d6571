//! Bearer token verification: every check explicit.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use reqwest::StatusCode;
use sanctuary_server::config::IssuerSettings;
use serde_json::{Value, json};

use crate::support::{ISSUER, TestApp, TestKeys, problem};

const CASES: &str = "/api/v1/cases";

async fn with_token(app: &TestApp, token: &str) -> reqwest::Response {
    app.get(CASES).bearer_auth(token).send().await.unwrap()
}

async fn refused(app: &TestApp, token: &str, why: &str) {
    let response = with_token(app, token).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{why}");
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        challenge, r#"Bearer realm="sanctuary", error="invalid_token""#,
        "{why}"
    );
    let p = problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(p["code"], "unauthorized", "{why}");
}

fn claims(app: &TestApp) -> Value {
    TestKeys::claims(app.world.harbour.id, &["referrer"])
}

fn edit(mut claims: Value, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Value {
    f(claims.as_object_mut().unwrap());
    claims
}

#[tokio::test]
async fn a_request_without_a_token_is_challenged() {
    let app = TestApp::spawn().await;
    let response = app.get(CASES).send().await.unwrap();
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="sanctuary""#
    );
    problem(response, StatusCode::UNAUTHORIZED).await;
    let response = app
        .get(CASES)
        .header("Authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    problem(response, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn tokens_signed_with_each_trusted_algorithm_verify() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    for key in [&keys.ed25519, &keys.es256, &keys.rs256] {
        let token = keys.sign(key, &claims(&app));
        assert_eq!(
            with_token(&app, &token).await.status(),
            StatusCode::OK,
            "{:?}",
            key.algorithm
        );
    }
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_refused_beyond_30_seconds_of_leeway() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let at = |exp: i64, nbf: i64| {
        edit(claims(&app), |c| {
            c.insert("exp".into(), json!(exp));
            c.insert("nbf".into(), json!(nbf));
        })
    };
    refused(
        &app,
        &keys.sign(&keys.ed25519, &at(now - 45, now - 100)),
        "expired 45 s ago",
    )
    .await;
    refused(
        &app,
        &keys.sign(&keys.ed25519, &at(now + 3600, now + 45)),
        "valid only in 45 s",
    )
    .await;
    let within = keys.sign(&keys.ed25519, &at(now - 10, now + 10));
    assert_eq!(
        with_token(&app, &within).await.status(),
        StatusCode::OK,
        "10 s of skew is tolerated"
    );
    let response = with_token(&app, &keys.sign(&keys.ed25519, &at(now - 45, now - 100))).await;
    let p = problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(p["detail"], "The access token has expired.");
}

#[tokio::test]
async fn every_registered_claim_is_required() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    for claim in ["exp", "nbf", "iss", "aud", "sub", "org"] {
        let token = keys.sign(
            &keys.ed25519,
            &edit(claims(&app), |c| {
                c.remove(claim);
            }),
        );
        refused(&app, &token, &format!("without {claim}")).await;
    }
    let blank_subject = edit(claims(&app), |c| {
        c.insert("sub".into(), json!(" "));
    });
    refused(&app, &keys.sign(&keys.ed25519, &blank_subject), "blank sub").await;
    // The contract bounds the subject that audit records and versions show.
    let long_subject = edit(claims(&app), |c| {
        c.insert("sub".into(), json!("u".repeat(256)));
    });
    refused(
        &app,
        &keys.sign(&keys.ed25519, &long_subject),
        "256-char sub",
    )
    .await;
    let longest = edit(claims(&app), |c| {
        c.insert("sub".into(), json!("u".repeat(255)));
    });
    let ok = app
        .get("/api/v1/cases")
        .bearer_auth(keys.sign(&keys.ed25519, &longest))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK, "255 characters are accepted");
}

#[tokio::test]
async fn the_wrong_issuer_audience_or_signature_is_refused() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    let wrong_iss = edit(claims(&app), |c| {
        c.insert("iss".into(), json!("https://evil.example"));
    });
    refused(&app, &keys.sign(&keys.ed25519, &wrong_iss), "issuer").await;
    let wrong_aud = edit(claims(&app), |c| {
        c.insert("aud".into(), json!("another-api"));
    });
    refused(&app, &keys.sign(&keys.ed25519, &wrong_aud), "audience").await;
    // Same kid, different private key.
    refused(&app, &keys.sign(&keys.impostor, &claims(&app)), "signature").await;
    // A valid token with its payload swapped.
    let token = keys.sign(&keys.ed25519, &claims(&app));
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let other = edit(claims(&app), |c| {
        c.insert("org".into(), json!(app.world.council.id));
    });
    parts[1] = URL_SAFE_NO_PAD.encode(other.to_string());
    refused(&app, &parts.join("."), "tampered payload").await;
    refused(&app, "not.a.token", "garbage").await;
}

#[tokio::test]
async fn algorithm_confusion_is_refused() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    let payload = URL_SAFE_NO_PAD.encode(claims(&app).to_string());
    // alg: none, with and without a signature.
    let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT","kid":"test-ed25519"}"#);
    refused(&app, &format!("{none}.{payload}."), "alg none").await;
    refused(
        &app,
        &format!("{none}.{payload}.c2ln"),
        "alg none with signature",
    )
    .await;
    // HS256 keyed with the server's public key (the classic confusion attack).
    let mut header = Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("test-es256".into());
    let forged = jsonwebtoken::encode(
        &header,
        &claims(&app),
        &EncodingKey::from_secret(keys.es256.public_pem.as_bytes()),
    )
    .unwrap();
    refused(&app, &forged, "HS256 with the public key").await;
    // A real ES256 signature presented under the Ed25519 key's kid.
    let mut header = Header::new(jsonwebtoken::Algorithm::ES256);
    header.kid = Some("test-ed25519".into());
    let mismatched = jsonwebtoken::encode(&header, &claims(&app), &keys.es256.encoding).unwrap();
    refused(&app, &mismatched, "algorithm not the key's").await;
}

#[tokio::test]
async fn unknown_keys_and_critical_extensions_are_refused() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    let sign_with = |header: Header| {
        jsonwebtoken::encode(&header, &claims(&app), &keys.ed25519.encoding).unwrap()
    };
    let mut no_kid = Header::new(jsonwebtoken::Algorithm::EdDSA);
    no_kid.kid = None;
    refused(&app, &sign_with(no_kid), "no kid").await;
    let mut unknown = Header::new(jsonwebtoken::Algorithm::EdDSA);
    unknown.kid = Some("retired-key".into());
    refused(&app, &sign_with(unknown), "unknown kid").await;
    let mut crit = Header::new(jsonwebtoken::Algorithm::EdDSA);
    crit.kid = Some("test-ed25519".into());
    crit.crit = Some(vec!["exp".into()]);
    refused(&app, &sign_with(crit), "crit").await;
    let mut typ = Header::new(jsonwebtoken::Algorithm::EdDSA);
    typ.kid = Some("test-ed25519".into());
    typ.typ = Some("id_token+jwt".into());
    refused(&app, &sign_with(typ), "typ").await;
}

#[tokio::test]
async fn the_organisation_must_exist_and_be_active() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    refused(
        &app,
        &keys.token(app.world.inactive.id, &["referrer"]),
        "inactive",
    )
    .await;
    refused(
        &app,
        &keys.token(uuid::Uuid::now_v7(), &["referrer"]),
        "unknown organisation",
    )
    .await;
}

#[tokio::test]
async fn unknown_roles_in_a_token_grant_nothing() {
    let app = TestApp::spawn().await;
    let response = app
        .get_as(&app.world.council, &["superuser", "root"], CASES)
        .await;
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["items"], json!([]));
}

#[tokio::test]
async fn keys_can_come_from_a_jwks_file_and_be_bound_to_organisations() {
    let dir = tempfile::tempdir().unwrap();
    let keys = TestKeys::get();
    let jwks = dir.path().join("jwks.json");
    std::fs::write(
        &jwks,
        json!({"keys": [keys.es256.jwk, keys.ed25519.jwk]}).to_string(),
    )
    .unwrap();
    let partner_issuer = "https://login.partner.example";
    let jwks_path = jwks.clone();
    // The partner's identity provider may vouch for one organisation only.
    let bound = uuid::Uuid::now_v7();
    let app = TestApp::spawn_configured(None, move |s| {
        s.auth.issuers = vec![IssuerSettings {
            issuer: partner_issuer.into(),
            jwks_file: Some(jwks_path),
            keys: Vec::new(),
            organisations: Some(vec![bound]),
            allow_missing_jti: false,
        }];
    })
    .await;
    let partner_claims = |org: uuid::Uuid| {
        edit(TestKeys::claims(org, &["referrer"]), |c| {
            c.insert("iss".into(), json!(partner_issuer));
        })
    };
    // The JWKS keys verify, but this issuer may not speak for Harbour.
    refused(
        &app,
        &keys.sign(&keys.es256, &partner_claims(app.world.harbour.id)),
        "organisation not bound",
    )
    .await;
    // The original test issuer is no longer configured.
    refused(
        &app,
        &keys.token(app.world.harbour.id, &["referrer"]),
        "issuer not configured",
    )
    .await;
    // A bound organisation gets past the signature and issuer checks; it does not exist
    // here, so it is refused at the organisation lookup — with the same 401.
    refused(
        &app,
        &keys.sign(&keys.ed25519, &partner_claims(bound)),
        "bound but unknown",
    )
    .await;
}

#[tokio::test]
async fn a_jwks_key_verifies_tokens_for_its_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let keys = TestKeys::get();
    let jwks = dir.path().join("jwks.json");
    std::fs::write(
        &jwks,
        json!({"keys": [keys.es256.jwk, keys.ed25519.jwk]}).to_string(),
    )
    .unwrap();
    let app = TestApp::spawn_configured(None, move |s| {
        s.auth.issuers = vec![IssuerSettings {
            issuer: ISSUER.into(),
            jwks_file: Some(jwks),
            keys: Vec::new(),
            organisations: None,
            allow_missing_jti: false,
        }];
    })
    .await;
    for key in [&keys.es256, &keys.ed25519] {
        let token = keys.sign(key, &claims(&app));
        assert_eq!(
            with_token(&app, &token).await.status(),
            StatusCode::OK,
            "{}",
            key.kid
        );
    }
    // The RSA key is not in the JWKS.
    refused(
        &app,
        &keys.sign(&keys.rs256, &claims(&app)),
        "kid not in the JWKS",
    )
    .await;
}

/// Refused with the generic detail: nothing about which claim failed, or its value.
async fn refused_opaquely(app: &TestApp, token: &str, why: &str) {
    let response = with_token(app, token).await;
    let p = problem(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(p["detail"], "The access token is not valid.", "{why}");
    refused(app, token, why).await;
}

fn times(app: &TestApp, iat: Option<i64>, exp: i64) -> Value {
    edit(claims(app), |c| {
        match iat {
            Some(iat) => c.insert("iat".into(), json!(iat)),
            None => c.remove("iat"),
        };
        c.insert("exp".into(), json!(exp));
    })
}

#[tokio::test]
async fn tokens_living_longer_than_the_maximum_are_refused() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let hours = |h: i64| h * 3600;
    let sign = |c: &Value| keys.sign(&keys.ed25519, c);
    for (iat, exp, why) in [
        (
            Some(now),
            now + hours(12) + 60,
            "issued for 12 h and a minute",
        ),
        (Some(now), now + hours(24 * 365), "issued for a year"),
        (
            Some(now - hours(11)),
            now + hours(1) + 60,
            "a 12 h 1 min lifetime, even with only an hour left",
        ),
        (None, now + hours(13), "no iat and 13 h left"),
    ] {
        refused_opaquely(&app, &sign(&times(&app, iat, exp)), why).await;
    }
    for (iat, exp, why) in [
        (Some(now), now + hours(12), "exactly 12 h"),
        (None, now + hours(12), "no iat and 12 h left"),
        (Some(now - hours(2)), now + hours(1), "3 h"),
    ] {
        assert_eq!(
            with_token(&app, &sign(&times(&app, iat, exp)))
                .await
                .status(),
            StatusCode::OK,
            "{why}"
        );
    }
    // The maximum is configurable.
    let app = TestApp::spawn_configured(None, |s| s.auth.max_token_lifetime_seconds = 600).await;
    refused_opaquely(
        &app,
        &sign(&times(&app, Some(now), now + hours(1))),
        "an hour, over a 10 minute maximum",
    )
    .await;
    assert_eq!(
        with_token(&app, &sign(&times(&app, Some(now), now + 300)))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_token_issued_in_the_future_is_refused_beyond_the_leeway() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let issued_at = |iat: i64| {
        edit(claims(&app), |c| {
            c.insert("iat".into(), json!(iat));
            c.insert("nbf".into(), json!(now - 60));
        })
    };
    refused_opaquely(
        &app,
        &keys.sign(&keys.ed25519, &issued_at(now + 45)),
        "issued 45 s from now",
    )
    .await;
    refused_opaquely(
        &app,
        &keys.sign(&keys.ed25519, &issued_at(now + 86_400)),
        "issued tomorrow",
    )
    .await;
    assert_eq!(
        with_token(&app, &keys.sign(&keys.ed25519, &issued_at(now + 10)))
            .await
            .status(),
        StatusCode::OK,
        "10 s of skew is tolerated"
    );
}

#[tokio::test]
async fn tokens_without_jti_are_accepted_only_from_issuers_configured_to_omit_it() {
    let app = TestApp::spawn().await;
    let keys = TestKeys::get();
    let without = edit(claims(&app), |c| {
        c.remove("jti");
    });
    let blank = edit(claims(&app), |c| {
        c.insert("jti".into(), json!(" "));
    });
    refused_opaquely(&app, &keys.sign(&keys.ed25519, &without), "no jti").await;
    refused_opaquely(&app, &keys.sign(&keys.ed25519, &blank), "blank jti").await;

    let app = TestApp::spawn_configured(None, |s| {
        s.auth.issuers[0].allow_missing_jti = true;
    })
    .await;
    let without = edit(claims(&app), |c| {
        c.remove("jti");
    });
    assert_eq!(
        with_token(&app, &keys.sign(&keys.ed25519, &without))
            .await
            .status(),
        StatusCode::OK,
        "this issuer may omit jti"
    );
    // Other issuers still may not.
    let other = "https://other-idp.example";
    let app = TestApp::spawn_configured(None, move |s| {
        let mut second = s.auth.issuers[0].clone();
        second.issuer = other.into();
        second.allow_missing_jti = true;
        for key in &mut second.keys {
            key.kid = format!("other-{}", key.kid);
        }
        s.auth.issuers.push(second);
    })
    .await;
    let without = edit(claims(&app), |c| {
        c.remove("jti");
    });
    refused_opaquely(
        &app,
        &keys.sign(&keys.ed25519, &without),
        "the permission is per issuer",
    )
    .await;
}

#[tokio::test]
async fn demo_tokens_pass_the_token_rules() {
    let dir = tempfile::tempdir().unwrap();
    let settings = sanctuary_server::config::Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.path().to_owned(),
        demo: Some(true),
        workers: Some(1),
        ..Default::default()
    };
    let app = sanctuary_server::Application::build(&settings, None)
        .await
        .expect("the demo starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let tokens: Vec<String> = app.demo_tokens.iter().map(|t| t.token.clone()).collect();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    assert!(!tokens.is_empty());
    let client = reqwest::Client::new();
    for token in tokens {
        let response = client
            .get(format!("{address}/api/v1/cases"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    handle.stop(false).await;
}
