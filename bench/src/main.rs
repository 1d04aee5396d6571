//! `sanctuary-bench report`: times the monitoring report (the SQL tallies, then the
//! template and disclosure control) against an already filled database, in process.
//! `bench/report.sh` fills databases with `sanctuary seed-demo` and runs this.

use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use clap::{Parser, Subcommand};
use sanctuary_domain::report::disclosure::{self, Control};
use sanctuary_domain::report::{build, year};
use sanctuary_persistence::schemes;
use sanctuary_persistence::{Store, StoreOptions, reports};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use time::Date;

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
    /// Copy every case (and its works items) `times` more times with fresh ids, for
    /// report timings at sizes the generator takes too long to reach. The copies keep
    /// the generated distribution; only the plain category columns the report reads
    /// matter here (their sealed personal data is copied as is and never opened).
    Replicate {
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        times: u32,
    },
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "{label}: median {:.1} ms, p95 {:.1} ms, min {:.1} ms ({} runs)",
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times.len()
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Report {
            database_url,
            scheme,
            year_start,
            iterations,
        } => report(&database_url, &scheme, &year_start, iterations).await,
        Command::Replicate {
            database_url,
            times,
        } => replicate(&database_url, times).await,
    }
}

async fn columns(db: &impl ConnectionTrait, table: &str) -> anyhow::Result<Vec<String>> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
        _ => format!(
            "SELECT column_name AS name FROM information_schema.columns \
             WHERE table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.try_get::<String>("", "name"))
        .collect::<Result<_, _>>()?)
}

async fn replicate(database_url: &str, times: u32) -> anyhow::Result<()> {
    let store = Store::connect(database_url, &StoreOptions::default())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let tx = store.connection().begin().await?;
    let backend = tx.get_database_backend();
    let (new_id, copies) = match backend {
        DbBackend::Sqlite => (
            "randomblob(16)",
            format!(
                "WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < {times}) \
                 SELECT k FROM s"
            ),
        ),
        _ => (
            "gen_random_uuid()",
            format!("SELECT generate_series(1, {times}) AS k"),
        ),
    };
    let run = |sql: String| Statement::from_string(backend, sql);
    tx.execute_raw(run(format!(
        "CREATE TEMP TABLE copies AS SELECT c.id AS old_id, {new_id} AS new_id, s.k AS k \
         FROM cases c CROSS JOIN ({copies}) s"
    )))
    .await?;
    let case_columns = columns(&tx, "cases").await?;
    let case_exprs: Vec<String> = case_columns
        .iter()
        .map(|c| match c.as_str() {
            "id" => "r.new_id".to_owned(),
            "reference" | "external_reference" => format!("c.{c} || '-R' || r.k"),
            _ => format!("c.{c}"),
        })
        .collect();
    let began = Instant::now();
    let cases = tx
        .execute_raw(run(format!(
            "INSERT INTO cases ({}) SELECT {} FROM cases c \
             JOIN copies r ON r.old_id = c.id",
            case_columns.join(", "),
            case_exprs.join(", ")
        )))
        .await?
        .rows_affected();
    let item_columns = columns(&tx, "works_items").await?;
    let item_exprs: Vec<String> = item_columns
        .iter()
        .map(|c| match c.as_str() {
            "id" => new_id.to_owned(),
            "case_id" => "r.new_id".to_owned(),
            _ => format!("w.{c}"),
        })
        .collect();
    let items = tx
        .execute_raw(run(format!(
            "INSERT INTO works_items ({}) SELECT {} FROM works_items w \
             JOIN copies r ON r.old_id = w.case_id",
            item_columns.join(", "),
            item_exprs.join(", ")
        )))
        .await?
        .rows_affected();
    tx.commit().await?;
    if backend == DbBackend::Postgres {
        store
            .connection()
            .execute_raw(run("ANALYZE".to_owned()))
            .await?;
    }
    println!(
        "copied {cases} cases and {items} works items in {:.1} s",
        began.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn report(
    database_url: &str,
    scheme: &str,
    year_start: &str,
    iterations: u32,
) -> anyhow::Result<()> {
    let store = Store::connect(database_url, &StoreOptions::default())
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let db = store.connection();
    let scheme = schemes::find_by_code(db, scheme)
        .await
        .map_err(|e| anyhow!("{e}"))?
        .context("no such scheme")?;
    let start = Date::parse(
        year_start,
        &time::format_description::well_known::Iso8601::DATE,
    )?;
    let quarters = year::quarters(start);
    let control = Control {
        threshold: scheme.settings.disclosure_threshold,
        rounding: scheme.settings.disclosure_rounding,
    };
    let (mut sql, mut whole) = (Vec::new(), Vec::new());
    let mut received = 0;
    for _ in 0..iterations {
        let began = Instant::now();
        let tallies = reports::tallies(db, scheme.id, &quarters)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        sql.push(began.elapsed());
        let mut sections = build(&tallies);
        disclosure::apply(&mut sections, control);
        whole.push(began.elapsed());
        received = sections[0].rows[0].total.basis_n;
    }
    println!("referrals received in the year: {received}");
    summary("tallies (SQL)", sql);
    summary("report (SQL + template + disclosure control)", whole);
    Ok(())
}
