//! A case's visits: read into the domain's `Visit`, and the bookings and outcomes an
//! action records, written in its transaction.

use sanctuary_domain::visits::{NewVisit, Slot, TimeOfDay, Visit, VisitUpdate};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::codec::{parse, parse_opt};
use crate::entities::case_visit;

fn time_of_day(text: &str, column: &'static str) -> Result<TimeOfDay, StoreError> {
    TimeOfDay::parse(text).ok_or(StoreError::Corrupt { column })
}

/// The visits of case `case_id`, in the order they were booked.
pub async fn of_case(db: &impl ConnectionTrait, case_id: Uuid) -> Result<Vec<Visit>, StoreError> {
    case_visit::Entity::find()
        .filter(case_visit::Column::CaseId.eq(case_id))
        .order_by_asc(case_visit::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading visits"))?
        .into_iter()
        .map(|m| {
            Ok(Visit {
                id: m.id,
                kind: parse(&m.kind, "case_visits.kind")?,
                slot: Slot {
                    on: m.visit_date,
                    from: time_of_day(&m.window_from, "case_visits.window_from")?,
                    to: time_of_day(&m.window_to, "case_visits.window_to")?,
                },
                booked_by: m.booked_by,
                outcome: parse_opt(m.outcome.as_deref(), "case_visits.outcome")?,
                rebooked_as: m.rebooked_as,
            })
        })
        .collect()
}

/// Writes the visits booked by `organisation_id` and the outcomes recorded, at `at`.
pub(crate) async fn write(
    db: &impl ConnectionTrait,
    case_id: Uuid,
    organisation_id: Uuid,
    at: OffsetDateTime,
    added: &[NewVisit],
    changed: &[VisitUpdate],
) -> Result<(), StoreError> {
    for v in added {
        case_visit::ActiveModel {
            id: Set(v.id),
            case_id: Set(case_id),
            kind: Set(v.kind.as_str().to_owned()),
            visit_date: Set(v.slot.on),
            window_from: Set(v.slot.from.to_string()),
            window_to: Set(v.slot.to.to_string()),
            booked_by: Set(organisation_id),
            booked_at: Set(at),
            outcome: Set(None),
            outcome_at: Set(None),
            rebooked_as: Set(None),
        }
        .insert(db)
        .await
        .map_err(StoreError::db("booking a visit"))?;
    }
    for u in changed {
        case_visit::ActiveModel {
            id: Set(u.id),
            outcome: Set(Some(u.outcome.as_str().to_owned())),
            outcome_at: Set(Some(at)),
            rebooked_as: Set(u.rebooked_as),
            ..Default::default()
        }
        .update(db)
        .await
        .map_err(StoreError::db("recording a visit's outcome"))?;
    }
    Ok(())
}
