//! What the scheme tells the organisations on a case when it changes: one typed event
//! per change, carrying no personal data (receivers fetch what they may see with the
//! ordinary reads).

use time::OffsetDateTime;
use uuid::Uuid;

use crate::case::CaseStatus;
use crate::clock::ClockKind;
use crate::policy::Action;
use crate::register::EmergencyService;

vocabulary! {
    /// The kind of change an event reports.
    pub enum EventType {
        ReferralReceived = "case.referral_received",
        Accepted = "case.accepted",
        Declined = "case.declined",
        AssessorAssigned = "case.assessor_assigned",
        /// The assessment went to another assessor (the one replaced hears this, then
        /// nothing more).
        AssessorReassigned = "case.assessor_reassigned",
        /// The works order went to another contractor (likewise).
        ContractorReassigned = "case.contractor_reassigned",
        AssessmentRecorded = "case.assessment_recorded",
        WorksApproved = "case.works_approved",
        WorksOrdered = "case.works_ordered",
        WorksStarted = "case.works_started",
        WorksCompleted = "case.works_completed",
        ContactRecorded = "case.contact_recorded",
        FireCheckRecorded = "case.fire_check_recorded",
        FollowUpVisitRecorded = "case.follow_up_visit_recorded",
        FollowUpContactRecorded = "case.follow_up_contact_recorded",
        RiskReassessed = "case.risk_reassessed",
        /// The client was referred on (MARAC, safeguarding, ...): which, not to whom.
        ReferralMade = "case.referral_made",
        RemedialWorksOrdered = "case.remedial_works_ordered",
        RemedialWorksCompleted = "case.remedial_works_completed",
        EquipmentReviewed = "case.equipment_reviewed",
        RemovalOrdered = "case.removal_ordered",
        RemovalRecorded = "case.removal_recorded",
        /// A closed case was opened again.
        Reopened = "case.reopened",
        /// A document was attached (which is not said: list the case's documents). To
        /// those who may read it: the coordinator, the uploader, the roles it is shown to.
        DocumentAdded = "case.document_added",
        VisitBooked = "case.visit_booked",
        VisitOutcomeRecorded = "case.visit_outcome_recorded",
        InterimMeasuresOrdered = "case.interim_measures_ordered",
        InterimMeasuresFitted = "case.interim_measures_fitted",
        /// The client had to leave the home, or came back (where is not said).
        EmergencyAccommodationRecorded = "case.emergency_accommodation_recorded",
        /// The landlord's permission was asked for, granted or refused.
        LandlordPermissionRecorded = "case.landlord_permission_recorded",
        /// The coordinator decided to share without consent (a person is at risk).
        SafeguardingDecisionRecorded = "case.safeguarding_decision_recorded",
        ConsentRecorded = "case.consent_recorded",
        /// The client withdrew a consent (which one is not said: fetch the case). Those
        /// whose access rested on it get this event, then nothing more.
        ConsentWithdrawn = "case.consent_withdrawn",
        LegalHoldChanged = "case.legal_hold_changed",
        ReferralRectified = "case.referral_rectified",
        Held = "case.held",
        Resumed = "case.resumed",
        Withdrawn = "case.withdrawn",
        Cancelled = "case.cancelled",
        Closed = "case.closed",
        /// Retention destroyed the case's personal data (sent to those who could read it
        /// until then, so they can do the same with their copies).
        Anonymised = "case.anonymised",
        /// A service-standard clock passed its due time without being met.
        ClockBreached = "case.clock_breached",
        /// A service-standard clock falls due within the scheme's warning time.
        ClockDueSoon = "case.clock_due_soon",
        /// One of the organisation's webhook endpoints failed every delivery for five
        /// days and was disabled (to that organisation only).
        WebhookEndpointDisabled = "webhook.endpoint_disabled",
        /// A home went on a service's emergency-services register (to the coordinator
        /// and that service's organisations; `data.register_entry_id` names the entry).
        RegisterEntryAdded = "register.entry_added",
        /// The coordinator reviewed a register entry: it stays, with a new review date.
        RegisterEntryReviewed = "register.entry_reviewed",
        /// What the entry shows of the home changed (a safe room fitted, measures taken
        /// out): read it again.
        RegisterEntryUpdated = "register.entry_updated",
        /// A home came off a service's register: take it off the call-out system.
        RegisterEntryRemoved = "register.entry_removed",
    }
}

/// An event as every receiver gets it, in the feed and in a webhook's body (the
/// Standard Webhooks envelope: `type`, `timestamp`, `data`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// The event's id (UUIDv7): the same in the feed and in every delivery of it, for
    /// de-duplication (`webhook-id`).
    pub id: Uuid,
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When the change happened.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub timestamp: OffsetDateTime,
    pub data: EventData,
}

/// What changed, never to whom: fetch the case for what the reader may see of it.
/// `case.*` events fill the case fields; `webhook.*` events fill `endpoint_id`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventData {
    pub case_id: Option<Uuid>,
    /// The case's reference (`DAR-2026-0012`).
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub reference: Option<String>,
    /// The scheme's code.
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub scheme: Option<String>,
    /// The case's status before the change (null for a new referral).
    pub status_before: Option<CaseStatus>,
    pub status_after: Option<CaseStatus>,
    /// The organisation that made the change; null when the service did (retention, the
    /// clock scheduler).
    pub acting_organisation_id: Option<Uuid>,
    /// For clock events, which service standard.
    pub clock: Option<ClockKind>,
    /// For webhook events, the endpoint concerned.
    pub endpoint_id: Option<Uuid>,
    /// For register events, the entry concerned (read it from `GET /api/v1/register`).
    pub register_entry_id: Option<Uuid>,
    /// For register events, whose register.
    pub service: Option<EmergencyService>,
}

impl EventType {
    /// Register events are addressed to the register's readers (the coordinator and the
    /// service whose entry changed), one per entry, not to the case's readers.
    pub fn is_register(self) -> bool {
        matches!(
            self,
            Self::RegisterEntryAdded
                | Self::RegisterEntryReviewed
                | Self::RegisterEntryUpdated
                | Self::RegisterEntryRemoved
        )
    }

    /// The event a consent change produces: a withdrawal has its own type, so a
    /// receiver that loses the case knows why without being told more.
    pub fn of_consent_change(status: crate::consent::ConsentStatus) -> Self {
        match status {
            crate::consent::ConsentStatus::Withdrawn => Self::ConsentWithdrawn,
            _ => Self::ConsentRecorded,
        }
    }

    /// The event a case action produces; `None` for actions that change no case.
    pub fn of_action(action: Action) -> Option<Self> {
        use Action as A;
        Some(match action {
            A::CreateReferral => Self::ReferralReceived,
            A::Accept => Self::Accepted,
            A::Decline => Self::Declined,
            A::AssignAssessor => Self::AssessorAssigned,
            A::ReassignAssessor => Self::AssessorReassigned,
            A::ReassignContractor => Self::ContractorReassigned,
            A::RecordAssessment => Self::AssessmentRecorded,
            A::ApproveWorks => Self::WorksApproved,
            A::OrderWorks => Self::WorksOrdered,
            A::StartWorks => Self::WorksStarted,
            A::CompleteWorks => Self::WorksCompleted,
            A::RecordContact => Self::ContactRecorded,
            A::RecordFireCheck => Self::FireCheckRecorded,
            A::RecordFollowUpVisit => Self::FollowUpVisitRecorded,
            A::RecordFollowUpContact => Self::FollowUpContactRecorded,
            A::RecordRiskAssessment => Self::RiskReassessed,
            A::RecordReferralMade => Self::ReferralMade,
            A::RecordSafeguardingDecision => Self::SafeguardingDecisionRecorded,
            A::RecordLandlordPermission => Self::LandlordPermissionRecorded,
            A::OrderInterimMeasures => Self::InterimMeasuresOrdered,
            A::Reopen => Self::Reopened,
            A::BookVisit => Self::VisitBooked,
            A::RecordVisitOutcome => Self::VisitOutcomeRecorded,
            A::OrderRemedialWorks => Self::RemedialWorksOrdered,
            A::CompleteRemedialWorks => Self::RemedialWorksCompleted,
            A::RecordEquipmentReview => Self::EquipmentReviewed,
            A::OrderRemoval => Self::RemovalOrdered,
            A::RecordRemoval => Self::RemovalRecorded,
            A::RecordInterimMeasuresFitted => Self::InterimMeasuresFitted,
            A::RecordEmergencyAccommodation => Self::EmergencyAccommodationRecorded,
            A::ReviewRegisterEntry => Self::RegisterEntryReviewed,
            A::RemoveRegisterEntry => Self::RegisterEntryRemoved,
            A::RecordConsent => Self::ConsentRecorded,
            A::SetLegalHold => Self::LegalHoldChanged,
            A::RectifyReferral => Self::ReferralRectified,
            A::Hold => Self::Held,
            A::Resume => Self::Resumed,
            A::Withdraw => Self::Withdrawn,
            A::Cancel => Self::Cancelled,
            A::Close => Self::Closed,
            // A note is never in an event, and nor is the fact of one.
            A::ViewCase
            | A::WriteNote
            | A::ReadNotes
            | A::AddDocument
            | A::ReadDocuments
            | A::DeleteDocument
            | A::ViewTimeline
            | A::ManageMeasures
            | A::ViewScheme
            | A::ViewSchemeSettings
            | A::ViewSchemeMembers
            | A::ViewAudit
            | A::ViewReport
            | A::ManageBudget
            | A::ViewBudget
            | A::WriteReportNotes
            | A::GiveFeedback
            | A::ReadFeedback
            | A::Administer
            | A::ExportCase
            | A::IssueEvidenceLetter
            | A::ViewAssessment
            | A::ViewRegister => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_that_changes_a_case_has_its_own_event() {
        let mut seen = Vec::new();
        for action in Action::ALL {
            if action.is_case_action() || *action == Action::RectifyReferral {
                let event = EventType::of_action(*action)
                    .unwrap_or_else(|| panic!("{action} has no event"));
                assert!(!seen.contains(&event), "{event} reused");
                seen.push(event);
            }
        }
        assert_eq!(
            EventType::of_action(Action::CreateReferral),
            Some(EventType::ReferralReceived)
        );
        assert_eq!(EventType::of_action(Action::ViewCase), None);
    }

    #[test]
    fn types_are_dotted_snake_case() {
        for t in EventType::ALL {
            let (prefix, name) = t.as_str().split_once('.').unwrap();
            assert!(["case", "webhook", "register"].contains(&prefix), "{t}");
            assert_eq!(prefix == "register", t.is_register(), "{t}");
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }
}
