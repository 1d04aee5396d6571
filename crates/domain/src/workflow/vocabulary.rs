//! The workflow's words: reasons for ending or holding a case, how a contact went,
//! what a fire check found, how the client feels at follow-up.

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
    /// Does the client feel safer (asked at follow-up contacts)?
    pub enum FeelsSafer {
        Yes = "yes",
        No = "no",
        NotSaid = "not_said",
    }
}
