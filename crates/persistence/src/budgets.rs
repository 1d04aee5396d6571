//! The scheme's budgets, and what its works commit and spend against them: sums in SQL
//! over the scheme's charged cases of the year (on `idx_cases_scheme_funding_year`).

use std::collections::BTreeMap;

use sanctuary_domain::budget::{Budget, Funding, Money, StreamTally};
use sanctuary_domain::report::year::{self, Quarter};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set, Statement, Value};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::entities::scheme_budget;
use crate::reports::{get, parameters, quarter, quarter_of};
use crate::{Store, StoreError};

/// A year's budget as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBudget {
    pub year_start: Date,
    pub budget: Budget,
    pub version: i32,
    pub updated_at: OffsetDateTime,
}

fn decode(row: scheme_budget::Model) -> Result<StoredBudget, StoreError> {
    Ok(StoredBudget {
        year_start: row.year_start,
        budget: serde_json::from_str(&row.streams).map_err(|_| StoreError::Corrupt {
            column: "scheme_budgets.streams",
        })?,
        version: row.version,
        updated_at: row.updated_at,
    })
}

/// The budget of the scheme's year starting `year_start`, if it keeps one.
pub async fn find(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    year_start: Date,
) -> Result<Option<StoredBudget>, StoreError> {
    scheme_budget::Entity::find_by_id((scheme_id, year_start))
        .one(db)
        .await
        .map_err(StoreError::db("reading a budget"))?
        .map(decode)
        .transpose()
}

/// Why a budget was not saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSaved {
    /// A budget exists, and the write did not say which version it replaces.
    VersionRequired,
    /// The budget changed since the version the write saw.
    Stale { current: i32 },
}

/// Saves the year's budget: a new one (no `expected` version, or version 0), or a
/// replacement of the `expected` version; with its audit record in the same
/// transaction. The version saved.
#[allow(clippy::too_many_arguments)]
pub async fn put(
    store: &Store,
    scheme_id: Uuid,
    year_start: Date,
    budget: &Budget,
    expected: Option<i32>,
    by: Uuid,
    at: OffsetDateTime,
    audit: &NewAudit<'_>,
) -> Result<Result<i32, NotSaved>, StoreError> {
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    let current = find(&*tx, scheme_id, year_start).await?.map(|b| b.version);
    let version = match (current, expected) {
        (None, None | Some(0)) => 1,
        (None, Some(_)) => return Ok(Err(NotSaved::Stale { current: 0 })),
        (Some(_), None) => return Ok(Err(NotSaved::VersionRequired)),
        (Some(current), Some(seen)) if seen != current => {
            return Ok(Err(NotSaved::Stale { current }));
        }
        (Some(current), Some(_)) => current + 1,
    };
    let streams = serde_json::to_string(budget).map_err(|_| StoreError::Corrupt {
        column: "scheme_budgets.streams",
    })?;
    let row = scheme_budget::ActiveModel {
        scheme_id: Set(scheme_id),
        year_start: Set(year_start),
        streams: Set(streams),
        version: Set(version),
        updated_at: Set(at),
        updated_by: Set(by),
    };
    scheme_budget::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                scheme_budget::Column::SchemeId,
                scheme_budget::Column::YearStart,
            ])
            .update_columns([
                scheme_budget::Column::Streams,
                scheme_budget::Column::Version,
                scheme_budget::Column::UpdatedAt,
                scheme_budget::Column::UpdatedBy,
            ])
            .to_owned(),
        )
        .exec(&*tx)
        .await
        .map_err(StoreError::db("saving a budget"))?;
    audit::append(&*tx, keys, audit).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing a budget"))?;
    Ok(Ok(version))
}

/// Works charged to one stream, by the measure row of the template they fall in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureSpend {
    pub stream: String,
    pub report_row: String,
    /// Households with the measure installed, and units fitted.
    pub households: i64,
    pub units: i64,
    pub pence: i64,
}

/// Works charged to one stream, by the contractor ordered to do them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractorSpend {
    pub stream: String,
    pub contractor_organisation_id: Uuid,
    pub committed: Money,
    pub spent: Money,
}

/// What the year's works commit and spend, every way the budget shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BudgetTallies {
    pub streams: BTreeMap<String, StreamTally>,
    pub measures: Vec<MeasureSpend>,
    pub contractors: Vec<ContractorSpend>,
}

/// Committed: works not completed, on cases still open (a case cancelled or withdrawn
/// frees its commitment).
const COMMITTED: &str = "works_completed_at IS NULL AND ended_at IS NULL";

/// What a committed case holds: its approved works at their estimate, and its interim
/// measures — at their estimate until fitted, then at their cost (on the items' case
/// index). Once the works are completed, all of it is in the case's spend.
const COMMITTED_PENCE: &str = "COALESCE(approved_cost_pence, 0) + COALESCE((SELECT \
     SUM(CASE WHEN wi.outcome IS NULL THEN wi.estimated_cost_pence \
     WHEN wi.outcome = 'installed' THEN COALESCE(wi.actual_cost_pence, 0) ELSE 0 END) \
     FROM works_items wi WHERE wi.case_id = cases.id AND wi.kind = 'interim'), 0)";

fn streams_query(what: &str) -> String {
    let (basis, amount, condition) = match what {
        "committed" => ("funding_charged_at", COMMITTED_PENCE, COMMITTED),
        _ => (
            "works_completed_at",
            "works_cost_pence",
            "works_completed_at IS NOT NULL",
        ),
    };
    let q = quarter_of(basis);
    format!(
        "SELECT funding_stream AS stream, {q} AS q, COUNT(*) AS households, \
         CAST(COALESCE(SUM({amount}), 0) AS BIGINT) AS pence FROM cases \
         WHERE scheme_id = $1 AND funding_year = $7 AND {condition} GROUP BY 1, 2"
    )
}

fn measures_query() -> String {
    "SELECT c.funding_stream AS stream, w.report_row AS row, \
     COUNT(DISTINCT c.id) AS households, CAST(SUM(w.quantity) AS BIGINT) AS units, \
     CAST(COALESCE(SUM(w.actual_cost_pence), 0) AS BIGINT) AS pence \
     FROM works_items w JOIN cases c ON c.id = w.case_id \
     WHERE c.scheme_id = $1 AND c.funding_year = $7 AND c.works_completed_at IS NOT NULL \
     AND w.outcome = 'installed' GROUP BY 1, 2"
        .to_owned()
}

fn contractors_query() -> String {
    format!(
        "SELECT funding_stream AS stream, contractor_organisation_id AS contractor, \
         CAST(SUM(CASE WHEN {COMMITTED} THEN 1 ELSE 0 END) AS BIGINT) AS committed_n, \
         CAST(SUM(CASE WHEN {COMMITTED} THEN {COMMITTED_PENCE} ELSE 0 END) AS BIGINT) \
           AS committed_pence, \
         CAST(SUM(CASE WHEN works_completed_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) \
           AS spent_n, \
         CAST(SUM(CASE WHEN works_completed_at IS NOT NULL THEN works_cost_pence ELSE 0 END) \
           AS BIGINT) AS spent_pence \
         FROM cases WHERE scheme_id = $1 AND funding_year = $7 \
         AND contractor_organisation_id IS NOT NULL GROUP BY 1, 2"
    )
}

/// The statements the budget runs (for the benchmark).
pub fn statements() -> Vec<String> {
    vec![
        streams_query("committed"),
        streams_query("spent"),
        measures_query(),
        contractors_query(),
    ]
}

/// Runs one of the budget's statements for the scheme's year starting `year_start`.
async fn run(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    year_start: Date,
    sql: String,
) -> Result<Vec<sea_orm::QueryResult>, StoreError> {
    let quarters: [Quarter; 4] = year::quarters(year_start);
    let mut values = parameters(scheme_id, &quarters);
    values.push(Value::from(year_start));
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    db.query_all_raw(statement)
        .await
        .map_err(StoreError::db("summing the budget"))
}

/// What the year's works commit and spend, by stream and quarter.
pub async fn stream_tallies(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    year_start: Date,
) -> Result<BTreeMap<String, StreamTally>, StoreError> {
    let mut streams: BTreeMap<String, StreamTally> = BTreeMap::new();
    for what in ["committed", "spent"] {
        for row in run(db, scheme_id, year_start, streams_query(what)).await? {
            let stream: String = get(&row, "stream")?;
            let q = quarter(&row)?;
            let money = Money {
                households: get(&row, "households")?,
                pence: get(&row, "pence")?,
            };
            let tally = streams.entry(stream).or_default();
            match what {
                "committed" => tally.committed[q] += money,
                _ => tally.spent[q] += money,
            }
        }
    }
    Ok(streams)
}

/// What the works of the scheme's year starting `year_start` commit and spend.
pub async fn tallies(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    year_start: Date,
) -> Result<BudgetTallies, StoreError> {
    let run = |sql: String| run(db, scheme_id, year_start, sql);
    let mut out = BudgetTallies {
        streams: stream_tallies(db, scheme_id, year_start).await?,
        ..BudgetTallies::default()
    };
    for row in run(measures_query()).await? {
        out.measures.push(MeasureSpend {
            stream: get(&row, "stream")?,
            report_row: get(&row, "row")?,
            households: get(&row, "households")?,
            units: get::<Option<i64>>(&row, "units")?.unwrap_or(0),
            pence: get(&row, "pence")?,
        });
    }
    for row in run(contractors_query()).await? {
        out.contractors.push(ContractorSpend {
            stream: get(&row, "stream")?,
            contractor_organisation_id: get(&row, "contractor")?,
            committed: Money {
                households: get(&row, "committed_n")?,
                pence: get(&row, "committed_pence")?,
            },
            spent: Money {
                households: get(&row, "spent_n")?,
                pence: get(&row, "spent_pence")?,
            },
        });
    }
    Ok(out)
}

/// The budget of the scheme's year in which `today` falls, with what each stream has
/// left: what approving works is checked against. None when it keeps no budget then.
pub async fn funding_on(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    scheme_year_start: sanctuary_domain::scheme::YearStart,
    today: Date,
) -> Result<Option<Funding>, StoreError> {
    let start = year::current_start(scheme_year_start, today);
    let Some(stored) = find(db, scheme_id, start).await? else {
        return Ok(None);
    };
    // Only the streams' sums: approving works needs no breakdown.
    let streams = stream_tallies(db, scheme_id, start).await?;
    Ok(Some(sanctuary_domain::budget::room(
        &stored.budget,
        start,
        &streams,
    )))
}
