//! Idempotency keys (draft-ietf-httpapi-idempotency-key-header), scoped per organisation.
//!
//! A key is *claimed* in its own short transaction, so a concurrent request with the same
//! key sees it in flight; it is *completed* inside the transaction that creates the case,
//! so a key is never completed without its case or the other way round. If the holder
//! crashes, the claim lapses after its lease and a retry may take it over.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::entities::idempotency_record as record;
use crate::error::is_unique_violation;
use crate::{Store, StoreError};

const IN_FLIGHT: &str = "in_flight";
const COMPLETED: &str = "completed";

/// A request's key, with the fingerprint of its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey {
    pub organisation_id: Uuid,
    pub key: String,
    /// Hex SHA-256 of the canonical request body.
    pub fingerprint: String,
}

/// What a key says about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Never seen (or released): go ahead.
    Fresh,
    /// Already done: answer with the case it created.
    Completed(Uuid),
    /// Used before with a different body.
    Mismatch,
    /// Another request with this key is being processed.
    InFlight,
}

fn state_of(row: &record::Model, fingerprint: &str, now: OffsetDateTime) -> KeyState {
    if row.request_fingerprint != fingerprint {
        KeyState::Mismatch
    } else if row.state == COMPLETED {
        row.case_id.map_or(KeyState::Mismatch, KeyState::Completed)
    } else if row.locked_until > now {
        KeyState::InFlight
    } else {
        KeyState::Fresh
    }
}

async fn find(
    db: &impl ConnectionTrait,
    key: &IdempotencyKey,
) -> Result<Option<record::Model>, StoreError> {
    record::Entity::find_by_id((key.organisation_id, key.key.clone()))
        .one(db)
        .await
        .map_err(StoreError::db("reading an idempotency key"))
}

/// Reads the key without claiming it.
pub async fn peek(store: &Store, key: &IdempotencyKey) -> Result<KeyState, StoreError> {
    let now = OffsetDateTime::now_utc();
    Ok(find(store.connection(), key)
        .await?
        .map_or(KeyState::Fresh, |row| state_of(&row, &key.fingerprint, now)))
}

/// Claims the key for `lease`. Returns [`KeyState::Fresh`] when this request now holds it.
pub async fn claim(
    store: &Store,
    key: &IdempotencyKey,
    lease: Duration,
) -> Result<KeyState, StoreError> {
    // Two first uses can race to insert; the loser sees a unique violation and looks again.
    for _ in 0..3 {
        let now = OffsetDateTime::now_utc();
        let tx = store.begin_write().await?;
        let existing = find(&*tx, key).await?;
        let state = existing
            .as_ref()
            .map_or(KeyState::Fresh, |row| state_of(row, &key.fingerprint, now));
        if state != KeyState::Fresh {
            return Ok(state);
        }
        let result = match existing {
            None => record::ActiveModel {
                organisation_id: Set(key.organisation_id),
                idempotency_key: Set(key.key.clone()),
                request_fingerprint: Set(key.fingerprint.clone()),
                state: Set(IN_FLIGHT.into()),
                case_id: Set(None),
                locked_until: Set(now + lease),
                created_at: Set(now),
            }
            .insert(&*tx)
            .await
            .map(|_| ()),
            // A lapsed claim: take it over, but only if nobody else just did.
            Some(row) => record::Entity::update_many()
                .col_expr(record::Column::LockedUntil, Expr::value(now + lease))
                .filter(record::Column::OrganisationId.eq(row.organisation_id))
                .filter(record::Column::IdempotencyKey.eq(row.idempotency_key.clone()))
                .filter(record::Column::LockedUntil.eq(row.locked_until))
                .exec(&*tx)
                .await
                .and_then(|r| match r.rows_affected {
                    0 => Err(DbErr::RecordNotUpdated),
                    _ => Ok(()),
                }),
        };
        match result {
            Ok(()) => {
                tx.commit()
                    .await
                    .map_err(StoreError::db("claiming an idempotency key"))?;
                return Ok(KeyState::Fresh);
            }
            Err(err) if is_unique_violation(&err) || matches!(err, DbErr::RecordNotUpdated) => {
                tx.rollback()
                    .await
                    .map_err(StoreError::db("claiming an idempotency key"))?;
            }
            Err(err) => return Err(StoreError::db("claiming an idempotency key")(err)),
        }
    }
    Ok(KeyState::InFlight)
}

/// Gives the key back after the request failed, so the client may retry it.
pub async fn release(store: &Store, key: &IdempotencyKey) -> Result<(), StoreError> {
    let tx = store.begin_write().await?;
    record::Entity::delete_many()
        .filter(record::Column::OrganisationId.eq(key.organisation_id))
        .filter(record::Column::IdempotencyKey.eq(key.key.clone()))
        .filter(record::Column::State.eq(IN_FLIGHT))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("releasing an idempotency key"))?;
    tx.commit()
        .await
        .map_err(StoreError::db("releasing an idempotency key"))
}

/// Marks the key completed with `case_id`, in the transaction that created the case.
/// `false` when another request already completed it (it took over a lapsed claim, or
/// this one did): the caller must roll back, so the key takes effect once.
pub(crate) async fn complete(
    tx: &impl ConnectionTrait,
    key: &IdempotencyKey,
    case_id: Uuid,
) -> Result<bool, StoreError> {
    let updated = record::Entity::update_many()
        .col_expr(record::Column::State, Expr::value(COMPLETED))
        .col_expr(record::Column::CaseId, Expr::value(case_id))
        .filter(record::Column::OrganisationId.eq(key.organisation_id))
        .filter(record::Column::IdempotencyKey.eq(key.key.clone()))
        .filter(record::Column::State.eq(IN_FLIGHT))
        .exec(tx)
        .await
        .map_err(StoreError::db("completing an idempotency key"))?;
    Ok(updated.rows_affected == 1)
}
