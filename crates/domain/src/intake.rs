//! What the scheme's rules make of a referral as it arrives: its risk level, the flags
//! it raises, what stops it progressing, eligibility warnings and its first clocks.

use crate::landlord::LandlordPermission;
use time::{Date, OffsetDateTime};

use crate::calendar::{Calendar, london};
use crate::case::{CaseFlag, ProgressBlock};
use crate::clock::{Clock, ClockEvent, Starting, start_clocks};
use crate::consent::{ConsentPurpose, ConsentsInForce};
use crate::eligibility::EligibilityWarning;
use crate::referral::Referral;
use crate::risk::{RiskFlagFacts, RiskLevel, risk_flags};
use crate::safeguarding::Safeguarding;
use crate::settings::SchemeSettings;

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
        safeguarding_referred: false,
        incidents_last_12_months: None,
        new_incident: false,
    };
    let mut flags = risk_flags(settings.escalation_incidents, &facts, today);
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

/// What stops the case progressing; empty when it can. The rule of the consents in
/// force, applied to the form's answers (no safeguarding decision yet).
pub fn progress_blocks(referral: &Referral) -> Vec<ProgressBlock> {
    crate::safeguarding::progress_blocks(
        &ConsentsInForce::from_intake(&referral.consents),
        &Safeguarding::default(),
    )
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
    /// Whether the landlord must permit the works (the scheme's tenures).
    pub landlord_permission: LandlordPermission,
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
            landlord_permission: settings.landlord.at_intake(referral.household.tenure),
            clocks: start_clocks(
                &Starting {
                    // An urgent referral runs the scheme's urgent clocks.
                    rules: &settings.clocks_for(referral.urgent),
                    consents: &ConsentsInForce::from_intake(&referral.consents),
                    fire_check_needed: false,
                    day_ends_at: settings.working_day_ends_at,
                    calendar,
                },
                &[],
                ClockEvent::ReferralReceived,
                received_at,
            ),
        }
    }
}
