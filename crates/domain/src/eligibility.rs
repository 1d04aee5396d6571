//! Eligibility rules (scheme settings). Failing rules are warnings for the coordinator,
//! who decides; accepting despite a warning needs a recorded override reason.

use serde::{Deserialize, Serialize};

use crate::referral::{Referral, Tenure};

/// A scheme's eligibility criteria (South Essex's as the example).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct EligibilityRules {
    /// Tenures the scheme serves; `None` for any.
    pub allowed_tenures: Option<Vec<Tenure>>,
    /// The police are involved and there is a crime reference.
    pub require_police_crime_reference: bool,
    /// The perpetrator no longer lives at the property.
    pub require_perpetrator_not_at_property: bool,
    /// The client wishes to remain in the home.
    pub require_client_wishes_to_remain: bool,
}

impl Default for EligibilityRules {
    fn default() -> Self {
        Self {
            allowed_tenures: None,
            require_police_crime_reference: false,
            require_perpetrator_not_at_property: true,
            require_client_wishes_to_remain: true,
        }
    }
}

vocabulary! {
    /// A rule the referral does not (demonstrably) meet.
    pub enum EligibilityWarning {
        /// The tenure is not one the scheme serves.
        TenureNotEligible = "tenure_not_eligible",
        /// No police involvement with a crime reference.
        NoPoliceCrimeReference = "no_police_crime_reference",
        /// The perpetrator lives at the property, or it is not known that they do not.
        PerpetratorMayLiveAtProperty = "perpetrator_may_live_at_property",
        /// The client does not wish to stay, or it is not known that they do.
        ClientMayNotWishToRemain = "client_may_not_wish_to_remain",
    }
}

impl EligibilityRules {
    /// The rules `referral` does not demonstrably meet. An unknown answer counts as not
    /// met: the coordinator must see what is missing before deciding.
    pub fn warnings(&self, referral: &Referral) -> Vec<EligibilityWarning> {
        let mut warnings = Vec::new();
        if let Some(allowed) = &self.allowed_tenures
            && !allowed.contains(&referral.household.tenure)
        {
            warnings.push(EligibilityWarning::TenureNotEligible);
        }
        let police = &referral.safety.police;
        if self.require_police_crime_reference
            && !(police.involved && police.crime_reference.is_some())
        {
            warnings.push(EligibilityWarning::NoPoliceCrimeReference);
        }
        if self.require_perpetrator_not_at_property
            && referral.safety.perpetrator_lives_at_property != Some(false)
        {
            warnings.push(EligibilityWarning::PerpetratorMayLiveAtProperty);
        }
        if self.require_client_wishes_to_remain
            && referral.household.client_wishes_to_remain != Some(true)
        {
            warnings.push(EligibilityWarning::ClientMayNotWishToRemain);
        }
        warnings
    }
}
