//! `/metrics` in the Prometheus text format, on its own address (`metrics.bind`), never
//! on the API's, and optionally behind a bearer token (`metrics.bearer_token`).
//!
//! Requests are counted and timed by route pattern, method and status (the access log
//! middleware records them); deliveries by outcome (the webhook worker); events
//! written, the delivery backlog and lag, the clock scheduler's lag and the database
//! pool are read at each scrape. No label carries a path, a query, an id or anything
//! personal.

use std::net::TcpListener;
use std::sync::OnceLock;

use actix_web::dev::{Server, ServerHandle};
use actix_web::http::header;
use actix_web::web::{self, Data};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};
use anyhow::Context;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sanctuary_persistence::{Backend, Store, outbox};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder (installed on first use: one per process, however many
/// servers a test starts).
fn recorder() -> &'static PrometheusHandle {
    RECORDER.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
            .expect("fixed buckets are valid")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder already installed (none in this binary) just wins.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

struct Scrape {
    store: Store,
    token: Option<SecretString>,
}

/// A running metrics listener.
pub struct MetricsServer {
    pub port: u16,
    handle: ServerHandle,
}

impl MetricsServer {
    /// Starts the listener on `bind`.
    pub fn start(bind: &str, store: Store, token: Option<SecretString>) -> anyhow::Result<Self> {
        recorder();
        let listener =
            TcpListener::bind(bind).with_context(|| format!("metrics: cannot listen on {bind}"))?;
        let port = listener.local_addr()?.port();
        let data = Data::new(Scrape { store, token });
        let server: Server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/metrics", web::get().to(scrape))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(Self { port, handle })
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

async fn scrape(request: HttpRequest, scrape: Data<Scrape>) -> HttpResponse {
    if let Some(token) = &scrape.token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared as digests: the time taken says nothing about the token.
        if Sha256::digest(given.as_bytes()) != Sha256::digest(token.expose_secret().as_bytes()) {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                .finish();
        }
    }
    let store = &scrape.store;
    let now = time::OffsetDateTime::now_utc();
    match outbox::backlog(store.connection(), now).await {
        Ok(b) => {
            metrics::gauge!("sanctuary_events_written").set(b.events_written as f64);
            metrics::gauge!("sanctuary_webhook_deliveries_pending")
                .set(b.pending_deliveries as f64);
            metrics::gauge!("sanctuary_outbox_lag_seconds").set(b.delivery_lag_seconds);
            metrics::gauge!("sanctuary_clock_scheduler_lag_seconds").set(b.clock_lag_seconds);
            metrics::gauge!("sanctuary_database_up").set(1.0);
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: reading the backlog failed");
            metrics::gauge!("sanctuary_database_up").set(0.0);
        }
    }
    let (size, idle) = match store.backend() {
        Backend::Sqlite => {
            let pool = store.connection().get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        Backend::Postgres => {
            let pool = store.connection().get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
    };
    metrics::gauge!("sanctuary_database_connections").set(f64::from(size));
    metrics::gauge!("sanctuary_database_connections_idle").set(idle as f64);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(recorder().render())
}
