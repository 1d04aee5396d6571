//! `sanctuary-bench report`: times the monitoring report (the SQL tallies, then the
//! template and disclosure control) in process; `report-sql` writes the same
//! statements, with their values, as a script for `sqlite3` or `psql`.

use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use sanctuary_domain::report::disclosure::{self, Control};
use sanctuary_domain::report::statutory as statutory_layout;
use sanctuary_domain::report::{build, build_from, year};
use sanctuary_persistence::schemes;
use sanctuary_persistence::schemes::Scheme;
use sanctuary_persistence::{Store, budgets, reports, statutory};
use time::Date;

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

/// The database, the scheme by code, and the year's first day.
async fn open(
    database_url: &str,
    scheme: &str,
    year_start: &str,
) -> anyhow::Result<(Store, Scheme, Date)> {
    let store = crate::connect(database_url).await?;
    let scheme = schemes::find_by_code(store.connection(), scheme)
        .await
        .map_err(|e| anyhow!("{e}"))?
        .context("no such scheme")?;
    let start = Date::parse(
        year_start,
        &time::format_description::well_known::Iso8601::DATE,
    )?;
    Ok((store, scheme, start))
}

pub async fn report(
    database_url: &str,
    scheme: &str,
    year_start: &str,
    iterations: u32,
) -> anyhow::Result<()> {
    let (store, scheme, start) = open(database_url, scheme, year_start).await?;
    let db = store.connection();
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

    // The budget's sums and the annual return over the same year.
    let (mut budget, mut annual) = (Vec::new(), Vec::new());
    let mut charged = 0;
    let mut supported = 0;
    for _ in 0..iterations {
        let began = Instant::now();
        let tallies = budgets::tallies(db, scheme.id, start)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        budget.push(began.elapsed());
        charged = tallies
            .streams
            .values()
            .map(|t| t.committed_total().households + t.spent_total().households)
            .sum();
        let began = Instant::now();
        let counted = statutory::tallies(db, scheme.id, quarters[0].starts(), quarters[3].ends())
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let mut sections = build_from(statutory_layout::SECTIONS, &counted);
        disclosure::apply_to(statutory_layout::SECTIONS, &mut sections, control);
        annual.push(began.elapsed());
        supported = sections[0].rows[0].total.basis_n;
    }
    println!("households charged to the year's budget: {charged}; supported: {supported}");
    summary("budget (SQL)", budget);
    summary(
        "safe-accommodation return (SQL + layout + disclosure control)",
        annual,
    );
    Ok(())
}

/// Writes the report's statements for `scheme` and the year from `year_start` as a
/// script for the database's own shell (`sqlite3` or `psql`), values written inline
/// as the driver stores them.
pub async fn script(database_url: &str, scheme: &str, year_start: &str) -> anyhow::Result<()> {
    use sea_orm::Value;
    let (_, scheme, start) = open(database_url, scheme, year_start).await?;
    let sqlite = database_url.starts_with("sqlite:");
    let rfc3339 = time::format_description::well_known::Rfc3339;
    let literals: Vec<String> = reports::parameters(scheme.id, &year::quarters(start))
        .into_iter()
        .map(|value| match value {
            Value::Uuid(Some(id)) if sqlite => Ok(format!("X'{}'", id.simple())),
            Value::Uuid(Some(id)) => Ok(format!("'{id}'::uuid")),
            Value::TimeDateTimeWithTimeZone(Some(at)) => {
                let text = at.format(&rfc3339)?;
                Ok(if sqlite {
                    format!("'{text}'")
                } else {
                    format!("'{text}'::timestamptz")
                })
            }
            other => Err(anyhow!("unexpected parameter {other:?}")),
        })
        .collect::<anyhow::Result<_>>()?;
    for statement in reports::statements() {
        let mut sql = statement;
        // $6 before $1 so that no placeholder is a prefix of a later one.
        for (i, literal) in literals.iter().enumerate().rev() {
            sql = sql.replace(&format!("${}", i + 1), literal);
        }
        println!("{sql};");
    }
    Ok(())
}
