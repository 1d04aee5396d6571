//! The monitoring report's figures, counted by the database: one GROUP BY query per
//! basis over the scheme's cases in the year (indexed on scheme and basis date), the
//! quarter worked out in SQL. The same SQL runs on SQLite and PostgreSQL.

use sanctuary_domain::report::Tallies;
use sanctuary_domain::report::year::Quarter;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryResult, Set, Statement, Value,
};
use time::{Date, OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::entities::report_note;
use crate::{Store, StoreError};

/// `$1` is the scheme, `$2`..`$6` the quarters' boundaries.
pub(crate) fn quarter_of(column: &str) -> String {
    format!(
        "CAST(CASE WHEN {column} < $3 THEN 0 WHEN {column} < $4 THEN 1 \
         WHEN {column} < $5 THEN 2 ELSE 3 END AS BIGINT)"
    )
}

fn in_year(table: &str, column: &str) -> String {
    format!("{table}scheme_id = $1 AND {table}{column} >= $2 AND {table}{column} < $6")
}

/// Whether the case's completed works fitted at least one measure (an installation);
/// on the works items' case index.
fn installed(case: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM works_items wi WHERE wi.case_id = {case}id \
         AND wi.outcome = 'installed')"
    )
}

/// `yes`, `no` or `unknown` for a nullable flag.
fn yes_no(column: &str) -> String {
    format!("CASE WHEN {column} THEN 'yes' WHEN NOT {column} THEN 'no' ELSE 'unknown' END")
}

fn counted_by(basis: &str) -> String {
    let q = quarter_of(basis);
    let within = in_year("", basis);
    format!(
        "SELECT %DIM%, {q} AS q, COUNT(*) AS n FROM cases WHERE {within} %AND% GROUP BY 1, 2, 3"
    )
}

/// Referrals by source, decisions, cancellations and completions.
fn flow_queries() -> Vec<String> {
    let by = |basis: &str, dim: &str, and: &str| {
        counted_by(basis)
            .replace("%DIM%", dim)
            .replace("%AND%", and)
    };
    vec![
        by("received_at", "'source' AS dim, referral_source AS val", ""),
        by(
            "decided_at",
            "'decision' AS dim, COALESCE(decline_reason, 'accepted') AS val",
            "",
        ),
        by(
            "decided_at",
            "'safeguarding_basis' AS dim, 'progressed' AS val",
            "AND decline_reason IS NULL AND consent_information_sharing <> 'given' \
             AND safeguarding_sharing_with <> ''",
        ),
        by(
            "ended_at",
            "'cancellation' AS dim, CASE WHEN status = 'withdrawn' THEN 'client_withdrew' \
             ELSE COALESCE(cancel_reason, 'other') END AS val",
            "AND status IN ('cancelled', 'withdrawn') AND decided_at IS NOT NULL \
             AND decline_reason IS NULL AND works_completed_at IS NULL",
        ),
        by("interim_fitted_at", "'interim' AS dim, 'fitted' AS val", ""),
        by("reopened_at", "'reopened' AS dim, 'reopened' AS val", ""),
        by(
            "works_completed_at",
            &format!(
                "'completed' AS dim, CASE WHEN {} THEN 'installed' \
                 ELSE 'nothing_installed' END AS val",
                installed("cases.")
            ),
            "",
        ),
    ]
}

const CLIENT_COLUMNS: &str = "gender, ethnicity, age_band, accommodation_type, tenure, risk_level, \
     gender_identity_differs, interpreter_needed, no_recourse_to_public_funds, pregnant, \
     other_support_needs, marac_referred, arson_risk, disability_physical, disability_learning, \
     disability_mental_illness, disability_mental_impairment, disability_none, \
     disability_prefer_not_to_say, children_count, children_given, sexual_orientation";

/// The yes / no / unknown questions of the client section: (dimension, column).
const FLAGS: [(&str, &str); 8] = [
    ("gender_identity_differs", "gender_identity_differs"),
    ("interpreter", "interpreter_needed"),
    ("nrpf", "no_recourse_to_public_funds"),
    ("pregnant", "pregnant"),
    ("other_support", "other_support_needs"),
    ("marac", "marac_referred"),
    ("arson", "arson_risk"),
    ("children_given", "children_given"),
];

/// The disability rows: (row value, condition). A client may have several.
const DISABILITIES: [(&str, &str); 5] = [
    ("physical", "disability_physical"),
    ("learning_disability", "disability_learning"),
    ("mental_illness", "disability_mental_illness"),
    ("mental_impairment", "disability_mental_impairment"),
    (
        "unknown",
        "disability_prefer_not_to_say OR NOT (disability_physical OR disability_learning \
         OR disability_mental_illness OR disability_mental_impairment OR disability_none)",
    ),
];

/// The clients of cases accepted in the year, every category at once.
///
/// The many-valued categories are one GROUP BY each over the accepted cases. The
/// yes/no questions, disabilities and children are first counted together, in one
/// GROUP BY over (quarter, the eight answers) — a few hundred combinations in practice,
/// at most 4 × 3⁸ — and each row is then summed from those: 8 sorts of the accepted
/// cases instead of 21 (at 100k cases on SQLite this query took 515 ms that way).
fn client_query() -> String {
    let q = quarter_of("decided_at");
    let within = in_year("", "decided_at");
    let category = |dim: &str, expr: &str| {
        format!(
            "SELECT '{dim}' AS dim, {expr} AS val, q, COUNT(*) AS n FROM accepted GROUP BY 1, 2, 3"
        )
    };
    // SUM of a bigint is numeric on PostgreSQL: cast back.
    let summed = |dim: &str, val: &str, column: &str| {
        format!(
            "SELECT '{dim}' AS dim, {val} AS val, q, CAST(SUM({column}) AS BIGINT) AS n \
             FROM answers GROUP BY 1, 2, 3"
        )
    };
    let mut answers: Vec<String> = FLAGS
        .iter()
        .enumerate()
        .map(|(i, (_, column))| format!("{} AS f{i}", yes_no(column)))
        .collect();
    answers.push("COUNT(*) AS n".to_owned());
    answers.extend(DISABILITIES.iter().enumerate().map(|(i, (_, condition))| {
        format!("SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS d{i}")
    }));
    answers.push("SUM(children_count) AS children".to_owned());
    let answer_keys: Vec<String> = (0..FLAGS.len()).map(|i| format!("f{i}")).collect();
    let mut parts = vec![
        category("gender", "COALESCE(gender, 'unknown')"),
        category("ethnicity", "COALESCE(ethnicity, 'unknown')"),
        category("age", "age_band"),
        category("accommodation", "COALESCE(accommodation_type, 'unknown')"),
        category("tenure", "tenure"),
        category("risk", "COALESCE(risk_level, 'unknown')"),
        category(
            "sexual_orientation",
            "COALESCE(sexual_orientation, 'unknown')",
        ),
    ];
    for (i, (dim, _)) in FLAGS.iter().enumerate() {
        parts.push(summed(dim, &format!("f{i}"), "n"));
    }
    for (i, (value, _)) in DISABILITIES.iter().enumerate() {
        parts.push(summed(
            "disability",
            &format!("'{value}'"),
            &format!("d{i}"),
        ));
    }
    parts.push(summed("children", "'count'", "children"));
    format!(
        // Only the columns counted: materialising whole rows costs more than the counting.
        "WITH accepted AS (SELECT {CLIENT_COLUMNS}, {q} AS q FROM cases \
         WHERE {within} AND decline_reason IS NULL), \
         answers AS (SELECT q, {} FROM accepted GROUP BY q, {}) {}",
        answers.join(", "),
        answer_keys.join(", "),
        parts.join(" UNION ALL ")
    )
}

/// Installations including each measure, and units, over installed works items: one
/// pass for both.
fn measures_query() -> String {
    let q = quarter_of("c.works_completed_at");
    let within = in_year("c.", "works_completed_at");
    format!(
        "SELECT w.report_row AS val, {q} AS q, COUNT(DISTINCT w.case_id) AS installations, \
         CAST(SUM(w.quantity) AS BIGINT) AS units \
         FROM works_items w JOIN cases c ON c.id = w.case_id \
         WHERE {within} AND w.outcome = 'installed' GROUP BY 1, 2"
    )
}

fn spread_query() -> String {
    let q = quarter_of("works_completed_at");
    let within = in_year("", "works_completed_at");
    format!(
        "SELECT {q} AS q, COUNT(works_cost_pence) AS spend_n, \
         CAST(SUM(works_cost_pence) AS BIGINT) AS spend_sum, \
         MIN(works_cost_pence) AS spend_min, MAX(works_cost_pence) AS spend_max, \
         COUNT(days_to_installation) AS days_n, \
         CAST(SUM(days_to_installation) AS BIGINT) AS days_sum \
         FROM cases WHERE {within} AND {} GROUP BY 1",
        installed("cases.")
    )
}

fn children_query() -> String {
    let q = quarter_of("decided_at");
    let within = in_year("", "decided_at");
    format!(
        "SELECT {q} AS q, CAST(SUM(children_count) AS BIGINT) AS n, \
         CAST(SUM(children_age_sum) AS BIGINT) AS ages \
         FROM cases WHERE {within} AND decline_reason IS NULL GROUP BY 1"
    )
}

/// What follow-up contacts found, by the day of the contact (`$2`..`$6` are days here:
/// see [`day_parameters`]); on the records' (kind, day) index.
fn follow_up_query() -> String {
    let q = quarter_of("r.occurred_on");
    format!(
        "SELECT CAST(r.milestone_months AS BIGINT) AS milestone, \
         COALESCE(r.feels_safer, 'not_said') AS safer, \
         COALESCE(r.still_at_home, 'unknown') AS home, \
         COALESCE(r.further_incidents, 'unknown') AS incidents, {q} AS q, COUNT(*) AS n \
         FROM case_records r JOIN cases c ON c.id = r.case_id \
         WHERE r.kind = 'follow_up_contact' AND r.occurred_on >= $2 AND r.occurred_on < $6 \
         AND c.scheme_id = $1 GROUP BY 1, 2, 3, 4, 5"
    )
}

/// What the scheme learnt of closed cases, by the day they were closed.
fn closure_query() -> String {
    let q = quarter_of("ended_at");
    let within = in_year("", "ended_at");
    format!(
        "SELECT COALESCE(close_feels_safer, 'not_said') AS safer, \
         COALESCE(close_still_at_home, 'unknown') AS home, \
         COALESCE(close_further_incidents, 'unknown') AS incidents, {q} AS q, COUNT(*) AS n \
         FROM cases WHERE {within} AND status = 'closed' GROUP BY 1, 2, 3, 4"
    )
}

/// Referrals of a household whose earlier case had its works completed before them
/// (intake links a referral to an earlier case still open or closed in the 12 months
/// before), by the day received.
fn repeat_query() -> String {
    let q = quarter_of("c.received_at");
    let within = in_year("c.", "received_at");
    format!(
        "SELECT {q} AS q, COUNT(*) AS n FROM cases c JOIN cases p ON p.id = c.repeat_of_case_id \
         WHERE {within} AND p.works_completed_at IS NOT NULL \
         AND p.works_completed_at < c.received_at GROUP BY 1"
    )
}

/// Referring agencies' ratings, by the day received.
fn feedback_query() -> String {
    let q = quarter_of("received_at");
    let within = in_year("", "received_at");
    format!(
        "SELECT {q} AS q, COUNT(*) AS n, CAST(SUM(speed) AS BIGINT) AS speed, \
         CAST(SUM(communication) AS BIGINT) AS communication, \
         CAST(SUM(outcome) AS BIGINT) AS outcome \
         FROM scheme_feedback WHERE {within} GROUP BY 1"
    )
}

fn utc(instant: OffsetDateTime) -> Value {
    instant.to_offset(UtcOffset::UTC).into()
}

/// The values of `$1`..`$6` in every statement: the scheme, then the boundaries of
/// the four quarters.
pub fn parameters(scheme_id: Uuid, quarters: &[Quarter; 4]) -> Vec<Value> {
    vec![
        scheme_id.into(),
        utc(quarters[0].starts()),
        utc(quarters[1].starts()),
        utc(quarters[2].starts()),
        utc(quarters[3].starts()),
        utc(quarters[3].ends()),
    ]
}

/// `$1`..`$6` for statements over days: the scheme, the quarters' first days and the
/// day after the year.
pub fn day_parameters(scheme_id: Uuid, quarters: &[Quarter; 4]) -> Vec<Value> {
    let after = quarters[3]
        .last_day
        .next_day()
        .unwrap_or(quarters[3].last_day);
    vec![
        scheme_id.into(),
        quarters[0].first_day.into(),
        quarters[1].first_day.into(),
        quarters[2].first_day.into(),
        quarters[3].first_day.into(),
        after.into(),
    ]
}

/// Every statement the report runs, in order (for the benchmark, which times them
/// directly in `sqlite3` and `psql`).
pub fn statements() -> Vec<String> {
    let mut all = flow_queries();
    all.extend([
        client_query(),
        measures_query(),
        spread_query(),
        children_query(),
        closure_query(),
        repeat_query(),
        feedback_query(),
        follow_up_query(),
    ]);
    all
}

/// Every figure of the report for `scheme_id` over `quarters`, counted in the database.
pub async fn tallies(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    quarters: &[Quarter; 4],
) -> Result<Tallies, StoreError> {
    let backend = db.get_database_backend();
    let values = parameters(scheme_id, quarters);
    let run = |sql: String| {
        let statement = Statement::from_sql_and_values(backend, sql, values.clone());
        async move {
            db.query_all_raw(statement)
                .await
                .map_err(StoreError::db("counting the monitoring report"))
        }
    };
    let mut tallies = Tallies::default();
    let mut counted = Vec::new();
    for sql in flow_queries() {
        counted.extend(run(sql).await?);
    }
    counted.extend(run(client_query()).await?);
    for row in counted {
        let dim: String = get(&row, "dim")?;
        let val: String = get(&row, "val")?;
        let q = quarter(&row)?;
        let n: Option<i64> = get(&row, "n")?;
        tallies.add(&dim, &val, q, n.unwrap_or(0));
    }
    for row in run(measures_query()).await? {
        let val: String = get(&row, "val")?;
        let q = quarter(&row)?;
        tallies.add("measure", &val, q, get(&row, "installations")?);
        tallies.add(
            "measure_units",
            &val,
            q,
            get::<Option<i64>>(&row, "units")?.unwrap_or(0),
        );
    }
    for row in run(spread_query()).await? {
        let q = quarter(&row)?;
        tallies.spend[q].n = get::<i64>(&row, "spend_n")?;
        tallies.spend[q].sum = get::<Option<i64>>(&row, "spend_sum")?.unwrap_or(0);
        tallies.spend[q].min = get(&row, "spend_min")?;
        tallies.spend[q].max = get(&row, "spend_max")?;
        tallies.days[q].n = get::<i64>(&row, "days_n")?;
        tallies.days[q].sum = get::<Option<i64>>(&row, "days_sum")?.unwrap_or(0);
    }
    for row in run(children_query()).await? {
        let q = quarter(&row)?;
        tallies.children[q].n = get::<Option<i64>>(&row, "n")?.unwrap_or(0);
        tallies.children[q].sum = get::<Option<i64>>(&row, "ages")?.unwrap_or(0);
    }
    outcomes(db, scheme_id, quarters, &mut tallies).await?;
    Ok(tallies)
}

/// What the works achieved: follow-up contacts' and closures' answers, repeat
/// referrals, and referring agencies' ratings.
async fn outcomes(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    quarters: &[Quarter; 4],
    tallies: &mut Tallies,
) -> Result<(), StoreError> {
    let backend = db.get_database_backend();
    let run = |sql: String, values: Vec<Value>| {
        let statement = Statement::from_sql_and_values(backend, sql, values);
        async move {
            db.query_all_raw(statement)
                .await
                .map_err(StoreError::db("counting the report's outcomes"))
        }
    };
    let by_instant = parameters(scheme_id, quarters);
    let mut answered = |milestone: &str, row: &QueryResult| -> Result<(), StoreError> {
        let q = quarter(row)?;
        let n: i64 = get(row, "n")?;
        tallies.add("answered", milestone, q, n);
        tallies.add("felt_safer", &get::<String>(row, "safer")?, q, n);
        tallies.add(
            &format!("at_home_{milestone}"),
            &get::<String>(row, "home")?,
            q,
            n,
        );
        tallies.add("further_incidents", &get::<String>(row, "incidents")?, q, n);
        Ok(())
    };
    for row in run(follow_up_query(), day_parameters(scheme_id, quarters)).await? {
        let milestone: i64 = get(&row, "milestone")?;
        answered(&milestone.to_string(), &row)?;
    }
    for row in run(closure_query(), by_instant.clone()).await? {
        answered("closing", &row)?;
    }
    for row in run(repeat_query(), by_instant.clone()).await? {
        tallies.add(
            "repeat",
            "within_12_months",
            quarter(&row)?,
            get(&row, "n")?,
        );
    }
    for row in run(feedback_query(), by_instant).await? {
        let q = quarter(&row)?;
        let n: i64 = get(&row, "n")?;
        tallies.add("feedback", "response", q, n);
        for (i, column) in ["speed", "communication", "outcome"].iter().enumerate() {
            tallies.ratings[i][q] = sanctuary_domain::report::Spread {
                n,
                sum: get::<Option<i64>>(&row, column)?.unwrap_or(0),
                min: None,
                max: None,
            };
        }
    }
    Ok(())
}

pub(crate) fn get<T: sea_orm::TryGetable>(
    row: &QueryResult,
    column: &str,
) -> Result<T, StoreError> {
    row.try_get("", column)
        .map_err(StoreError::db("reading the monitoring report"))
}

pub(crate) fn quarter(row: &QueryResult) -> Result<usize, StoreError> {
    let q: i64 = get(row, "q")?;
    usize::try_from(q)
        .ok()
        .filter(|q| *q < 4)
        .ok_or(StoreError::Corrupt {
            column: "report quarter",
        })
}

/// The coordinator's notes for the year starting `year_start`, by quarter (1–4).
pub async fn notes(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    year_start: Date,
) -> Result<[Option<String>; 4], StoreError> {
    let rows = report_note::Entity::find()
        .filter(report_note::Column::SchemeId.eq(scheme_id))
        .filter(report_note::Column::YearStart.eq(year_start))
        .all(db)
        .await
        .map_err(StoreError::db("reading report notes"))?;
    let mut notes: [Option<String>; 4] = Default::default();
    for row in rows {
        if let Some(slot) = usize::try_from(row.quarter - 1)
            .ok()
            .and_then(|i| notes.get_mut(i))
        {
            *slot = Some(row.text);
        }
    }
    Ok(notes)
}

/// Sets (or replaces) one quarter's note, with its audit record `audit` in the same
/// transaction.
#[allow(clippy::too_many_arguments)]
pub async fn put_note(
    store: &Store,
    scheme_id: Uuid,
    year_start: Date,
    quarter: u8,
    text: &str,
    by: Uuid,
    at: OffsetDateTime,
    audit: &NewAudit<'_>,
) -> Result<(), StoreError> {
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    let row = report_note::ActiveModel {
        scheme_id: Set(scheme_id),
        year_start: Set(year_start),
        quarter: Set(i16::from(quarter)),
        text: Set(text.to_owned()),
        updated_at: Set(at),
        updated_by: Set(by),
    };
    report_note::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                report_note::Column::SchemeId,
                report_note::Column::YearStart,
                report_note::Column::Quarter,
            ])
            .update_columns([
                report_note::Column::Text,
                report_note::Column::UpdatedAt,
                report_note::Column::UpdatedBy,
            ])
            .to_owned(),
        )
        .exec(&*tx)
        .await
        .map_err(StoreError::db("saving a report note"))?;
    audit::append(&*tx, keys, audit).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing a report note"))
}
