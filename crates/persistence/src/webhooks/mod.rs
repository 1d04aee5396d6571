//! Webhook endpoints and their deliveries.
//!
//! An endpoint belongs to one organisation; every function here that reads or changes
//! one takes that organisation and finds nothing of another's. Deliveries are made from
//! the outbox, claimed by workers under a lease and settled with the attempt's outcome,
//! a worker's turn at a time ([`turn`], in `queue`); `history` is what the endpoint's
//! organisation reads of them.

mod history;
mod queue;

pub use history::{DeliveryRecord, deliveries, retry};
pub use queue::{Attempt, Claimed, FAN_OUT_BATCH, Outcome, RUN, Settled, Turn, turn};

use sanctuary_domain::events::EventType;
use sanctuary_domain::webhooks::{DeliveryStatus, DisabledReason, ROTATION_GRACE};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::crypto::{WEBHOOK_PREVIOUS_SECRET, WEBHOOK_SECRET};
use crate::entities::webhook_endpoint as endpoint;
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
