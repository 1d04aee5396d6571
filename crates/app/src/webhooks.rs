//! An organisation's webhook endpoints: registering, changing, rotating the secret,
//! reading deliveries and retrying one. Each organisation manages only its own (another
//! organisation's endpoint is not found, exactly as a missing one), with the tokens of
//! the roles that receive events.

use sanctuary_domain::events::EventType;
use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_persistence::webhooks::{
    self, Changed, DeliveryRecord, Endpoint, EndpointChanges, NewEndpoint,
};
use sanctuary_webhooks::{check_url, sign};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::precondition::{self, Expected};
use crate::{Acting, App, AppError, feed};

/// The most endpoints an organisation may register.
pub const MAX_ENDPOINTS: usize = 10;

/// A new endpoint and its secret, shown this once.
pub struct Registered {
    pub endpoint: Endpoint,
    pub secret: String,
}

/// What a registration asks for.
pub struct Registration<'a> {
    pub url: &'a str,
    pub description: Option<&'a str>,
    pub event_types: &'a [EventType],
}

async fn checked_url(app: &App, url: &str) -> Result<String, AppError> {
    match check_url(url, app.webhook_loopback_allowed(), app.email_enabled()).await {
        Ok(url) => Ok(url.to_string()),
        Err(e) => {
            let mut v = Violations::new();
            v.add("/url", ViolationCode::InvalidValue, e.to_string());
            Err(AppError::Invalid(v))
        }
    }
}

pub async fn register(
    app: &App,
    caller: &Acting,
    r: Registration<'_>,
    at: OffsetDateTime,
) -> Result<Registered, AppError> {
    feed::may_receive(caller)?;
    let store = app.store();
    let url = checked_url(app, r.url).await?;
    let existing = webhooks::list(store.connection(), caller.organisation.id).await?;
    if existing.len() >= MAX_ENDPOINTS {
        let mut v = Violations::new();
        v.add(
            "",
            ViolationCode::InvalidValue,
            format!("an organisation may register at most {MAX_ENDPOINTS} endpoints"),
        );
        return Err(AppError::Invalid(v));
    }
    let secret = sign::new_secret();
    let endpoint = webhooks::create(
        store,
        NewEndpoint {
            organisation_id: caller.organisation.id,
            url: &url,
            description: r.description,
            event_types: r.event_types,
            secret: &secret,
            at,
        },
    )
    .await?;
    Ok(Registered { endpoint, secret })
}

pub async fn list(app: &App, caller: &Acting) -> Result<Vec<Endpoint>, AppError> {
    feed::may_receive(caller)?;
    Ok(webhooks::list(app.store().connection(), caller.organisation.id).await?)
}

/// The caller's organisation's endpoint `id`; `NotFound` for anyone else's.
pub async fn find(app: &App, caller: &Acting, id: Uuid) -> Result<Endpoint, AppError> {
    feed::may_receive(caller)?;
    webhooks::find(app.store().connection(), caller.organisation.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// What a change asks for; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct Change<'a> {
    pub url: Option<&'a str>,
    pub description: Option<Option<&'a str>>,
    pub event_types: Option<&'a [EventType]>,
    pub enabled: Option<bool>,
}

pub async fn change(
    app: &App,
    caller: &Acting,
    id: Uuid,
    expected: Expected,
    c: Change<'_>,
    at: OffsetDateTime,
) -> Result<Endpoint, AppError> {
    let current = find(app, caller, id).await?;
    let seen = precondition::check(expected, "webhook", current.version)?;
    let url = match c.url {
        Some(url) => Some(checked_url(app, url).await?),
        None => None,
    };
    let changes = EndpointChanges {
        url: url.as_deref(),
        description: c.description,
        event_types: c.event_types,
        enabled: c.enabled,
        secret: None,
    };
    versioned(app, caller, id, seen, changes, at).await
}

/// A new signing secret (shown this once); the old one keeps signing beside it for
/// the grace period, so receivers can switch without missing a delivery.
pub async fn rotate_secret(
    app: &App,
    caller: &Acting,
    id: Uuid,
    expected: Expected,
    at: OffsetDateTime,
) -> Result<Registered, AppError> {
    let current = find(app, caller, id).await?;
    let seen = precondition::check(expected, "webhook", current.version)?;
    let secret = sign::new_secret();
    let changes = EndpointChanges {
        secret: Some(&secret),
        ..Default::default()
    };
    let endpoint = versioned(app, caller, id, seen, changes, at).await?;
    Ok(Registered { endpoint, secret })
}

async fn versioned(
    app: &App,
    caller: &Acting,
    id: Uuid,
    seen: i64,
    changes: EndpointChanges<'_>,
    at: OffsetDateTime,
) -> Result<Endpoint, AppError> {
    match webhooks::update(app.store(), caller.organisation.id, id, seen, changes, at).await? {
        Changed::Done(e) => Ok(e),
        Changed::NotFound => Err(AppError::NotFound),
        Changed::Stale { current } => Err(AppError::Stale {
            resource: "webhook",
            current,
        }),
    }
}

pub async fn delete(app: &App, caller: &Acting, id: Uuid) -> Result<(), AppError> {
    feed::may_receive(caller)?;
    if webhooks::delete(app.store(), caller.organisation.id, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Endpoint `id`'s deliveries, newest first.
pub async fn deliveries(
    app: &App,
    caller: &Acting,
    id: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> Result<Vec<DeliveryRecord>, AppError> {
    let endpoint = find(app, caller, id).await?;
    Ok(webhooks::deliveries(app.store().connection(), endpoint.id, before, limit).await?)
}

/// Sends delivery `delivery` of endpoint `id` again, now.
pub async fn retry(
    app: &App,
    caller: &Acting,
    id: Uuid,
    delivery: Uuid,
    at: OffsetDateTime,
) -> Result<(), AppError> {
    let endpoint = find(app, caller, id).await?;
    if webhooks::retry(app.store(), endpoint.id, delivery, at).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
