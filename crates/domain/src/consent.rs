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
