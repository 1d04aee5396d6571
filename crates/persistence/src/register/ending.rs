//! Register entries that outlive their case: a scheme may keep a home on the register
//! for `register.keep_months_after_end` after the case ends; the worker takes the
//! entries off when that time is up, each case in its own transaction with its events
//! and audit record. Anonymisation takes off whatever still stands, whatever the months.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::clock::{ClockKind, ClockState};
use sanctuary_domain::register::{RegisterChange, RegisterPresence, RemovalReason};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
};
use time::{Date, Month, OffsetDateTime};
use uuid::Uuid;

use super::{Change, standing, write};
use crate::audit::{self, NewAudit};
use crate::crypto::Keyring;
use crate::entities::{case, case_clock, register_entry as entry};
use crate::{Store, StoreError, schemes};

/// Who takes entries off when a case's time on the register is up.
const WORKER: &str = "sanctuary worker (register)";

/// `months` before `now`, the day clamped to the month's length.
fn months_before(now: OffsetDateTime, months: u32) -> OffsetDateTime {
    let total = now.year() * 12 + (i32::from(u8::from(now.month())) - 1)
        - i32::try_from(months).unwrap_or(0);
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let month = Month::try_from(u8::try_from(month).unwrap_or(1)).unwrap_or(Month::January);
    let day = Ord::min(now.day(), time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).map_or(now, |d| now.replace_date(d))
}

/// Takes off the register, as of `now`, the entries of every case that ended more than
/// its scheme's months ago. Returns how many cases it took off. Safe on several
/// instances at once: a case's entries already removed are skipped.
pub async fn run(store: &Store, now: OffsetDateTime) -> Result<u64, StoreError> {
    let db = store.connection();
    let mut cases = 0;
    for scheme in schemes::list(db).await? {
        let cutoff = months_before(now, scheme.settings.register.keep_months_after_end);
        let due: Vec<Uuid> = entry::Entity::find()
            .select_only()
            .column(entry::Column::CaseId)
            .distinct()
            .join(JoinType::InnerJoin, entry::Relation::Case.def())
            .filter(entry::Column::SchemeId.eq(scheme.id))
            .filter(entry::Column::RemovedAt.is_null())
            .filter(case::Column::EndedAt.lte(cutoff))
            .into_tuple()
            .all(db)
            .await
            .map_err(StoreError::db("finding register entries due off"))?;
        for case_id in due {
            let tx = store.begin_write().await?;
            if take_off(&*tx, store.keys()?, scheme.id, case_id, now, WORKER).await? > 0 {
                cases += 1;
            }
            tx.commit()
                .await
                .map_err(StoreError::db("committing a register removal"))?;
        }
    }
    Ok(cases)
}

/// Removes every entry of the case still standing, in the caller's transaction, as
/// `subject` (the service's own job): the entries, the case's standing and version, the
/// review clock, the events and the audit record. Returns how many it removed.
pub(crate) async fn take_off(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    scheme_id: Uuid,
    case_id: Uuid,
    now: OffsetDateTime,
    subject: &str,
) -> Result<usize, StoreError> {
    let changes: Vec<RegisterChange> = standing(db, case_id)
        .await?
        .into_iter()
        .map(|e| RegisterChange::Removed {
            service: e.service,
            reason: RemovalReason::CaseEnded,
        })
        .collect();
    if changes.is_empty() {
        return Ok(0);
    }
    let fail = || StoreError::db("taking a case off the register");
    let mut update = case::Entity::update_many()
        .col_expr(
            case::Column::Version,
            Expr::col(case::Column::Version).add(1),
        )
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(case_id));
    let removed = Some(RegisterPresence::Removed.as_str());
    for change in &changes {
        let column = super::presence_column(change.service());
        update = update.col_expr(column, Expr::value(removed));
    }
    update.exec(db).await.map_err(fail())?;
    case_clock::Entity::update_many()
        .col_expr(
            case_clock::Column::State,
            Expr::value(ClockState::Cancelled.as_str()),
        )
        .col_expr(case_clock::Column::StoppedAt, Expr::value(Some(now)))
        .filter(case_clock::Column::CaseId.eq(case_id))
        .filter(case_clock::Column::Kind.eq(ClockKind::RegisterReview.as_str()))
        .filter(
            case_clock::Column::State
                .is_in([ClockState::Running.as_str(), ClockState::Paused.as_str()]),
        )
        .exec(db)
        .await
        .map_err(fail())?;
    write(
        db,
        Change {
            case_id,
            scheme_id,
            at: now,
            organisation_id: None,
            review_due: None,
            changes: &changes,
        },
    )
    .await?;
    let record = NewAudit {
        actor_subject: subject,
        organisation_id: None,
        role: None,
        action: "remove_register_entry",
        scheme_id: Some(scheme_id),
        case_id: Some(case_id),
        fields: changes
            .iter()
            .map(|c| format!("register.{}", c.service()))
            .collect(),
        request_id: None,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(db, keys, &record).await?;
    Ok(changes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn months_before_clamps_the_day() {
        assert_eq!(
            months_before(datetime!(2027-05-31 12:00 UTC), 3),
            datetime!(2027-02-28 12:00 UTC)
        );
        assert_eq!(
            months_before(datetime!(2027-01-15 08:00 UTC), 13),
            datetime!(2025-12-15 08:00 UTC)
        );
        assert_eq!(
            months_before(datetime!(2027-01-15 08:00 UTC), 0),
            datetime!(2027-01-15 08:00 UTC)
        );
    }
}
