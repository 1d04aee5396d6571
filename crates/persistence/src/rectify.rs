//! Rectification: a corrected referral replaces the stored one, with the case columns
//! derived from it, a timeline entry and an audit record naming the changed fields.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::policy::Action;
use sanctuary_domain::referral::Referral;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::Value;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::crypto::REFERRAL_DETAILS;
use crate::entities::{case, case_referral};
use crate::events::{self, Actor, NewEvent};
use crate::intake::rows::{MatchKeys, referral_columns};
use crate::workflow::CommitError;
use crate::{Store, StoreError};

/// The fields that differ between two referrals, as `section.field` names (never
/// values), sorted.
pub fn changed_fields(before: &Referral, after: &Referral) -> Vec<String> {
    let (Ok(a), Ok(b)) = (serde_json::to_value(before), serde_json::to_value(after)) else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    let empty = serde_json::Map::new();
    let (a, b) = (
        a.as_object().unwrap_or(&empty),
        b.as_object().unwrap_or(&empty),
    );
    let mut sections: Vec<&String> = a.keys().chain(b.keys()).collect();
    sections.sort();
    sections.dedup();
    for section in sections {
        let (x, y) = (a.get(section), b.get(section));
        if x == y {
            continue;
        }
        match (x, y) {
            (Some(Value::Object(x)), Some(Value::Object(y))) => {
                let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
                keys.sort();
                keys.dedup();
                for key in keys {
                    if x.get(key) != y.get(key) {
                        fields.push(format!("{section}.{key}"));
                    }
                }
            }
            _ => fields.push(section.clone()),
        }
    }
    fields
}

/// What a rectification needs.
pub struct Rectification<'a> {
    pub case_id: Uuid,
    pub scheme_id: Uuid,
    pub status: CaseStatus,
    pub expected_version: i64,
    pub received_on: Date,
    pub referral: &'a Referral,
    pub fields: &'a [String],
    pub actor: &'a Actor,
    pub request_id: Option<&'a str>,
    pub at: OffsetDateTime,
}

/// Stores the corrected referral if the case is still at `expected_version`.
pub async fn rectify(store: &Store, r: Rectification<'_>) -> Result<i64, CommitError> {
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    let mut columns = <case::ActiveModel as Default>::default();
    referral_columns(
        &mut columns,
        r.referral,
        r.received_on,
        &MatchKeys::of(r.referral, keys),
    );
    columns.updated_at = Set(r.at);
    let updated = case::Entity::update_many()
        .set(columns)
        .col_expr(
            case::Column::Version,
            Expr::col(case::Column::Version).add(1),
        )
        .filter(case::Column::Id.eq(r.case_id))
        .filter(case::Column::Version.eq(r.expected_version))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("rectifying a case"))?;
    if updated.rows_affected == 0 {
        return Err(CommitError::Stale);
    }
    let json = serde_json::to_string(r.referral).map_err(|_| StoreError::Corrupt {
        column: REFERRAL_DETAILS,
    })?;
    case_referral::Entity::update_many()
        .col_expr(
            case_referral::Column::Details,
            Expr::value(keys.seal(REFERRAL_DETAILS, r.case_id, &json)),
        )
        .filter(case_referral::Column::CaseId.eq(r.case_id))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("rectifying a referral"))?;
    let data: Vec<(&'static str, String)> = r.fields.iter().map(|f| ("field", f.clone())).collect();
    events::append(
        &*tx,
        keys,
        NewEvent {
            case_id: r.case_id,
            at: r.at,
            action: Action::RectifyReferral,
            from: Some(r.status),
            to: r.status,
            actor: r.actor,
            data: &data,
            notes: &[],
            readers_before: &[],
        },
    )
    .await?;
    let record = NewAudit {
        actor_subject: &r.actor.subject,
        organisation_id: Some(r.actor.organisation_id),
        role: Some(r.actor.role),
        action: Action::RectifyReferral.as_str(),
        scheme_id: Some(r.scheme_id),
        case_id: Some(r.case_id),
        fields: r.fields.to_vec(),
        request_id: r.request_id,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(&*tx, keys, &record).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing a rectification"))?;
    Ok(r.expected_version + 1)
}
