//! Retention: cases that ended more than the scheme's `retention_years` ago are
//! anonymised — the referral (every identifier), the free-text notes, works locations,
//! DASH answers, the partner's reference and the blind indexes are destroyed; the
//! categories the monitoring report counts stay. A legal hold keeps a case as it is.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::events::EventType;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::entities::{
    case, case_note, case_referral, idempotency_record, risk_assessment, works_item,
};
use crate::outbox::{self, CaseChange};
use crate::{Store, StoreError, cases, schemes};

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// The cases anonymised now.
    pub anonymised: Vec<Uuid>,
    /// Cases past their retention period kept by a legal hold.
    pub held: u64,
}

/// What anonymising destroys (names, for the audit record).
const DESTROYED: [&str; 7] = [
    "referral",
    "notes",
    "documents",
    "works_locations",
    "dash_answers",
    "external_reference",
    "match_keys",
];

/// `years` before `now` (29 February falls back to 28 February).
fn years_before(now: OffsetDateTime, years: u32) -> OffsetDateTime {
    let year = now.year() - i32::try_from(years).unwrap_or(i32::MAX / 2);
    now.replace_year(year)
        .or_else(|_| (now - Duration::days(1)).replace_year(year))
        .unwrap_or(now - Duration::days(366 * i64::from(years)))
}

/// Anonymises every case due as of `now`, each in its own transaction with its audit
/// record; a run interrupted part-way is finished by the next.
pub async fn run(store: &Store, now: OffsetDateTime) -> Result<RetentionReport, StoreError> {
    let db = store.connection();
    let mut report = RetentionReport::default();
    for scheme in schemes::list(db).await? {
        let cutoff = years_before(now, scheme.settings.retention_years);
        let due = |held: bool| {
            case::Entity::find()
                .select_only()
                .column(case::Column::Id)
                .filter(case::Column::SchemeId.eq(scheme.id))
                .filter(case::Column::EndedAt.lt(cutoff))
                .filter(case::Column::AnonymisedAt.is_null())
                .filter(case::Column::LegalHold.eq(held))
                .into_tuple::<Uuid>()
        };
        let held = due(true)
            .all(db)
            .await
            .map_err(StoreError::db("finding cases past retention"))?;
        report.held += held.len() as u64;
        let ids = due(false)
            .all(db)
            .await
            .map_err(StoreError::db("finding cases past retention"))?;
        for id in ids {
            if anonymise(store, scheme.id, id, now).await? {
                report.anonymised.push(id);
            }
        }
    }
    Ok(report)
}

/// Anonymises one case, unless it was anonymised or held meanwhile.
async fn anonymise(
    store: &Store,
    scheme_id: Uuid,
    case_id: Uuid,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let tx = store.begin_write().await?;
    let fail = || StoreError::db("anonymising a case");
    let Some(before) = cases::find_summary(&*tx, case_id).await? else {
        return Ok(false);
    };
    let readers_before = outbox::readers(&*tx, &before).await?;
    let claimed = case::Entity::update_many()
        .col_expr(case::Column::AnonymisedAt, Expr::value(Some(now)))
        .col_expr(case::Column::ExternalReference, Expr::value(None::<String>))
        .col_expr(
            case::Column::ExternalReferenceIndex,
            Expr::value(None::<String>),
        )
        .col_expr(case::Column::ClientMatchKey, Expr::value(""))
        .col_expr(case::Column::AddressMatchKey, Expr::value(""))
        .filter(case::Column::Id.eq(case_id))
        .filter(case::Column::AnonymisedAt.is_null())
        .filter(case::Column::LegalHold.eq(false))
        .exec(&*tx)
        .await
        .map_err(fail())?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    // Whatever the scheme's months on the register after the end, an anonymised case's
    // home comes off it now.
    let keys = store.keys()?;
    crate::register::ending::take_off(
        &*tx,
        keys,
        scheme_id,
        case_id,
        now,
        "sanctuary retention run",
    )
    .await?;
    case_referral::Entity::delete_many()
        .filter(case_referral::Column::CaseId.eq(case_id))
        .exec(&*tx)
        .await
        .map_err(fail())?;
    case_note::Entity::delete_many()
        .filter(case_note::Column::CaseId.eq(case_id))
        .exec(&*tx)
        .await
        .map_err(fail())?;
    crate::documents::destroy_all(&*tx, case_id).await?;
    works_item::Entity::update_many()
        .col_expr(works_item::Column::Location, Expr::value(None::<String>))
        .filter(works_item::Column::CaseId.eq(case_id))
        .exec(&*tx)
        .await
        .map_err(fail())?;
    risk_assessment::Entity::update_many()
        .col_expr(
            risk_assessment::Column::DashAnswers,
            Expr::value(None::<String>),
        )
        .filter(risk_assessment::Column::CaseId.eq(case_id))
        .exec(&*tx)
        .await
        .map_err(fail())?;
    idempotency_record::Entity::delete_many()
        .filter(idempotency_record::Column::CaseId.eq(case_id))
        .exec(&*tx)
        .await
        .map_err(fail())?;
    let record = NewAudit {
        actor_subject: "sanctuary retention run",
        organisation_id: None,
        role: None,
        action: "anonymise",
        scheme_id: Some(scheme_id),
        case_id: Some(case_id),
        fields: DESTROYED.iter().map(|f| (*f).to_owned()).collect(),
        request_id: None,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(&*tx, store.keys()?, &record).await?;
    let change = CaseChange {
        event_type: EventType::Anonymised,
        at: now,
        from: Some(before.status),
        to: before.status,
        acting_organisation: None,
        clock_kind: None,
    };
    outbox::append_case(&*tx, case_id, change, &readers_before).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing an anonymisation"))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn retention_counts_calendar_years() {
        assert_eq!(
            years_before(datetime!(2032-06-01 12:00 UTC), 6),
            datetime!(2026-06-01 12:00 UTC)
        );
        assert_eq!(
            years_before(datetime!(2032-02-29 12:00 UTC), 6),
            datetime!(2026-02-28 12:00 UTC)
        );
    }
}
