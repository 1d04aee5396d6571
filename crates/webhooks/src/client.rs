//! Sending one delivery: the event's JSON, signed, POSTed with a 10-second timeout, no
//! redirects, the answer's body read to at most 64 KiB and ignored.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::redirect::Policy;
use reqwest::{Client, Url};
use sanctuary_domain::events::Event;

use crate::guard::{self, Refused};
use crate::sign;

/// How deliveries are sent.
#[derive(Debug, Clone)]
pub struct SenderSettings {
    pub timeout: Duration,
    /// Allow `http://` to loopback addresses (demo mode and tests only).
    pub loopback_allowed: bool,
    /// Sends the notification emails of `mailto:` endpoints, where configured.
    pub mailer: Option<sanctuary_email::Mailer>,
}

impl Default for SenderSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            loopback_allowed: false,
            mailer: None,
        }
    }
}

/// The most of an answer's body read (and thrown away) before the connection is let go.
const MAX_ANSWER: usize = 64 * 1024;

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Option<u16>,
    /// `None`: delivered (a 2xx).
    pub error: Option<String>,
    pub latency: Duration,
}

#[derive(Clone)]
pub struct Sender {
    client: Client,
    settings: SenderSettings,
}

impl Sender {
    pub fn new(settings: SenderSettings) -> Result<Self, reqwest::Error> {
        // aws-lc-rs, the workspace's one crypto library (the tokens' too), named
        // explicitly: the database driver's rustls brings ring, and with two providers
        // built in rustls picks no default. The roots are compiled in (webpki-roots),
        // so a slim container needs no CA bundle.
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("aws-lc-rs supports the default TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let client = Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .redirect(Policy::none())
            .no_proxy()
            .dns_resolver(guard::resolver(settings.loopback_allowed))
            .user_agent(concat!("Sanctuary-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, settings })
    }

    /// POSTs `event` to `url`, signed with `secrets`.
    pub async fn send(&self, url: &str, secrets: &[String], event: &Event) -> Outcome {
        let started = Instant::now();
        let fail = |status, error: String| Outcome {
            status,
            error: Some(error),
            latency: started.elapsed(),
        };
        if let Some(address) = url.strip_prefix("mailto:") {
            let sent = match &self.settings.mailer {
                Some(mailer) => {
                    tokio::time::timeout(self.settings.timeout, mailer.send(address, event))
                        .await
                        .unwrap_or_else(|_| Err("timed out".into()))
                }
                None => Err("this deployment sends no email".into()),
            };
            return Outcome {
                status: None,
                error: sent.err(),
                latency: started.elapsed(),
            };
        }
        let Ok(url) = Url::parse(url) else {
            return fail(None, "the endpoint URL is not valid".into());
        };
        if let Some(why) = guard::literal_refused(&url, self.settings.loopback_allowed) {
            return fail(None, Refused(why).to_string());
        }
        let body = serde_json::to_vec(event).expect("an event serialises");
        let id = event.id.to_string();
        let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
        let signature = sign::signature_header(secrets, &id, timestamp, &body);
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => return fail(None, describe(&e)),
        };
        let status = response.status();
        // Read a little of the answer so the connection can be reused, then stop.
        let mut read = 0;
        while read < MAX_ANSWER {
            match tokio::time::timeout(self.settings.timeout, response.chunk()).await {
                Ok(Ok(Some(chunk))) => read += chunk.len(),
                _ => break,
            }
        }
        if status.is_success() {
            Outcome {
                status: Some(status.as_u16()),
                error: None,
                latency: started.elapsed(),
            }
        } else {
            fail(
                Some(status.as_u16()),
                format!("answered {}", status.as_u16()),
            )
        }
    }
}

/// A failed send in words that carry no personal data (never the body).
fn describe(e: &reqwest::Error) -> String {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(refused) = s.downcast_ref::<Refused>() {
            return refused.to_string();
        }
        source = s.source();
    }
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "could not connect".into()
    } else {
        "the request failed".into()
    }
}
