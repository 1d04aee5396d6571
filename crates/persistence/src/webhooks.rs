//! Webhook endpoints and their deliveries.
//!
//! An endpoint belongs to one organisation; every function here that reads or changes
//! one takes that organisation and finds nothing of another's. Deliveries are queued in
//! the transaction that writes their event ([`enqueue`]), claimed by workers under a
//! lease ([`claim`]) and settled with the attempt's outcome ([`settle`]).

use sanctuary_domain::events::EventType;
use sanctuary_domain::webhooks::{
    DISABLE_AFTER, DeliveryStatus, DisabledReason, GIVE_UP_AFTER, ROTATION_GRACE,
};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::crypto::{Keyring, WEBHOOK_PREVIOUS_SECRET, WEBHOOK_SECRET};
use crate::entities::{webhook_delivery as delivery, webhook_endpoint as endpoint};
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

/// Queues `event_type` event `seq` for every enabled endpoint of `recipients` that
/// subscribes to it, in the caller's transaction (the event's).
pub(crate) async fn enqueue(
    db: &impl ConnectionTrait,
    seq: i64,
    event_type: EventType,
    recipients: &[Uuid],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if recipients.is_empty() {
        return Ok(());
    }
    let endpoints: Vec<(Uuid, String)> = endpoint::Entity::find()
        .select_only()
        .column(endpoint::Column::Id)
        .column(endpoint::Column::EventTypes)
        .filter(endpoint::Column::OrganisationId.is_in(recipients.iter().copied()))
        .filter(endpoint::Column::Enabled.eq(true))
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("finding webhooks"))?;
    let wanted: Vec<delivery::ActiveModel> = endpoints
        .into_iter()
        .filter(|(_, types)| types.is_empty() || types.split(',').any(|t| t == event_type.as_str()))
        .map(|(endpoint_id, _)| delivery::ActiveModel {
            id: Set(Uuid::now_v7()),
            endpoint_id: Set(endpoint_id),
            event_seq: Set(seq),
            status: Set(PENDING.to_owned()),
            attempts: Set(0),
            next_attempt_at: Set(at),
            claimed_until: Set(None),
            last_attempt_at: Set(None),
            last_status: Set(None),
            last_error: Set(None),
            last_latency_ms: Set(None),
            delivered_at: Set(None),
            created_at: Set(at),
        })
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    delivery::Entity::insert_many(wanted)
        .exec_without_returning(db)
        .await
        .map_err(StoreError::db("queueing webhook deliveries"))?;
    Ok(())
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

/// Claims up to `limit` deliveries due at `now` for `lease`: for each endpoint only the
/// oldest pending event (so an endpoint receives its events in order, one at a time),
/// and none another worker holds. On PostgreSQL the candidates are locked `FOR UPDATE
/// SKIP LOCKED`, so workers on several instances never claim the same delivery; SQLite
/// has one writer.
pub async fn claim(
    store: &Store,
    now: OffsetDateTime,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Claimed>, StoreError> {
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    let ahead = Alias::new("ahead");
    let earlier_pending = Query::select()
        .expr(Expr::val(1))
        .from_as(delivery::Entity, ahead.clone())
        .and_where(
            Expr::col((ahead.clone(), delivery::Column::EndpointId))
                .equals((delivery::Entity, delivery::Column::EndpointId)),
        )
        .and_where(Expr::col((ahead.clone(), delivery::Column::Status)).eq(PENDING))
        .and_where(
            Expr::col((ahead, delivery::Column::EventSeq))
                .lt(Expr::col((delivery::Entity, delivery::Column::EventSeq))),
        )
        .to_owned();
    let mut select = delivery::Entity::find()
        .filter(delivery::Column::Status.eq(PENDING))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .filter(
            delivery::Column::ClaimedUntil
                .is_null()
                .or(delivery::Column::ClaimedUntil.lt(now)),
        )
        .filter(Expr::exists(earlier_pending).not())
        .order_by_asc(delivery::Column::NextAttemptAt)
        .limit(limit);
    if store.backend() == Backend::Postgres {
        select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = select
        .all(&*tx)
        .await
        .map_err(StoreError::db("claiming webhook deliveries"))?;
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
        .exec(&*tx)
        .await
        .map_err(StoreError::db("claiming webhook deliveries"))?;
    let endpoint_ids: Vec<Uuid> = rows.iter().map(|r| r.endpoint_id).collect();
    let endpoints = endpoint::Entity::find()
        .filter(endpoint::Column::Id.is_in(endpoint_ids))
        .all(&*tx)
        .await
        .map_err(StoreError::db("reading webhooks"))?;
    let seqs: Vec<i64> = rows.iter().map(|r| r.event_seq).collect();
    let events = outbox::by_seq(&*tx, &seqs).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("claiming webhook deliveries"))?;
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

/// Records the attempt on `claimed`: delivered, or retried after `retry_in`, or given
/// up; an endpoint failing for [`DISABLE_AFTER`] is disabled (in the same transaction
/// as the event telling its organisation).
pub async fn settle(
    store: &Store,
    claimed: &Claimed,
    attempt: &Attempt,
    retry_in: Duration,
) -> Result<Settled, StoreError> {
    let tx = store.begin_write().await?;
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
        .exec(&*tx)
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
            .exec(&*tx)
            .await
            .map_err(StoreError::db("recording a webhook delivery"))?;
    } else {
        let e = endpoint::Entity::find_by_id(claimed.endpoint_id)
            .one(&*tx)
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
            m.update(&*tx)
                .await
                .map_err(StoreError::db("recording a webhook failure"))?;
            if outcome == Settled::EndpointDisabled {
                outbox::append_endpoint_disabled(&*tx, e.organisation_id, e.id, at).await?;
            }
        }
    }
    tx.commit()
        .await
        .map_err(StoreError::db("recording a webhook delivery"))?;
    Ok(outcome)
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
