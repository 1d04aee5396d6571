//! The benchmark harness's tools (`bench/run.sh` drives them): time the monitoring
//! report, write its SQL for the database shell, replicate generated cases, and send
//! HTTP load.

mod hooks;
mod load;
mod replicate;
mod report;
mod token;

use clap::{Parser, Subcommand};

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Time the monitoring report.
    Report {
        /// `sqlite://…` or `postgres://…`.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value = "darlington")]
        scheme: String,
        /// The first day of the reporting year (YYYY-MM-DD).
        #[arg(long)]
        year_start: String,
        #[arg(long, default_value_t = 20)]
        iterations: u32,
    },
    /// Copy every case (with its works items and SLA clocks) `times` more times under
    /// fresh ids, for timings at sizes the generator takes too long to reach (see
    /// replicate.rs: the copies' sealed data cannot be opened).
    Replicate {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        times: u32,
    },
    /// Print the report's SQL, values inline, for `sqlite3` or `psql`.
    ReportSql {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value = "darlington")]
        scheme: String,
        #[arg(long)]
        year_start: String,
    },
    /// Print the key id of the signing key in `key_dir`.
    Kid {
        #[arg(long)]
        key_dir: std::path::PathBuf,
    },
    /// Print a token for an organisation (by name) in a role.
    Token {
        #[arg(long)]
        key_dir: std::path::PathBuf,
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value = "bench")]
        issuer: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        role: String,
    },
    /// Referral throughput with three webhook endpoints ÷ without, and event-to-receiver
    /// latency at a fixed rate (see hooks.rs).
    Webhooks {
        /// The API's base URL.
        #[arg(long)]
        api: String,
        #[arg(long)]
        referrer_token: String,
        #[arg(long)]
        coordinator_token: String,
        /// The referral to post.
        #[arg(long)]
        body_file: std::path::PathBuf,
        /// Referrals per throughput run.
        #[arg(long, default_value_t = 1000)]
        requests: u64,
        /// Events per second for the latency run.
        #[arg(long, default_value_t = 50.0)]
        rate: f64,
        /// Events timed.
        #[arg(long, default_value_t = 500)]
        events: u64,
    },
    /// Send exactly `requests` requests and print throughput and latency as JSON.
    Load {
        #[arg(long)]
        url: String,
        #[arg(long, env = "BENCH_TOKEN")]
        token: Option<String>,
        /// POST this JSON file (GET without it).
        #[arg(long)]
        body_file: Option<std::path::PathBuf>,
        /// A JSON pointer in the body given a fresh value per request (also sent as
        /// the Idempotency-Key).
        #[arg(long)]
        unique: Option<String>,
        #[arg(long, default_value_t = 10_000)]
        requests: u64,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Start requests at this fixed rate (per second) instead of as fast as possible.
        #[arg(long)]
        rate: Option<f64>,
        #[arg(long, default_value = "load")]
        label: String,
    },
}

/// The store at `database_url`, with the service's default pool options.
async fn connect(database_url: &str) -> anyhow::Result<sanctuary_persistence::Store> {
    use sanctuary_persistence::{Store, StoreOptions};
    Store::connect(database_url, &StoreOptions::default())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Report {
            database_url,
            scheme,
            year_start,
            iterations,
        } => report::report(&database_url, &scheme, &year_start, iterations).await,
        Command::ReportSql {
            database_url,
            scheme,
            year_start,
        } => report::script(&database_url, &scheme, &year_start).await,
        Command::Replicate {
            database_url,
            times,
        } => replicate::replicate(&database_url, times).await,
        Command::Kid { key_dir } => token::kid(&key_dir),
        Command::Webhooks {
            api,
            referrer_token,
            coordinator_token,
            body_file,
            requests,
            rate,
            events,
        } => {
            let body = serde_json::from_str(&std::fs::read_to_string(body_file)?)?;
            hooks::run(hooks::Hooks {
                api,
                referrer_token,
                coordinator_token,
                body,
                requests,
                rate,
                events,
            })
            .await
        }
        Command::Token {
            key_dir,
            database_url,
            issuer,
            org,
            role,
        } => token::token(&key_dir, &database_url, &issuer, &org, &role).await,
        Command::Load {
            url,
            token,
            body_file,
            unique,
            requests,
            concurrency,
            rate,
            label,
        } => {
            let body = match body_file {
                Some(path) => Some(serde_json::from_str(&std::fs::read_to_string(path)?)?),
                None => None,
            };
            load::run(load::Load {
                url,
                token,
                body,
                unique,
                requests,
                concurrency,
                rate,
                label,
            })
            .await
        }
    }
}
