//! Logging. Events carry the request span's fields (request id, method) and the access
//! log adds route, status, latency and organisation. Database drivers are held at `warn`
//! whatever the configured level, so no statement (or value) reaches the log.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Registry};

use crate::config::LogFormat;

/// Directives appended to every filter.
const QUIET: &str = "sqlx=warn,sea_orm=warn,h2=warn,hyper=warn";

/// A subscriber writing to `writer` at `level` (a tracing filter).
pub fn subscriber<W>(
    level: &str,
    format: LogFormat,
    writer: W,
) -> Result<Box<dyn Subscriber + Send + Sync>, String>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter =
        EnvFilter::try_new(format!("{level},{QUIET}")).map_err(|e| format!("log.level: {e}"))?;
    let registry = Registry::default().with(filter);
    Ok(match format {
        LogFormat::Text => Box::new(
            registry.with(
                tracing_subscriber::fmt::layer()
                    .with_writer(writer)
                    .with_ansi(false),
            ),
        ),
        LogFormat::Json => Box::new(
            registry.with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(writer),
            ),
        ),
    })
}

/// Installs the subscriber for the process.
pub fn init(level: &str, format: LogFormat) -> Result<(), String> {
    let subscriber = subscriber(level, format, std::io::stdout)?;
    tracing::subscriber::set_global_default(subscriber).map_err(|e| e.to_string())
}

/// Panics are logged by location only: a panic message can quote the data being handled.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, "panic");
    }));
}
