//! Why an action cannot be taken, and the small checks that say so.

use std::borrow::Cow;

use time::{Date, OffsetDateTime};

use super::transitions::IllegalTransition;
use crate::calendar::london;
use crate::violation::{ViolationCode, Violations};

vocabulary! {
    /// Why an action conflicts with the case as it stands.
    pub enum Conflict {
        /// Installation and information-sharing consent must be given to accept.
        ConsentRequired = "consent_required",
        /// A fitted measure needs a fire safety check before the case can close.
        FireCheckRequired = "fire_check_required",
        /// The client did not consent to follow-up contact.
        FollowUpConsentRequired = "follow_up_consent_required",
        /// The landlord has not (yet) permitted the works: record the permission first.
        LandlordPermissionRequired = "landlord_permission_required",
        /// Remedial works a fire check asked for are not done yet.
        RemedialWorksOutstanding = "remedial_works_outstanding",
        /// The case closed longer ago than the scheme's reopening window: refer again
        /// (the new case is linked to this one).
        ReopenWindowPassed = "reopen_window_passed",
        /// Nothing is waiting for this: no interim measures outstanding, or the client
        /// is not recorded as away.
        NothingOutstanding = "nothing_outstanding",
        /// The case has no register entry standing (for that service) to review or remove.
        NoRegisterEntry = "no_register_entry",
        /// A later note already corrects this one: correct that one.
        NoteAlreadySuperseded = "note_already_superseded",
        /// The note was recorded with an action; it is corrected by writing a note, not
        /// by superseding the action's record.
        NoteRecordedWithAction = "note_recorded_with_action",
    }
}

/// Why an action cannot be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// Not possible in the case's status.
    Illegal(IllegalTransition),
    /// Possible in this status, but the case's facts forbid it.
    Conflict {
        code: Conflict,
        message: Cow<'static, str>,
    },
    /// The command's data breaks a rule (pointers relative to the request body).
    Invalid(Violations),
}

impl From<IllegalTransition> for ActionError {
    fn from(e: IllegalTransition) -> Self {
        ActionError::Illegal(e)
    }
}

pub(super) fn invalid(
    pointer: &str,
    code: ViolationCode,
    message: impl Into<Cow<'static, str>>,
) -> ActionError {
    let mut v = Violations::new();
    v.add(pointer, code, message);
    ActionError::Invalid(v)
}

/// `other` text is required exactly when the reason is "other".
pub(super) fn other_text(is_other: bool, text: &Option<String>) -> Result<(), ActionError> {
    if is_other && text.is_none() {
        return Err(invalid(
            "/other",
            ViolationCode::RequiredByAnswer,
            "explain the reason when it is \"other\"",
        ));
    }
    Ok(())
}

pub(super) fn not_in_future(
    pointer: &str,
    date: Date,
    at: OffsetDateTime,
) -> Result<(), ActionError> {
    if date > london::local_date(at) {
        return Err(invalid(
            pointer,
            ViolationCode::DateInFuture,
            "must not be in the future",
        ));
    }
    Ok(())
}
