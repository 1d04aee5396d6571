//! What an action is given: a snapshot of the case and a typed command.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::vocabulary::{
    AccommodationKind, CancelReason, CloseReason, ContactMethod, ContactOutcome, DeclineReason,
    FeelsSafer, FireCheckOutcome, HoldReason, ReferralType, ReopenReason, YesNoUnknown,
};
use crate::case::{CaseFlag, CaseStatus};
use crate::clock::Clock;
use crate::consent::{ConsentMethod, ConsentPurpose, ConsentStatus, ConsentsInForce};
use crate::dash::Dash;
use crate::eligibility::EligibilityWarning;
use crate::landlord::{LandlordPermission, PermissionStep, RequestMethod};
use crate::measures::Measure;
use crate::organisation::Role;
use crate::policy::Action;
use crate::referral::Marac;
use crate::register::{ActiveEntry, EmergencyService, RegisterSettings, RemovalReason};
use crate::risk::RiskLevel;
use crate::safeguarding::{DecisionPurpose, LawfulBasis, Safeguarding, SharingRole};
use crate::settings::SchemeSettings;
use crate::visits::{ContactWindow, Slot, Visit, VisitKind, VisitOutcome, VisitRef};
use crate::works::{EquipmentCondition, MeasureRemovalReason, Recommendation, WorksItem};

/// The risk facts a reassessment builds on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFacts {
    pub dash_score: Option<u8>,
    pub level: Option<RiskLevel>,
    pub marac_referred: Option<bool>,
    pub marac_date: Option<Date>,
    pub care_and_support_needs: bool,
    /// A referral to adult safeguarding has been recorded.
    pub safeguarding_referred: bool,
}

/// What an action needs to know about the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSnapshot {
    pub status: CaseStatus,
    /// When the referral arrived (the monitoring report counts days from it).
    pub received_at: OffsetDateTime,
    pub held_from: Option<CaseStatus>,
    pub settings: SchemeSettings,
    /// The scheme's measures catalogue.
    pub catalogue: Vec<Measure>,
    pub consents: ConsentsInForce,
    pub eligibility_warnings: Vec<EligibilityWarning>,
    pub works: Vec<WorksItem>,
    pub clocks: Vec<Clock>,
    pub fire_check_recorded: bool,
    pub first_contact_at: Option<OffsetDateTime>,
    pub risk: RiskFacts,
    pub flags: Vec<CaseFlag>,
    /// The safeguarding decisions standing on the case.
    pub safeguarding: Safeguarding,
    /// Until when the contractor keeps its view, once its works are done or its order ended.
    pub contractor_access_until: Option<OffsetDateTime>,
    /// The referral asked for urgent action.
    pub urgent: bool,
    /// The coordinator accepted the case (whatever happened since).
    pub accepted: bool,
    /// The works were completed (whatever happened since).
    pub works_completed: bool,
    /// Whether the landlord has permitted the works (or need not).
    pub landlord_permission: LandlordPermission,
    /// Who assesses the case, and who holds its works order.
    pub assessor_organisation_id: Option<Uuid>,
    pub contractor_organisation_id: Option<Uuid>,
    /// The budget of the year approval would fall in, with what each stream has left
    /// (none: the scheme keeps no budget for that year).
    pub funding: Option<crate::budget::Funding>,
    /// When the case ended (closed, cancelled, ...), if it has.
    pub ended_at: Option<OffsetDateTime>,
    /// The case's round: 1, and one more each time it is reopened.
    pub round: u32,
    /// Where the client is staying while out of the home (the works clocks wait).
    pub emergency_accommodation: Option<AccommodationKind>,
    /// The case's emergency-services register entries standing now.
    pub register: Vec<ActiveEntry>,
    /// The visits booked on the case.
    pub visits: Vec<Visit>,
    /// When the client said it is not safe to contact them (no visit is booked then).
    pub unsafe_windows: Vec<ContactWindow>,
    /// The scheme's register settings as they stand now (not the case's policy version:
    /// they are the scheme's arrangement with its emergency services).
    pub register_settings: RegisterSettings,
}

/// A change of one consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentChange {
    pub purpose: ConsentPurpose,
    pub status: ConsentStatus,
    pub method: ConsentMethod,
    pub on: Date,
    pub evidence: Option<String>,
    /// Information sharing withdrawn: the client agreed that works already in progress
    /// be finished.
    pub works_may_continue: bool,
}

/// A step in getting the landlord's permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LandlordPermissionChange {
    pub step: PermissionStep,
    pub on: Date,
    /// How the landlord was asked (a request).
    pub method: Option<RequestMethod>,
    /// Who granted it (sealed).
    pub granted_by: Option<String>,
    /// The landlord's conditions (sealed).
    pub conditions: Option<String>,
    /// Why the landlord refused (sealed).
    pub reason: Option<String>,
}

/// A decision to share without consent because a person is at risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeguardingDecision {
    pub purpose: DecisionPurpose,
    /// For information sharing: with whom (at least one).
    pub share_with: Vec<SharingRole>,
    pub lawful_basis: LawfulBasis,
    /// Why (sealed).
    pub reason: String,
    /// Who decided (sealed).
    pub deciding_officer: String,
    /// When the decision is to be looked at again (after today).
    pub review_on: Date,
}

/// What the scheme learnt of the client's situation when it closed the case (the seeds'
/// outcome questions; each may be unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseOutcome {
    pub still_living_at_home: YesNoUnknown,
    pub feels_safer: FeelsSafer,
    /// Further incidents since the works.
    pub further_incidents: YesNoUnknown,
    /// Where the client was referred on by the time of closing.
    pub onward_referrals: Vec<ReferralType>,
}

impl Default for CloseOutcome {
    fn default() -> Self {
        Self {
            still_living_at_home: YesNoUnknown::Unknown,
            feels_safer: FeelsSafer::NotSaid,
            further_incidents: YesNoUnknown::Unknown,
            onward_referrals: Vec::new(),
        }
    }
}

/// Approval of works: which recommended items (all of them if `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemApproval {
    pub items: Option<Vec<Uuid>>,
    pub funder_approval_reference: Option<String>,
    /// The funding stream to charge (by name); the year's first when absent.
    pub funding_stream: Option<String>,
}

/// Which works item a result is for: its id, or its measure's code when the case has
/// one approved item of that measure (how contractors think of the job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemRef {
    Id(Uuid),
    Measure(String),
}

/// What happened to one approved item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    pub item: ItemRef,
    pub installed: bool,
    pub actual_cost_pence: Option<i64>,
    pub reason: Option<String>,
}

/// What happened to one measure ordered out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovalResult {
    pub item: ItemRef,
    pub removed: bool,
    /// What taking it out cost (when removed).
    pub cost_pence: Option<i64>,
    /// Why it was left in place (when not).
    pub reason: Option<String>,
}

/// A risk (re)assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskInput {
    pub dash: Dash,
    /// Professional judgement may raise the level, never lower it.
    pub judgement: Option<RiskLevel>,
    pub incidents_last_12_months: Option<u32>,
    pub marac: Option<Marac>,
    /// A new incident since the last assessment.
    pub new_incident: bool,
    pub notes: Option<String>,
}

/// A case action with its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// The client gave, refused or withdrew a consent.
    RecordConsent(ConsentChange),
    /// A legal hold placed (with its reason) or lifted.
    SetLegalHold {
        held: bool,
        reason: Option<String>,
    },
    Accept {
        override_reason: Option<String>,
    },
    Decline {
        reason: DeclineReason,
        other: Option<String>,
    },
    AssignAssessor {
        organisation_id: Uuid,
    },
    /// Another assessor organisation takes the assessment over (why: sealed).
    ReassignAssessor {
        organisation_id: Uuid,
        reason: String,
    },
    /// Another contractor takes the works order over (why: sealed).
    ReassignContractor {
        organisation_id: Uuid,
        reason: String,
    },
    RecordAssessment {
        visit_date: Date,
        findings: Option<String>,
        recommendations: Vec<Recommendation>,
    },
    ApproveWorks(ItemApproval),
    OrderWorks {
        organisation_id: Uuid,
    },
    StartWorks,
    CompleteWorks {
        results: Vec<ItemResult>,
    },
    RecordContact {
        method: ContactMethod,
        outcome: ContactOutcome,
        notes: Option<String>,
    },
    RecordFireCheck {
        checked_on: Date,
        outcome: FireCheckOutcome,
        notes: Option<String>,
        /// Works the check found needed (with `actions_required`).
        remedial: Vec<Recommendation>,
    },
    /// The remedial works a fire check asked for, ordered from a contractor.
    OrderRemedialWorks {
        organisation_id: Uuid,
    },
    /// The contractor completed the remedial works (each done or not, and why).
    CompleteRemedialWorks {
        results: Vec<ItemResult>,
    },
    /// How the fitted measures were found on a review.
    RecordEquipmentReview {
        reviewed_on: Date,
        items: Vec<(ItemRef, EquipmentCondition)>,
    },
    /// Fitted measures to be taken out, by a contractor.
    OrderRemoval {
        organisation_id: Uuid,
        items: Vec<ItemRef>,
        reason: MeasureRemovalReason,
    },
    /// The contractor took the measures out (each, at its cost; or not, and why).
    RecordRemoval {
        results: Vec<RemovalResult>,
    },
    /// A visit to the home booked.
    BookVisit {
        kind: VisitKind,
        slot: Slot,
    },
    /// How a booked visit went; `rebook`: when it happens instead (with `rebooked`).
    RecordVisitOutcome {
        visit: VisitRef,
        outcome: VisitOutcome,
        rebook: Option<Slot>,
    },
    RecordFollowUpVisit {
        visited_on: Date,
        notes: Option<String>,
    },
    RecordFollowUpContact {
        contacted_on: Date,
        milestone_months: u32,
        feels_safer: FeelsSafer,
        /// Is the client still living in the home the works protected?
        still_living_at_home: YesNoUnknown,
        /// Further incidents since the works?
        further_incidents: YesNoUnknown,
        notes: Option<String>,
    },
    Close {
        reason: CloseReason,
        other: Option<String>,
        outcome: CloseOutcome,
    },
    Cancel {
        reason: CancelReason,
        other: Option<String>,
    },
    Hold {
        reason: HoldReason,
        note: Option<String>,
    },
    Resume,
    Withdraw {
        note: Option<String>,
    },
    RecordRiskAssessment(RiskInput),
    /// The coordinator decided to share without the client's consent.
    RecordSafeguardingDecision(SafeguardingDecision),
    /// The coordinator reviewed the case's register entries (one service's, or all):
    /// they stay, with a new review date.
    ReviewRegisterEntry {
        service: Option<EmergencyService>,
    },
    /// The coordinator took the case off the register (one service's, or all).
    RemoveRegisterEntry {
        service: Option<EmergencyService>,
        reason: RemovalReason,
    },
    /// The landlord was asked for permission, or granted or refused it.
    RecordLandlordPermission(LandlordPermissionChange),
    /// Interim measures ordered at once for an urgent case, from a contractor.
    OrderInterimMeasures {
        organisation_id: Uuid,
        items: Vec<Recommendation>,
    },
    /// The contractor fitted the interim measures (or not, and why).
    RecordInterimMeasuresFitted {
        results: Vec<ItemResult>,
    },
    /// A closed case opened again (the perpetrator returned, ...): back to `accepted`.
    Reopen {
        reason: ReopenReason,
        note: Option<String>,
    },
    /// The client had to leave the home (`placed`, with where: no address), or came back.
    RecordEmergencyAccommodation {
        placed: bool,
        kind: Option<AccommodationKind>,
        on: Date,
    },
    /// The scheme referred the client on (MARAC, safeguarding, ...).
    RecordReferralMade {
        referral_type: ReferralType,
        referred_on: Date,
        /// To whom, and their reference: free text, sealed with the notes.
        details: Option<String>,
    },
}

impl Command {
    pub fn action(&self) -> Action {
        match self {
            Command::Accept { .. } => Action::Accept,
            Command::Decline { .. } => Action::Decline,
            Command::AssignAssessor { .. } => Action::AssignAssessor,
            Command::ReassignAssessor { .. } => Action::ReassignAssessor,
            Command::ReassignContractor { .. } => Action::ReassignContractor,
            Command::RecordAssessment { .. } => Action::RecordAssessment,
            Command::ApproveWorks(_) => Action::ApproveWorks,
            Command::OrderWorks { .. } => Action::OrderWorks,
            Command::StartWorks => Action::StartWorks,
            Command::CompleteWorks { .. } => Action::CompleteWorks,
            Command::RecordContact { .. } => Action::RecordContact,
            Command::RecordFireCheck { .. } => Action::RecordFireCheck,
            Command::OrderRemedialWorks { .. } => Action::OrderRemedialWorks,
            Command::CompleteRemedialWorks { .. } => Action::CompleteRemedialWorks,
            Command::RecordEquipmentReview { .. } => Action::RecordEquipmentReview,
            Command::OrderRemoval { .. } => Action::OrderRemoval,
            Command::RecordRemoval { .. } => Action::RecordRemoval,
            Command::BookVisit { .. } => Action::BookVisit,
            Command::RecordVisitOutcome { .. } => Action::RecordVisitOutcome,
            Command::RecordFollowUpVisit { .. } => Action::RecordFollowUpVisit,
            Command::RecordFollowUpContact { .. } => Action::RecordFollowUpContact,
            Command::Close { .. } => Action::Close,
            Command::Cancel { .. } => Action::Cancel,
            Command::Hold { .. } => Action::Hold,
            Command::Resume => Action::Resume,
            Command::Withdraw { .. } => Action::Withdraw,
            Command::RecordConsent(_) => Action::RecordConsent,
            Command::SetLegalHold { .. } => Action::SetLegalHold,
            Command::RecordRiskAssessment(_) => Action::RecordRiskAssessment,
            Command::RecordReferralMade { .. } => Action::RecordReferralMade,
            Command::RecordSafeguardingDecision(_) => Action::RecordSafeguardingDecision,
            Command::ReviewRegisterEntry { .. } => Action::ReviewRegisterEntry,
            Command::RecordLandlordPermission(_) => Action::RecordLandlordPermission,
            Command::OrderInterimMeasures { .. } => Action::OrderInterimMeasures,
            Command::Reopen { .. } => Action::Reopen,
            Command::RecordInterimMeasuresFitted { .. } => Action::RecordInterimMeasuresFitted,
            Command::RecordEmergencyAccommodation { .. } => Action::RecordEmergencyAccommodation,
            Command::RemoveRegisterEntry { .. } => Action::RemoveRegisterEntry,
        }
    }

    /// The organisation the command hands the case to, and the role it must hold in the
    /// case's scheme: an assessor to assess, a contractor for every order. (No wildcard:
    /// a new command must say.)
    pub fn assignee(&self) -> Option<(Uuid, Role)> {
        match self {
            Command::AssignAssessor { organisation_id }
            | Command::ReassignAssessor {
                organisation_id, ..
            } => Some((*organisation_id, Role::Assessor)),
            Command::OrderWorks { organisation_id }
            | Command::ReassignContractor {
                organisation_id, ..
            }
            | Command::OrderInterimMeasures {
                organisation_id, ..
            }
            | Command::OrderRemedialWorks { organisation_id }
            | Command::OrderRemoval {
                organisation_id, ..
            } => Some((*organisation_id, Role::Contractor)),
            Command::Accept { .. }
            | Command::Decline { .. }
            | Command::RecordAssessment { .. }
            | Command::ApproveWorks(_)
            | Command::StartWorks
            | Command::CompleteWorks { .. }
            | Command::RecordContact { .. }
            | Command::RecordFireCheck { .. }
            | Command::CompleteRemedialWorks { .. }
            | Command::RecordEquipmentReview { .. }
            | Command::RecordRemoval { .. }
            | Command::BookVisit { .. }
            | Command::RecordVisitOutcome { .. }
            | Command::RecordFollowUpVisit { .. }
            | Command::RecordFollowUpContact { .. }
            | Command::Close { .. }
            | Command::Cancel { .. }
            | Command::Hold { .. }
            | Command::Resume
            | Command::Withdraw { .. }
            | Command::RecordConsent(_)
            | Command::SetLegalHold { .. }
            | Command::RecordRiskAssessment(_)
            | Command::RecordReferralMade { .. }
            | Command::RecordSafeguardingDecision(_)
            | Command::ReviewRegisterEntry { .. }
            | Command::RecordLandlordPermission(_)
            | Command::Reopen { .. }
            | Command::RecordInterimMeasuresFitted { .. }
            | Command::RecordEmergencyAccommodation { .. }
            | Command::RemoveRegisterEntry { .. } => None,
        }
    }
}

/// Follow-up contacts happen at these months after works complete.
pub const FOLLOW_UP_MILESTONES: [u32; 3] = [3, 6, 12];
