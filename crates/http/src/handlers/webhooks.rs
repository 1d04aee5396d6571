//! Webhook endpoints: each organisation registers, changes and removes its own, and
//! reads and retries their deliveries. Another organisation's endpoint is a 404.

use actix_web::http::header;
use actix_web::web::{Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, delete, get, patch, post};
use sanctuary_app::webhooks::{self, Change, Registration};
use sanctuary_persistence::webhooks::Endpoint;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::{ContractJson, ValidQuery};
use crate::handlers::{etag, expected};
use crate::state::AppState;
use crate::wire::webhooks::{
    DEFAULT_DELIVERY_PAGE, DeliveriesQueryParams, DeliveryPage, DeliveryView, NewWebhookBody,
    WebhookCreatedView, WebhookPatchBody, WebhookSecretView, WebhookView,
};

fn id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::not_found())
}

fn with_etag(mut builder: HttpResponseBuilder, endpoint: &Endpoint) -> HttpResponseBuilder {
    builder.insert_header((header::ETAG, etag(endpoint.version)));
    builder
}

/// Register a webhook endpoint.
///
/// Your organisation's events (see `GET /api/v1/events`) are POSTed to `url` as they
/// happen, signed as Standard Webhooks say (`webhook-id`, `webhook-timestamp`,
/// `webhook-signature: v1,<base64 HMAC-SHA256>`), at least once (de-duplicate by
/// `webhook-id`), in order per endpoint, retried with backoff for 72 hours. The
/// signing secret is in this answer only.
#[utoipa::path(
    tag = "webhooks",
    request_body = NewWebhookBody,
    responses(
        (status = 201, description = "Registered.", body = WebhookCreatedView,
            headers(("ETag" = String, description = "The endpoint's version"), ("Location" = String))),
        (status = 403, description = "The token holds no role that works on cases.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: Data<AppState>,
    caller: Caller,
    body: ContractJson<NewWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.parse(Ok)?;
    let registration = Registration {
        url: body.url.trim(),
        description: body.description.as_deref().map(str::trim),
        event_types: &body.event_types,
    };
    let registered =
        webhooks::register(&state.app, &caller, registration, OffsetDateTime::now_utc()).await?;
    let mut builder = with_etag(HttpResponse::Created(), &registered.endpoint);
    builder.insert_header((
        header::LOCATION,
        format!("/api/v1/webhooks/{}", registered.endpoint.id),
    ));
    Ok(builder.json(WebhookCreatedView {
        webhook: registered.endpoint.into(),
        secret: registered.secret,
    }))
}

/// List your organisation's webhook endpoints.
///
/// Every endpoint your organisation registered (at most ten), with whether it is
/// enabled, since when it has been failing and its subscriptions; never the secrets.
#[utoipa::path(
    tag = "webhooks",
    responses(
        (status = 200, body = Vec<WebhookView>),
        (status = 403, description = "The token holds no role that works on cases.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: Data<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WebhookView>>, ApiError> {
    let all = webhooks::list(&state.app, &caller).await?;
    Ok(Json(all.into_iter().map(WebhookView::from).collect()))
}

/// Read one of your organisation's webhook endpoints.
///
/// The endpoint with its `ETag` (for `PATCH` and `rotate-secret`); another
/// organisation's endpoint is a 404, exactly as a missing one.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses(
        (status = 200, body = WebhookView, headers(("ETag" = String, description = "The endpoint's version"))),
        (status = 403, description = "The token holds no role that works on cases.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint of your organisation's.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: Data<AppState>,
    caller: Caller,
    path: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let endpoint = webhooks::find(&state.app, &caller, id(&path)?).await?;
    Ok(with_etag(HttpResponse::Ok(), &endpoint).json(WebhookView::from(endpoint)))
}

/// Change a webhook endpoint.
///
/// A new `url` is checked as at registration. `enabled: false` stops deliveries;
/// `enabled: true` turns the endpoint back on (also after it was disabled for failing).
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = Uuid, Path, description = "The endpoint's id"),
        ("If-Match" = String, Header, description = "The endpoint's ETag, e.g. \"1\""),
    ),
    request_body = WebhookPatchBody,
    responses(
        (status = 200, body = WebhookView, headers(("ETag" = String, description = "The endpoint's version"))),
        (status = 403, description = "The token holds no role that works on cases.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint of your organisation's.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: Path<String>,
    body: ContractJson<WebhookPatchBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id(&path)?;
    let body = body.parse(Ok)?;
    let change = Change {
        url: body.url.as_deref().map(str::trim),
        description: body.description.as_deref().map(|d| Some(d.trim())),
        event_types: body.event_types.as_deref(),
        enabled: body.enabled,
    };
    let endpoint = webhooks::change(
        &state.app,
        &caller,
        id,
        expected(&request),
        change,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(with_etag(HttpResponse::Ok(), &endpoint).json(WebhookView::from(endpoint)))
}

/// Remove a webhook endpoint.
///
/// Nothing more is sent to it; its delivery history goes with it.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id")),
    responses(
        (status = 204, description = "Removed."),
        (status = 403, description = "The token holds no role that works on cases.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint of your organisation's.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: Data<AppState>,
    caller: Caller,
    path: Path<String>,
) -> Result<HttpResponse, ApiError> {
    webhooks::delete(&state.app, &caller, id(&path)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate an endpoint's signing secret.
///
/// The new secret is in this answer only. For 24 hours deliveries carry two signatures
/// (new and old secret), so a receiver can switch to the new one without missing any.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = Uuid, Path, description = "The endpoint's id"),
        ("If-Match" = String, Header, description = "The endpoint's ETag, e.g. \"1\""),
    ),
    responses(
        (status = 200, body = WebhookSecretView, headers(("ETag" = String, description = "The endpoint's version"))),
        (status = 403, description = "The token holds no role that works on cases.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint of your organisation's.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/webhooks/{id}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = OffsetDateTime::now_utc();
    let rotated =
        webhooks::rotate_secret(&state.app, &caller, id(&path)?, expected(&request), now).await?;
    let until = rotated.endpoint.previous_secret_until.unwrap_or(now);
    Ok(
        with_etag(HttpResponse::Ok(), &rotated.endpoint).json(WebhookSecretView {
            secret: rotated.secret,
            previous_secret_valid_until: until,
        }),
    )
}

/// Read an endpoint's deliveries.
///
/// Newest first: each event sent (or to be sent) to the endpoint, with its status,
/// attempts, the last answer or error and its latency.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = Uuid, Path, description = "The endpoint's id"), DeliveriesQueryParams),
    responses(
        (status = 200, body = DeliveryPage),
        (status = 403, description = "The token holds no role that works on cases.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such endpoint of your organisation's.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: Data<AppState>,
    caller: Caller,
    path: Path<String>,
    query: ValidQuery<DeliveriesQueryParams>,
) -> Result<Json<DeliveryPage>, ApiError> {
    let q = query.0;
    let limit = q.limit.unwrap_or(DEFAULT_DELIVERY_PAGE);
    let rows = webhooks::deliveries(&state.app, &caller, id(&path)?, q.cursor, limit + 1).await?;
    let more = rows.len() as u64 > limit;
    let items: Vec<DeliveryView> = rows
        .into_iter()
        .take(limit as usize)
        .map(DeliveryView::from)
        .collect();
    let next_cursor = more.then(|| items.last().map(|d| d.id)).flatten();
    Ok(Json(DeliveryPage { items, next_cursor }))
}

/// Send a delivery again.
///
/// Queues it to be sent now, whatever its state (a delivered event is sent again with
/// the same `webhook-id`; a given-up one is retried for another 72 hours from its
/// first attempt's start — once more, then it fails again).
#[utoipa::path(
    tag = "webhooks",
    params(
        ("id" = Uuid, Path, description = "The endpoint's id"),
        ("delivery" = Uuid, Path, description = "The delivery's id"),
    ),
    responses(
        (status = 202, description = "Queued."),
        (status = 403, description = "The token holds no role that works on cases.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such delivery of your organisation's endpoint.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/webhooks/{id}/deliveries/{delivery}/retry")]
pub async fn retry_delivery(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (endpoint, delivery) = path.into_inner();
    webhooks::retry(
        &state.app,
        &caller,
        id(&endpoint)?,
        id(&delivery)?,
        OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(HttpResponse::Accepted().finish())
}
