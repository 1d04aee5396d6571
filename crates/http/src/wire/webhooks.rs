//! Webhook endpoints and deliveries on the wire.

use sanctuary_domain::events::EventType;
use sanctuary_domain::webhooks::{DeliveryStatus, DisabledReason};
use sanctuary_persistence::webhooks::{DeliveryRecord, Endpoint};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// One of your organisation's webhook endpoints (never its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    #[schema(max_length = 2048)]
    pub url: String,
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// The event types sent here; empty: every type your organisation receives.
    pub event_types: Vec<EventType>,
    pub enabled: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub disabled_at: Option<OffsetDateTime>,
    pub disabled_reason: Option<DisabledReason>,
    /// Since when every attempt has failed (null once one succeeds). After five days
    /// the endpoint is disabled and your organisation gets `webhook.endpoint_disabled`.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failing_since: Option<OffsetDateTime>,
    /// After a rotation, until when deliveries are signed with the old secret too.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub previous_secret_valid_until: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<Endpoint> for WebhookView {
    fn from(e: Endpoint) -> Self {
        Self {
            id: e.id,
            url: e.url,
            description: e.description,
            event_types: e.event_types,
            enabled: e.enabled,
            disabled_at: e.disabled_at,
            disabled_reason: e.disabled_reason,
            failing_since: e.failing_since,
            previous_secret_valid_until: e.previous_secret_until,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// A registered endpoint and its signing secret, shown this once: keep it to verify
/// the `webhook-signature` of every delivery.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookCreatedView {
    pub webhook: WebhookView,
    /// `whsec_` and the base64 key (Standard Webhooks).
    #[schema(
        min_length = 50,
        max_length = 50,
        pattern = "^whsec_[A-Za-z0-9+/]{43}=$"
    )]
    pub secret: String,
}

/// A new signing secret, shown this once. Deliveries carry signatures by both secrets
/// until `previous_secret_valid_until`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookSecretView {
    #[schema(
        min_length = 50,
        max_length = 50,
        pattern = "^whsec_[A-Za-z0-9+/]{43}=$"
    )]
    pub secret: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub previous_secret_valid_until: OffsetDateTime,
}

/// An endpoint to register. Production accepts only `https://` URLs whose host
/// resolves to public addresses; demo mode also `http://` to loopback. Where the
/// deployment sends email, `mailto:team@example.org` gets a short notification email
/// per event instead.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "http://127.0.0.1:9000/hooks/sanctuary",
    "description": "IDVA service case system", "event_types": ["case.accepted", "case.closed"]}))]
pub struct NewWebhookBody {
    #[schema(min_length = 1, max_length = 2048)]
    pub url: String,
    #[schema(min_length = 1, max_length = 500)]
    pub description: Option<String>,
    /// Omit or leave empty for every type your organisation receives.
    #[serde(default)]
    #[schema(max_items = 40)]
    pub event_types: Vec<EventType>,
}

/// Changes to an endpoint; omitted fields keep their values. `enabled: true` turns a
/// disabled endpoint back on (deliveries queued from then).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"enabled": true}))]
pub struct WebhookPatchBody {
    #[schema(min_length = 1, max_length = 2048)]
    pub url: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub description: Option<String>,
    #[schema(max_items = 40)]
    pub event_types: Option<Vec<EventType>>,
    pub enabled: Option<bool>,
}

/// One event's delivery to one endpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: Uuid,
    /// The event's id (`webhook-id`).
    pub event_id: Uuid,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// While pending, when the next attempt is due.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_attempt_at: Option<OffsetDateTime>,
    /// The HTTP status your endpoint last answered, if it answered.
    pub last_status: Option<i32>,
    /// Why the last attempt failed (`answered 500`, `timed out`, …).
    #[schema(max_length = 200)]
    pub last_error: Option<String>,
    pub last_latency_ms: Option<i32>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

impl From<DeliveryRecord> for DeliveryView {
    fn from(d: DeliveryRecord) -> Self {
        Self {
            id: d.id,
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
            last_latency_ms: d.last_latency_ms,
            delivered_at: d.delivered_at,
            created_at: d.created_at,
        }
    }
}

/// A page of deliveries, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryView>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<Uuid>,
}

pub const DEFAULT_DELIVERY_PAGE: u64 = 50;
pub const MAX_DELIVERY_PAGE: u64 = 100;

#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesQueryParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
    /// Deliveries per page (default 50, at most 100).
    #[param(minimum = 1, maximum = 100)]
    #[validate(range(min = 1, max = MAX_DELIVERY_PAGE))]
    pub limit: Option<u64>,
}
