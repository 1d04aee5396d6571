//! The referral: every field of the Standing Together referral form.
//!
//! Sections are plain structs. Each rule is stated on the smallest part it concerns (a
//! field, or a small sub-object's `violations`, with pointers relative to that part), so
//! an intake can check every part that arrived complete even when others did not.

mod demographics;
mod household;
mod people;
mod safety;

use serde::{Deserialize, Serialize};
use time::Date;

pub use demographics::{
    Demographics, Disability, EthnicGroup, Ethnicity, Gender, SexualOrientation, YesNo,
};
pub use household::{AccommodationType, Household, Tenure};
pub use people::{Address, Client, MIN_CLIENT_AGE, Referrer, check_date_of_birth, check_reachable};
pub use safety::{ArsonRisk, CivilOrder, Marac, Police, Safety, SpecialistService};

use crate::consent::IntakeConsents;
use crate::scheme::SchemeCode;
use crate::violation::{ViolationCode, Violations};

/// A complete, valid referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub scheme: SchemeCode,
    /// The referring organisation's own reference, unique per organisation.
    pub external_reference: Option<String>,
    pub urgent: bool,
    /// Why the referrer considers it urgent (sealed with the referral).
    #[serde(default)]
    pub urgent_reason: Option<String>,
    /// The client came to the scheme directly and the coordinator entered the referral
    /// (the report's "self-referral" source).
    #[serde(default)]
    pub self_referral: bool,
    pub referrer: Referrer,
    pub client: Client,
    pub demographics: Demographics,
    pub support_needs: SupportNeeds,
    pub household: Household,
    pub safety: Safety,
    pub installation: Installation,
    pub consents: IntakeConsents,
}

impl Referral {
    /// Every rule of the referral form a built referral could still break (the typed
    /// fields — postcode, phone, email, DASH, scheme code — were checked when they were
    /// made), with pointers from the referral's root: the same rules the intake form
    /// applies section by section as it parses, for referrals made in code.
    pub fn violations(&self, today: Date) -> Violations {
        let mut v = Violations::new();
        let r = &self.referrer;
        v.check(
            "/referrer/email",
            check_reachable(r.email.is_some(), r.phone.is_some()),
        );
        v.check(
            "/client/date_of_birth",
            check_date_of_birth(self.client.date_of_birth, today),
        );
        v.absorb("/demographics", self.demographics.violations());
        v.absorb("/household", self.household.violations());
        let safety = &self.safety;
        if let Some(marac) = &safety.marac {
            v.absorb("/safety/marac", marac.violations());
        }
        v.absorb("/safety/police", safety.police.violations());
        if let Some(order) = &safety.civil_order {
            v.absorb("/safety/civil_order", order.violations());
        }
        v.absorb("/consents", consent_violations(&self.consents, today));
        v
    }
}

/// Additional support needs (the template's "Additional support" rows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportNeeds {
    pub no_recourse_to_public_funds: Option<bool>,
    pub pregnant: Option<bool>,
    /// An adult with care and support needs (Care Act 2014): a DASH score of 1 or more
    /// then calls for a safeguarding referral.
    pub care_and_support_needs: Option<bool>,
    /// Any other additional support need, in the referrer's words.
    pub other: Option<String>,
}

/// What the client asks of the installation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installation {
    /// Specific requests or needs that affect the installation (e.g. restricted mobility).
    pub requests: Option<String>,
    /// Concerns about the works (e.g. a man entering the property, a password).
    pub concerns: Option<String>,
}

/// Checks the consents section: consent cannot have been obtained in the future.
pub fn consent_violations(consents: &IntakeConsents, today: Date) -> Violations {
    let mut v = Violations::new();
    if consents.obtained_on > today {
        v.add(
            "/obtained_on",
            ViolationCode::DateInFuture,
            "must not be in the future",
        );
    }
    v
}
