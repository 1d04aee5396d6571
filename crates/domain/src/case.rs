//! Cases: their status, the flags raised on them and what stops them progressing.

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

impl CaseStatus {
    /// Declined, closed, cancelled and withdrawn cases are finished.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CaseStatus::Declined
                | CaseStatus::Closed
                | CaseStatus::Cancelled
                | CaseStatus::Withdrawn
        )
    }

    pub fn is_open(self) -> bool {
        !self.is_terminal()
    }
}
