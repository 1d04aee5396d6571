//! The four consents on the referral form.

use serde::{Deserialize, Serialize};
use time::Date;

vocabulary! {
    /// What the client consented (or not) to.
    pub enum ConsentPurpose {
        /// Have the Sanctuary measures installed.
        Installation = "installation",
        /// Let the scheme contact the landlord for permission.
        LandlordContact = "landlord_contact",
        /// Share information with the organisations delivering the scheme.
        InformationSharing = "information_sharing",
        /// Be contacted 3–6 months after installation for feedback.
        FollowUpContact = "follow_up_contact",
    }
}

vocabulary! {
    /// The client's answer when the referral was made.
    pub enum ConsentDecision {
        Given = "given",
        Refused = "refused",
    }
}

vocabulary! {
    /// How consent was obtained.
    pub enum ConsentMethod {
        Verbal = "verbal",
        Written = "written",
        Electronic = "electronic",
    }
}

vocabulary! {
    /// A consent as it stands now: its latest decision.
    pub enum ConsentStatus {
        Given = "given",
        Refused = "refused",
        /// Given, then withdrawn.
        Withdrawn = "withdrawn",
    }
}

impl From<ConsentDecision> for ConsentStatus {
    fn from(d: ConsentDecision) -> Self {
        match d {
            ConsentDecision::Given => ConsentStatus::Given,
            ConsentDecision::Refused => ConsentStatus::Refused,
        }
    }
}

/// Whether `organisation` may record that the client gave again a consent they had
/// withdrawn, when `withdrawn_by` recorded the withdrawal. Only that organisation (the
/// client told it) or the scheme's coordinator may: no one else undoes what the client
/// said to someone else.
pub fn may_give_again(
    withdrawn_by: Option<uuid::Uuid>,
    organisation: uuid::Uuid,
    as_coordinator: bool,
) -> bool {
    as_coordinator || withdrawn_by == Some(organisation)
}

/// The consents in force on a case: the referral's, as changed since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentsInForce {
    pub installation: ConsentStatus,
    pub landlord_contact: ConsentStatus,
    pub information_sharing: ConsentStatus,
    pub follow_up_contact: ConsentStatus,
    /// With information sharing withdrawn, the client agreed that works already in
    /// progress may be finished (the contractor keeps its view until then).
    pub works_may_continue: bool,
}

impl ConsentsInForce {
    pub fn from_intake(c: &IntakeConsents) -> Self {
        Self {
            installation: c.installation.into(),
            landlord_contact: c.landlord_contact.into(),
            information_sharing: c.information_sharing.into(),
            follow_up_contact: c.follow_up_contact.into(),
            works_may_continue: false,
        }
    }

    pub fn status(&self, purpose: ConsentPurpose) -> ConsentStatus {
        match purpose {
            ConsentPurpose::Installation => self.installation,
            ConsentPurpose::LandlordContact => self.landlord_contact,
            ConsentPurpose::InformationSharing => self.information_sharing,
            ConsentPurpose::FollowUpContact => self.follow_up_contact,
        }
    }

    pub fn given(&self, purpose: ConsentPurpose) -> bool {
        self.status(purpose) == ConsentStatus::Given
    }

    /// These consents with `purpose` changed to `status`.
    pub fn with(&self, purpose: ConsentPurpose, status: ConsentStatus) -> Self {
        let mut next = self.clone();
        *match purpose {
            ConsentPurpose::Installation => &mut next.installation,
            ConsentPurpose::LandlordContact => &mut next.landlord_contact,
            ConsentPurpose::InformationSharing => &mut next.information_sharing,
            ConsentPurpose::FollowUpContact => &mut next.follow_up_contact,
        } = status;
        next
    }
}

/// The consents recorded on the referral form, all four answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeConsents {
    pub installation: ConsentDecision,
    pub landlord_contact: ConsentDecision,
    pub information_sharing: ConsentDecision,
    pub follow_up_contact: ConsentDecision,
    pub method: ConsentMethod,
    #[serde(with = "crate::iso_date")]
    pub obtained_on: Date,
}

impl IntakeConsents {
    pub fn decision(&self, purpose: ConsentPurpose) -> ConsentDecision {
        match purpose {
            ConsentPurpose::Installation => self.installation,
            ConsentPurpose::LandlordContact => self.landlord_contact,
            ConsentPurpose::InformationSharing => self.information_sharing,
            ConsentPurpose::FollowUpContact => self.follow_up_contact,
        }
    }

    pub fn given(&self, purpose: ConsentPurpose) -> bool {
        self.decision(purpose) == ConsentDecision::Given
    }
}

#[cfg(test)]
mod giving_again {
    use super::may_give_again;
    use uuid::Uuid;

    #[test]
    fn only_who_recorded_the_withdrawal_or_the_coordinator_gives_a_consent_again() {
        let (referrer, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert!(may_give_again(Some(referrer), referrer, false));
        assert!(!may_give_again(Some(referrer), other, false));
        assert!(may_give_again(Some(referrer), other, true));
        assert!(!may_give_again(None, referrer, false));
    }
}
