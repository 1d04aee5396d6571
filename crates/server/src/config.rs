//! Configuration: defaults, then an optional TOML file, then `SANCTUARY_*` environment
//! variables (nested keys with `__`, e.g. `SANCTUARY_AUTH__AUDIENCE`), then
//! `DATABASE_URL`. Everything is checked at start; a bad setting stops the service with
//! a message naming it. Secrets are wrapped so they never print.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Address to listen on.
    pub bind: String,
    /// `sqlite://…` or `postgres://…`; unset means the embedded SQLite file in `data_dir`.
    #[serde(serialize_with = "redact")]
    pub database_url: Option<SecretString>,
    /// Where the embedded database and the demo signing key live.
    pub data_dir: PathBuf,
    /// Demo mode: seed the demo scheme (once, on a fresh database), trust a local
    /// signing key and print tokens. Unset, it is on only when nothing production-like
    /// is configured: no config file, no `database_url`, no `auth.issuers`. Refused
    /// with PostgreSQL and, when asked for, with `auth.issuers`.
    pub demo: Option<bool>,
    /// HTTP worker threads (default: one per CPU).
    pub workers: Option<usize>,
    pub max_connections: u32,
    pub shutdown_timeout_seconds: u64,
    pub log: LogSettings,
    pub auth: AuthSettings,
    pub encryption: EncryptionSettings,
    pub rate_limit: RateLimitSettings,
    pub cors: CorsSettings,
    pub audit: AuditSettings,
    pub worker: WorkerSettings,
    pub webhooks: WebhookSettings,
    pub metrics: MetricsSettings,
    pub documents: DocumentSettings,
}

/// Documents attached to cases.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentSettings {
    /// The largest document, in bytes (default 10 MiB, at most 100 MiB); larger
    /// uploads are answered 413.
    pub max_bytes: u64,
    /// Keep new documents' encrypted chunks in an S3-compatible object store instead
    /// of the database (documents stored before stay where they are, and readable).
    pub object_store: Option<ObjectStoreSettings>,
}

impl Default for DocumentSettings {
    fn default() -> Self {
        Self {
            max_bytes: sanctuary_app::documents::DEFAULT_MAX_BYTES,
            object_store: None,
        }
    }
}

/// An S3-compatible bucket for documents (`[documents.object_store]`). It receives
/// ciphertext only; the keys stay in the database.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectStoreSettings {
    pub bucket: String,
    /// The store's URL (MinIO, Ceph, another provider); unset means AWS S3.
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default = "default_region")]
    pub region: String,
    /// Unset: the usual AWS sources (`AWS_ACCESS_KEY_ID`…, an instance profile).
    #[serde(default)]
    pub access_key_id: Option<String>,
    #[serde(default, serialize_with = "redact")]
    pub secret_access_key: Option<SecretString>,
    /// Allow a plain `http://` endpoint (a store on the same host, tests).
    #[serde(default)]
    pub allow_http: bool,
    /// Put before every object's name, e.g. `sanctuary/` to share a bucket.
    #[serde(default)]
    pub prefix: String,
}

fn default_region() -> String {
    "eu-west-2".into()
}

impl ObjectStoreSettings {
    /// The object store these settings name.
    pub fn open(&self) -> anyhow::Result<sanctuary_objects::S3Blobs> {
        sanctuary_objects::S3Blobs::new(&sanctuary_objects::S3Config {
            bucket: self.bucket.clone(),
            endpoint: self.endpoint.clone(),
            region: self.region.clone(),
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self
                .secret_access_key
                .as_ref()
                .map(|s| s.expose_secret().to_owned()),
            allow_http: self.allow_http,
            prefix: self.prefix.clone(),
        })
        .map_err(|e| anyhow::anyhow!("documents.object_store: {e}"))
    }
}

/// Background work (`crates/server/src/worker.rs`), run beside the HTTP server unless
/// `enabled = false` (then run `sanctuary worker` as its own process).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkerSettings {
    /// Whether `serve` runs the background jobs too.
    pub enabled: bool,
    /// How often retention anonymises the cases past their scheme's retention period
    /// (first at start); `0` never (then run `sanctuary retention run` from cron).
    pub retention_every_seconds: u64,
    /// How long the events feed keeps events (and webhook deliveries their history),
    /// in days; purged at each retention run.
    pub events_kept_days: u32,
    /// How often the clock scheduler looks for clocks falling due or overdue (their
    /// `case.clock_due_soon` and `case.clock_breached` events); `0` never.
    pub clocks_every_seconds: u64,
    /// How long before its due time a clock is announced as due soon, in hours.
    pub clock_due_soon_hours: u32,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            retention_every_seconds: 24 * 60 * 60,
            events_kept_days: 30,
            clocks_every_seconds: 60,
            clock_due_soon_hours: 24,
        }
    }
}

/// `/metrics` (Prometheus text format) on its own address; off unless `bind` is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSettings {
    /// Where to serve `/metrics`, e.g. `127.0.0.1:9464` (keep it off the public network).
    pub bind: Option<String>,
    /// If set, scrapes must send `Authorization: Bearer <token>`.
    #[serde(serialize_with = "redact")]
    pub bearer_token: Option<SecretString>,
}

/// Outbound webhook delivery (run by the background worker).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhookSettings {
    /// Whether the worker delivers webhooks.
    pub deliver: bool,
    /// Allow endpoints at `http://` loopback addresses (demo mode and tests). Unset: on
    /// in demo mode only. Private, link-local and metadata addresses are refused always.
    pub allow_http_loopback: Option<bool>,
    /// How long one delivery may take.
    pub timeout_seconds: u64,
    /// The first retry's wait in milliseconds; each further one doubles (up to an hour).
    pub retry_base_ms: u64,
    /// How often to look for due deliveries when no commit in this process wakes the
    /// worker (retries, other instances' events), in milliseconds.
    pub poll_ms: u64,
    /// How long a worker's claim on a delivery holds, in seconds: longer than
    /// `timeout_seconds`, so that only a crashed worker's claims run out (and are sent
    /// again by another: at least once).
    pub lease_seconds: u64,
    /// The least time between a busy worker's turns at the queue, in milliseconds: each
    /// turn is one transaction (on SQLite, a turn at the single writer the referrals
    /// wait for). Longer spares the writer; shorter delivers sooner under load.
    pub turn_interval_ms: u64,
    /// The SMTP server for notification emails (`mailto:` endpoints), e.g.
    /// `smtps://user:password@mail.example.org` or `smtp://relay:25?tls=required`.
    /// Unset: no email, and `mailto:` endpoints are refused.
    #[serde(serialize_with = "redact")]
    pub smtp_url: Option<SecretString>,
    /// The sender of notification emails.
    pub email_from: String,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            deliver: true,
            allow_http_loopback: None,
            timeout_seconds: 10,
            retry_base_ms: 10_000,
            poll_ms: 1_000,
            lease_seconds: 60,
            turn_interval_ms: 100,
            smtp_url: None,
            email_from: "Sanctuary Scheme <sanctuary@localhost>".into(),
        }
    }
}

/// The key that signs audit checkpoints (`sanctuary audit checkpoint`). It must not be
/// kept in the database: whoever holds it can vouch for a chain.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    /// The Ed25519 signing key (PKCS#8 PEM); default `audit-checkpoint-key.pem` in
    /// `data_dir`, created on first use.
    pub checkpoint_key_file: Option<PathBuf>,
    /// A public key (PEM) to check checkpoints with instead of the signing key, for a
    /// verifier that does not hold it (`sanctuary audit public-key` prints it).
    pub checkpoint_public_key_file: Option<PathBuf>,
}

/// Requests each organisation may make to one instance (health checks are exempt), and
/// how often one client address may fail to authenticate. `per_minute = 0` (or
/// `per_address_per_minute = 0`) turns that limit off.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimitSettings {
    /// Sustained rate.
    pub per_minute: u32,
    /// How many may arrive at once before the sustained rate applies.
    pub burst: u32,
    /// Requests without a valid token (missing, forged, expired, revoked, inactive
    /// organisation) one client address may send per minute.
    pub per_address_per_minute: u32,
    /// How many of those may arrive at once.
    pub per_address_burst: u32,
    /// Behind a reverse proxy: the header it sets to the client's address (e.g.
    /// `X-Forwarded-For`; its last entry is taken). Unset: the peer address, and such
    /// headers are ignored (a client could forge them).
    pub client_address_header: Option<String>,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        // A busy council front end shared by several coordinators stays well inside
        // this; a partner system stuck in a retry loop does not.
        Self {
            per_minute: 600,
            burst: 120,
            per_address_per_minute: 120,
            per_address_burst: 60,
            client_address_header: None,
        }
    }
}

/// Browser front ends on other origins (a council's case-management web app) that may
/// call the API. Empty by default: no browser on another origin may.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CorsSettings {
    /// Exact origins, `scheme://host[:port]` (e.g. `https://cases.darlington.gov.uk`);
    /// `*` is refused. In the environment:
    /// `SANCTUARY_CORS__ALLOWED_ORIGINS='["https://a.example", "https://b.example"]'`.
    pub allowed_origins: Vec<String>,
    /// How long a browser may cache a preflight answer (default 600 s).
    pub max_age_seconds: Option<u32>,
}

/// Where the keys that seal personal data at rest come from. With neither set, the
/// embedded database keeps a generated keyring beside it; any other database needs one
/// configured (so a database dump alone never holds the keys).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EncryptionSettings {
    /// A keyring file (JSON; `sanctuary keys generate` writes one).
    pub keys_file: Option<PathBuf>,
    /// The keyring JSON itself, e.g. from a secret store.
    #[serde(serialize_with = "redact")]
    pub keys: Option<SecretString>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// A tracing filter, e.g. `info` or `info,sanctuary_http=debug`.
    pub level: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// The `aud` every token must carry.
    pub audience: String,
    /// Clock skew tolerated on `exp`/`nbf`, at most 30 seconds.
    pub leeway_seconds: u64,
    /// The `iss` of tokens minted in demo mode.
    pub demo_issuer: String,
    /// The longest token lifetime accepted (`exp - iat`, or `exp - now` without `iat`).
    pub max_token_lifetime_seconds: u64,
    /// The identity providers whose tokens are accepted.
    pub issuers: Vec<IssuerSettings>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerSettings {
    /// The exact `iss` of this provider's tokens.
    pub issuer: String,
    /// A JWKS document with the provider's public keys.
    pub jwks_file: Option<PathBuf>,
    #[serde(default)]
    pub keys: Vec<KeySettings>,
    /// If set, the only organisations this provider may vouch for.
    pub organisations: Option<Vec<Uuid>>,
    /// Accept this provider's tokens without a `jti` (they cannot be revoked one by one).
    #[serde(default)]
    pub allow_missing_jti: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySettings {
    pub kid: String,
    /// ES256, ES384, EdDSA, RS256, RS384, RS512, PS256, PS384 or PS512.
    pub algorithm: String,
    /// A PEM public key file…
    pub public_key_file: Option<PathBuf>,
    /// …or the PEM itself.
    pub public_key_pem: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            database_url: None,
            data_dir: PathBuf::from("data"),
            demo: None,
            workers: None,
            max_connections: 10,
            shutdown_timeout_seconds: 30,
            log: LogSettings::default(),
            auth: AuthSettings::default(),
            encryption: EncryptionSettings::default(),
            rate_limit: RateLimitSettings::default(),
            cors: CorsSettings::default(),
            worker: WorkerSettings::default(),
            webhooks: WebhookSettings::default(),
            metrics: MetricsSettings::default(),
            audit: AuditSettings::default(),
            documents: DocumentSettings::default(),
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: "info".into(),
            format: LogFormat::Text,
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            audience: "sanctuary-api".into(),
            leeway_seconds: 30,
            demo_issuer: "sanctuary-demo".into(),
            max_token_lifetime_seconds: sanctuary_http::auth::DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
            issuers: Vec::new(),
        }
    }
}

fn redact<S: serde::Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    value.as_ref().map(|_| "[redacted]").serialize(s)
}

/// The bounds of `auth.max_token_lifetime_seconds`.
const MIN_TOKEN_LIFETIME_SECONDS: u64 = 60;
const MAX_TOKEN_LIFETIME_SECONDS: u64 = 7 * 24 * 60 * 60;

/// A configuration problem, named precisely.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Settings {
    /// Loads the layered configuration. `file` (or `SANCTUARY_CONFIG`) is optional.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_with(file, false)
    }

    /// [`Self::load`], with `demo` forcing demo mode on (the `--demo` flag).
    pub fn load_with(file: Option<&Path>, demo: bool) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("SANCTUARY_CONFIG").map(PathBuf::from));
        let with_file = file.is_some();
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        // The conventional DATABASE_URL is honoured; SANCTUARY_DATABASE_URL beats it.
        figment = figment
            .merge(Env::raw().only(&["database_url"]))
            .merge(Env::prefixed("SANCTUARY_").split("__").ignore(&["config"]));
        let mut settings: Settings = figment.extract().map_err(|e| ConfigError(e.to_string()))?;
        if demo {
            settings.demo = Some(true);
        } else if with_file && settings.demo.is_none() {
            // A configuration file means a deployment: demo mode only if asked for.
            settings.demo = Some(false);
        }
        settings.validate()?;
        Ok(settings)
    }

    /// Checks everything that can be checked without I/O.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.bind.parse::<SocketAddr>().map_err(|_| {
            ConfigError(format!(
                "bind: `{}` is not an address like 127.0.0.1:8080",
                self.bind
            ))
        })?;
        if !(1..=100 * 1024 * 1024).contains(&self.documents.max_bytes) {
            return Err(ConfigError(
                "documents.max_bytes: must be from 1 to 104857600 (100 MiB)".into(),
            ));
        }
        if let Some(objects) = &self.documents.object_store {
            if objects.bucket.trim().is_empty() {
                return Err(ConfigError(
                    "documents.object_store.bucket: must name a bucket".into(),
                ));
            }
            if !(objects.prefix.is_empty() || objects.prefix.ends_with('/')) {
                return Err(ConfigError(
                    "documents.object_store.prefix: must be empty or end with `/`".into(),
                ));
            }
        }
        if self.auth.leeway_seconds > sanctuary_http::auth::MAX_LEEWAY_SECONDS {
            return Err(ConfigError(
                "auth.leeway_seconds: must be at most 30".into(),
            ));
        }
        if !(MIN_TOKEN_LIFETIME_SECONDS..=MAX_TOKEN_LIFETIME_SECONDS)
            .contains(&self.auth.max_token_lifetime_seconds)
        {
            return Err(ConfigError(format!(
                "auth.max_token_lifetime_seconds: must be from {MIN_TOKEN_LIFETIME_SECONDS} to \
                 {MAX_TOKEN_LIFETIME_SECONDS} (7 days)"
            )));
        }
        if self.max_connections == 0 {
            return Err(ConfigError("max_connections: must be at least 1".into()));
        }
        let url = self.database_url();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres:")
            || url.starts_with("postgresql:"))
        {
            return Err(ConfigError(
                "database_url: must start with sqlite: or postgres:".into(),
            ));
        }
        if self.demo == Some(true) && !self.auth.issuers.is_empty() {
            return Err(ConfigError(
                "demo: demo mode (demo = true, --demo or SANCTUARY_DEMO=true) trusts a local \
                 signing key and prints tokens for every role, so it cannot run with \
                 auth.issuers configured: remove one or the other"
                    .into(),
            ));
        }
        if self.demo_mode() && !url.starts_with("sqlite:") {
            return Err(ConfigError(
                "demo: demo mode seeds data and prints tokens, so it runs only on SQLite, never on PostgreSQL".into(),
            ));
        }
        for origin in &self.cors.allowed_origins {
            if !sanctuary_http::cors::is_origin(origin) {
                return Err(ConfigError(format!(
                    "cors.allowed_origins: `{origin}` is not an origin like \
                     https://cases.example.gov.uk (scheme, host and optional port; no path, no *)"
                )));
            }
        }
        for issuer in &self.auth.issuers {
            if issuer.jwks_file.is_none() && issuer.keys.is_empty() {
                return Err(ConfigError(format!(
                    "auth.issuers `{}`: give jwks_file or keys",
                    issuer.issuer
                )));
            }
            for key in &issuer.keys {
                if key.public_key_file.is_some() == key.public_key_pem.is_some() {
                    return Err(ConfigError(format!(
                        "auth key `{}`: give exactly one of public_key_file and public_key_pem",
                        key.kid
                    )));
                }
            }
        }
        Ok(())
    }

    /// What serving needs beyond [`Self::validate`]: someone to trust tokens from.
    /// (Migrating does not, so it is checked separately.)
    /// `store` with the documents' object store, if one is configured.
    pub fn with_document_store(
        &self,
        store: sanctuary_persistence::Store,
    ) -> anyhow::Result<sanctuary_persistence::Store> {
        Ok(match &self.documents.object_store {
            Some(objects) => store.with_blobs(std::sync::Arc::new(objects.open()?)),
            None => store,
        })
    }

    pub fn check_can_serve(&self) -> Result<(), ConfigError> {
        if !self.demo_mode() && self.auth.issuers.is_empty() {
            return Err(ConfigError(
                "auth.issuers: configure at least one token issuer (or, for a demo on the \
                 embedded database, set SANCTUARY_DEMO=true or pass --demo)"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Whether `database_url` was left to the embedded default.
    pub fn uses_embedded_database(&self) -> bool {
        self.database_url.is_none()
    }

    /// Demo mode: as configured (`demo`, `--demo`, `SANCTUARY_DEMO`), else on only when
    /// nothing production-like is: the embedded database and no token issuers (a
    /// configuration file sets `demo` to false unless it says otherwise, see [`Self::load`]).
    pub fn demo_mode(&self) -> bool {
        self.demo
            .unwrap_or_else(|| self.uses_embedded_database() && self.auth.issuers.is_empty())
    }

    /// Whether webhooks may point at `http://` loopback addresses.
    pub fn webhook_loopback_allowed(&self) -> bool {
        self.webhooks
            .allow_http_loopback
            .unwrap_or_else(|| self.demo_mode())
    }

    /// How the worker delivers webhooks; `None` if it does not.
    pub fn delivery(&self) -> Option<sanctuary_webhooks::WorkerSettings> {
        let w = &self.webhooks;
        w.deliver.then(|| sanctuary_webhooks::WorkerSettings {
            poll: std::time::Duration::from_millis(w.poll_ms.max(10)),
            retry_base: std::time::Duration::from_millis(w.retry_base_ms.max(1)),
            // Never shorter than a send may take.
            lease: std::time::Duration::from_secs(w.lease_seconds.max(w.timeout_seconds + 1)),
            interval: std::time::Duration::from_millis(w.turn_interval_ms),
            sender: sanctuary_webhooks::SenderSettings {
                timeout: std::time::Duration::from_secs(w.timeout_seconds.max(1)),
                loopback_allowed: self.webhook_loopback_allowed(),
                mailer: w.smtp_url.as_ref().and_then(|url| {
                    sanctuary_email::Mailer::new(url.expose_secret(), &w.email_from)
                        .inspect_err(|e| tracing::error!(error = %e, "webhooks: no email"))
                        .ok()
                }),
            },
            ..Default::default()
        })
    }

    /// The database URL to connect to (a secret: do not print it; see [`Self::database_label`]).
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.embedded_database_file().display()
            ),
        }
    }

    /// The embedded SQLite database's file (used when `database_url` is unset).
    pub fn embedded_database_file(&self) -> PathBuf {
        self.data_dir.join("sanctuary.db")
    }

    /// The database URL without credentials or parameters, for messages.
    pub fn database_label(&self) -> String {
        let url = self.database_url();
        let (scheme, rest) = url.split_once("://").unwrap_or(("?", &url));
        let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        let rest = rest.split('?').next().unwrap_or_default();
        format!("{scheme}://{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_labels_hide_credentials() {
        let s = Settings {
            database_url: Some(SecretString::from(
                "postgres://app:hunter2@db.internal:5432/sanctuary?sslmode=require",
            )),
            ..Settings::default()
        };
        assert_eq!(s.database_label(), "postgres://db.internal:5432/sanctuary");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!serde_json::to_string(&s).unwrap().contains("hunter2"));
    }

    #[test]
    fn demo_mode_is_on_only_for_the_embedded_database_and_refuses_postgres() {
        let embedded = Settings::default();
        assert!(embedded.demo_mode());
        assert!(embedded.validate().is_ok());
        let postgres = Settings {
            database_url: Some(SecretString::from("postgres://localhost/x")),
            ..Settings::default()
        };
        assert!(!postgres.demo_mode());
        assert!(
            postgres.validate().is_ok(),
            "migrating needs no token issuers"
        );
        let err = postgres.check_can_serve().unwrap_err().to_string();
        assert!(err.contains("auth.issuers"), "{err}");
        let forced = Settings {
            demo: Some(true),
            ..postgres
        };
        assert!(forced.validate().unwrap_err().to_string().contains("demo"));
    }

    #[allow(clippy::result_large_err)] // figment::Jail fixes the error type
    #[test]
    fn an_object_store_for_documents_is_read_from_the_file_and_checked() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "s3.toml",
                "[documents.object_store]\nbucket = \"case-files\"\nendpoint = \"https://s3.example\"\nprefix = \"sanctuary/\"",
            )?;
            jail.set_env(
                "SANCTUARY_DOCUMENTS__OBJECT_STORE__SECRET_ACCESS_KEY",
                "hunter2",
            );
            let s = Settings::load(Some(Path::new("s3.toml"))).map_err(|e| e.0)?;
            let objects = s.documents.object_store.clone().expect("configured");
            assert_eq!(objects.bucket, "case-files");
            assert_eq!(objects.region, "eu-west-2");
            // A secret without its key id is refused when the store is opened (at start).
            let err = objects.open().unwrap_err().to_string();
            assert!(
                err.contains("AccessKeyId") && !err.contains("hunter2"),
                "{err}"
            );
            jail.set_env(
                "SANCTUARY_DOCUMENTS__OBJECT_STORE__ACCESS_KEY_ID",
                "AKIA0TEST",
            );
            let s = Settings::load(Some(Path::new("s3.toml"))).map_err(|e| e.0)?;
            let objects = s.documents.object_store.clone().expect("configured");
            assert!(objects.open().is_ok());
            assert!(!format!("{s:?}").contains("hunter2"));
            assert!(!serde_json::to_string(&s).unwrap().contains("hunter2"));
            jail.create_file(
                "bad.toml",
                "[documents.object_store]\nbucket = \"case-files\"\nprefix = \"no-slash\"",
            )?;
            let err = Settings::load(Some(Path::new("bad.toml"))).unwrap_err().0;
            assert!(err.contains("documents.object_store.prefix"), "{err}");
            jail.create_file("empty.toml", "[documents.object_store]\nbucket = \" \"")?;
            let err = Settings::load(Some(Path::new("empty.toml"))).unwrap_err().0;
            assert!(err.contains("documents.object_store.bucket"), "{err}");
            Ok(())
        });
    }

    fn with_issuer(mut s: Settings) -> Settings {
        s.auth.issuers.push(IssuerSettings {
            issuer: "https://idp.example".into(),
            jwks_file: Some(PathBuf::from("jwks.json")),
            keys: Vec::new(),
            organisations: None,
            allow_missing_jti: false,
        });
        s
    }

    #[test]
    fn token_issuers_mean_no_demo_and_asking_for_demo_beside_them_is_refused() {
        let production = with_issuer(Settings::default());
        assert!(production.uses_embedded_database());
        assert!(!production.demo_mode(), "issuers on the embedded database");
        assert!(production.validate().is_ok());
        let forced = Settings {
            demo: Some(true),
            ..production
        };
        let err = forced.validate().unwrap_err().to_string();
        assert!(
            err.contains("demo") && err.contains("auth.issuers"),
            "{err}"
        );
    }

    #[allow(clippy::result_large_err)] // figment::Jail fixes the error type
    #[test]
    fn a_config_file_means_no_demo_unless_asked_for() {
        figment::Jail::expect_with(|jail| {
            assert!(Settings::load(None).map_err(|e| e.0)?.demo_mode());
            jail.create_file("plain.toml", "workers = 2")?;
            let s = Settings::load(Some(Path::new("plain.toml"))).map_err(|e| e.0)?;
            assert!(!s.demo_mode(), "a config file");
            let err = s.check_can_serve().unwrap_err().to_string();
            assert!(err.contains("SANCTUARY_DEMO=true"), "{err}");
            let s = Settings::load_with(Some(Path::new("plain.toml")), true).map_err(|e| e.0)?;
            assert!(s.demo_mode(), "--demo");
            jail.create_file("demo.toml", "demo = true")?;
            let s = Settings::load(Some(Path::new("demo.toml"))).map_err(|e| e.0)?;
            assert!(s.demo_mode(), "demo = true in the file");
            jail.set_env("SANCTUARY_DEMO", "true");
            let s = Settings::load(Some(Path::new("plain.toml"))).map_err(|e| e.0)?;
            assert!(s.demo_mode(), "SANCTUARY_DEMO=true");
            jail.set_env("SANCTUARY_DEMO", "false");
            assert!(!Settings::load(None).map_err(|e| e.0)?.demo_mode());
            Ok(())
        });
    }

    #[allow(clippy::result_large_err)] // figment::Jail fixes the error type
    #[test]
    fn a_keyring_in_the_environment_arrives_intact_and_never_prints() {
        figment::Jail::expect_with(|jail| {
            let json = sanctuary_persistence::crypto::Keyring::generate_json("k1")
                .map_err(|e| e.to_string())?;
            jail.set_env("SANCTUARY_ENCRYPTION__KEYS", &json);
            let s = Settings::load(None).map_err(|e| e.0)?;
            let keys = s.encryption.keys.as_ref().expect("the keyring");
            assert_eq!(keys.expose_secret(), json);
            assert!(crate::keys::load(&s).is_ok());
            let shown = format!("{s:?} {}", serde_json::to_string(&s).unwrap());
            assert!(!shown.contains("blind_index_key"), "{shown}");
            Ok(())
        });
    }

    #[allow(clippy::result_large_err)] // figment::Jail fixes the error type
    #[test]
    fn layers_apply_in_order_defaults_file_env_and_database_url() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "sanctuary.toml",
                r#"
                    bind = "127.0.0.1:9000"
                    workers = 3
                    [log]
                    format = "json"
                    [[auth.issuers]]
                    issuer = "https://idp.example"
                    keys = [{ kid = "k1", algorithm = "ES256", public_key_file = "k1.pem" }]
                "#,
            )?;
            jail.set_env("SANCTUARY_WORKERS", "5");
            jail.set_env("SANCTUARY_AUTH__AUDIENCE", "partner-api");
            jail.set_env("DATABASE_URL", "postgres://u:pw@db/one");
            let s = Settings::load(Some(Path::new("sanctuary.toml"))).map_err(|e| e.0)?;
            assert_eq!(s.bind, "127.0.0.1:9000", "from the file");
            assert_eq!(s.workers, Some(5), "env beats the file");
            assert_eq!(s.log.format, LogFormat::Json);
            assert_eq!(s.auth.audience, "partner-api");
            assert_eq!(s.auth.issuers[0].keys[0].kid, "k1");
            assert_eq!(s.max_connections, 10, "a default");
            assert_eq!(s.database_label(), "postgres://db/one");
            assert!(!s.demo_mode());
            jail.set_env("SANCTUARY_DATABASE_URL", "postgres://u:pw@db/two");
            let s = Settings::load(Some(Path::new("sanctuary.toml"))).map_err(|e| e.0)?;
            assert_eq!(
                s.database_label(),
                "postgres://db/two",
                "the prefixed variable wins"
            );
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail fixes the error type
    fn unknown_or_malformed_settings_fail_naming_the_setting() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("typo.toml", "bnid = \"127.0.0.1:1\"")?;
            let err = Settings::load(Some(Path::new("typo.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("bnid"), "{err}");
            jail.set_env("SANCTUARY_MAX_CONNECTIONS", "many");
            let err = Settings::load(None).unwrap_err().to_string();
            assert!(err.to_lowercase().contains("max_connections"), "{err}");
            let err = Settings::load(Some(Path::new("missing.toml")))
                .unwrap_err()
                .to_string();
            assert!(err.contains("missing.toml"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn bad_values_are_named() {
        let s = Settings {
            bind: "localhost".into(),
            ..Settings::default()
        };
        assert!(s.validate().unwrap_err().to_string().contains("bind"));
        let mut s = Settings::default();
        s.auth.leeway_seconds = 60;
        assert!(s.validate().unwrap_err().to_string().contains("leeway"));
        let mut s = Settings::default();
        s.auth.max_token_lifetime_seconds = 0;
        let err = s.validate().unwrap_err().to_string();
        assert!(err.contains("max_token_lifetime_seconds"), "{err}");
    }

    #[allow(clippy::result_large_err)] // figment::Jail fixes the error type
    #[test]
    fn token_rules_come_from_the_file_and_the_environment() {
        figment::Jail::expect_with(|jail| {
            let s = Settings::load(None).map_err(|e| e.0)?;
            assert_eq!(s.auth.max_token_lifetime_seconds, 12 * 60 * 60, "a default");
            jail.create_file(
                "sanctuary.toml",
                r#"
                    [auth]
                    max_token_lifetime_seconds = 3600
                    [[auth.issuers]]
                    issuer = "https://idp.example"
                    jwks_file = "jwks.json"
                    allow_missing_jti = true
                    [[auth.issuers]]
                    issuer = "https://other.example"
                    jwks_file = "other.json"
                "#,
            )?;
            let s = Settings::load(Some(Path::new("sanctuary.toml"))).map_err(|e| e.0)?;
            assert_eq!(s.auth.max_token_lifetime_seconds, 3600);
            assert!(s.auth.issuers[0].allow_missing_jti);
            assert!(!s.auth.issuers[1].allow_missing_jti, "off unless said");
            jail.set_env("SANCTUARY_AUTH__MAX_TOKEN_LIFETIME_SECONDS", "900");
            let s = Settings::load(Some(Path::new("sanctuary.toml"))).map_err(|e| e.0)?;
            assert_eq!(s.auth.max_token_lifetime_seconds, 900);
            Ok(())
        });
    }
}
