//! Announcing clocks: a running clock that falls due within the warning time, or passes
//! its due time, gets one `case.clock_due_soon` and one `case.clock_breached` event.
//! Marking the clock is the claim, in the transaction that writes the event: a second
//! scheduler (another instance) finds nothing left to mark.

use sanctuary_domain::clock::{ClockKind, ClockState};
use sanctuary_domain::events::EventType;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::codec::parse;
use crate::entities::case_clock as clock;
use crate::outbox::{self, CaseChange};
use crate::{Store, StoreError, cases};

/// How many clocks one run announced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Announced {
    pub due_soon: u64,
    pub breached: u64,
}

/// Announces, at `now`, up to `limit` clocks of each kind of event: due within `soon`,
/// and overdue. Returns how many; call again while it reports `limit`.
pub async fn announce(
    store: &Store,
    now: OffsetDateTime,
    soon: Duration,
    limit: u64,
) -> Result<Announced, StoreError> {
    Ok(Announced {
        breached: announce_one(store, now, EventType::ClockBreached, now, limit).await?,
        due_soon: announce_one(store, now, EventType::ClockDueSoon, now + soon, limit).await?,
    })
}

async fn announce_one(
    store: &Store,
    now: OffsetDateTime,
    event_type: EventType,
    due_by: OffsetDateTime,
    limit: u64,
) -> Result<u64, StoreError> {
    let fail = || StoreError::db("announcing clocks");
    let marker = match event_type {
        EventType::ClockBreached => clock::Column::BreachAnnouncedAt,
        _ => clock::Column::DueSoonAnnouncedAt,
    };
    let tx = store.begin_write().await?;
    let mut due = clock::Entity::find()
        .select_only()
        .column(clock::Column::Id)
        .column(clock::Column::CaseId)
        .column(clock::Column::Kind)
        .filter(clock::Column::State.eq(ClockState::Running.as_str()))
        .filter(marker.is_null())
        .filter(clock::Column::DueAt.lte(due_by));
    if event_type == EventType::ClockDueSoon {
        // Already overdue: its breach is the news, not that it is nearly due.
        due = due.filter(clock::Column::DueAt.gt(now));
    }
    let rows: Vec<(Uuid, Uuid, String)> = due
        .order_by_asc(clock::Column::DueAt)
        .limit(limit)
        .into_tuple()
        .all(&*tx)
        .await
        .map_err(|e| fail()(e))?;
    let mut announced = 0;
    for (id, case_id, kind) in rows {
        // The mark is the claim: only the scheduler whose update found it unmarked
        // announces it.
        let marked = clock::Entity::update_many()
            .col_expr(marker, Expr::value(Some(now)))
            .filter(clock::Column::Id.eq(id))
            .filter(marker.is_null())
            .exec(&*tx)
            .await
            .map_err(|e| fail()(e))?;
        if marked.rows_affected != 1 {
            continue;
        }
        let Some(case) = cases::find_summary(&*tx, case_id).await? else {
            continue;
        };
        if case.anonymised {
            continue;
        }
        let kind: ClockKind = parse(&kind, "case_clocks.kind")?;
        let change = CaseChange {
            event_type,
            at: now,
            from: Some(case.status),
            to: case.status,
            acting_organisation: None,
            clock_kind: Some(kind),
        };
        outbox::append_case(&*tx, case_id, change, &[]).await?;
        announced += 1;
    }
    tx.commit().await.map_err(|e| fail()(e))?;
    Ok(announced)
}
