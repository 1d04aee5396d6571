//! Assembling the service from its settings.

use std::net::TcpListener;
use std::str::FromStr;

use actix_web::dev::{Server, ServerHandle};
use anyhow::{Context, anyhow};
use jsonwebtoken::Algorithm;
use sanctuary_app::App;
use sanctuary_domain::organisation::Role;
use sanctuary_http::auth::{TokenRules, TrustedKey, Verifier, key_from_pem, keys_from_jwks};
use sanctuary_http::rate_limit::{AddressLimiter, RateLimit, RateLimiter};
use sanctuary_http::state::AppState;
use sanctuary_http::{ExtraRoutes, ServerSettings};
use sanctuary_persistence::{Store, StoreOptions};

use crate::config::Settings;
use crate::demo::{self, SigningKey, TOKEN_LIFETIME};
use crate::files::{create_private_dir, create_private_file, restrict_to_owner};
use crate::metrics::MetricsServer;
use crate::worker::Worker;

/// A demo token, for the start-up banner.
pub struct DemoToken {
    pub role: Role,
    pub organisation: String,
    pub token: String,
}

/// The running service: database migrated, server bound (not yet awaited).
pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    /// The background jobs, when this process runs them (`worker.enabled`).
    worker: Option<Worker>,
    metrics: Option<MetricsServer>,
    pub demo_tokens: Vec<DemoToken>,
}

impl Application {
    /// Connects and migrates the database, loads the trusted keys (and in demo mode the
    /// demo key, scheme and tokens), and binds the listener.
    pub async fn build(settings: &Settings, extra: Option<ExtraRoutes>) -> anyhow::Result<Self> {
        settings.check_can_serve()?;
        prepare_embedded_database(settings)?;
        let options = StoreOptions {
            max_connections: settings.max_connections,
            ..StoreOptions::default()
        };
        let keyring = crate::keys::load(settings)?;
        let store = Store::connect(&settings.database_url(), &options)
            .await
            .with_context(|| format!("cannot open the database {}", settings.database_label()))?
            .with_keys(keyring);
        let store = settings.with_document_store(store)?;
        store
            .migrate()
            .await
            .context("cannot migrate the database")?;
        sanctuary_persistence::intake::seal_legacy_external_references(&store)
            .await
            .context("cannot seal the external references kept in the clear")?;

        let mut keys = trusted_keys(settings)?;
        let mut demo_tokens = Vec::new();
        if settings.demo_mode() {
            let key = SigningKey::load_or_create(&settings.data_dir).map_err(|e| anyhow!(e))?;
            keys.push(key.trusted_key(&settings.auth.demo_issuer));
            if demo::seed_if_fresh(&store)
                .await
                .map_err(|e| anyhow!("cannot seed the demo scheme: {e}"))?
            {
                tracing::info!("demo mode: seeded the demo scheme on a fresh database");
            }
            for (organisation, role) in demo::token_holders(&store)
                .await
                .map_err(|e| anyhow!("cannot list the demo organisations: {e}"))?
            {
                let token = key
                    .mint(
                        &settings.auth.demo_issuer,
                        &settings.auth.audience,
                        organisation.id,
                        role,
                        demo_token_lifetime(settings),
                    )
                    .map_err(|e| anyhow!(e))?;
                demo_tokens.push(DemoToken {
                    role,
                    organisation: organisation.name,
                    token,
                });
            }
        }
        let verifier = Verifier::new(keys, &settings.auth.audience, settings.auth.leeway_seconds)
            .map_err(|e| anyhow!(e))?
            .with_rules(TokenRules {
                max_lifetime_seconds: settings.auth.max_token_lifetime_seconds,
                issuers_without_jti: settings
                    .auth
                    .issuers
                    .iter()
                    .filter(|issuer| issuer.allow_missing_jti)
                    .map(|issuer| issuer.issuer.clone())
                    .collect(),
            });

        let listener = TcpListener::bind(&settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let server_settings = ServerSettings {
            workers: settings
                .workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)),
            shutdown_timeout_secs: settings.shutdown_timeout_seconds,
            cors: sanctuary_http::cors::CorsPolicy {
                allowed_origins: settings.cors.allowed_origins.clone(),
                max_age_seconds: settings.cors.max_age_seconds.unwrap_or(600),
            },
        };
        let state = AppState {
            app: App::new(store.clone())
                .allowing_loopback_webhooks(settings.webhook_loopback_allowed())
                .with_email(settings.webhooks.smtp_url.is_some())
                .with_document_limit(settings.documents.max_bytes),
            store: store.clone(),
            verifier,
            limiter: RateLimiter::new(
                Some(RateLimit {
                    per_minute: settings.rate_limit.per_minute,
                    burst: settings.rate_limit.burst,
                }),
                "organisation",
            ),
            address_limiter: AddressLimiter::new(
                Some(RateLimit {
                    per_minute: settings.rate_limit.per_address_per_minute,
                    burst: settings.rate_limit.per_address_burst,
                }),
                settings.rate_limit.client_address_header.as_deref(),
            )
            .map_err(|e| anyhow!("rate_limit.client_address_header: {e}"))?,
        };
        let server = sanctuary_http::server(state, listener, &server_settings, extra)
            .map_err(|e| anyhow!(e))?;
        let metrics = match &settings.metrics.bind {
            Some(bind) => Some(MetricsServer::start(
                bind,
                store.clone(),
                settings.metrics.bearer_token.clone(),
            )?),
            None => None,
        };
        let worker = settings
            .worker
            .enabled
            .then(|| Worker::start(store.clone(), &settings.worker, settings.delivery()));
        Ok(Self {
            port,
            server,
            store,
            worker,
            metrics,
            demo_tokens,
        })
    }

    /// The port `/metrics` is served on, if it is.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|m| m.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server: gracefully (`stop(true)`) lets in-flight requests finish.
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until stopped through the handle; then stops the background jobs.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(worker) = self.worker {
            worker.stop().await;
        }
        if let Some(metrics) = self.metrics {
            metrics.stop().await;
        }
        served
    }
}

/// Demo tokens last 12 hours, or less if the configured maximum lifetime is shorter.
pub fn demo_token_lifetime(settings: &Settings) -> time::Duration {
    let max = i64::try_from(settings.auth.max_token_lifetime_seconds).unwrap_or(i64::MAX);
    TOKEN_LIFETIME.min(time::Duration::seconds(max))
}

/// For the embedded database: its directory (0700 when created here) and its file
/// (0600, so SQLite gives its `-wal` and `-shm` files that mode too). Files an earlier
/// version left readable by others are made the owner's only.
pub(crate) fn prepare_embedded_database(settings: &Settings) -> anyhow::Result<()> {
    if settings.uses_embedded_database() {
        let dir = &settings.data_dir;
        create_private_dir(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let file = settings.embedded_database_file();
        create_private_file(&file)
            .with_context(|| format!("cannot create the database file {}", file.display()))?;
        let mut wal = file.clone().into_os_string();
        wal.push("-wal");
        let mut shm = file.clone().into_os_string();
        shm.push("-shm");
        for path in [file, wal.into(), shm.into()] {
            if let Err(e) = restrict_to_owner(&path) {
                tracing::warn!(path = %path.display(), error = %e, "cannot make the file private");
            }
        }
    }
    Ok(())
}

fn trusted_keys(settings: &Settings) -> anyhow::Result<Vec<TrustedKey>> {
    let mut keys = Vec::new();
    for issuer in &settings.auth.issuers {
        if let Some(path) = &issuer.jwks_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read JWKS file {}", path.display()))?;
            keys.extend(
                keys_from_jwks(&issuer.issuer, &text, issuer.organisations.clone())
                    .map_err(|e| anyhow!("{}: {e}", path.display()))?,
            );
        }
        for key in &issuer.keys {
            let algorithm = Algorithm::from_str(&key.algorithm).map_err(|_| {
                anyhow!(
                    "auth key `{}`: unknown algorithm `{}`",
                    key.kid,
                    key.algorithm
                )
            })?;
            let pem = match (&key.public_key_file, &key.public_key_pem) {
                (Some(path), _) => std::fs::read(path)
                    .with_context(|| format!("cannot read key file {}", path.display()))?,
                (None, Some(pem)) => pem.as_bytes().to_vec(),
                (None, None) => unreachable!("validated: a key has a file or a PEM"),
            };
            keys.push(
                key_from_pem(
                    &key.kid,
                    &issuer.issuer,
                    algorithm,
                    &pem,
                    issuer.organisations.clone(),
                )
                .map_err(|e| anyhow!(e))?,
            );
        }
    }
    Ok(keys)
}
