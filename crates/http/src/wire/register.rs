//! The emergency-services register on the wire: the pages a control room reads, the
//! entries on a case, and the coordinator's review and removal.

use sanctuary_domain::register::{
    EmergencyService, RegisterBasis, RegisterPresence, RemovalReason, SafeRoomStatus,
};
use sanctuary_domain::violation::Violations;
use sanctuary_domain::workflow::Command;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::referral::AddressSection;

/// Which entries, from when, and how many.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegisterQueryParams {
    /// The scheme's code.
    #[param(min_length = 1, max_length = 40, example = "darlington")]
    #[validate(length(min = 1, max = 40))]
    pub scheme: String,
    /// Only entries standing (`active`) or only those taken off (`removed`); default
    /// both.
    pub status: Option<RegisterPresence>,
    /// Only entries changed at or after this instant (RFC 3339): ask from the last
    /// `updated_at` you saw to keep a call-out system in step.
    #[serde(default, with = "crate::wire::instant::option")]
    #[param(value_type = Option<String>, format = DateTime, example = "2026-12-01T00:00:00Z")]
    pub changed_since: Option<OffsetDateTime>,
    /// The `next_cursor` of the previous page (opaque; pass it with the same filters).
    #[param(min_length = 32, max_length = 32, pattern = r"^[A-Za-z0-9_-]{32}$")]
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 50).
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

pub const DEFAULT_REGISTER_PAGE: u32 = 50;

/// A page of the register, oldest change first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisterPage {
    #[schema(example = "darlington", max_length = 40)]
    pub scheme: String,
    /// The services whose entries you read (the coordinator: both).
    #[schema(max_items = 2)]
    pub services: Vec<EmergencyService>,
    /// The scheme's 24-hour contact for a control room (null: not set).
    #[schema(max_length = 200)]
    pub contact_24h: Option<String>,
    #[schema(max_items = 100)]
    pub items: Vec<RegisterItemView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[schema(min_length = 32, max_length = 32)]
    pub next_cursor: Option<String>,
}

/// A home on (or taken off) one service's register.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisterItemView {
    /// The entry's id (UUIDv7): the same in its events.
    pub id: Uuid,
    pub case_id: Uuid,
    /// The case's reference, to quote to the scheme's coordinator.
    #[schema(example = "DAR-2026-0001", max_length = 22)]
    pub reference: String,
    pub service: EmergencyService,
    pub status: RegisterPresence,
    /// Consent to share, or a safeguarding decision (shared without consent: handle
    /// with care, never contact the client about the flag).
    pub basis: RegisterBasis,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub added_at: OffsetDateTime,
    /// When the coordinator reviews the entry next.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub review_due: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_reviewed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub removed_at: Option<OffsetDateTime>,
    pub removal_reason: Option<RemovalReason>,
    /// The last change: the `changed_since` order.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    /// What an emergency call needs of the home, while the entry stands; null once it
    /// is removed (take the home off your system by the entry's id).
    pub home: Option<RegisterHomeView>,
}

/// What an emergency call needs of a home on the register: no names, no risk answers,
/// no free text but the safe room's location.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisterHomeView {
    pub address: AddressSection,
    /// A safe room recommended, approved, fitted or taken out (`removed`: there is none
    /// any more), and where it is (null: none).
    pub safe_room: Option<SafeRoomView>,
    /// The measures taken out of the home since they were fitted (catalogue codes, see
    /// `GET /api/v1/measures`), e.g. `window_grilles`: plan entry without them.
    #[schema(max_items = 50, example = json!(["safe_room"]))]
    pub removed_measures: Vec<String>,
    /// The referral records a risk of arson.
    pub arson_risk: bool,
    /// Dependent children in the household (null: not given).
    #[schema(maximum = 30)]
    pub children: Option<u32>,
    /// Whether the client may need help to leave: a physical or learning disability or
    /// a mental impairment recorded (null: not known).
    pub needs_help_to_leave: Option<bool>,
    /// An interpreter is needed (null: not known).
    pub interpreter_needed: Option<bool>,
}

/// A safe room in the home.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafeRoomView {
    pub status: SafeRoomStatus,
    #[schema(max_length = 100, example = "ground-floor front bedroom")]
    pub location: Option<String>,
}

/// A case's entry on one service's register, on the case (full view).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseRegisterEntryView {
    pub id: Uuid,
    pub service: EmergencyService,
    pub status: RegisterPresence,
    pub basis: RegisterBasis,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub added_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub review_due: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub removed_at: Option<OffsetDateTime>,
    pub removal_reason: Option<RemovalReason>,
    /// Every review, oldest first.
    #[schema(max_items = 200)]
    pub reviews: Vec<RegisterReviewView>,
}

/// A review of a register entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RegisterReviewView {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub reviewed_at: OffsetDateTime,
    pub organisation_id: Uuid,
    /// The review date it met (or missed).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub was_due: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub next_due: OffsetDateTime,
}

/// Review the case's register entries: they stay, reviewed again in the scheme's
/// `register.review_months`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"service": null}))]
pub struct ReviewRegisterEntryBody {
    /// One service's entry; null or absent: every entry standing.
    #[serde(default)]
    pub service: Option<EmergencyService>,
}

impl ReviewRegisterEntryBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::ReviewRegisterEntry {
            service: self.service,
        })
    }
}

/// Take the case off the register.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"service": null, "reason": "review_decided"}))]
pub struct RemoveRegisterEntryBody {
    /// One service's entry; null or absent: every entry standing.
    #[serde(default)]
    pub service: Option<EmergencyService>,
    /// Why: `client_moved`, `review_decided`, `consent_withdrawn` (recorded elsewhere),
    /// or `case_ended` (only once the case has ended).
    pub reason: RemovalReason,
}

impl RemoveRegisterEntryBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::RemoveRegisterEntry {
            service: self.service,
            reason: self.reason,
        })
    }
}
