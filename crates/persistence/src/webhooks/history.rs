//! What an endpoint's organisation reads of its deliveries, and asks again.

use sanctuary_domain::events::EventType;
use sanctuary_domain::webhooks::DeliveryStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use super::PENDING;
use crate::entities::webhook_delivery as delivery;
use crate::outbox;
use crate::{Store, StoreError};

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
