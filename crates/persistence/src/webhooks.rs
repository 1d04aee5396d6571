//! Webhook endpoints and their deliveries.
//!
//! An endpoint belongs to one organisation; every function here that reads or changes
//! one takes that organisation and finds nothing of another's. Deliveries are made from
//! the outbox by the worker ([`fan_out`]), claimed by workers under a lease ([`claim`])
//! and settled with the attempt's outcome ([`settle`]).

use sanctuary_domain::events::EventType;
use sanctuary_domain::webhooks::{
    DISABLE_AFTER, DeliveryStatus, DisabledReason, GIVE_UP_AFTER, ROTATION_GRACE,
};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, LockBehavior, LockType, Order, Query, SelectStatement,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::crypto::{Keyring, WEBHOOK_PREVIOUS_SECRET, WEBHOOK_SECRET};
use crate::entities::{
    outbox_event, outbox_recipient, webhook_delivery as delivery, webhook_endpoint as endpoint,
    webhook_fanout as fanout,
};
use crate::outbox::{self, OutboxEvent};
use crate::store::Backend;
use crate::{Store, StoreError};

/// An endpoint as its organisation sees it (never its secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub url: String,
    pub description: Option<String>,
    /// Empty: every type the organisation receives.
    pub event_types: Vec<EventType>,
    pub enabled: bool,
    pub disabled_at: Option<OffsetDateTime>,
    pub disabled_reason: Option<DisabledReason>,
    pub failing_since: Option<OffsetDateTime>,
    /// Until when the secret rotated out still signs.
    pub previous_secret_until: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

const DISABLED_BY_OWNER: &str = DisabledReason::DisabledByOwner.as_str();
const DISABLED_FAILING: &str = DisabledReason::FailingFor5Days.as_str();
const PENDING: &str = DeliveryStatus::Pending.as_str();
const DELIVERED: &str = DeliveryStatus::Delivered.as_str();
const FAILED: &str = DeliveryStatus::Failed.as_str();

fn types_column(types: &[EventType]) -> String {
    types
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

impl TryFrom<endpoint::Model> for Endpoint {
    type Error = StoreError;

    fn try_from(m: endpoint::Model) -> Result<Self, StoreError> {
        let event_types = m
            .event_types
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| crate::codec::parse(t, "webhook_endpoints.event_types"))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            id: m.id,
            organisation_id: m.organisation_id,
            url: m.url,
            description: m.description,
            event_types,
            enabled: m.enabled,
            disabled_at: m.disabled_at,
            disabled_reason: crate::codec::parse_opt(
                m.disabled_reason.as_deref(),
                "webhook_endpoints.disabled_reason",
            )?,
            failing_since: m.failing_since,
            previous_secret_until: m.previous_secret_until,
            created_at: m.created_at,
            updated_at: m.updated_at,
            version: m.version,
        })
    }
}

/// A new endpoint.
pub struct NewEndpoint<'a> {
    pub organisation_id: Uuid,
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: &'a [EventType],
    pub secret: &'a str,
    pub at: OffsetDateTime,
}

pub async fn create(store: &Store, new: NewEndpoint<'_>) -> Result<Endpoint, StoreError> {
    let keys = store.keys()?;
    let id = Uuid::now_v7();
    let model = endpoint::ActiveModel {
        id: Set(id),
        organisation_id: Set(new.organisation_id),
        url: Set(new.url.to_owned()),
        description: Set(new.description.map(str::to_owned)),
        event_types: Set(types_column(new.event_types)),
        secret: Set(keys.seal(WEBHOOK_SECRET, id, new.secret)),
        previous_secret: Set(None),
        previous_secret_until: Set(None),
        enabled: Set(true),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        failing_since: Set(None),
        created_at: Set(new.at),
        updated_at: Set(new.at),
        version: Set(1),
    };
    let tx = store.begin_write().await?;
    let saved = model
        .insert(&*tx)
        .await
        .map_err(StoreError::db("registering a webhook"))?;
    tx.commit()
        .await
        .map_err(StoreError::db("registering a webhook"))?;
    saved.try_into()
}

/// The organisation's endpoints, oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
) -> Result<Vec<Endpoint>, StoreError> {
    endpoint::Entity::find()
        .filter(endpoint::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(endpoint::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading webhooks"))?
        .into_iter()
        .map(Endpoint::try_from)
        .collect()
}

/// The organisation's endpoint `id` (none if it is another's).
pub async fn find(
    db: &impl ConnectionTrait,
    organisation_id: Uuid,
    id: Uuid,
) -> Result<Option<Endpoint>, StoreError> {
    endpoint::Entity::find_by_id(id)
        .filter(endpoint::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await
        .map_err(StoreError::db("reading a webhook"))?
        .map(Endpoint::try_from)
        .transpose()
}

/// Changes to an endpoint; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct EndpointChanges<'a> {
    pub url: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub event_types: Option<&'a [EventType]>,
    pub enabled: Option<bool>,
    /// A new signing secret; the current one keeps signing for [`ROTATION_GRACE`].
    pub secret: Option<&'a str>,
}

/// The outcome of a versioned change.
#[derive(Debug)]
pub enum Changed {
    Done(Endpoint),
    NotFound,
    Stale { current: i64 },
}

/// Applies `changes` to the organisation's endpoint `id` if it is at `version`.
pub async fn update(
    store: &Store,
    organisation_id: Uuid,
    id: Uuid,
    version: i64,
    changes: EndpointChanges<'_>,
    at: OffsetDateTime,
) -> Result<Changed, StoreError> {
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    let Some(current) = endpoint::Entity::find_by_id(id)
        .filter(endpoint::Column::OrganisationId.eq(organisation_id))
        .one(&*tx)
        .await
        .map_err(StoreError::db("reading a webhook"))?
    else {
        return Ok(Changed::NotFound);
    };
    if current.version != version {
        return Ok(Changed::Stale {
            current: current.version,
        });
    }
    let mut m: endpoint::ActiveModel = current.clone().into();
    if let Some(url) = changes.url {
        m.url = Set(url.to_owned());
    }
    if let Some(description) = changes.description {
        m.description = Set(description.map(str::to_owned));
    }
    if let Some(types) = changes.event_types {
        m.event_types = Set(types_column(types));
    }
    match changes.enabled {
        Some(true) if !current.enabled => {
            m.enabled = Set(true);
            m.disabled_at = Set(None);
            m.disabled_reason = Set(None);
            m.failing_since = Set(None);
        }
        Some(false) if current.enabled => {
            m.enabled = Set(false);
            m.disabled_at = Set(Some(at));
            m.disabled_reason = Set(Some(DISABLED_BY_OWNER.to_owned()));
        }
        _ => {}
    }
    if let Some(secret) = changes.secret {
        let old = keys.open(WEBHOOK_SECRET, id, &current.secret)?;
        m.previous_secret = Set(Some(keys.seal(WEBHOOK_PREVIOUS_SECRET, id, &old)));
        m.previous_secret_until = Set(Some(at + ROTATION_GRACE));
        m.secret = Set(keys.seal(WEBHOOK_SECRET, id, secret));
    }
    m.updated_at = Set(at);
    m.version = Set(current.version + 1);
    let saved = m
        .update(&*tx)
        .await
        .map_err(StoreError::db("changing a webhook"))?;
    tx.commit()
        .await
        .map_err(StoreError::db("changing a webhook"))?;
    Ok(Changed::Done(saved.try_into()?))
}

/// Deletes the organisation's endpoint `id` and its deliveries; false if there was none.
pub async fn delete(store: &Store, organisation_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
    let tx = store.begin_write().await?;
    let deleted = endpoint::Entity::delete_many()
        .filter(endpoint::Column::Id.eq(id))
        .filter(endpoint::Column::OrganisationId.eq(organisation_id))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("deleting a webhook"))?;
    tx.commit()
        .await
        .map_err(StoreError::db("deleting a webhook"))?;
    Ok(deleted.rows_affected == 1)
}

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
/// ordered, so none is passed over. Looks before it writes.
pub async fn fan_out(store: &Store) -> Result<u64, StoreError> {
    let read = store.connection();
    if fanned_out(read, None).await? >= outbox::last_seq(read).await? {
        return Ok(0);
    }
    let tx = store.begin_write().await?;
    let lock = (store.backend() == Backend::Postgres).then_some(LockType::Update);
    let from = fanned_out(&*tx, lock).await?;
    let events: Vec<(i64, String, OffsetDateTime)> = outbox_event::Entity::find()
        .select_only()
        .column(outbox_event::Column::Seq)
        .column(outbox_event::Column::EventType)
        .column(outbox_event::Column::At)
        .filter(outbox_event::Column::Seq.gt(from))
        .order_by_asc(outbox_event::Column::Seq)
        .limit(FAN_OUT_BATCH)
        .into_tuple()
        .all(&*tx)
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
        .all(&*tx)
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
        .all(&*tx)
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
            .exec_without_returning(&*tx)
            .await
            .map_err(StoreError::db("queueing webhook deliveries"))?;
    }
    fanout::Entity::update_many()
        .col_expr(fanout::Column::Seq, Expr::value(last))
        .filter(fanout::Column::Id.eq(1))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("advancing the webhook fan-out"))?;
    tx.commit()
        .await
        .map_err(StoreError::db("queueing webhook deliveries"))?;
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
fn heads(endpoint_id: Option<Uuid>) -> SelectStatement {
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
    let mut heads = Query::select()
        .expr(Expr::SubQuery(None, Box::new(first_pending.into())))
        .from(endpoint::Entity)
        .and_where(Expr::col((endpoint::Entity, endpoint::Column::Enabled)).eq(true))
        .to_owned();
    if let Some(id) = endpoint_id {
        heads.and_where(Expr::col((endpoint::Entity, endpoint::Column::Id)).eq(id));
    }
    heads
}

/// Heads due at `now` and held by no worker, oldest due first; locked `FOR UPDATE SKIP
/// LOCKED` on PostgreSQL, so workers on several instances never claim the same one.
fn claimable(
    backend: Backend,
    endpoint_id: Option<Uuid>,
    now: OffsetDateTime,
    limit: u64,
) -> sea_orm::Select<delivery::Entity> {
    let select = delivery::Entity::find()
        .filter(delivery::Column::Id.in_subquery(heads(endpoint_id)))
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
/// not per event.
pub const RUN: u64 = 20;

/// Up to `limit` endpoints' runs of deliveries due at `now`, claimed for `lease`: each
/// run starts at an endpoint's head and goes on through the deliveries queued after it
/// (at most [`RUN`]), none that another worker holds. Looks before it writes, so an idle
/// worker's wake-ups cost a read, not a turn at SQLite's single writer.
pub async fn claim(
    store: &Store,
    now: OffsetDateTime,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Vec<Claimed>>, StoreError> {
    let due = claimable(Backend::Sqlite, None, now, 1)
        .one(store.connection())
        .await
        .map_err(StoreError::db("looking for webhook deliveries"))?;
    if due.is_none() {
        return Ok(Vec::new());
    }
    let tx = store.begin_write().await?;
    let heads = claimable(store.backend(), None, now, limit)
        .all(&*tx)
        .await
        .map_err(StoreError::db("claiming webhook deliveries"))?;
    let rows = runs_from(&*tx, store.backend(), heads, now).await?;
    let claimed = hold(&*tx, store.keys()?, rows, now, lease).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("claiming webhook deliveries"))?;
    Ok(by_endpoint(claimed))
}

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

/// What [`settle`] did, and the endpoint's next deliveries if it claimed them.
#[derive(Debug, Clone)]
pub struct Settlement {
    pub outcome: Settled,
    /// The endpoint's next run, if this outcome asked for it and one was due.
    pub next: Vec<Claimed>,
}

/// One attempt to settle: the delivery, how the attempt went, when to retry a failure,
/// and, if the worker goes on with the endpoint, the lease for its next run.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub claimed: Claimed,
    pub attempt: Attempt,
    pub retry_in: Duration,
    pub next_lease: Option<Duration>,
}

/// Records each outcome, in one transaction (a worker settles what finished together at
/// once: on SQLite every transaction is a turn at the single writer). Each delivery is
/// delivered, or retried after `retry_in`, or given up; an endpoint failing for
/// [`DISABLE_AFTER`] is disabled (with the event telling its organisation). With
/// `next_lease`, the endpoint's next run is claimed in the same transaction, so a worker
/// working through a backlog writes once per run.
/// `released`: deliveries claimed but not sent (a run stopped at a failure, or the
/// worker is stopping), handed back to the queue untouched.
pub async fn settle(
    store: &Store,
    outcomes: &[Outcome],
    released: &[Uuid],
) -> Result<Vec<Settlement>, StoreError> {
    let tx = store.begin_write().await?;
    let keys = store.keys()?;
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
        settled.push(settle_one(&tx, store.backend(), keys, o).await?);
    }
    tx.commit()
        .await
        .map_err(StoreError::db("recording a webhook delivery"))?;
    Ok(settled)
}

async fn settle_one(
    tx: &sea_orm::DatabaseTransaction,
    backend: Backend,
    keys: &Keyring,
    o: &Outcome,
) -> Result<Settlement, StoreError> {
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
    let next = match o.next_lease {
        Some(lease) => {
            let head = claimable(backend, Some(claimed.endpoint_id), at, 1)
                .all(tx)
                .await
                .map_err(StoreError::db("claiming webhook deliveries"))?;
            let rows = runs_from(tx, backend, head, at).await?;
            hold(tx, keys, rows, at, lease).await?
        }
        None => Vec::new(),
    };
    Ok(Settlement { outcome, next })
}

/// A delivery as its endpoint's organisation sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i32,
    pub next_attempt_at: Option<OffsetDateTime>,
    pub last_attempt_at: Option<OffsetDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub last_latency_ms: Option<i32>,
    pub delivered_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// Endpoint `endpoint_id`'s deliveries, newest first, before `before` (a delivery id).
pub async fn deliveries(
    db: &impl ConnectionTrait,
    endpoint_id: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let mut select = delivery::Entity::find().filter(delivery::Column::EndpointId.eq(endpoint_id));
    if let Some(before) = before {
        select = select.filter(delivery::Column::Id.lt(before));
    }
    let rows = select
        .order_by_desc(delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await
        .map_err(StoreError::db("reading webhook deliveries"))?;
    let seqs: Vec<i64> = rows.iter().map(|r| r.event_seq).collect();
    let events = outbox::by_seq(db, &seqs).await?;
    rows.into_iter()
        .filter_map(|r| {
            let event = events.iter().find(|e| e.seq == r.event_seq)?;
            Some(Ok(DeliveryRecord {
                id: r.id,
                event_id: event.id,
                event_type: event.event_type,
                next_attempt_at: (r.status == PENDING).then_some(r.next_attempt_at),
                status: match crate::codec::parse(&r.status, "webhook_deliveries.status") {
                    Ok(s) => s,
                    Err(e) => return Some(Err(e)),
                },
                attempts: r.attempts,
                last_attempt_at: r.last_attempt_at,
                last_status: r.last_status,
                last_error: r.last_error,
                last_latency_ms: r.last_latency_ms,
                delivered_at: r.delivered_at,
                created_at: r.created_at,
            }))
        })
        .collect()
}

/// Queues delivery `id` of endpoint `endpoint_id` to be sent again now (whatever its
/// state); false if there is no such delivery.
pub async fn retry(
    store: &Store,
    endpoint_id: Uuid,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let tx = store.begin_write().await?;
    let updated = delivery::Entity::update_many()
        .col_expr(delivery::Column::Status, Expr::value(PENDING))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(now))
        .filter(delivery::Column::Id.eq(id))
        .filter(delivery::Column::EndpointId.eq(endpoint_id))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("retrying a webhook delivery"))?;
    tx.commit()
        .await
        .map_err(StoreError::db("retrying a webhook delivery"))?;
    Ok(updated.rows_affected == 1)
}
