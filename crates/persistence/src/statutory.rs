//! The annual safe-accommodation return's counts: households supported grouped by the
//! answers the return's categories are mapped from, households not supported and whose
//! support ended by their raw reasons, and units installed — three statements over the
//! scheme's cases of the year (on its scheme and date indexes); the domain maps them.

use std::str::FromStr;

use sanctuary_domain::report::Tallies;
use sanctuary_domain::report::statutory::{self, Ending, SupportedGroup};
use sea_orm::{ConnectionTrait, QueryResult, Statement, Value};
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::StoreError;
use crate::reports::get;

/// Households supported: works completed in the year with a measure installed, or
/// interim measures first fitted in the year.
const SUPPORTED: &str = "scheme_id = $1 AND ((works_completed_at >= $2 AND works_completed_at < $3 \
     AND EXISTS (SELECT 1 FROM works_items wi WHERE wi.case_id = cases.id \
     AND wi.outcome = 'installed')) OR (interim_fitted_at >= $2 AND interim_fitted_at < $3))";

fn supported_query() -> String {
    format!(
        "SELECT gender, gender_identity_differs AS differs, ethnicity, \
         sexual_orientation AS orientation, age_band, \
         CAST(CASE WHEN disability_physical OR disability_learning \
         OR disability_mental_illness OR disability_mental_impairment THEN 1 ELSE 0 END \
         AS BIGINT) AS disabled, \
         no_recourse_to_public_funds AS nrpf, other_support_needs AS other_needs, \
         COUNT(*) AS households, CAST(SUM(children_count) AS BIGINT) AS children \
         FROM cases WHERE {SUPPORTED} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )
}

fn endings_query() -> String {
    "SELECT 'declined' AS kind, decline_reason AS reason, COUNT(*) AS n FROM cases \
     WHERE scheme_id = $1 AND decided_at >= $2 AND decided_at < $3 \
     AND decline_reason IS NOT NULL GROUP BY 1, 2 \
     UNION ALL \
     SELECT 'cancelled' AS kind, CASE WHEN status = 'withdrawn' THEN 'client_withdrew' \
     ELSE COALESCE(cancel_reason, 'other') END AS reason, COUNT(*) AS n FROM cases \
     WHERE scheme_id = $1 AND ended_at >= $2 AND ended_at < $3 \
     AND status IN ('cancelled', 'withdrawn') AND decided_at IS NOT NULL \
     AND decline_reason IS NULL AND works_completed_at IS NULL GROUP BY 1, 2 \
     UNION ALL \
     SELECT 'closed' AS kind, COALESCE(close_reason, 'other') AS reason, COUNT(*) AS n \
     FROM cases WHERE scheme_id = $1 AND ended_at >= $2 AND ended_at < $3 \
     AND status = 'closed' GROUP BY 1, 2"
        .to_owned()
}

fn units_query() -> String {
    "SELECT CAST(COALESCE(SUM(w.quantity), 0) AS BIGINT) AS units \
     FROM works_items w JOIN cases c ON c.id = w.case_id \
     WHERE c.scheme_id = $1 AND c.works_completed_at >= $2 AND c.works_completed_at < $3 \
     AND w.outcome = 'installed'"
        .to_owned()
}

/// The statements the return runs (for the benchmark).
pub fn statements() -> Vec<String> {
    vec![supported_query(), endings_query(), units_query()]
}

fn parse<T: FromStr>(value: Option<String>, column: &'static str) -> Result<Option<T>, StoreError> {
    value
        .map(|v| v.parse::<T>().map_err(|_| StoreError::Corrupt { column }))
        .transpose()
}

fn group(row: &QueryResult) -> Result<SupportedGroup, StoreError> {
    Ok(SupportedGroup {
        gender: parse(get(row, "gender")?, "cases.gender")?,
        identity_differs: get(row, "differs")?,
        ethnicity: parse(get(row, "ethnicity")?, "cases.ethnicity")?,
        orientation: parse(get(row, "orientation")?, "cases.sexual_orientation")?,
        age_band: parse(get(row, "age_band")?, "cases.age_band")?,
        disabled: get::<i64>(row, "disabled")? != 0,
        nrpf: get(row, "nrpf")?,
        other_needs: get(row, "other_needs")?,
        households: get(row, "households")?,
        children: get::<Option<i64>>(row, "children")?.unwrap_or(0),
    })
}

fn ending(row: &QueryResult) -> Result<(Ending, i64), StoreError> {
    let kind: String = get(row, "kind")?;
    let reason: Option<String> = get(row, "reason")?;
    let ending = match kind.as_str() {
        "declined" => parse(reason, "cases.decline_reason")?.map(Ending::Declined),
        "cancelled" => parse(reason, "cases.cancel_reason")?.map(Ending::Cancelled),
        _ => parse(reason, "cases.close_reason")?.map(Ending::Closed),
    }
    .ok_or(StoreError::Corrupt {
        column: "return reason",
    })?;
    Ok((ending, get(row, "n")?))
}

/// The return's figures for `scheme_id` over `[from, until)`.
pub async fn tallies(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    from: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<Tallies, StoreError> {
    let backend = db.get_database_backend();
    let values: Vec<Value> = vec![
        scheme_id.into(),
        from.to_offset(UtcOffset::UTC).into(),
        until.to_offset(UtcOffset::UTC).into(),
    ];
    let run = |sql: String| {
        let statement = Statement::from_sql_and_values(backend, sql, values.clone());
        async move {
            db.query_all_raw(statement)
                .await
                .map_err(StoreError::db("counting the safe-accommodation return"))
        }
    };
    let supported = run(supported_query())
        .await?
        .iter()
        .map(group)
        .collect::<Result<Vec<_>, _>>()?;
    let endings = run(endings_query())
        .await?
        .iter()
        .map(ending)
        .collect::<Result<Vec<_>, _>>()?;
    let units = match run(units_query()).await?.first() {
        Some(row) => get::<Option<i64>>(row, "units")?.unwrap_or(0),
        None => 0,
    };
    Ok(statutory::tally(&supported, &endings, units))
}
