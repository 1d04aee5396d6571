//! The delivery queue. A worker takes one turn at a time ([`turn`]): it records the
//! attempts it made, turns new events into deliveries (the fan-out, from the outbox) and
//! claims the deliveries now due under a lease, all in one transaction.

use sanctuary_domain::webhooks::{DISABLE_AFTER, GIVE_UP_AFTER};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, LockBehavior, LockType, Order, Query, SelectStatement,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{DELIVERED, DISABLED_FAILING, FAILED, PENDING};
use crate::crypto::{Keyring, WEBHOOK_PREVIOUS_SECRET, WEBHOOK_SECRET};
use crate::entities::{
    outbox_event, outbox_recipient, webhook_delivery as delivery, webhook_endpoint as endpoint,
    webhook_fanout as fanout,
};
use crate::outbox::{self, OutboxEvent};
use crate::store::Backend;
use crate::{Store, StoreError};

/// The last event sequence number fanned out, read under `lock` if given.
async fn fanned_out(db: &impl ConnectionTrait, lock: Option<LockType>) -> Result<i64, StoreError> {
    let mut select = fanout::Entity::find_by_id(1);
    if let Some(lock) = lock {
        select = select.lock(lock);
    }
    select
        .one(db)
        .await
        .map_err(StoreError::db("reading the webhook fan-out"))?
        .map(|c| c.seq)
        .ok_or(StoreError::Corrupt {
            column: "webhook_fanout.seq",
        })
}

/// How many events one fan-out turns into deliveries.
pub const FAN_OUT_BATCH: u64 = 500;

/// Turns the events written since the last fan-out (up to [`FAN_OUT_BATCH`], oldest
/// first) into deliveries: one per enabled endpoint of each event's recipients that
/// subscribes to its type and existed when it happened. Returns how many events it took.
/// The cursor row is locked for the transaction (`FOR UPDATE` on PostgreSQL; SQLite has
/// one writer), so instances never fan an event out twice; event numbers are commit-
/// ordered, so none is passed over. Locks nothing when there is nothing new.
async fn fan_out(tx: &DatabaseTransaction, backend: Backend) -> Result<u64, StoreError> {
    if fanned_out(tx, None).await? >= outbox::last_seq(tx).await? {
        return Ok(0);
    }
    let lock = (backend == Backend::Postgres).then_some(LockType::Update);
    let from = fanned_out(tx, lock).await?;
    let events: Vec<(i64, String, OffsetDateTime)> = outbox_event::Entity::find()
        .select_only()
        .column(outbox_event::Column::Seq)
        .column(outbox_event::Column::EventType)
        .column(outbox_event::Column::At)
        .filter(outbox_event::Column::Seq.gt(from))
        .order_by_asc(outbox_event::Column::Seq)
        .limit(FAN_OUT_BATCH)
        .into_tuple()
        .all(tx)
        .await
        .map_err(StoreError::db("reading events to deliver"))?;
    let Some(&(last, _, _)) = events.last() else {
        return Ok(0);
    };
    let seqs: Vec<i64> = events.iter().map(|e| e.0).collect();
    let recipients: Vec<(i64, Uuid)> = outbox_recipient::Entity::find()
        .select_only()
        .column(outbox_recipient::Column::Seq)
        .column(outbox_recipient::Column::OrganisationId)
        .filter(outbox_recipient::Column::Seq.is_in(seqs))
        .into_tuple()
        .all(tx)
        .await
        .map_err(StoreError::db("reading events to deliver"))?;
    let recipients: std::collections::HashSet<(i64, Uuid)> = recipients.into_iter().collect();
    let endpoints: Vec<(Uuid, Uuid, String, OffsetDateTime)> = endpoint::Entity::find()
        .select_only()
        .column(endpoint::Column::Id)
        .column(endpoint::Column::OrganisationId)
        .column(endpoint::Column::EventTypes)
        .column(endpoint::Column::CreatedAt)
        .filter(endpoint::Column::Enabled.eq(true))
        .into_tuple()
        .all(tx)
        .await
        .map_err(StoreError::db("finding webhooks"))?;
    let mut wanted = Vec::new();
    for (seq, event_type, at) in &events {
        for (endpoint_id, organisation_id, types, created_at) in &endpoints {
            let addressed = recipients.contains(&(*seq, *organisation_id));
            let subscribed = types.is_empty() || types.split(',').any(|t| t == event_type.as_str());
            if addressed && subscribed && created_at <= at {
                wanted.push(delivery::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    endpoint_id: Set(*endpoint_id),
                    event_seq: Set(*seq),
                    status: Set(PENDING.to_owned()),
                    attempts: Set(0),
                    next_attempt_at: Set(*at),
                    claimed_until: Set(None),
                    last_attempt_at: Set(None),
                    last_status: Set(None),
                    last_error: Set(None),
                    last_latency_ms: Set(None),
                    delivered_at: Set(None),
                    created_at: Set(*at),
                });
            }
        }
    }
    // Within the database's limit on a statement's parameters (13 columns each).
    for chunk in wanted.chunks(2000) {
        delivery::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await
            .map_err(StoreError::db("queueing webhook deliveries"))?;
    }
    fanout::Entity::update_many()
        .col_expr(fanout::Column::Seq, Expr::value(last))
        .filter(fanout::Column::Id.eq(1))
        .exec(tx)
        .await
        .map_err(StoreError::db("advancing the webhook fan-out"))?;
    Ok(events.len() as u64)
}

/// A delivery a worker holds: where to send what, signed with which secrets.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery_id: Uuid,
    pub endpoint_id: Uuid,
    pub organisation_id: Uuid,
    pub url: String,
    /// The current secret first; the rotated-out one while its grace lasts.
    pub secrets: Vec<String>,
    pub event: OutboxEvent,
    pub attempts: i32,
    pub created_at: OffsetDateTime,
}

/// Each enabled endpoint's head: the id of its pending delivery with the lowest event sequence.
/// Only a head is ever sent, so an endpoint receives its events in order, one at a time.
/// One probe of `idx_webhook_deliveries_queue` per endpoint (the queue's length does not
/// matter), with a plan no generic prepared statement can spoil.
fn heads() -> SelectStatement {
    let head = Alias::new("head");
    let first_pending = Query::select()
        .column((head.clone(), delivery::Column::Id))
        .from_as(delivery::Entity, head.clone())
        .and_where(Expr::col((head.clone(), delivery::Column::Status)).eq(PENDING))
        .and_where(
            Expr::col((head.clone(), delivery::Column::EndpointId))
                .equals((endpoint::Entity, endpoint::Column::Id)),
        )
        .order_by((head, delivery::Column::EventSeq), Order::Asc)
        .limit(1)
        .to_owned();
    // A disabled endpoint is sent nothing, its retries included, until it is enabled.
    Query::select()
        .expr(Expr::SubQuery(None, Box::new(first_pending.into())))
        .from(endpoint::Entity)
        .and_where(Expr::col((endpoint::Entity, endpoint::Column::Enabled)).eq(true))
        .to_owned()
}

/// Heads due at `now` and held by no worker, oldest due first; locked `FOR UPDATE SKIP
/// LOCKED` on PostgreSQL, so workers on several instances never claim the same one.
fn claimable(
    backend: Backend,
    now: OffsetDateTime,
    limit: u64,
) -> sea_orm::Select<delivery::Entity> {
    let select = delivery::Entity::find()
        .filter(delivery::Column::Id.in_subquery(heads()))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(
            delivery::Column::ClaimedUntil
                .is_null()
                .or(delivery::Column::ClaimedUntil.lt(now)),
        )
        .order_by_asc(delivery::Column::NextAttemptAt)
        .limit(limit);
    match backend {
        Backend::Postgres => select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked),
        Backend::Sqlite => select,
    }
}

/// How many of an endpoint's deliveries a worker holds at once: sent one after another,
/// in order, and settled in one transaction, so a busy endpoint costs a write per run,
/// not per event. Enough for a tenth of a second of a busy scheme's events (a turn's
/// worth); the worker stops a run early rather than outlast its lease.
pub const RUN: u64 = 50;

/// Each head followed by the deliveries queued after it for its endpoint, in event
/// order, while they are due and unheld (up to [`RUN`] in all).
async fn runs_from(
    db: &impl ConnectionTrait,
    backend: Backend,
    heads: Vec<delivery::Model>,
    now: OffsetDateTime,
) -> Result<Vec<delivery::Model>, StoreError> {
    let mut rows = Vec::with_capacity(heads.len());
    for head in heads {
        let mut after = delivery::Entity::find()
            .filter(delivery::Column::Status.eq(PENDING))
            .filter(delivery::Column::EndpointId.eq(head.endpoint_id))
            .filter(delivery::Column::EventSeq.gt(head.event_seq))
            .order_by_asc(delivery::Column::EventSeq)
            .limit(RUN - 1);
        // Whoever holds the head holds the run: no other worker waits on these rows,
        // and none may be skipped (a gap would break the order).
        if backend == Backend::Postgres {
            after = after.lock(LockType::Update);
        }
        let after = after
            .all(db)
            .await
            .map_err(StoreError::db("claiming webhook deliveries"))?;
        rows.push(head);
        rows.extend(after.into_iter().take_while(|d| {
            d.next_attempt_at <= now && d.claimed_until.is_none_or(|until| until < now)
        }));
    }
    Ok(rows)
}

/// Claimed deliveries grouped by endpoint, each group in event order.
fn by_endpoint(claimed: Vec<Claimed>) -> Vec<Vec<Claimed>> {
    let mut runs: Vec<Vec<Claimed>> = Vec::new();
    for c in claimed {
        match runs.iter_mut().find(|r| r[0].endpoint_id == c.endpoint_id) {
            Some(run) => run.push(c),
            None => runs.push(vec![c]),
        }
    }
    runs
}

/// Marks `rows` held until `now + lease` and gathers what sending them needs.
async fn hold(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    rows: Vec<delivery::Model>,
    now: OffsetDateTime,
    lease: Duration,
) -> Result<Vec<Claimed>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    delivery::Entity::update_many()
        .col_expr(
            delivery::Column::ClaimedUntil,
            Expr::value(Some(now + lease)),
        )
        .filter(delivery::Column::Id.is_in(ids))
        .exec(db)
        .await
        .map_err(StoreError::db("claiming webhook deliveries"))?;
    let endpoint_ids: Vec<Uuid> = rows.iter().map(|r| r.endpoint_id).collect();
    let endpoints = endpoint::Entity::find()
        .filter(endpoint::Column::Id.is_in(endpoint_ids))
        .all(db)
        .await
        .map_err(StoreError::db("reading webhooks"))?;
    let seqs: Vec<i64> = rows.iter().map(|r| r.event_seq).collect();
    let events = outbox::by_seq(db, &seqs).await?;
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(e), Some(event)) = (
            endpoints.iter().find(|e| e.id == row.endpoint_id),
            events.iter().find(|e| e.seq == row.event_seq),
        ) else {
            continue;
        };
        claimed.push(Claimed {
            delivery_id: row.id,
            endpoint_id: e.id,
            organisation_id: e.organisation_id,
            url: e.url.clone(),
            secrets: secrets(keys, e, now)?,
            event: event.clone(),
            attempts: row.attempts,
            created_at: row.created_at,
        });
    }
    Ok(claimed)
}

fn secrets(
    keys: &Keyring,
    e: &endpoint::Model,
    now: OffsetDateTime,
) -> Result<Vec<String>, StoreError> {
    let mut secrets = vec![keys.open(WEBHOOK_SECRET, e.id, &e.secret)?];
    if let (Some(old), Some(until)) = (&e.previous_secret, e.previous_secret_until)
        && until > now
    {
        secrets.push(keys.open(WEBHOOK_PREVIOUS_SECRET, e.id, old)?);
    }
    Ok(secrets)
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: OffsetDateTime,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why it failed (no personal data: a status, a timeout, a refused address).
    pub error: Option<String>,
    pub latency_ms: u32,
}

/// What settling a failed attempt did to the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Delivered,
    /// Tried again at this time.
    Retrying(OffsetDateTime),
    /// Retried for [`GIVE_UP_AFTER`]; no more attempts.
    GaveUp,
    /// The endpoint had failed every attempt for [`DISABLE_AFTER`] and is now disabled;
    /// its organisation was told with a `webhook.endpoint_disabled` event.
    EndpointDisabled,
}

/// One attempt to settle: the delivery, how the attempt went, when to retry a failure.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub claimed: Claimed,
    pub attempt: Attempt,
    pub retry_in: Duration,
}

/// What a worker's turn did.
#[derive(Debug, Default)]
pub struct Turn {
    /// One per outcome handed in, in its order.
    pub settled: Vec<Settled>,
    /// Events made into deliveries.
    pub fanned_out: u64,
    /// The runs claimed, one per endpoint, each in event order.
    pub claimed: Vec<Vec<Claimed>>,
}

/// A worker's turn at the queue, in one transaction: records the attempts it made
/// (`outcomes`) and hands back what it claimed but did not send (`released`: a run
/// stopped at a failure, or the worker is stopping); turns the events written since the
/// last turn into deliveries; and claims, for `lease`, up to `limit` endpoints' runs of
/// deliveries now due. Each run starts at an endpoint's head and goes on through the
/// deliveries queued after it (at most [`RUN`]), none that another worker holds.
/// On SQLite every transaction is a turn at the single writer and a sync to disk, so a
/// busy worker costs one per turn, however many events and endpoints it serves; an idle
/// one looks before it writes and costs a read.
pub async fn turn(
    store: &Store,
    outcomes: &[Outcome],
    released: &[Uuid],
    lease: Duration,
    limit: u64,
) -> Result<Turn, StoreError> {
    if outcomes.is_empty() && released.is_empty() && !work_waiting(store, limit).await? {
        return Ok(Turn::default());
    }
    let backend = store.backend();
    let tx = store.begin_write().await?;
    if !released.is_empty() {
        delivery::Entity::update_many()
            .col_expr(
                delivery::Column::ClaimedUntil,
                Expr::value(None::<OffsetDateTime>),
            )
            .filter(delivery::Column::Id.is_in(released.iter().copied()))
            .exec(&*tx)
            .await
            .map_err(StoreError::db("releasing webhook deliveries"))?;
    }
    let mut settled = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        settled.push(settle(&tx, o).await?);
    }
    let fanned_out = fan_out(&tx, backend).await?;
    let claimed = if limit > 0 {
        // After the fan-out, so the deliveries it made are due.
        let now = OffsetDateTime::now_utc();
        let heads = claimable(backend, now, limit)
            .all(&*tx)
            .await
            .map_err(StoreError::db("claiming webhook deliveries"))?;
        let rows = runs_from(&*tx, backend, heads, now).await?;
        by_endpoint(hold(&*tx, store.keys()?, rows, now, lease).await?)
    } else {
        Vec::new()
    };
    tx.commit()
        .await
        .map_err(StoreError::db("recording webhook deliveries"))?;
    Ok(Turn {
        settled,
        fanned_out,
        claimed,
    })
}

/// Whether there are events to fan out, or (with room to claim) a delivery due.
async fn work_waiting(store: &Store, limit: u64) -> Result<bool, StoreError> {
    let read = store.connection();
    if fanned_out(read, None).await? < outbox::last_seq(read).await? {
        return Ok(true);
    }
    if limit == 0 {
        return Ok(false);
    }
    let due = claimable(Backend::Sqlite, OffsetDateTime::now_utc(), 1)
        .one(read)
        .await
        .map_err(StoreError::db("looking for webhook deliveries"))?;
    Ok(due.is_some())
}

/// Records one attempt: delivered, retried after `retry_in`, or given up; an endpoint
/// failing for [`DISABLE_AFTER`] is disabled, with the event telling its organisation.
async fn settle(tx: &DatabaseTransaction, o: &Outcome) -> Result<Settled, StoreError> {
    let (claimed, attempt, retry_in) = (&o.claimed, &o.attempt, o.retry_in);
    let ok = attempt.error.is_none();
    let at = attempt.at;
    let give_up = !ok && at + retry_in > claimed.created_at + GIVE_UP_AFTER;
    let (status, settled) = match (ok, give_up) {
        (true, _) => (DELIVERED, Settled::Delivered),
        (false, true) => (FAILED, Settled::GaveUp),
        (false, false) => (PENDING, Settled::Retrying(at + retry_in)),
    };
    let error: Option<String> = attempt
        .error
        .as_ref()
        .map(|e| e.chars().take(200).collect());
    delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(status))
        .col_expr(
            delivery::Column::Attempts,
            Expr::col(delivery::Column::Attempts).add(1),
        )
        .col_expr(
            delivery::Column::ClaimedUntil,
            Expr::value(None::<OffsetDateTime>),
        )
        .col_expr(delivery::Column::LastAttemptAt, Expr::value(Some(at)))
        .col_expr(
            delivery::Column::LastStatus,
            Expr::value(attempt.status.map(i32::from)),
        )
        .col_expr(delivery::Column::LastError, Expr::value(error))
        .col_expr(
            delivery::Column::LastLatencyMs,
            Expr::value(Some(i32::try_from(attempt.latency_ms).unwrap_or(i32::MAX))),
        )
        .col_expr(delivery::Column::DeliveredAt, Expr::value(ok.then_some(at)))
        .col_expr(
            delivery::Column::NextAttemptAt,
            Expr::value(if ok { at } else { at + retry_in }),
        )
        .filter(delivery::Column::Id.eq(claimed.delivery_id))
        .exec(tx)
        .await
        .map_err(StoreError::db("recording a webhook delivery"))?;
    let mut outcome = settled;
    if ok {
        endpoint::Entity::update_many()
            .col_expr(
                endpoint::Column::FailingSince,
                Expr::value(None::<OffsetDateTime>),
            )
            .filter(endpoint::Column::Id.eq(claimed.endpoint_id))
            .filter(endpoint::Column::FailingSince.is_not_null())
            .exec(tx)
            .await
            .map_err(StoreError::db("recording a webhook delivery"))?;
    } else {
        let e = endpoint::Entity::find_by_id(claimed.endpoint_id)
            .one(tx)
            .await
            .map_err(StoreError::db("reading a webhook"))?;
        if let Some(e) = e {
            let since = e.failing_since.unwrap_or(at);
            let mut m: endpoint::ActiveModel = e.clone().into();
            m.failing_since = Set(Some(since));
            if e.enabled && at - since >= DISABLE_AFTER {
                m.enabled = Set(false);
                m.disabled_at = Set(Some(at));
                m.disabled_reason = Set(Some(DISABLED_FAILING.to_owned()));
                m.version = Set(e.version + 1);
                m.updated_at = Set(at);
                outcome = Settled::EndpointDisabled;
            }
            m.update(tx)
                .await
                .map_err(StoreError::db("recording a webhook failure"))?;
            if outcome == Settled::EndpointDisabled {
                outbox::append_endpoint_disabled(tx, e.organisation_id, e.id, at).await?;
            }
        }
    }
    Ok(outcome)
}
