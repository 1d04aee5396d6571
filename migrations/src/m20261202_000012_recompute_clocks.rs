//! The corrected clock rules, applied to the clocks already stored (README, "Clock
//! rules"): the start day is day 0 even when it is not a working day; a hold that begins
//! after a clock is overdue does not move it; a case that ends while a clock is overdue
//! leaves it breached; the fire-safety-check clock exists only where a fitted measure
//! needs a check. The `?clock_state=` and `?due_within_days=` queues read the stored
//! columns, so every clock is replayed under the domain's rules from what is stored: its
//! start, the case's holds and resumes (from the timeline), and how it ended. The
//! timeline itself is not rewritten.
//!
//! Also adds `counts_from`, a clock's day 0 (a scheme's `working_day_ends_at` can make it
//! the next working day); existing clocks count from their UK start day.

use std::collections::HashMap;

use sanctuary_domain::calendar::{Calendar, london};
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::clock::{Clock, ClockEvent, ClockState, ClockUnit};
use sanctuary_domain::scheme::Nation;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, QueryResult, Statement};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum CaseClocks {
    Table,
    Id,
    CountsFrom,
    Held,
    PausedAt,
    DueAt,
    StoppedAt,
    State,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CaseClocks::Table)
                    .add_column(ColumnDef::new(CaseClocks::CountsFrom).date().null())
                    .to_owned(),
            )
            .await?;
        let outcome = recompute(manager).await?;
        // Counts only: no case, reference or person.
        tracing::info!(
            clocks = outcome.clocks,
            changed = outcome.changed,
            removed = outcome.removed,
            "clocks recomputed under the corrected rules"
        );
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The recomputed dates and states are the correct ones; only the column goes.
        manager
            .alter_table(
                Table::alter()
                    .table(CaseClocks::Table)
                    .drop_column(CaseClocks::CountsFrom)
                    .to_owned(),
            )
            .await
    }
}

/// What the recomputation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Clocks looked at.
    pub clocks: u64,
    /// Clocks whose due date or state (or hold accounting) changed.
    pub changed: u64,
    /// Fire-safety-check clocks on cases where no fitted measure needs a check.
    pub removed: u64,
}

/// A hold or a resume of a case, from its timeline.
#[derive(Debug, Clone, Copy)]
enum Turn {
    Hold(OffsetDateTime),
    Resume(OffsetDateTime),
}

fn corrupt(what: &str) -> DbErr {
    DbErr::Custom(format!("recomputing clocks: unreadable {what}"))
}

fn parse<T: std::str::FromStr>(row: &QueryResult, column: &str) -> Result<T, DbErr> {
    let text: String = row.try_get("", column)?;
    text.parse().map_err(|_| corrupt(column))
}

async fn rows(db: &SchemaManager<'_>, sql: &str) -> Result<Vec<QueryResult>, DbErr> {
    let conn = db.get_connection();
    conn.query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await
}

/// Replays every stored clock under the domain's current rules and stores the result.
pub async fn recompute(db: &SchemaManager<'_>) -> Result<Outcome, DbErr> {
    // Each nation's calendar with the holidays administrators added.
    let mut extra: HashMap<Nation, Vec<Date>> = HashMap::new();
    for row in rows(db, "SELECT nation, date FROM holidays").await? {
        extra
            .entry(parse(&row, "nation")?)
            .or_default()
            .push(row.try_get("", "date")?);
    }
    let calendars: HashMap<Nation, Calendar> = Nation::ALL
        .iter()
        .map(|&n| {
            (
                n,
                Calendar::with_extra(n, extra.remove(&n).unwrap_or_default()),
            )
        })
        .collect();

    let mut nation_of_case: HashMap<Uuid, Nation> = HashMap::new();
    for row in rows(
        db,
        "SELECT c.id AS id, s.nation AS nation FROM cases c JOIN schemes s ON s.id = c.scheme_id",
    )
    .await?
    {
        nation_of_case.insert(row.try_get("", "id")?, parse(&row, "nation")?);
    }

    // Holds and resumes, as the workflow applies them to clocks: into on_hold from
    // another status pauses, out of on_hold into an open status resumes.
    let mut turns: HashMap<Uuid, Vec<Turn>> = HashMap::new();
    for row in rows(
        db,
        "SELECT case_id, at, from_status, to_status FROM case_events \
         WHERE to_status = 'on_hold' OR from_status = 'on_hold' ORDER BY at",
    )
    .await?
    {
        let from: Option<String> = row.try_get("", "from_status")?;
        let from = from.as_deref().map(str::parse::<CaseStatus>).transpose();
        let from = from.map_err(|_| corrupt("from_status"))?;
        let to: CaseStatus = parse(&row, "to_status")?;
        let at: OffsetDateTime = row.try_get("", "at")?;
        let turn = match (from, to) {
            (Some(CaseStatus::OnHold), CaseStatus::OnHold) => continue,
            (_, CaseStatus::OnHold) => Turn::Hold(at),
            (_, to) if to.is_terminal() => continue,
            _ => Turn::Resume(at),
        };
        turns
            .entry(row.try_get("", "case_id")?)
            .or_default()
            .push(turn);
    }

    let needs_fire_check: std::collections::HashSet<Uuid> = rows(
        db,
        "SELECT DISTINCT case_id FROM works_items \
         WHERE outcome = 'installed' AND requires_fire_check",
    )
    .await?
    .iter()
    .map(|row| row.try_get("", "case_id"))
    .collect::<Result<_, _>>()?;

    let mut outcome = Outcome::default();
    let stored = rows(
        db,
        "SELECT id, case_id, kind, stop_event, unit, amount, started_at, held, paused_at, \
         due_at, stopped_at, state FROM case_clocks",
    )
    .await?;
    for row in stored {
        outcome.clocks += 1;
        let id: Uuid = row.try_get("", "id")?;
        let case_id: Uuid = row.try_get("", "case_id")?;
        let kind: String = row.try_get("", "kind")?;
        let stop: ClockEvent = parse(&row, "stop_event")?;
        if stop == ClockEvent::FireCheckRecorded && !needs_fire_check.contains(&case_id) {
            let delete = Query::delete()
                .from_table(CaseClocks::Table)
                .and_where(Expr::col(CaseClocks::Id).eq(id))
                .to_owned();
            db.exec_stmt(delete).await?;
            outcome.removed += 1;
            outcome.changed += 1;
            continue;
        }
        let Some(calendar) = nation_of_case.get(&case_id).map(|n| &calendars[n]) else {
            continue;
        };
        let amount: i32 = row.try_get("", "amount")?;
        let started_at: OffsetDateTime = row.try_get("", "started_at")?;
        let stopped_at: Option<OffsetDateTime> = row.try_get("", "stopped_at")?;
        let state: ClockState = parse(&row, "state")?;
        let old = (
            row.try_get::<i64>("", "held")?,
            row.try_get::<Option<OffsetDateTime>>("", "paused_at")?,
            row.try_get::<OffsetDateTime>("", "due_at")?,
            state,
        );
        let unit: ClockUnit = parse(&row, "unit")?;
        let mut clock = Clock {
            kind: kind.parse().map_err(|_| corrupt("kind"))?,
            stop,
            unit,
            amount: <u32 as TryFrom<i32>>::try_from(amount).map_err(|_| corrupt("amount"))?,
            started_at,
            counts_from: london::local_date(started_at),
            held: 0,
            paused_at: None,
            due_at: started_at,
            stopped_at: None,
            state: ClockState::Running,
        };
        clock.due_at = clock.compute_due(calendar);
        let until = stopped_at.unwrap_or(OffsetDateTime::now_utc());
        for turn in turns.get(&case_id).into_iter().flatten() {
            match *turn {
                Turn::Hold(at) if at > started_at && at < until => clock.pause(at),
                Turn::Resume(at) if at > started_at && at < until => clock.resume(at, calendar),
                _ => {}
            }
        }
        match (state, stopped_at) {
            (ClockState::Met | ClockState::Breached, Some(at)) => clock.stop(at, calendar),
            (ClockState::Cancelled, Some(at)) => clock.cancel(at),
            _ => {}
        }
        let new = (clock.held, clock.paused_at, clock.due_at, clock.state);
        if new != old {
            outcome.changed += 1;
        }
        let update = Query::update()
            .table(CaseClocks::Table)
            .values([
                (CaseClocks::CountsFrom, clock.counts_from.into()),
                (CaseClocks::Held, clock.held.into()),
                (CaseClocks::PausedAt, clock.paused_at.into()),
                (CaseClocks::DueAt, clock.due_at.into()),
                (CaseClocks::StoppedAt, clock.stopped_at.into()),
                (CaseClocks::State, clock.state.as_str().into()),
            ])
            .and_where(Expr::col(CaseClocks::Id).eq(id))
            .to_owned();
        db.exec_stmt(update).await?;
    }
    Ok(outcome)
}
