//! Recording a safeguarding decision: what it lets the case do without consent.

use time::OffsetDateTime;

use super::super::command::{CaseSnapshot, SafeguardingDecision};
use super::super::effects::{Effects, NoteKind};
use super::super::refusal::{ActionError, invalid};
use crate::calendar::london;
use crate::safeguarding::{DecisionPurpose, progress_blocks};
use crate::violation::ViolationCode;

pub(super) fn decide(
    case: &CaseSnapshot,
    d: SafeguardingDecision,
    at: OffsetDateTime,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    match (d.purpose, d.share_with.is_empty()) {
        (DecisionPurpose::InformationSharing, true) => {
            return Err(invalid(
                "/share_with",
                ViolationCode::RequiredByAnswer,
                "name the roles the case is shared with",
            ));
        }
        (DecisionPurpose::LandlordContact, false) => {
            return Err(invalid(
                "/share_with",
                ViolationCode::ContradictsAnswer,
                "a decision to contact the landlord shares the case with no role",
            ));
        }
        _ => {}
    }
    if d.review_on <= london::local_date(at) {
        return Err(invalid(
            "/review_on",
            ViolationCode::Invalid,
            "a decision is reviewed after the day it is taken",
        ));
    }
    let standing = case.safeguarding.with(d.purpose, &d.share_with);
    fx.progress_blocks = Some(progress_blocks(&case.consents, &standing));
    fx.safeguarding = Some(standing);
    fx.data("purpose", d.purpose);
    for role in &d.share_with {
        fx.data("share_with", role);
    }
    fx.data("lawful_basis", d.lawful_basis);
    fx.data("review_on", d.review_on);
    fx.note(NoteKind::SafeguardingReason, Some(d.reason));
    fx.note(NoteKind::DecidingOfficer, Some(d.deciding_officer));
    Ok(())
}
