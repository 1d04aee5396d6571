//! The register's part in an action: the coordinator's review and removal, the entries
//! every action adds, rebases or removes by the register's rules, and the review clock.

use time::OffsetDateTime;

use super::super::command::CaseSnapshot;
use super::super::effects::Effects;
use super::super::refusal::{ActionError, Conflict, invalid};
use crate::calendar::Calendar;
use crate::case::CaseStatus;
use crate::clock::{Clock, ClockEvent, ClockKind, ClockRule, ClockState, ClockUnit};
use crate::policy::Action;
use crate::register::{
    ActiveEntry, EmergencyService, RegisterChange, RegisterFacts, RemovalReason, follow,
    shows_change, standing_after,
};
use crate::violation::ViolationCode;

/// The entries `service` (all, if `None`) names among those standing; 409 if none.
fn targets(
    case: &CaseSnapshot,
    service: Option<EmergencyService>,
) -> Result<Vec<ActiveEntry>, ActionError> {
    let found: Vec<ActiveEntry> = case
        .register
        .iter()
        .filter(|e| service.is_none_or(|s| e.service == s))
        .copied()
        .collect();
    if found.is_empty() {
        return Err(ActionError::Conflict {
            code: Conflict::NoRegisterEntry,
            message: "the case has no register entry standing for that service".into(),
        });
    }
    Ok(found)
}

pub(super) fn review(
    case: &CaseSnapshot,
    service: Option<EmergencyService>,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    for entry in targets(case, service)? {
        fx.register.push(RegisterChange::Reviewed {
            service: entry.service,
        });
    }
    Ok(())
}

pub(super) fn remove(
    case: &CaseSnapshot,
    service: Option<EmergencyService>,
    reason: RemovalReason,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    if reason == RemovalReason::CaseEnded && case.status.is_open() {
        return Err(invalid(
            "/reason",
            ViolationCode::ContradictsAnswer,
            "the case has not ended",
        ));
    }
    for entry in targets(case, service)? {
        fx.register.push(RegisterChange::Removed {
            service: entry.service,
            reason,
        });
    }
    Ok(())
}

/// After the action's own effects: the register's rules for the case as it is now
/// (`next`), the review clock, and what the timeline shows of both.
pub(super) fn follow_register(
    case: &CaseSnapshot,
    action: Action,
    next: CaseStatus,
    at: OffsetDateTime,
    calendar: &Calendar,
    fx: &mut Effects,
) {
    let consents = match fx.consent {
        Some((purpose, status)) => case.consents.with(purpose, status),
        None => case.consents.clone(),
    };
    let safeguarding = fx
        .safeguarding
        .clone()
        .unwrap_or_else(|| case.safeguarding.clone());
    let before = RegisterFacts {
        status: case.status,
        accepted: case.accepted,
        works_completed: case.works_completed,
        urgent: case.urgent,
        consents: &case.consents,
        safeguarding: &case.safeguarding,
    };
    // A reopened case reaches the register's point again, as if accepted anew.
    let before = match fx.changes.reopened {
        true => RegisterFacts {
            accepted: false,
            works_completed: false,
            ..before
        },
        false => before,
    };
    let after = RegisterFacts {
        status: next,
        accepted: case.accepted || matches!(action, Action::Accept | Action::Reopen),
        works_completed: (case.works_completed && !fx.changes.reopened)
            || action == Action::CompleteWorks,
        ..before
    };
    let after = RegisterFacts {
        consents: &consents,
        safeguarding: &safeguarding,
        ..after
    };
    let active = standing_after(&case.register, &fx.register);
    let automatic = follow(&case.register_settings, &before, &after, &active);
    fx.register.extend(automatic);
    // Entries that stand on after the action and show a changed home.
    let home_changed = fx
        .works_changed
        .iter()
        .map(|w| (case.works.iter().find(|b| b.id == w.id), w))
        .chain(fx.works_added.iter().map(|w| (None, w)))
        .any(|(before, after)| shows_change(before, after));
    if home_changed {
        let touched: Vec<EmergencyService> = fx.register.iter().map(|c| c.service()).collect();
        for entry in standing_after(&case.register, &fx.register) {
            if !touched.contains(&entry.service) {
                fx.register.push(RegisterChange::Updated {
                    service: entry.service,
                });
            }
        }
    }
    if fx.register.is_empty() {
        return;
    }
    for change in fx.register.clone() {
        match change {
            RegisterChange::Added { service, basis } => {
                fx.data("register_added", service);
                fx.data("register_basis", basis);
            }
            RegisterChange::Rebased { service, basis } => {
                fx.data("register_rebased", service);
                fx.data("register_basis", basis);
            }
            RegisterChange::Reviewed { service } => fx.data("register_reviewed", service),
            RegisterChange::Updated { service } => fx.data("register_updated", service),
            RegisterChange::Removed { service, reason } => {
                fx.data("register_removed", service);
                fx.data("register_removal_reason", reason);
            }
        }
    }
    review_clock(case, next, at, calendar, fx);
}

/// The `register_review` clock: it runs while an entry stands on an open case, from the
/// first entry; a review stops it (met or breached) and starts the next period.
fn review_clock(
    case: &CaseSnapshot,
    next: CaseStatus,
    at: OffsetDateTime,
    calendar: &Calendar,
    fx: &mut Effects,
) {
    let standing = standing_after(&case.register, &fx.register);
    // The clock as the rest of the action left it (an ending cancels every clock).
    let current = fx
        .clocks
        .iter()
        .chain(case.clocks.iter())
        .find(|c| c.kind == ClockKind::RegisterReview)
        .cloned();
    let live = current.as_ref().filter(|c| c.is_live());
    let reviewed = fx
        .register
        .iter()
        .any(|c| matches!(c, RegisterChange::Reviewed { .. }));
    let rule = ClockRule {
        kind: ClockKind::RegisterReview,
        start: ClockEvent::RegisterEntryAdded,
        stop: ClockEvent::RegisterReviewed,
        amount: case.register_settings.review_months,
        unit: ClockUnit::Months,
        condition: None,
    };
    let fresh = || Clock::start(&rule, at, calendar, None);
    let clock = if standing.is_empty() {
        live.map(|c| {
            let mut c = c.clone();
            c.cancel(at);
            c
        })
    } else if reviewed {
        if let Some(c) = live {
            let mut stopped = c.clone();
            stopped.stop(at, calendar);
            fx.data("review_on_time", stopped.state == ClockState::Met);
        }
        // After the case ended the entries wait for their removal; no clock runs.
        next.is_open().then(fresh)
    } else if live.is_none() && next.is_open() {
        Some(fresh())
    } else {
        None
    };
    let due = clock
        .as_ref()
        .filter(|c| c.is_live())
        .or(live)
        .map(|c| c.due_at)
        .unwrap_or_else(|| fresh().due_at);
    let dated = fx.register.iter().any(|c| {
        matches!(
            c,
            RegisterChange::Added { .. } | RegisterChange::Reviewed { .. }
        )
    });
    if dated {
        fx.register_review_due = Some(due);
        fx.data(
            "register_review_due",
            crate::calendar::london::local_date(due),
        );
    }
    if let Some(clock) = clock {
        fx.clocks.retain(|c| c.kind != ClockKind::RegisterReview);
        fx.clocks.push(clock);
    }
}
