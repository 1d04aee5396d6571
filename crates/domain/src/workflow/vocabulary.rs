//! The workflow's words: reasons for ending or holding a case, how a contact went,
//! what a fire check found, how the client feels at follow-up.

use crate::case::CaseFlag;

vocabulary! {
    /// Why the coordinator declined a referral.
    pub enum DeclineReason {
        IneligibleTenure = "ineligible_tenure",
        PerpetratorLivesAtProperty = "perpetrator_lives_at_property",
        ClientWishesToMove = "client_wishes_to_move",
        ReferralIncomplete = "referral_incomplete",
        NoConsent = "no_consent",
        OutOfArea = "out_of_area",
        RefugeMoreSuitable = "refuge_more_suitable",
        DuplicateReferral = "duplicate_referral",
        /// Explain in `other`.
        Other = "other",
    }
}

vocabulary! {
    /// Why works were cancelled (the monitoring template reports these).
    pub enum CancelReason {
        ClientWithdrew = "client_withdrew",
        ClientMoved = "client_moved",
        PerpetratorReturned = "perpetrator_returned",
        LandlordRefused = "landlord_refused",
        UnableToContact = "unable_to_contact",
        UnsafeToProceed = "unsafe_to_proceed",
        WorksNotFeasible = "works_not_feasible",
        Other = "other",
    }
}

vocabulary! {
    /// Why a case is waiting.
    pub enum HoldReason {
        WaitingForLandlord = "waiting_for_landlord",
        WaitingForClient = "waiting_for_client",
        WaitingForContractor = "waiting_for_contractor",
        WaitingForInformation = "waiting_for_information",
        Other = "other",
    }
}

vocabulary! {
    /// Why a case was closed.
    pub enum CloseReason {
        /// Works done and followed up.
        Completed = "completed",
        ClientMoved = "client_moved",
        NoFurtherAction = "no_further_action",
        UnableToContact = "unable_to_contact",
        Other = "other",
    }
}

vocabulary! {
    pub enum ContactMethod {
        Phone = "phone",
        Visit = "visit",
        Email = "email",
        Letter = "letter",
        TextMessage = "text_message",
        Other = "other",
    }
}

vocabulary! {
    pub enum ContactOutcome {
        /// Spoke to the client: this is contact (it stops the initial-contact clock).
        SpokeToClient = "spoke_to_client",
        NoAnswer = "no_answer",
        MessageLeft = "message_left",
        NotSafeToTalk = "not_safe_to_talk",
        Other = "other",
    }
}

vocabulary! {
    pub enum FireCheckOutcome {
        Satisfactory = "satisfactory",
        ActionsRequired = "actions_required",
    }
}

vocabulary! {
    /// Where the scheme referred the client on (seed 004: safeguarding referrals; seed
    /// 001: MARAC for high risk). Recording one clears the flag that asked for it.
    pub enum ReferralType {
        /// Multi-agency risk assessment conference: clears `high_risk_without_marac` and
        /// `repeat_marac_referral_needed`.
        Marac = "marac",
        /// The local authority's adult safeguarding team: clears
        /// `safeguarding_referral_needed`.
        AdultSafeguarding = "adult_safeguarding",
        ChildrensServices = "childrens_services",
        /// An independent domestic violence adviser.
        Idva = "idva",
        HousingOptions = "housing_options",
        Police = "police",
    }
}

impl ReferralType {
    /// The flags this referral answers: recorded, they come off the case (the timeline
    /// keeps which were cleared, and when).
    pub fn clears(self) -> &'static [CaseFlag] {
        match self {
            ReferralType::Marac => &[
                CaseFlag::HighRiskWithoutMarac,
                CaseFlag::RepeatMaracReferralNeeded,
            ],
            ReferralType::AdultSafeguarding => &[CaseFlag::SafeguardingReferralNeeded],
            ReferralType::ChildrensServices
            | ReferralType::Idva
            | ReferralType::HousingOptions
            | ReferralType::Police => &[],
        }
    }
}

vocabulary! {
    /// Does the client feel safer (asked at follow-up contacts)?
    pub enum FeelsSafer {
        Yes = "yes",
        No = "no",
        NotSaid = "not_said",
    }
}

vocabulary! {
    /// Why a closed case is opened again.
    pub enum ReopenReason {
        PerpetratorReturned = "perpetrator_returned",
        NewIncident = "new_incident",
        MeasuresDamaged = "measures_damaged",
        FurtherMeasuresNeeded = "further_measures_needed",
    }
}

vocabulary! {
    /// Where a client who had to leave the home is staying (never the address).
    pub enum AccommodationKind {
        Refuge = "refuge",
        TemporaryAccommodation = "temporary_accommodation",
        FamilyOrFriends = "family_or_friends",
    }
}

vocabulary! {
    /// An answer the client may not have given.
    pub enum YesNoUnknown {
        Yes = "yes",
        No = "no",
        Unknown = "unknown",
    }
}
