//! Cases on the wire. What a response holds depends on the caller's view (`view`):
//! `full` (coordinator, referrer, assigned assessor) has everything; `contractor` has the
//! property, safe-contact times, installation requests and the works; `fire_service` has
//! the address and the fitted measures. Absent parts are omitted, not nulled.

use sanctuary_domain::case::{CaseFlag, CaseStatus, ProgressBlock};
use sanctuary_domain::clock::{ClockKind, ClockState, ClockUnit};
use sanctuary_domain::consent::ConsentStatus;
use sanctuary_domain::eligibility::EligibilityWarning;
use sanctuary_domain::measures::ReportRow;
use sanctuary_domain::organisation::ReferralSource;
use sanctuary_domain::policy::View;
use sanctuary_domain::safeguarding::SharingRole;

use crate::wire::links::ActionLink;
use sanctuary_domain::risk::RiskLevel;
use sanctuary_domain::workflow::{
    CancelReason, CloseReason, DeclineReason, FeelsSafer, HoldReason, ReferralType, YesNoUnknown,
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::referral::{AddressSection, InstallationSection, ReferralForm};

/// What lists show of a case: status and, in the full view, flags and risk; never
/// personal data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseSummaryView {
    /// UUIDv7.
    pub id: Uuid,
    /// The scheme's human reference: prefix, year received, number.
    #[schema(example = "DAR-2026-0001")]
    #[schema(max_length = 22)]
    pub reference: String,
    #[schema(example = "darlington")]
    #[schema(max_length = 40)]
    pub scheme: String,
    pub status: CaseStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub received_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    pub urgent: bool,
    /// Which view of the case this is.
    pub view: View,
    /// Full view: derived from the referring organisation's kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral_source: Option<ReferralSource>,
    /// Full view: the risk level in force (null when no DASH was completed).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<RiskLevel>)]
    pub risk_level: Option<Option<RiskLevel>>,
    /// Full view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<Vec<CaseFlag>>,
    /// Full view: false while anything in `blocked_by` stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub can_progress: Option<bool>,
    /// Full view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<Vec<ProgressBlock>>,
}

/// An organisation, by id and name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrganisationRef {
    pub id: Uuid,
    #[schema(max_length = 200)]
    pub name: String,
}

/// A case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    pub summary: CaseSummaryView,
    /// The case actions the caller can take now, each with its method and link;
    /// permissions such as reading the case are not actions and are not listed.
    #[schema(max_items = 30)]
    pub allowed_actions: Vec<ActionLink>,
    /// Full view.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 100)]
    pub external_reference: Option<Option<String>>,
    /// Full view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referring_organisation: Option<OrganisationRef>,
    /// Full view: the RIC score in force (null when no DASH was completed).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u8>)]
    pub dash_score: Option<Option<u8>>,
    /// Full view: the referral as received (normalised).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral: Option<ReferralForm>,
    /// Full view: decisions, assignments and outcomes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow: Option<WorkflowView>,
    /// Full view: the SLA clocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clocks: Option<Vec<ClockView>>,
    /// Contractor and fire service views: where the works are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<PropertyView>,
    /// Measures recommended, approved and fitted (what each view may see of them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub works: Option<WorksView>,
    /// Full view: the visits booked; contractor view: its installation visits.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 100)]
    pub visits: Option<Vec<crate::wire::visits::VisitView>>,
}

/// Decisions, assignments and outcomes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkflowView {
    /// Rules the referral does not demonstrably meet; accepting needs an override reason.
    pub eligibility_warnings: Vec<EligibilityWarning>,
    /// Set while on hold: where `resume` returns the case.
    pub held_from: Option<CaseStatus>,
    pub hold_reason: Option<HoldReason>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<OffsetDateTime>,
    pub decline_reason: Option<DeclineReason>,
    pub cancel_reason: Option<CancelReason>,
    pub close_reason: Option<CloseReason>,
    /// What the scheme learnt at closing (null while open, and for cases closed before
    /// it was asked).
    pub close_outcome: Option<CloseOutcomeView>,
    /// The landlord's permission for the works.
    pub landlord_permission: LandlordPermissionView,
    /// Where the client is staying while out of the home (null: at home).
    pub emergency_accommodation: Option<sanctuary_domain::workflow::AccommodationKind>,
    /// When interim measures were first fitted.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub interim_fitted_at: Option<OffsetDateTime>,
    /// 1, and one more each time the case was reopened (the clocks shown are the
    /// round's); when it last was.
    #[schema(minimum = 1)]
    pub round: u32,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reopened_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub first_contact_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub fire_check_recorded_at: Option<OffsetDateTime>,
    pub assessor_organisation_id: Option<Uuid>,
    pub contractor_organisation_id: Option<Uuid>,
    /// An earlier case for the same client or home (open, or ended within 12 months).
    /// Shown only to callers who can see that earlier case; for anyone else it is null,
    /// as if there were none.
    pub repeat_of_case_id: Option<Uuid>,
    /// The consents in force now (`referral.consents` is the form as it was given);
    /// who recorded each change, when and how: `GET /api/v1/cases/{id}/consents`.
    pub consents: ConsentsInForceView,
    /// The case's entries on the emergency-services register (fire service, police),
    /// standing and removed, oldest first, each with its reviews.
    #[schema(max_items = 100)]
    pub register: Vec<crate::wire::register::CaseRegisterEntryView>,
}

/// Each consent as it stands, with the safeguarding decisions that stand in for one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentsInForceView {
    pub installation: ConsentStatus,
    pub landlord_contact: ConsentStatus,
    pub information_sharing: ConsentStatus,
    pub follow_up_contact: ConsentStatus,
    /// Information sharing refused or withdrawn: the client agreed that works in
    /// progress be finished.
    pub works_may_continue: bool,
    /// The roles a safeguarding decision shares the case with, consent or not.
    #[schema(max_items = 3)]
    pub shared_by_safeguarding_decision: Vec<SharingRole>,
    /// A safeguarding decision lets the landlord be contacted without consent.
    pub landlord_contact_by_safeguarding_decision: bool,
}

/// An SLA clock on the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClockView {
    pub kind: ClockKind,
    /// As of now: a running clock past its due time reads `breached`.
    pub state: ClockState,
    pub amount: u32,
    pub unit: ClockUnit,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: OffsetDateTime,
    /// The end of the day it is due (UK time), extended by any time on hold; while
    /// paused, the due date it will have if the case resumes today.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub due_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub stopped_at: Option<OffsetDateTime>,
    /// Working days left (negative: overdue by that many); for a paused clock, those
    /// it has left; null once stopped.
    pub working_days_remaining: Option<i64>,
}

/// Where the works are, for those who fit or check them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PropertyView {
    pub address: AddressSection,
    /// Contractor view.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 1000)]
    pub unsafe_contact_times: Option<String>,
    /// Contractor view: the same as days and times no visit is booked in (when given).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 14)]
    pub unsafe_contact_windows: Option<Vec<sanctuary_domain::visits::ContactWindow>>,
    /// Contractor view, when the scheme's `contractor_contacts_client` is on: who to
    /// ask for and the number to call to arrange a visit (mind the unsafe times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_contact: Option<ClientContactView>,
    /// Contractor view: the client's requests and concerns about the works.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installation: Option<InstallationSection>,
    /// Fire service view: where the safe room is, if one was fitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 100)]
    pub safe_room_location: Option<String>,
}

/// What a contractor needs to arrange a visit with the client: nothing more.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientContactView {
    /// The first word of the client's name.
    #[schema(max_length = 200)]
    pub first_name: String,
    /// The client's (safe) phone number from the referral.
    #[schema(max_length = 30)]
    pub phone: String,
}

/// The case's measures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorksView {
    /// Full view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_cost_pence: Option<i64>,
    /// Full view.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 100)]
    pub funder_approval_reference: Option<String>,
    /// Full and contractor views: the actual cost of what was fitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub works_cost_pence: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<OffsetDateTime>,
    pub items: Vec<WorksItemView>,
}

/// What happened to an approved measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemOutcomeView {
    Installed,
    NotInstalled,
}

/// Where a fitted measure's removal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RemovalStatus {
    /// Ordered from a contractor, not yet done.
    Ordered,
    /// Taken out of the home.
    Removed,
}

/// A fitted measure's removal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RemovalView {
    pub status: RemovalStatus,
    pub reason: sanctuary_domain::workflow::MeasureRemovalReason,
    /// What taking it out cost, once removed (full and contractor views).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_pence: Option<i64>,
}

/// A measure on the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorksItemView {
    /// Use this id to approve the item and to record its result.
    pub id: Uuid,
    /// The assessed `works`, `interim` measures ordered at once, or `remedial` works a
    /// fire check asked for.
    pub kind: sanctuary_domain::workflow::ItemKind,
    #[schema(max_length = 60)]
    pub measure_code: String,
    #[schema(max_length = 200)]
    pub name: String,
    pub report_row: ReportRow,
    pub requires_fire_check: bool,
    pub quantity: u32,
    #[schema(max_length = 100)]
    pub location: Option<String>,
    /// Approved (for `remedial` items: ordered).
    pub approved: bool,
    pub outcome: Option<ItemOutcomeView>,
    /// How it was found at the latest equipment review.
    pub condition: Option<sanctuary_domain::workflow::EquipmentCondition>,
    /// Its removal, once ordered: a removed measure is no longer in the home.
    pub removal: Option<RemovalView>,
    /// Full and contractor views.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_cost_pence: Option<i64>,
    /// What fitting it cost (full and contractor views).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    pub actual_cost_pence: Option<Option<i64>>,
}

/// A page of cases, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseSummaryView>,
    /// Pass as `cursor` for the next page; null on the last page. (22 characters
    /// newest first, 32 in `updated_since` order.)
    #[schema(max_length = 32)]
    pub next_cursor: Option<String>,
}

/// The most cases one page may hold.
pub const MAX_PAGE_SIZE: u32 = 100;
pub const DEFAULT_PAGE_SIZE: u32 = 25;

fn case_reference(text: &str) -> Result<(), validator::ValidationError> {
    if sanctuary_domain::scheme::is_case_reference(text) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("invalid_format")
            .with_message("must be a case reference like DAR-2026-0001".into()))
    }
}

/// Filters and paging for the case list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListCasesQuery {
    pub status: Option<CaseStatus>,
    /// Received on or after this date (UTC).
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    #[param(value_type = Option<String>, format = Date)]
    pub received_from: Option<Date>,
    /// Received on or before this date (UTC).
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    #[param(value_type = Option<String>, format = Date)]
    pub received_to: Option<Date>,
    pub risk_level: Option<RiskLevel>,
    pub urgent: Option<bool>,
    /// Cases with a clock in this state now (`breached`: stopped late or overdue).
    pub clock_state: Option<ClockState>,
    /// Cases with a running clock due within this many days (1 to 60).
    #[validate(range(min = 1, max = 60, message = "must be between 1 and 60"))]
    #[param(minimum = 1, maximum = 60)]
    pub due_within_days: Option<u32>,
    /// For keeping another system in step: cases updated at or after this instant
    /// (RFC 3339), oldest update first (ties by id), instead of newest first. Page on
    /// with `next_cursor`; when a page comes back without one, remember the last
    /// `updated_at` you saw and ask from it next time (a case seen again is one that
    /// changed again).
    #[serde(default, with = "crate::wire::instant::option")]
    #[param(value_type = Option<String>, format = DateTime, example = "2026-12-01T00:00:00Z")]
    pub updated_since: Option<OffsetDateTime>,
    /// Only the case with this reference (exact), e.g. `DAR-2026-0001`.
    #[param(
        max_length = 22,
        pattern = r"^[A-Z][A-Z0-9]{1,7}-[0-9]{4}-[0-9]{4,8}$",
        example = "DAR-2026-0001"
    )]
    #[validate(custom(function = "case_reference"))]
    pub reference: Option<String>,
    /// The `next_cursor` of the previous page (opaque; pass it with the same filters).
    #[param(
        min_length = 22,
        max_length = 32,
        pattern = r"^([A-Za-z0-9_-]{21}[AQgw]|[A-Za-z0-9_-]{32})$"
    )]
    pub cursor: Option<String>,
    /// Page size, 1 to 100 (default 25).
    #[validate(range(min = 1, max = 100, message = "must be between 1 and 100"))]
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// What the scheme learnt of the client's situation when it closed the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CloseOutcomeView {
    pub still_living_at_home: YesNoUnknown,
    pub feels_safer: FeelsSafer,
    pub further_incidents: YesNoUnknown,
    #[schema(max_items = 6)]
    pub onward_referrals: Vec<ReferralType>,
}

/// Where the landlord's permission stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LandlordPermissionView {
    pub status: sanctuary_domain::landlord::LandlordPermission,
    #[serde(with = "sanctuary_domain::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub requested_on: Option<Date>,
    #[serde(with = "sanctuary_domain::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<Date>,
}
