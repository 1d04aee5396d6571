//! `sanctuary-bench replicate`: copies every case, with its works items, SLA clocks and
//! records (contacts, visits, follow-up contacts),
//! `times` more times under fresh ids, for timings at sizes the generator takes too
//! long to reach. The copies keep the generated distribution: the report, the case
//! list and the clock queue read only plain columns. The sealed personal data is copied
//! as is and cannot be opened: each value is bound to its original row (the AEAD's
//! associated data), so reading a copy is refused as tampering (500). The GET scenario
//! reads a generated case.

use std::time::Instant;

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

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

pub async fn replicate(database_url: &str, times: u32) -> anyhow::Result<()> {
    let store = crate::connect(database_url).await?;
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
    let before: i64 = tx
        .query_one_raw(run("SELECT COUNT(*) AS n FROM cases".to_owned()))
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
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
            // Unique per copy, copies of copies too: this round's starting size, then k.
            "reference" | "external_reference" | "external_reference_index" => {
                format!("c.{c} || '-{before}-' || r.k")
            }
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
    let mut children = Vec::new();
    // Follow-up contacts and the other records too: the report counts contacts' answers.
    for table in ["works_items", "case_clocks", "case_records"] {
        let columns = columns(&tx, table).await?;
        let exprs: Vec<String> = columns
            .iter()
            .map(|c| match c.as_str() {
                "id" => new_id.to_owned(),
                "case_id" => "r.new_id".to_owned(),
                _ => format!("t.{c}"),
            })
            .collect();
        let copied = tx
            .execute_raw(run(format!(
                "INSERT INTO {table} ({}) SELECT {} FROM {table} t \
                 JOIN copies r ON r.old_id = t.case_id",
                columns.join(", "),
                exprs.join(", ")
            )))
            .await?
            .rows_affected();
        children.push(format!("{copied} {table}"));
    }
    tx.commit().await?;
    if backend == DbBackend::Postgres {
        store
            .connection()
            .execute_raw(run("ANALYZE".to_owned()))
            .await?;
    }
    println!(
        "copied {cases} cases ({}) in {:.1} s",
        children.join(", "),
        began.elapsed().as_secs_f64()
    );
    Ok(())
}
