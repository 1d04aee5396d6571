//! Cases: their status, the flags raised on them and what stops them progressing.

use time::{Date, OffsetDateTime};

use crate::calendar::{Calendar, london};
use crate::clock::{Clock, ClockEvent};
use crate::consent::{ConsentPurpose, ConsentsInForce};
use crate::eligibility::EligibilityWarning;
use crate::referral::Referral;
use crate::risk::RiskLevel;
use crate::settings::SchemeSettings;
use crate::workflow::{RiskFlagFacts, risk_flags, start_clocks};

vocabulary! {
    /// Where a case is on the Sanctuary Scheme pathway.
    pub enum CaseStatus {
        /// Referral received; awaiting the coordinator's decision.
        Received = "received",
        Accepted = "accepted",
        Declined = "declined",
        /// Assessor assigned; assessment under way.
        Assessment = "assessment",
        Assessed = "assessed",
        WorksApproved = "works_approved",
        WorksOrdered = "works_ordered",
        WorksInProgress = "works_in_progress",
        WorksCompleted = "works_completed",
        FollowUp = "follow_up",
        Closed = "closed",
        OnHold = "on_hold",
        Cancelled = "cancelled",
        /// The client withdrew consent to installation.
        Withdrawn = "withdrawn",
    }
}

vocabulary! {
    /// Something the coordinator must see about a case.
    pub enum CaseFlag {
        /// High risk by DASH, but no MARAC referral recorded.
        HighRiskWithoutMarac = "high_risk_without_marac",
        /// The perpetrator is recorded as living at the property.
        PerpetratorAtProperty = "perpetrator_at_property",
        /// Risk of arson: fire safety matters for every measure.
        ArsonRisk = "arson_risk",
        /// An adult with care and support needs and a DASH score of 1 or more.
        SafeguardingReferralNeeded = "safeguarding_referral_needed",
        /// The civil order restricting the perpetrator has expired.
        CivilOrderExpired = "civil_order_expired",
        /// Incidents in the last 12 months reach the scheme's escalation threshold.
        PotentialEscalation = "potential_escalation",
        /// A new incident within 12 months of a MARAC referral: refer again.
        RepeatMaracReferralNeeded = "repeat_marac_referral_needed",
        /// Another case for the same client or address is open, or closed within a year.
        /// Shown only to callers who can see that other case.
        RepeatReferral = "repeat_referral",
        InstallationConsentRefused = "installation_consent_refused",
        InformationSharingConsentRefused = "information_sharing_consent_refused",
        LandlordContactConsentRefused = "landlord_contact_consent_refused",
        FollowUpContactConsentRefused = "follow_up_contact_consent_refused",
    }
}

vocabulary! {
    /// Why a case cannot progress past the coordinator's decision.
    pub enum ProgressBlock {
        /// Without installation consent the case cannot be accepted.
        InstallationConsentRefused = "installation_consent_refused",
        /// Without sharing consent the scheme's partners cannot be involved.
        InformationSharingConsentRefused = "information_sharing_consent_refused",
    }
}

/// The flags a referral raises when it arrives.
pub fn intake_flags(
    referral: &Referral,
    risk: Option<RiskLevel>,
    settings: &SchemeSettings,
    today: Date,
) -> Vec<CaseFlag> {
    let safety = &referral.safety;
    let consents = &referral.consents;
    let order_expired = safety
        .civil_order
        .as_ref()
        .and_then(|o| o.expires_on)
        .is_some_and(|expiry| expiry < today);
    let facts = RiskFlagFacts {
        level: risk,
        score: safety.dash.score(),
        marac_referred: safety.marac.as_ref().is_some_and(|m| m.referred),
        marac_date: safety.marac.as_ref().and_then(|m| m.meeting_date),
        care_and_support_needs: referral.support_needs.care_and_support_needs == Some(true),
        incidents_last_12_months: None,
        new_incident: false,
    };
    let mut flags = risk_flags(settings, &facts, today);
    let rules = [
        (
            safety.perpetrator_lives_at_property == Some(true),
            CaseFlag::PerpetratorAtProperty,
        ),
        (safety.arson_risk.present, CaseFlag::ArsonRisk),
        (order_expired, CaseFlag::CivilOrderExpired),
        (
            !consents.given(ConsentPurpose::Installation),
            CaseFlag::InstallationConsentRefused,
        ),
        (
            !consents.given(ConsentPurpose::InformationSharing),
            CaseFlag::InformationSharingConsentRefused,
        ),
        (
            !consents.given(ConsentPurpose::LandlordContact),
            CaseFlag::LandlordContactConsentRefused,
        ),
        (
            !consents.given(ConsentPurpose::FollowUpContact),
            CaseFlag::FollowUpContactConsentRefused,
        ),
    ];
    flags.extend(
        rules
            .into_iter()
            .filter(|(raised, _)| *raised)
            .map(|(_, flag)| flag),
    );
    flags.sort();
    flags
}

/// What stops the case progressing; empty when it can.
pub fn progress_blocks(referral: &Referral) -> Vec<ProgressBlock> {
    let consents = &referral.consents;
    let mut blocks = Vec::new();
    if !consents.given(ConsentPurpose::Installation) {
        blocks.push(ProgressBlock::InstallationConsentRefused);
    }
    if !consents.given(ConsentPurpose::InformationSharing) {
        blocks.push(ProgressBlock::InformationSharingConsentRefused);
    }
    blocks
}

/// What the scheme's rules make of a referral as it arrives: the facts a new case opens
/// with. The referral handler and the demo data generator both open cases through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    /// From the DASH score by the scheme's bands; `None` without a completed checklist.
    pub risk_level: Option<RiskLevel>,
    pub flags: Vec<CaseFlag>,
    pub progress_blocks: Vec<ProgressBlock>,
    pub eligibility_warnings: Vec<EligibilityWarning>,
    /// The clocks the referral starts.
    pub clocks: Vec<Clock>,
}

impl Intake {
    /// Applies `settings` to `referral`, received at `received_at`.
    pub fn assess(
        referral: &Referral,
        settings: &SchemeSettings,
        received_at: OffsetDateTime,
        calendar: &Calendar,
    ) -> Self {
        let risk_level = referral
            .safety
            .dash
            .score()
            .map(|s| settings.risk_bands.level(s));
        let today = london::local_date(received_at);
        Self {
            risk_level,
            flags: intake_flags(referral, risk_level, settings, today),
            progress_blocks: progress_blocks(referral),
            eligibility_warnings: settings.eligibility.warnings(referral),
            clocks: start_clocks(
                settings,
                &ConsentsInForce::from_intake(&referral.consents),
                &[],
                ClockEvent::ReferralReceived,
                received_at,
                calendar,
            ),
        }
    }
}
