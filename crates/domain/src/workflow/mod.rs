//! The case state machine: which action moves a case from which status to which.
//!
//! `received` → `accepted` | `declined`; `accepted` → `assessment` → `assessed` →
//! `works_approved` → `works_ordered` → `works_in_progress` → `works_completed` →
//! `follow_up` → `closed`. Any open case can go `on_hold` (and `resume` to where it was)
//! or be `withdrawn`; before works complete it can be `cancelled`. Some actions record
//! something without moving the case (a contact, a fire check, a follow-up contact).
//!
//! `transitions` holds the table; `apply` the policy of each action, given a `command`
//! and returning `effects`; `refusal` why an action cannot be taken; `vocabulary` the
//! words. The measures on a case live in `crate::works` (the register reads them too).

mod apply;
mod command;
mod effects;
mod refusal;
mod transitions;
mod vocabulary;

pub use crate::works::{
    EquipmentCondition, ItemKind, ItemOutcome, MeasureRemovalReason, Recommendation, Removal,
    WorksItem, needs_fire_check,
};
pub use apply::{apply, estimated_total};
pub use command::{
    CaseSnapshot, CloseOutcome, Command, ConsentChange, FOLLOW_UP_MILESTONES, ItemApproval,
    ItemRef, ItemResult, LandlordPermissionChange, RemovalResult, RiskFacts, RiskInput,
    SafeguardingDecision,
};
pub use effects::{CaseChanges, Effects, Note, NoteKind, Record};
pub use refusal::{ActionError, Conflict};
pub use transitions::{IllegalTransition, next_status, possible_actions};
pub use vocabulary::{
    AccommodationKind, CancelReason, CloseReason, ContactMethod, ContactOutcome, DeclineReason,
    FeelsSafer, FireCheckOutcome, HoldReason, ReferralType, ReopenReason, YesNoUnknown,
};
