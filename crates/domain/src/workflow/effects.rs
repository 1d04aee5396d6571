//! What an action changes, for persistence to commit in one transaction.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::vocabulary::{
    AccommodationKind, CancelReason, CloseReason, ContactMethod, ContactOutcome, DeclineReason,
    FeelsSafer, FireCheckOutcome, HoldReason, YesNoUnknown,
};
use crate::case::{CaseFlag, CaseStatus, ProgressBlock};
use crate::clock::Clock;
use crate::consent::{ConsentPurpose, ConsentStatus};
use crate::dash::Dash;
use crate::landlord::LandlordPermission;
use crate::register::RegisterChange;
use crate::risk::RiskLevel;
use crate::safeguarding::Safeguarding;
use crate::works::WorksItem;

/// The case's columns an action sets (`Some` = set to this value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseChanges {
    pub decided_at: Option<OffsetDateTime>,
    pub decline_reason: Option<DeclineReason>,
    pub cancel_reason: Option<CancelReason>,
    pub close_reason: Option<CloseReason>,
    /// `Some(None)` clears it (on resume).
    pub hold_reason: Option<Option<HoldReason>>,
    pub assessor_organisation_id: Option<Uuid>,
    pub contractor_organisation_id: Option<Uuid>,
    pub works_completed_at: Option<OffsetDateTime>,
    /// Working days from referral to works completed.
    pub days_to_installation: Option<u32>,
    pub works_cost_pence: Option<i64>,
    pub approved_cost_pence: Option<i64>,
    pub funder_approval_reference: Option<String>,
    /// The works are charged to this stream of the budget of the year starting then.
    pub funding: Option<(Date, String)>,
    pub fire_check_recorded_at: Option<OffsetDateTime>,
    pub first_contact_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub risk_level: Option<Option<RiskLevel>>,
    pub dash_score: Option<Option<u8>>,
    pub marac_referred: Option<bool>,
    pub marac_date: Option<Date>,
    pub safeguarding_referred_on: Option<Date>,
    /// Until when the contractor keeps its view (`Some(None)`: for as long as it holds
    /// the order).
    pub contractor_access_until: Option<Option<OffsetDateTime>>,
    /// What the scheme learnt when it closed the case.
    pub close_outcome: Option<super::command::CloseOutcome>,
    /// Where the client is staying while out of the home (`Some(None)`: back home).
    pub emergency_accommodation: Option<Option<AccommodationKind>>,
    /// The case was opened again: its ending, closure and fire check are cleared and a
    /// new round of clocks begins.
    pub reopened: bool,
    /// When interim measures were first fitted (the report counts them by it).
    pub interim_fitted_at: Option<OffsetDateTime>,
    /// The landlord's permission as it now stands, and the dates of its request and
    /// decision.
    pub landlord_permission: Option<LandlordPermission>,
    pub landlord_requested_on: Option<Date>,
    pub landlord_decided_on: Option<Date>,
}

/// Free text, kept apart from everything else (it may say anything about anyone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
}

vocabulary! {
    /// What a free-text note records.
    pub enum NoteKind {
        AcceptanceOverride = "acceptance_override",
        DeclineDetail = "decline_detail",
        CancelDetail = "cancel_detail",
        CloseDetail = "close_detail",
        HoldDetail = "hold_detail",
        Withdrawal = "withdrawal",
        AssessmentFindings = "assessment_findings",
        NotInstalledReason = "not_installed_reason",
        Contact = "contact",
        FireCheck = "fire_check",
        FollowUpVisit = "follow_up_visit",
        FollowUpContact = "follow_up_contact",
        RiskAssessment = "risk_assessment",
        /// How a consent change was evidenced.
        ConsentEvidence = "consent_evidence",
        /// Why a legal hold was placed or lifted.
        LegalHold = "legal_hold",
        /// To whom the client was referred on, and their reference.
        ReferralMade = "referral_made",
        /// Why the coordinator decided to share without consent.
        SafeguardingReason = "safeguarding_reason",
        /// The officer who took a safeguarding decision.
        DecidingOfficer = "deciding_officer",
        /// Why the assessment or the works order went to another organisation.
        Reassignment = "reassignment",
        /// Who granted the landlord's permission (a name or an agent).
        LandlordGrantedBy = "landlord_granted_by",
        /// The landlord's conditions for the works.
        LandlordConditions = "landlord_conditions",
        /// Why the landlord refused.
        LandlordRefusal = "landlord_refusal",
        /// What happened that reopened the case.
        Reopening = "reopening",
        /// Notes written as notes (`notes::WrittenKind`), not with an action.
        ContactAttempt = "contact_attempt",
        CaseNote = "case_note",
        SafetyConcern = "safety_concern",
        ManagementDecision = "management_decision",
    }
}

/// A row an action adds to the case's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Assessment {
        visit_date: Date,
    },
    Contact {
        at: OffsetDateTime,
        method: ContactMethod,
        outcome: ContactOutcome,
    },
    FireCheck {
        checked_on: Date,
        outcome: FireCheckOutcome,
    },
    FollowUpVisit {
        visited_on: Date,
    },
    FollowUpContact {
        contacted_on: Date,
        milestone_months: u32,
        feels_safer: FeelsSafer,
        still_living_at_home: YesNoUnknown,
        further_incidents: YesNoUnknown,
    },
    RiskAssessment {
        dash: Dash,
        judgement: Option<RiskLevel>,
        level: Option<RiskLevel>,
        incidents_last_12_months: Option<u32>,
        marac_referred: Option<bool>,
        marac_date: Option<Date>,
        new_incident: bool,
    },
}

/// Everything one action changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effects {
    pub status: CaseStatus,
    /// The status an on-hold case returns to (`None` when not on hold).
    pub held_from: Option<CaseStatus>,
    pub changes: CaseChanges,
    /// Clocks started or changed (their full new state).
    pub clocks: Vec<Clock>,
    pub works_added: Vec<WorksItem>,
    pub works_changed: Vec<WorksItem>,
    /// Free text, attached to the action's event.
    pub notes: Vec<Note>,
    pub records: Vec<Record>,
    /// The case's flags, if the action changed them.
    pub flags: Option<Vec<CaseFlag>>,
    /// A consent's new status.
    pub consent: Option<(ConsentPurpose, ConsentStatus)>,
    /// Whether works in progress may be finished without information sharing.
    pub works_may_continue: Option<bool>,
    /// A legal hold placed (`true`) or lifted.
    pub legal_hold: Option<bool>,
    /// The safeguarding decisions standing after the action, if it added one.
    pub safeguarding: Option<Safeguarding>,
    /// What stops the case progressing, if the action changed it (consent in force).
    pub progress_blocks: Option<Vec<ProgressBlock>>,
    /// Whether the case's measures need a fire check, after the action.
    pub fire_check_measures: bool,
    /// The case's emergency-services register entries added, rebased, reviewed or
    /// removed, in order.
    pub register: Vec<RegisterChange>,
    /// The review date of the entries this action added or reviewed.
    pub register_review_due: Option<OffsetDateTime>,
    /// Visits booked, and outcomes recorded.
    pub visits_added: Vec<crate::visits::NewVisit>,
    pub visits_changed: Vec<crate::visits::VisitUpdate>,
    /// What the timeline shows: codes, dates, ids and amounts, never personal values.
    pub event_data: Vec<(&'static str, String)>,
}

impl Effects {
    pub(crate) fn new(status: CaseStatus, held_from: Option<CaseStatus>) -> Self {
        Self {
            status,
            held_from,
            changes: CaseChanges::default(),
            clocks: Vec::new(),
            works_added: Vec::new(),
            works_changed: Vec::new(),
            notes: Vec::new(),
            records: Vec::new(),
            flags: None,
            consent: None,
            works_may_continue: None,
            legal_hold: None,
            safeguarding: None,
            progress_blocks: None,
            fire_check_measures: false,
            register: Vec::new(),
            register_review_due: None,
            visits_added: Vec::new(),
            visits_changed: Vec::new(),
            event_data: Vec::new(),
        }
    }

    pub(crate) fn note(&mut self, kind: NoteKind, text: Option<String>) {
        if let Some(text) = text {
            self.notes.push(Note { kind, text });
        }
    }

    pub(crate) fn data(&mut self, key: &'static str, value: impl ToString) {
        self.event_data.push((key, value.to_string()));
    }
}
