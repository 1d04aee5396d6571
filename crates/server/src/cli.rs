//! The `sanctuary` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use sanctuary_persistence::organisations;

use crate::checkpoint;
use crate::config::Settings;
use crate::demo::SigningKey;
use crate::seed::SeedOptions;
use crate::setup::{self, SetupFile};
use crate::startup::Application;
use crate::telemetry;

#[derive(Parser)]
#[command(name = "sanctuary", version, about = "The Sanctuary Scheme API")]
struct Cli {
    /// The service's TOML configuration file (also SANCTUARY_CONFIG). Given before the
    /// subcommand: `sanctuary --config svc.toml admin init --config scheme.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Demo mode (also SANCTUARY_DEMO=true): seed the demo scheme on a fresh embedded
    /// database, trust a local signing key and print tokens. Without it, demo mode is on
    /// only when no config file, DATABASE_URL or token issuer is configured; it is
    /// refused with token issuers or PostgreSQL.
    #[arg(long, global = true)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Exit 0 if the local service answers /health/ready (for container health checks).
    Healthcheck,
    /// Administration for going live.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The keys that seal personal data at rest.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Data retention.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Run the background jobs (retention) without the HTTP server, until SIGTERM: for
    /// deployments that serve with `worker.enabled = false`.
    Worker,
    /// Fill a scheme with realistic synthetic cases (demo data, benchmarks), each
    /// taken through the workflow's rules at past dates.
    SeedDemo {
        /// The scheme's code.
        #[arg(long, default_value = crate::demo::DEMO_SCHEME)]
        scheme: String,
        /// How many cases.
        #[arg(long, default_value_t = SeedOptions::default().cases)]
        cases: u64,
        /// Referrals are spread over this many years up to now (1 to 10).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=10))]
        years: u32,
        /// The random seed: the same seed gives the same data.
        #[arg(long, default_value_t = crate::seed::DEFAULT_SEED)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Print a new keyring (JSON, secret) with one data key and a blind-index key.
    Generate {
        /// The id of its data key.
        #[arg(long, default_value = "k1")]
        key_id: String,
    },
    /// Re-seal every encrypted value under the keyring's current key (resumable); then
    /// the old keys seal nothing (keep their ids while audit records linked under them
    /// must verify).
    Rotate,
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Anonymise every case that ended more than its scheme's retention_years ago
    /// (legal holds excepted), each with an audit record.
    Run,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the whole chain (every keyed link, with the keyring); name the first broken
    /// record (exit 1 if any).
    Verify {
        /// Also check the chain against these signed checkpoints (one JSON line each, as
        /// `audit checkpoint` writes them): every signature, the link at each one's
        /// record, and that no record after the latest was removed.
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<PathBuf>,
    },
    /// Verify the chain, then sign its head (record number, link, time) with the
    /// checkpoint key (audit.checkpoint_key_file) and print it as one line of JSON, for
    /// an append-only place outside the database (a WORM bucket, the SIEM, a printout).
    Checkpoint {
        /// Append the line to this file instead of printing it; its earlier checkpoints
        /// are checked first.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print the checkpoint key's public half (PEM), for verifiers without the key.
    PublicKey,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create or update schemes, organisations and memberships from a set-up file
    /// (idempotent; prints what it changed).
    Init {
        /// The set-up file (TOML), e.g. deploy/darlington.toml.
        #[arg(long = "config", value_name = "FILE")]
        file: PathBuf,
    },
    /// Mint a token with the local signing key (demo mode only).
    Token {
        /// The organisation's id or exact name.
        #[arg(long)]
        org: String,
        /// The role the token acts as.
        #[arg(long)]
        role: String,
        /// Lifetime in hours (1 to 12).
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(i64).range(1..=12))]
        hours: i64,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Keys(KeysCommand::Generate { key_id }) = &command {
        return match sanctuary_persistence::crypto::Keyring::generate_json(key_id) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        };
    }
    if let Command::Openapi = command {
        return match serde_json::to_string_pretty(&sanctuary_http::openapi()) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        };
    }
    let settings = match Settings::load_with(cli.config.as_deref(), cli.demo) {
        Ok(settings) => settings,
        Err(e) => return fail(&e),
    };
    if let Command::Healthcheck = command {
        return match healthcheck(&settings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        };
    }
    if let Err(e) = telemetry::init(&settings.log.level, settings.log.format) {
        return fail(&e);
    }
    telemetry::install_panic_hook();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return fail(&e),
    };
    let result = runtime.block_on(async {
        match command {
            Command::Migrate => migrate(&settings).await,
            Command::Admin(AdminCommand::Init { file }) => admin_init(&settings, &file).await,
            Command::Audit(AuditCommand::Verify { checkpoints }) => {
                audit_verify(&settings, checkpoints.as_deref()).await
            }
            Command::Audit(AuditCommand::Checkpoint { out }) => {
                audit_checkpoint(&settings, out.as_deref()).await
            }
            Command::Audit(AuditCommand::PublicKey) => audit_public_key(&settings),
            Command::Keys(_) => keys_rotate(&settings).await,
            Command::Retention(RetentionCommand::Run) => retention_run(&settings).await,
            Command::Worker => worker(&settings).await,
            Command::SeedDemo {
                scheme,
                cases,
                years,
                seed,
            } => {
                let options = SeedOptions {
                    scheme,
                    cases,
                    years,
                    seed,
                };
                seed_demo(&settings, &options).await
            }
            Command::Admin(AdminCommand::Token { org, role, hours }) => {
                admin_token(&settings, &org, &role, hours).await
            }
            _ => serve(&settings).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("{e:#}")),
    }
}

/// A plain HTTP/1.1 GET of /health/ready on the configured port (no client library, and
/// no curl needed in the container image).
fn healthcheck(settings: &Settings) -> Result<(), String> {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream};
    use std::time::Duration;
    let bind: SocketAddr = settings.bind.parse().map_err(|e| format!("bind: {e}"))?;
    let target = SocketAddr::from(([127, 0, 0, 1], bind.port()));
    let mut stream =
        TcpStream::connect_timeout(&target, Duration::from_secs(2)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|e| e.to_string())?;
    let status = response.lines().next().unwrap_or_default();
    if status.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        Err(format!("not ready: {status}"))
    }
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("sanctuary: {error}");
    ExitCode::FAILURE
}

/// Connects to the configured database and brings its schema up to date.
async fn open_store(
    settings: &Settings,
) -> anyhow::Result<(sanctuary_persistence::Store, Vec<String>)> {
    use anyhow::Context;
    crate::startup::prepare_embedded_database(settings)?;
    let store =
        sanctuary_persistence::Store::connect(&settings.database_url(), &Default::default())
            .await
            .with_context(|| format!("cannot open the database {}", settings.database_label()))?;
    let pending = store.pending_migrations().await?;
    store.migrate().await?;
    Ok((store, pending))
}

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let (_, applied) = open_store(settings).await?;
    println!(
        "{} migration(s) applied to {}",
        applied.len(),
        settings.database_label()
    );
    for name in applied {
        println!("  {name}");
    }
    Ok(())
}

async fn admin_init(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    use anyhow::Context;
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let setup = SetupFile::parse(&text).with_context(|| file.display().to_string())?;
    let app = sanctuary_app::App::new(open_keyed_store(settings).await?);
    let by = sanctuary_app::admin::system("sanctuary admin init");
    let changes = setup::apply(&app, &setup, &by)
        .await
        .with_context(|| format!("{} was not applied", file.display()))?;
    if changes.is_empty() {
        println!("no changes: {} is already in force", file.display());
    } else {
        println!("{} change(s) from {}:", changes.len(), file.display());
        for change in changes {
            println!("  {change}");
        }
    }
    Ok(())
}

async fn keys_rotate(settings: &Settings) -> anyhow::Result<()> {
    use sanctuary_persistence::rekey;
    let keyring = crate::keys::load(settings)?;
    let (store, _) = open_store(settings).await?;
    println!("re-sealing under key `{}`", keyring.current_key_id());
    let count = rekey::rotate(&store, &keyring, |p| {
        println!("  {}: {}/{}", p.column, p.done, p.total);
    })
    .await?;
    println!(
        "{count} value(s) re-sealed; keys other than the current one seal nothing now (keep \
         their ids in the keyring while audit records linked under them must verify)"
    );
    Ok(())
}

async fn retention_run(settings: &Settings) -> anyhow::Result<()> {
    let store = open_keyed_store(settings).await?;
    let now = time::OffsetDateTime::now_utc();
    let report = sanctuary_app::retention::run(&store, now).await?;
    println!(
        "{} case(s) anonymised; {} past retention kept by a legal hold",
        report.anonymised.len(),
        report.held
    );
    Ok(())
}

async fn worker(settings: &Settings) -> anyhow::Result<()> {
    let store = open_keyed_store(settings).await?;
    let worker = crate::worker::Worker::start(store, &settings.worker, settings.delivery());
    tracing::info!("worker started");
    wait_for_signal().await;
    tracing::info!("shutting down: finishing the job in hand");
    worker.stop().await;
    tracing::info!("stopped");
    Ok(())
}

async fn seed_demo(settings: &Settings, options: &SeedOptions) -> anyhow::Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    let keyring = crate::keys::load(settings)?;
    let (store, _) = open_store(settings).await?;
    let store = store.with_keys(keyring);
    // A fresh embedded database gets the demo scheme when demo mode first serves; seed
    // it here too (on a fresh database only, as there), so `seed-demo` works before
    // the service ever ran.
    if settings.demo_mode() && options.scheme == crate::demo::DEMO_SCHEME {
        crate::demo::seed_if_fresh(&store)
            .await
            .map_err(|e| anyhow::anyhow!("cannot seed the demo scheme: {e}"))?;
    }
    // On stderr, and hidden when that is not a terminal.
    let bar = ProgressBar::new(options.cases);
    bar.set_style(ProgressStyle::with_template(
        "{bar:40} {pos}/{len} cases, {per_sec}, {eta} left",
    )?);
    let started = std::time::Instant::now();
    let now = time::OffsetDateTime::now_utc();
    let report = crate::seed::seed_demo(&store, options, now, |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    let report = report?;
    println!(
        "{} case(s) seeded into `{}` (seed {}) in {:.1} s: {} workflow action(s), works costing £{}",
        report.cases,
        options.scheme,
        options.seed,
        started.elapsed().as_secs_f64(),
        report.actions,
        report.works_cost_pence / 100,
    );
    for (status, count) in &report.by_status {
        println!("  {status}: {count}");
    }
    Ok(())
}

/// The store with the keyring: audit records are linked, and verified, with its keys.
async fn open_keyed_store(settings: &Settings) -> anyhow::Result<sanctuary_persistence::Store> {
    let keyring = crate::keys::load(settings)?;
    let (store, _) = open_store(settings).await?;
    settings.with_document_store(store.with_keys(keyring))
}

async fn audit_verify(
    settings: &Settings,
    checkpoints: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    use sanctuary_persistence::audit::{self, Verdict};
    let marks = match checkpoints {
        Some(path) => {
            let verifier = checkpoint::load_verifier(settings)?;
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            checkpoint::parse(&text, &verifier).with_context(|| path.display().to_string())?
        }
        None => Vec::new(),
    };
    let store = open_keyed_store(settings).await?;
    match checkpoint::verify(&store, &marks).await? {
        Verdict::Intact { records } => {
            println!("audit trail intact: {records} record(s), every link verified");
            let unkeyed = audit::unkeyed_records(store.connection()).await?;
            if unkeyed > 0 {
                println!(
                    "  the first {unkeyed} were written before keyed links: they are hash-linked \
                     only, and pinned only by a checkpoint taken since"
                );
            }
            match marks.iter().max_by_key(|c| c.seq) {
                Some(latest) => println!(
                    "  {} checkpoint(s) hold; the latest, of {}, covers {} record(s)",
                    marks.len(),
                    latest.at,
                    latest.seq
                ),
                None => println!("  without --checkpoints, records cut off the end would not show"),
            }
            Ok(())
        }
        Verdict::Broken { seq, reason } => {
            anyhow::bail!("audit trail broken at record {seq}: {reason}")
        }
    }
}

async fn audit_checkpoint(
    settings: &Settings,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let signer = checkpoint::Signer::load_or_create(&checkpoint::key_path(settings))
        .map_err(anyhow::Error::msg)?;
    let earlier = match out.filter(|p| p.exists()) {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            checkpoint::parse(&text, &signer.verifier())
                .with_context(|| path.display().to_string())?
        }
        None => Vec::new(),
    };
    let store = open_keyed_store(settings).await?;
    let taken = checkpoint::take(&store, &signer, &earlier).await?;
    match out {
        Some(path) => {
            checkpoint::append(path, &taken)?;
            println!(
                "checkpoint of record {} appended to {}",
                taken.seq,
                path.display()
            );
        }
        None => println!("{}", serde_json::to_string(&taken)?),
    }
    Ok(())
}

fn audit_public_key(settings: &Settings) -> anyhow::Result<()> {
    let signer =
        checkpoint::Signer::load(&checkpoint::key_path(settings)).map_err(anyhow::Error::msg)?;
    print!("{}", signer.public_key_pem().map_err(anyhow::Error::msg)?);
    Ok(())
}

/// Tokens are minted only with the embedded deployment's local key: production tokens
/// come from the council's identity provider.
async fn admin_token(settings: &Settings, org: &str, role: &str, hours: i64) -> anyhow::Result<()> {
    use anyhow::{Context, bail};
    use sanctuary_domain::organisation::Role;
    if !settings.demo_mode() {
        bail!(
            "refusing to mint a token: no local signing key is configured (tokens come from \
             your identity provider; `admin token` works only in embedded demo mode)"
        );
    }
    let role: Role = role
        .parse()
        .map_err(|_| anyhow::anyhow!("unknown role `{role}`"))?;
    let max = settings.auth.max_token_lifetime_seconds;
    if u64::try_from(hours)
        .unwrap_or(u64::MAX)
        .saturating_mul(3600)
        > max
    {
        bail!(
            "--hours {hours}: longer than auth.max_token_lifetime_seconds ({max} s), so the \
             service would refuse the token"
        );
    }
    let (store, _) = open_store(settings).await?;
    let db = store.connection();
    let found = match uuid::Uuid::parse_str(org) {
        Ok(id) => organisations::find(db, id).await?,
        Err(_) => organisations::find_by_name(db, org).await?,
    };
    let organisation = found.with_context(|| format!("no organisation `{org}`"))?;
    let key = SigningKey::load_or_create(&settings.data_dir).map_err(anyhow::Error::msg)?;
    let token = key
        .mint(
            &settings.auth.demo_issuer,
            &settings.auth.audience,
            organisation.id,
            role,
            time::Duration::hours(hours),
        )
        .map_err(anyhow::Error::msg)?;
    println!("{token}");
    Ok(())
}

async fn serve(settings: &Settings) -> anyhow::Result<()> {
    let app = Application::build(settings, None).await?;
    print_banner(settings, &app);
    let handle = app.handle();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        handle.stop(true).await;
    });
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

fn print_banner(settings: &Settings, app: &Application) {
    let host = settings
        .bind
        .rsplit_once(':')
        .map_or("127.0.0.1", |(h, _)| h);
    let base = format!("http://{host}:{}", app.port());
    println!(
        "Sanctuary Scheme API on {base} (database {})",
        settings.database_label()
    );
    println!("Swagger UI: {base}/swagger-ui/");
    if !app.demo_tokens.is_empty() {
        println!();
        let minutes = crate::startup::demo_token_lifetime(settings).whole_minutes();
        let valid = if minutes % 60 == 0 {
            format!("{} hours", minutes / 60)
        } else {
            format!("{minutes} minutes")
        };
        println!("Demo mode: the demo scheme `darlington` is seeded. Tokens (valid {valid}) —");
        println!("click Authorize in Swagger UI and paste one:");
        for t in &app.demo_tokens {
            println!();
            println!("  {} ({})", t.role, t.organisation);
            println!("  {}", t.token);
        }
        println!();
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
