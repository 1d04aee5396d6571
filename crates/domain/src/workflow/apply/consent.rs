//! Recording a change of consent, and what it stops.

use time::OffsetDateTime;

use super::super::command::{CaseSnapshot, ConsentChange};
use super::super::effects::{Effects, NoteKind};
use super::super::refusal::{ActionError, invalid, not_in_future};
use crate::clock::{Clock, ClockCondition};
use crate::consent::{ConsentPurpose, ConsentStatus};
use crate::safeguarding::progress_blocks;
use crate::violation::ViolationCode;

pub(super) fn record_consent(
    case: &CaseSnapshot,
    change: ConsentChange,
    at: OffsetDateTime,
    fx: &mut Effects,
    clocks: &mut [Clock],
) -> Result<(), ActionError> {
    not_in_future("/on", change.on, at)?;
    let was = case.consents.status(change.purpose);
    // Saying no to something once agreed is withdrawing it.
    let mut change = change;
    if change.status == ConsentStatus::Refused && was == ConsentStatus::Given {
        change.status = ConsentStatus::Withdrawn;
    }
    if change.status == ConsentStatus::Withdrawn && was != ConsentStatus::Given {
        return Err(invalid(
            "/decision",
            ViolationCode::ContradictsAnswer,
            "only a consent that was given can be withdrawn",
        ));
    }
    if change.works_may_continue
        && (change.purpose != ConsentPurpose::InformationSharing
            || change.status == ConsentStatus::Given)
    {
        return Err(invalid(
            "/works_may_continue",
            ViolationCode::ContradictsAnswer,
            "applies only when information sharing is refused or withdrawn",
        ));
    }
    fx.consent = Some((change.purpose, change.status));
    // The case shows what stops it now, not what the form said.
    fx.progress_blocks = Some(progress_blocks(
        &case.consents.with(change.purpose, change.status),
        &case.safeguarding,
    ));
    if change.purpose == ConsentPurpose::InformationSharing {
        fx.works_may_continue = Some(change.works_may_continue);
    }
    fx.data("purpose", change.purpose);
    fx.data("decision", change.status);
    fx.data("method", change.method);
    fx.data("on", change.on);
    if change.works_may_continue {
        fx.data("works_may_continue", true);
    }
    fx.note(NoteKind::ConsentEvidence, change.evidence);
    // No follow-up contact without consent: its clocks stop counting.
    if change.purpose == ConsentPurpose::FollowUpContact && change.status != ConsentStatus::Given {
        for clock in clocks.iter_mut() {
            let conditional = case.settings.clocks.iter().any(|rule| {
                rule.kind == clock.kind && rule.condition == Some(ClockCondition::FollowUpConsent)
            });
            if conditional && clock.is_live() {
                clock.cancel(at);
                fx.clocks.push(clock.clone());
            }
        }
    }
    Ok(())
}
