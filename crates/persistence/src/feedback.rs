//! Referring agencies' feedback on the scheme: the ratings in the clear (the report adds
//! them up in SQL), the comment sealed and bound to its row.

use sanctuary_domain::feedback::Feedback;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::crypto::FEEDBACK_COMMENT;
use crate::entities::scheme_feedback;
use crate::organisations;
use crate::{Store, StoreError};

/// Feedback as the coordinator reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRow {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub received_at: OffsetDateTime,
    pub feedback: Feedback,
}

/// Stores `feedback` from `organisation_id`, with its audit record in the same
/// transaction. Its id.
pub async fn put(
    store: &Store,
    scheme_id: Uuid,
    organisation_id: Uuid,
    feedback: &Feedback,
    at: OffsetDateTime,
    audit_record: &NewAudit<'_>,
) -> Result<Uuid, StoreError> {
    let keys = store.keys()?;
    let id = Uuid::now_v7();
    let tx = store.begin_write().await?;
    scheme_feedback::ActiveModel {
        id: Set(id),
        scheme_id: Set(scheme_id),
        organisation_id: Set(organisation_id),
        received_at: Set(at),
        speed: Set(i16::from(feedback.speed)),
        communication: Set(i16::from(feedback.communication)),
        outcome: Set(i16::from(feedback.outcome)),
        comment: Set(feedback
            .comment
            .as_deref()
            .map(|c| keys.seal(FEEDBACK_COMMENT, id, c))),
    }
    .insert(&*tx)
    .await
    .map_err(StoreError::db("saving feedback"))?;
    audit::append(&*tx, keys, audit_record).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing feedback"))?;
    Ok(id)
}

/// The scheme's feedback received in `[from, until)`, newest first, comments opened.
pub async fn list(
    store: &Store,
    scheme_id: Uuid,
    from: OffsetDateTime,
    until: OffsetDateTime,
) -> Result<Vec<FeedbackRow>, StoreError> {
    let keys = store.keys()?;
    let db = store.connection();
    let rows = scheme_feedback::Entity::find()
        .filter(scheme_feedback::Column::SchemeId.eq(scheme_id))
        .filter(scheme_feedback::Column::ReceivedAt.gte(from))
        .filter(scheme_feedback::Column::ReceivedAt.lt(until))
        .order_by_desc(scheme_feedback::Column::ReceivedAt)
        .all(db)
        .await
        .map_err(StoreError::db("reading feedback"))?;
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.organisation_id).collect();
    ids.sort();
    ids.dedup();
    let names: std::collections::HashMap<Uuid, String> = organisations::find_many(db, &ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let rating = |v: i16| {
        u8::try_from(v).map_err(|_| StoreError::Corrupt {
            column: "scheme_feedback rating",
        })
    };
    rows.into_iter()
        .map(|row| {
            Ok(FeedbackRow {
                id: row.id,
                organisation_id: row.organisation_id,
                organisation_name: names.get(&row.organisation_id).cloned().unwrap_or_default(),
                received_at: row.received_at,
                feedback: Feedback {
                    speed: rating(row.speed)?,
                    communication: rating(row.communication)?,
                    outcome: rating(row.outcome)?,
                    comment: row
                        .comment
                        .as_deref()
                        .map(|c| keys.open(FEEDBACK_COMMENT, row.id, c))
                        .transpose()?,
                },
            })
        })
        .collect()
}
