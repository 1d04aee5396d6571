//! Visits to the home: booked at their stage, never in a time the client said is unsafe,
//! and their outcome (a rebooking books the new visit with it).

use time::OffsetDateTime;
use uuid::Uuid;

use super::super::command::CaseSnapshot;
use super::super::effects::Effects;
use super::super::refusal::{ActionError, Conflict, invalid};
use crate::calendar::london;
use crate::violation::{ViolationCode, Violations};
use crate::visits::{
    NewVisit, Slot, VisitKind, VisitOutcome, VisitRef, VisitUpdate, due, find_pending,
};
use crate::works::{ItemKind, Removal};

/// An order waiting for its contractor: interim or remedial works, or a removal.
fn order_outstanding(case: &CaseSnapshot) -> bool {
    case.works.iter().any(|w| {
        (w.approved && w.outcome.is_none() && w.kind != ItemKind::Works)
            || matches!(w.removal, Some(Removal::Ordered { .. }))
    })
}

/// Every reason `slot` cannot be booked, at `at` (`/on`, `/from`, `/to` under `prefix`).
fn check_slot(case: &CaseSnapshot, slot: &Slot, at: OffsetDateTime, prefix: &str) -> Violations {
    let mut v = Violations::new();
    if slot.on < london::local_date(at) {
        v.add(
            format!("{prefix}/on"),
            ViolationCode::DateInPast,
            "must not be in the past",
        );
    }
    if slot.to <= slot.from {
        v.add(
            format!("{prefix}/to"),
            ViolationCode::OutOfRange,
            "must be after from",
        );
    } else if let Some(w) = slot.clash(&case.unsafe_windows) {
        // The window is the client's own words, shown on the case: say which.
        v.add(
            format!("{prefix}/from"),
            ViolationCode::UnsafeContactTime,
            format!(
                "falls in a time the client said is not safe ({} {}–{}): see the case's unsafe_contact_windows",
                w.days
                    .iter()
                    .map(|d| d.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                w.from,
                w.to
            ),
        );
    }
    v
}

pub(super) fn book(
    case: &CaseSnapshot,
    kind: VisitKind,
    slot: Slot,
    at: OffsetDateTime,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    if !due(kind, case.status, order_outstanding(case)) {
        return Err(ActionError::Conflict {
            code: Conflict::NothingOutstanding,
            message: format!("no {kind} visit is due at this stage of the case").into(),
        });
    }
    check_slot(case, &slot, at, "")
        .into_result(())
        .map_err(ActionError::Invalid)?;
    let id = Uuid::now_v7();
    fx.data("visit_id", id);
    fx.data("kind", kind);
    fx.data("on", slot.on);
    fx.visits_added.push(NewVisit { id, kind, slot });
    Ok(())
}

pub(super) fn record_outcome(
    case: &CaseSnapshot,
    visit: VisitRef,
    outcome: VisitOutcome,
    rebook: Option<Slot>,
    at: OffsetDateTime,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    if case.visits.iter().all(|v| v.outcome.is_some()) {
        return Err(ActionError::Conflict {
            code: Conflict::NothingOutstanding,
            message: "no visit is waiting for its outcome".into(),
        });
    }
    let visit = find_pending(&case.visits, visit).map_err(|(field, message)| {
        invalid(&format!("/{field}"), ViolationCode::InvalidValue, message)
    })?;
    let visit_id = visit.id;
    let happened = matches!(outcome, VisitOutcome::Attended | VisitOutcome::NoAccess);
    if happened && visit.slot.on > london::local_date(at) {
        return Err(invalid(
            "/outcome",
            ViolationCode::DateInFuture,
            "the visit has not happened yet (cancel or rebook it instead)",
        ));
    }
    let rebooked_as = match (outcome, rebook) {
        (VisitOutcome::Rebooked, Some(slot)) => {
            check_slot(case, &slot, at, "/rebook")
                .into_result(())
                .map_err(ActionError::Invalid)?;
            let id = Uuid::now_v7();
            fx.visits_added.push(NewVisit {
                id,
                kind: visit.kind,
                slot,
            });
            fx.data("rebooked_as", id);
            fx.data("on", slot.on);
            Some(id)
        }
        (VisitOutcome::Rebooked, None) => {
            return Err(invalid(
                "/rebook",
                ViolationCode::RequiredByAnswer,
                "give the new date and times",
            ));
        }
        (_, Some(_)) => {
            return Err(invalid(
                "/rebook",
                ViolationCode::ContradictsAnswer,
                "only a rebooked visit has a new time",
            ));
        }
        (_, None) => None,
    };
    fx.data("visit_id", visit_id);
    fx.data("kind", visit.kind);
    fx.data("outcome", outcome);
    fx.visits_changed.push(VisitUpdate {
        id: visit_id,
        outcome,
        rebooked_as,
    });
    Ok(())
}
