//! Actions on a case as pure functions: a snapshot of the case and a typed command in,
//! the effects (or why not) out. `apply` is the state machine's policy; what a single
//! action records is worked out beside it (works, consent, reassessment). Persistence
//! commits the effects; nothing here does I/O.

mod after_works;
mod consent;
mod landlord;
mod reassessment;
mod register;
mod safeguarding;
mod visits;
mod works;

use time::OffsetDateTime;

use super::command::{CaseSnapshot, Command, FOLLOW_UP_MILESTONES};
use super::effects::{Effects, NoteKind, Record};
use super::refusal::{ActionError, Conflict, invalid, not_in_future, other_text};
use super::transitions::next_status;
use super::vocabulary::{
    CancelReason, CloseReason, ContactOutcome, DeclineReason, HoldReason, ReferralType,
};
use crate::calendar::{Calendar, london};
use crate::case::{CaseFlag, CaseStatus};
use crate::clock::{ClockEvent, ClockKind, Starting, start_clocks};
use crate::consent::{ConsentPurpose, ConsentStatus};
use crate::violation::ViolationCode;

use super::vocabulary::AccommodationKind;
use crate::works::{ItemKind, WorksItem, needs_fire_check};
use consent::record_consent;
use reassessment::reassess;
use safeguarding::decide;
pub use works::estimated_total;
use works::{approve, complete, order_interim, recommend};

/// The clocks that wait while the client is in emergency accommodation: the works'.
fn waits_while_away(kind: ClockKind) -> bool {
    matches!(
        kind,
        ClockKind::WorksStart | ClockKind::WorksComplete | ClockKind::InterimMeasures
    )
}

/// The client left the home for emergency accommodation (the works clocks pause until
/// the client returns), or came back (they run on, unless the case is on hold).
fn accommodation(
    case: &CaseSnapshot,
    placed: bool,
    kind: Option<AccommodationKind>,
    at: OffsetDateTime,
    calendar: &Calendar,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    match (placed, kind, case.emergency_accommodation) {
        (true, None, _) => {
            return Err(invalid(
                "/kind",
                ViolationCode::RequiredByAnswer,
                "say where the client is staying (refuge, temporary accommodation, family or friends)",
            ));
        }
        (false, Some(_), _) => {
            return Err(invalid(
                "/kind",
                ViolationCode::ContradictsAnswer,
                "a return home has no accommodation",
            ));
        }
        (false, None, None) => {
            return Err(ActionError::Conflict {
                code: Conflict::NothingOutstanding,
                message: "the client is not recorded as away from the home".into(),
            });
        }
        _ => {}
    }
    fx.changes.emergency_accommodation = Some(kind);
    for clock in &case.clocks {
        let mut changed = clock.clone();
        if placed && case.emergency_accommodation.is_none() && waits_while_away(clock.kind) {
            changed.pause(at);
        } else if !placed && case.status != CaseStatus::OnHold && waits_while_away(clock.kind) {
            changed.resume(at, calendar);
        }
        if changed != *clock {
            fx.clocks.push(changed);
        }
    }
    Ok(())
}

/// A reassignment names another organisation than the one holding the case; the
/// timeline keeps both. The clocks run on: the case's standards do not restart for it.
fn reassign(
    from: Option<uuid::Uuid>,
    to: uuid::Uuid,
    role: &str,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    if from == Some(to) {
        return Err(invalid(
            "/organisation_id",
            ViolationCode::InvalidValue,
            format!("is already the case's {role}"),
        ));
    }
    if let Some(from) = from {
        fx.data("previous_organisation_id", from);
    }
    fx.data("organisation_id", to);
    Ok(())
}

/// Applies `command` to the case as of `at`.
pub fn apply(
    case: &CaseSnapshot,
    command: Command,
    at: OffsetDateTime,
    calendar: &Calendar,
) -> Result<Effects, ActionError> {
    let action = command.action();
    // No works in a home without the client's agreement: said before the status, which
    // a withdrawal of that consent has already ended.
    if matches!(
        action,
        crate::policy::Action::OrderWorks
            | crate::policy::Action::StartWorks
            | crate::policy::Action::OrderInterimMeasures
    ) && !case.consents.given(ConsentPurpose::Installation)
    {
        return Err(ActionError::Conflict {
            code: Conflict::ConsentRequired,
            message: "the client has not consented to the installation".into(),
        });
    }
    // No works on a rented home before its landlord has agreed (seed 000, step 2).
    if action == crate::policy::Action::OrderWorks
        && !case.landlord_permission.lets_works_be_ordered()
    {
        return Err(ActionError::Conflict {
            code: Conflict::LandlordPermissionRequired,
            message: format!(
                "the landlord's permission is {}: record it granted first",
                case.landlord_permission
            )
            .into(),
        });
    }
    let next = match &command {
        // Without installation consent the case cannot go on: it ends as withdrawn.
        Command::RecordConsent(c)
            if c.purpose == ConsentPurpose::Installation
                && c.status != ConsentStatus::Given
                && case.status.is_open() =>
        {
            CaseStatus::Withdrawn
        }
        _ => next_status(case.status, case.held_from, action)?,
    };
    let held_from = match (next, case.status) {
        (CaseStatus::OnHold, CaseStatus::OnHold) => case.held_from,
        (CaseStatus::OnHold, from) => Some(from),
        _ => None,
    };
    let mut fx = Effects::new(next, held_from);
    let mut clocks = case.clocks.clone();
    let event = match command {
        Command::Accept { override_reason } => {
            // A safeguarding decision may stand in for consent to share, never for
            // consent to installation.
            let missing: Vec<&str> = [
                ConsentPurpose::Installation,
                ConsentPurpose::InformationSharing,
            ]
            .into_iter()
            .filter(|p| !case.consents.given(*p) && !case.safeguarding.stands_in_for(*p))
            .map(ConsentPurpose::as_str)
            .collect();
            if !missing.is_empty() {
                return Err(ActionError::Conflict {
                    code: Conflict::ConsentRequired,
                    message: format!(
                        "the case cannot be accepted without consent to: {}",
                        missing.join(", ")
                    )
                    .into(),
                });
            }
            if !case.eligibility_warnings.is_empty() {
                if override_reason.is_none() {
                    let warnings: Vec<&str> = case
                        .eligibility_warnings
                        .iter()
                        .map(|w| w.as_str())
                        .collect();
                    return Err(invalid(
                        "/override_reason",
                        ViolationCode::RequiredByAnswer,
                        format!(
                            "accepting despite eligibility warnings ({}) needs a reason",
                            warnings.join(", ")
                        ),
                    ));
                }
                for w in &case.eligibility_warnings {
                    fx.data("overridden_warning", w);
                }
            }
            fx.changes.decided_at = Some(at);
            fx.note(NoteKind::AcceptanceOverride, override_reason);
            Some((ClockEvent::CaseAccepted, None))
        }
        Command::Decline { reason, other } => {
            other_text(reason == DeclineReason::Other, &other)?;
            fx.changes.decided_at = Some(at);
            fx.changes.decline_reason = Some(reason);
            fx.data("reason", reason);
            fx.note(NoteKind::DeclineDetail, other);
            None
        }
        Command::ReassignAssessor {
            organisation_id,
            reason,
        } => {
            reassign(
                case.assessor_organisation_id,
                organisation_id,
                "assessor",
                &mut fx,
            )?;
            fx.changes.assessor_organisation_id = Some(organisation_id);
            fx.note(NoteKind::Reassignment, Some(reason));
            None
        }
        Command::ReassignContractor {
            organisation_id,
            reason,
        } => {
            reassign(
                case.contractor_organisation_id,
                organisation_id,
                "contractor",
                &mut fx,
            )?;
            fx.changes.contractor_organisation_id = Some(organisation_id);
            fx.note(NoteKind::Reassignment, Some(reason));
            None
        }
        Command::AssignAssessor { organisation_id } => {
            fx.changes.assessor_organisation_id = Some(organisation_id);
            fx.data("assessor_organisation_id", organisation_id);
            Some((ClockEvent::AssessorAssigned, None))
        }
        Command::RecordAssessment {
            visit_date,
            findings,
            recommendations,
        } => {
            not_in_future("/visit_date", visit_date, at)?;
            fx.works_added = recommend(case, recommendations)?;
            fx.records.push(Record::Assessment { visit_date });
            fx.data("visit_date", visit_date);
            for item in &fx.works_added {
                fx.event_data
                    .push(("recommended", item.measure_code.clone()));
            }
            fx.note(NoteKind::AssessmentFindings, findings);
            Some((ClockEvent::AssessmentRecorded, None))
        }
        Command::ApproveWorks(approval) => {
            approve(case, approval, &mut fx)?;
            None
        }
        Command::OrderWorks { organisation_id } => {
            fx.changes.contractor_organisation_id = Some(organisation_id);
            fx.data("contractor_organisation_id", organisation_id);
            Some((ClockEvent::WorksOrdered, None))
        }
        Command::StartWorks => Some((ClockEvent::WorksStarted, None)),
        Command::CompleteWorks { results } => {
            complete(case, results, ItemKind::Works, &mut fx)?;
            // The report counts a case's installation once: its first (a reopened case's
            // later works add their measures and costs, not a second installation).
            if !case.works_completed {
                fx.changes.works_completed_at = Some(at);
                // Kept, so the report averages it in SQL: UK working days of the
                // scheme's calendar, the referral's day being day 0.
                let days = calendar.working_days_between(
                    london::local_date(case.received_at),
                    london::local_date(at),
                );
                fx.changes.days_to_installation = Some(u32::try_from(days).unwrap_or(0));
            }
            Some((ClockEvent::WorksCompleted, None))
        }
        Command::Reopen { reason, note } => {
            let window = case.settings.reopen_within_months;
            let ended = london::local_date(case.ended_at.unwrap_or(at));
            if crate::clock::add_months(ended, window) < london::local_date(at) {
                return Err(ActionError::Conflict {
                    code: Conflict::ReopenWindowPassed,
                    message: format!(
                        "the case closed more than {window} months ago: refer the client again"
                    )
                    .into(),
                });
            }
            fx.changes.reopened = true;
            fx.data("reason", reason);
            fx.data("round", case.round + 1);
            fx.note(NoteKind::Reopening, note);
            // The last round's clocks still counting (follow-up contacts) end with it.
            for clock in &mut clocks {
                if clock.is_live() {
                    clock.cancel(at);
                    fx.clocks.push(clock.clone());
                }
            }
            Some((ClockEvent::CaseAccepted, None))
        }
        Command::RecordContact {
            method,
            outcome,
            notes,
        } => {
            fx.records.push(Record::Contact {
                at,
                method,
                outcome,
            });
            fx.data("method", method);
            fx.data("outcome", outcome);
            fx.note(NoteKind::Contact, notes);
            let first = outcome == ContactOutcome::SpokeToClient && case.first_contact_at.is_none();
            if first {
                fx.changes.first_contact_at = Some(at);
            }
            first.then_some((ClockEvent::ClientContacted, None))
        }
        Command::RecordFireCheck {
            checked_on,
            outcome,
            notes,
            remedial,
        } => {
            not_in_future("/checked_on", checked_on, at)?;
            after_works::remedial_works(case, outcome, remedial, &mut fx)?;
            fx.records.push(Record::FireCheck {
                checked_on,
                outcome,
            });
            fx.changes.fire_check_recorded_at = Some(at);
            fx.data("outcome", outcome);
            fx.data("checked_on", checked_on);
            fx.note(NoteKind::FireCheck, notes);
            Some((ClockEvent::FireCheckRecorded, None))
        }
        Command::OrderRemedialWorks { organisation_id } => {
            after_works::order_remedial(case, &mut fx)?;
            fx.changes.contractor_organisation_id = Some(organisation_id);
            fx.data("contractor_organisation_id", organisation_id);
            None
        }
        Command::CompleteRemedialWorks { results } => {
            if !case
                .works
                .iter()
                .any(|w| w.kind == ItemKind::Remedial && w.approved && w.outcome.is_none())
            {
                return Err(ActionError::Conflict {
                    code: Conflict::NothingOutstanding,
                    message: "no remedial works are ordered and waiting".into(),
                });
            }
            complete(case, results, ItemKind::Remedial, &mut fx)?;
            None
        }
        Command::RecordEquipmentReview { reviewed_on, items } => {
            not_in_future("/reviewed_on", reviewed_on, at)?;
            fx.data("reviewed_on", reviewed_on);
            after_works::review(case, items, &mut fx)?;
            None
        }
        Command::OrderRemoval {
            organisation_id,
            items,
            reason,
        } => {
            after_works::order_removal(case, items, reason, &mut fx)?;
            fx.changes.contractor_organisation_id = Some(organisation_id);
            fx.data("contractor_organisation_id", organisation_id);
            None
        }
        Command::RecordRemoval { results } => {
            after_works::record_removal(case, results, &mut fx)?;
            // The household's spend counts taking measures out as well as fitting them.
            let spend = case
                .works
                .iter()
                .map(|w| fx.works_changed.iter().find(|c| c.id == w.id).unwrap_or(w))
                .map(WorksItem::actual_cost_pence)
                .sum();
            fx.changes.works_cost_pence = Some(spend);
            None
        }
        Command::BookVisit { kind, slot } => {
            visits::book(case, kind, slot, at, &mut fx)?;
            None
        }
        Command::RecordVisitOutcome {
            visit,
            outcome,
            rebook,
        } => {
            visits::record_outcome(case, visit, outcome, rebook, at, &mut fx)?;
            None
        }
        Command::RecordFollowUpVisit { visited_on, notes } => {
            not_in_future("/visited_on", visited_on, at)?;
            fx.records.push(Record::FollowUpVisit { visited_on });
            fx.data("visited_on", visited_on);
            fx.note(NoteKind::FollowUpVisit, notes);
            Some((ClockEvent::FollowUpVisitRecorded, None))
        }
        Command::RecordFollowUpContact {
            contacted_on,
            milestone_months,
            feels_safer,
            still_living_at_home,
            further_incidents,
            notes,
        } => {
            if !case.consents.given(ConsentPurpose::FollowUpContact) {
                return Err(ActionError::Conflict {
                    code: Conflict::FollowUpConsentRequired,
                    message: "the client did not consent to follow-up contact".into(),
                });
            }
            if !FOLLOW_UP_MILESTONES.contains(&milestone_months) {
                return Err(invalid(
                    "/milestone_months",
                    ViolationCode::InvalidValue,
                    "must be 3, 6 or 12",
                ));
            }
            not_in_future("/contacted_on", contacted_on, at)?;
            fx.records.push(Record::FollowUpContact {
                contacted_on,
                milestone_months,
                feels_safer,
                still_living_at_home,
                further_incidents,
            });
            fx.data("milestone_months", milestone_months);
            fx.data("feels_safer", feels_safer);
            fx.data("still_living_at_home", still_living_at_home);
            fx.data("further_incidents", further_incidents);
            fx.note(NoteKind::FollowUpContact, notes);
            Some((ClockEvent::FollowUpContactRecorded, Some(milestone_months)))
        }
        Command::Close {
            reason,
            other,
            outcome,
        } => {
            other_text(reason == CloseReason::Other, &other)?;
            let needs_check = case
                .works
                .iter()
                .any(|w| w.installed() && w.requires_fire_check);
            if after_works::remedial_outstanding(case) {
                return Err(ActionError::Conflict {
                    code: Conflict::RemedialWorksOutstanding,
                    message: "a fire check asked for remedial works not done yet".into(),
                });
            }
            if needs_check && !case.fire_check_recorded {
                return Err(ActionError::Conflict {
                    code: Conflict::FireCheckRequired,
                    message: "a fitted measure needs a fire safety check before the case can close"
                        .into(),
                });
            }
            fx.changes.close_reason = Some(reason);
            fx.data("reason", reason);
            fx.data("still_living_at_home", outcome.still_living_at_home);
            fx.data("feels_safer", outcome.feels_safer);
            fx.data("further_incidents", outcome.further_incidents);
            for referral in &outcome.onward_referrals {
                fx.data("onward_referral", referral);
            }
            fx.changes.close_outcome = Some(outcome);
            fx.note(NoteKind::CloseDetail, other);
            None
        }
        Command::Cancel { reason, other } => {
            other_text(reason == CancelReason::Other, &other)?;
            fx.changes.cancel_reason = Some(reason);
            fx.data("reason", reason);
            fx.note(NoteKind::CancelDetail, other);
            None
        }
        Command::Hold { reason, note } => {
            if reason == HoldReason::WaitingForLandlord
                && !case.consents.given(ConsentPurpose::LandlordContact)
                && !case
                    .safeguarding
                    .stands_in_for(ConsentPurpose::LandlordContact)
            {
                return Err(ActionError::Conflict {
                    code: Conflict::ConsentRequired,
                    message: "the client has not consented to the landlord being contacted".into(),
                });
            }
            fx.changes.hold_reason = Some(Some(reason));
            fx.data("reason", reason);
            fx.note(NoteKind::HoldDetail, note);
            None
        }
        Command::Resume => {
            fx.changes.hold_reason = Some(None);
            None
        }
        Command::Withdraw { note } => {
            fx.note(NoteKind::Withdrawal, note);
            None
        }
        Command::RecordRiskAssessment(input) => {
            reassess(case, input, at, &mut fx)?;
            None
        }
        Command::RecordReferralMade {
            referral_type,
            referred_on,
            details,
        } => {
            not_in_future("/referred_on", referred_on, at)?;
            fx.data("referral_type", referral_type);
            fx.data("referred_on", referred_on);
            let cleared = referral_type.clears();
            let kept: Vec<CaseFlag> = case
                .flags
                .iter()
                .copied()
                .filter(|f| !cleared.contains(f))
                .collect();
            for flag in case.flags.iter().filter(|f| cleared.contains(f)) {
                fx.data("cleared_flag", flag);
            }
            if kept.len() != case.flags.len() {
                fx.flags = Some(kept);
            }
            // The MARAC's meeting date is not the referral's: it stays as recorded.
            match referral_type {
                ReferralType::Marac => fx.changes.marac_referred = Some(true),
                ReferralType::AdultSafeguarding => {
                    fx.changes.safeguarding_referred_on = Some(referred_on)
                }
                _ => {}
            }
            fx.note(NoteKind::ReferralMade, details);
            None
        }
        Command::RecordConsent(change) => {
            record_consent(case, change, at, &mut fx, &mut clocks)?;
            None
        }
        Command::RecordSafeguardingDecision(decision) => {
            decide(case, decision, at, &mut fx)?;
            None
        }
        Command::OrderInterimMeasures {
            organisation_id,
            items,
        } => {
            fx.works_added = order_interim(case, items)?;
            // Charged to the year's first stream when the year keeps a budget (the
            // caller gives its funding only for a case not yet charged); never refused
            // for what is left in it: urgent safety work comes first.
            if let (Some(funding), Ok(Some(stream))) = (
                &case.funding,
                crate::budget::stream_for(case.funding.as_ref(), None),
            ) {
                fx.data("funding_stream", &stream.name);
                fx.changes.funding = Some((funding.year_start, stream.name.clone()));
            }
            fx.changes.contractor_organisation_id = Some(organisation_id);
            fx.data("contractor_organisation_id", organisation_id);
            for item in &fx.works_added {
                fx.event_data.push(("ordered", item.measure_code.clone()));
            }
            Some((ClockEvent::InterimMeasuresOrdered, None))
        }
        Command::RecordInterimMeasuresFitted { results } => {
            if !case
                .works
                .iter()
                .any(|w| w.kind == ItemKind::Interim && w.outcome.is_none())
            {
                return Err(ActionError::Conflict {
                    code: Conflict::NothingOutstanding,
                    message: "no interim measures are waiting to be fitted".into(),
                });
            }
            complete(case, results, ItemKind::Interim, &mut fx)?;
            let first = !case
                .works
                .iter()
                .any(|w| w.kind == ItemKind::Interim && w.installed());
            if first && fx.works_changed.iter().any(|w| w.installed()) {
                fx.changes.interim_fitted_at = Some(at);
            }
            Some((ClockEvent::InterimMeasuresFitted, None))
        }
        Command::RecordEmergencyAccommodation { placed, kind, on } => {
            not_in_future("/on", on, at)?;
            accommodation(case, placed, kind, at, calendar, &mut fx)?;
            fx.data("placed", placed);
            if let Some(kind) = kind {
                fx.data("kind", kind);
            }
            fx.data("on", on);
            None
        }
        Command::RecordLandlordPermission(change) => {
            Some((landlord::record(case, change, at, &mut fx)?, None))
        }
        Command::ReviewRegisterEntry { service } => {
            register::review(case, service, &mut fx)?;
            None
        }
        Command::RemoveRegisterEntry { service, reason } => {
            register::remove(case, service, reason, &mut fx)?;
            None
        }
        Command::SetLegalHold { held, reason } => {
            if held && reason.is_none() {
                return Err(invalid(
                    "/reason",
                    ViolationCode::RequiredByAnswer,
                    "say why the case is held (e.g. the litigation or inquiry)",
                ));
            }
            fx.legal_hold = Some(held);
            fx.data("held", held);
            fx.note(NoteKind::LegalHold, reason);
            None
        }
    };

    // The works as they are after this action: they decide whether the fire service has
    // a part in the case, and (below) whether a fitted measure starts the fire-check clock.
    let mut works_after: Vec<WorksItem> = case
        .works
        .iter()
        .map(|w| {
            fx.works_changed
                .iter()
                .find(|c| c.id == w.id)
                .unwrap_or(w)
                .clone()
        })
        .collect();
    works_after.extend(fx.works_added.iter().cloned());
    fx.fire_check_measures = needs_fire_check(&works_after);

    // The contractor's view lasts while it holds an order, then a scheme-set number of
    // days after the works are completed or the case ends; a new order restores it.
    let access_days = time::Duration::days(i64::from(case.settings.contractor_access_days));
    let holds_main_order = matches!(
        case.status,
        CaseStatus::WorksOrdered | CaseStatus::WorksInProgress
    ) || case
        .held_from
        .is_some_and(|s| matches!(s, CaseStatus::WorksOrdered | CaseStatus::WorksInProgress));
    if matches!(
        action,
        crate::policy::Action::OrderWorks
            | crate::policy::Action::ReassignContractor
            | crate::policy::Action::OrderInterimMeasures
            | crate::policy::Action::OrderRemedialWorks
            | crate::policy::Action::OrderRemoval
    ) {
        fx.changes.contractor_access_until = Some(None);
    } else if action == crate::policy::Action::CompleteWorks
        || (matches!(
            action,
            crate::policy::Action::RecordInterimMeasuresFitted
                | crate::policy::Action::CompleteRemedialWorks
                | crate::policy::Action::RecordRemoval
        ) && !holds_main_order)
        || (next.is_terminal() && case.status.is_open() && case.contractor_access_until.is_none())
    {
        fx.changes.contractor_access_until = Some(Some(at + access_days));
    }

    // Every case that ends (declined, cancelled, withdrawn, closed) records when it
    // ended: retention counts from then.
    if next.is_terminal() && case.status.is_open() {
        fx.changes.ended_at = Some(at);
    }

    // Clocks: a hold pauses them, a resume restarts them, an ending cancels them; events
    // stop the clocks they end and start those they begin.
    for clock in &mut clocks {
        let before = clock.clone();
        match next {
            // The register review does not wait for a hold (`ClockKind::pauses_on_hold`).
            CaseStatus::OnHold
                if case.status != CaseStatus::OnHold && clock.kind.pauses_on_hold() =>
            {
                clock.pause(at)
            }
            // Closing leaves the follow-up contacts the client consented to running
            // (3, 6 and 12 months after the works, whenever the case closes).
            CaseStatus::Closed if clock.stop == ClockEvent::FollowUpContactRecorded => {}
            s if s.is_terminal() => clock.cancel(at),
            // Back from a hold, the works clocks still wait while the client is away.
            _ if case.status == CaseStatus::OnHold
                && next != CaseStatus::OnHold
                && !(case.emergency_accommodation.is_some() && waits_while_away(clock.kind)) =>
            {
                clock.resume(at, calendar)
            }
            _ => {}
        }
        if let Some((event, milestone)) = event
            && clock.stopped_by(event, milestone)
        {
            clock.stop(at, calendar);
        }
        if *clock != before {
            fx.clocks.push(clock.clone());
        }
    }
    if let Some((event, _)) = event {
        // A completion records what was fitted: the works after this action say.
        let fire_check_needed = works_after
            .iter()
            .any(|w| w.installed() && w.requires_fire_check);
        let rules = case.settings.clocks_for(case.urgent);
        let starting = Starting {
            rules: &rules,
            consents: &case.consents,
            fire_check_needed,
            day_ends_at: case.settings.working_day_ends_at,
            calendar,
        };
        // A reopened case starts a new round: its clocks begin again.
        let existing: &[crate::clock::Clock] = if fx.changes.reopened { &[] } else { &clocks };
        fx.clocks
            .extend(start_clocks(&starting, existing, event, at));
    }
    register::follow_register(case, action, next, at, calendar, &mut fx);
    Ok(fx)
}

#[cfg(test)]
mod tests;
