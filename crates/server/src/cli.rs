//! The `sanctuary` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::startup::Application;
use crate::telemetry;

#[derive(Parser)]
#[command(name = "sanctuary", version, about = "The Sanctuary Scheme API")]
struct Cli {
    /// A TOML configuration file (also SANCTUARY_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
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
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi = command {
        return match serde_json::to_string_pretty(&sanctuary_http::openapi()) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(&e),
        };
    }
    let settings = match Settings::load(cli.config.as_deref()) {
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

async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    use anyhow::Context;
    let store =
        sanctuary_persistence::Store::connect(&settings.database_url(), &Default::default())
            .await
            .with_context(|| format!("cannot open the database {}", settings.database_label()))?;
    let pending = store.pending_migrations().await?;
    store.migrate().await?;
    println!(
        "{} migration(s) applied to {}",
        pending.len(),
        settings.database_label()
    );
    for name in pending {
        println!("  {name}");
    }
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
        println!("Demo mode: the demo scheme `darlington` is seeded. Tokens (valid 12 hours) —");
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
