//! Recording the landlord's permission: asked for (with the client's consent to contact
//! the landlord, or a safeguarding decision standing in), granted or refused.

use time::OffsetDateTime;

use super::super::command::{CaseSnapshot, LandlordPermissionChange};
use super::super::effects::{Effects, NoteKind};
use super::super::refusal::{ActionError, Conflict, invalid, not_in_future};
use crate::clock::ClockEvent;
use crate::consent::ConsentPurpose;
use crate::landlord::{LandlordPermission, PermissionStep};
use crate::violation::ViolationCode;

/// The effects of `change`, and the clock event it is.
pub(super) fn record(
    case: &CaseSnapshot,
    change: LandlordPermissionChange,
    at: OffsetDateTime,
    fx: &mut Effects,
) -> Result<ClockEvent, ActionError> {
    not_in_future("/on", change.on, at)?;
    let required =
        |pointer: &str, what: &'static str| invalid(pointer, ViolationCode::RequiredByAnswer, what);
    let event = match change.step {
        PermissionStep::Requested => {
            // DOMAIN: no landlord consent → nobody may contact the landlord.
            let may_contact = case.consents.given(ConsentPurpose::LandlordContact)
                || case
                    .safeguarding
                    .stands_in_for(ConsentPurpose::LandlordContact);
            if !may_contact {
                return Err(ActionError::Conflict {
                    code: Conflict::ConsentRequired,
                    message: "the client has not consented to the landlord being contacted".into(),
                });
            }
            let Some(method) = change.method else {
                return Err(required("/method", "say how the landlord was asked"));
            };
            fx.data("method", method);
            fx.changes.landlord_requested_on = Some(change.on);
            ClockEvent::LandlordPermissionRequested
        }
        PermissionStep::Granted => {
            if change.granted_by.is_none() {
                return Err(required("/granted_by", "say who granted it"));
            }
            fx.note(NoteKind::LandlordGrantedBy, change.granted_by);
            fx.note(NoteKind::LandlordConditions, change.conditions);
            fx.changes.landlord_decided_on = Some(change.on);
            ClockEvent::LandlordPermissionDecided
        }
        PermissionStep::Refused => {
            if change.reason.is_none() {
                return Err(required("/reason", "say why the landlord refused"));
            }
            fx.note(NoteKind::LandlordRefusal, change.reason);
            fx.changes.landlord_decided_on = Some(change.on);
            ClockEvent::LandlordPermissionDecided
        }
    };
    fx.data("step", change.step);
    fx.data("on", change.on);
    fx.changes.landlord_permission = Some(LandlordPermission::after(change.step));
    Ok(event)
}
