//! The landlord's permission for works on a rented home (seed 000, step 2: "consent from
//! the landlord where needed"). Which tenures need it is a scheme setting (by default
//! every rented tenure; owner-occupiers and those living with family do not). The
//! landlord is contacted only with the client's consent (or a safeguarding decision
//! standing in for it), and no works are ordered until the landlord has agreed.

use serde::{Deserialize, Serialize};

use crate::referral::Tenure;

vocabulary! {
    /// Where the landlord's permission stands.
    pub enum LandlordPermission {
        /// The tenure needs no landlord's permission.
        NotNeeded = "not_needed",
        /// Needed, not yet asked for.
        Required = "required",
        /// Asked for (the `landlord_permission` clock runs).
        Requested = "requested",
        Granted = "granted",
        /// Refused: the works cannot go ahead (cancel with `landlord_refused`).
        Refused = "refused",
    }
}

vocabulary! {
    /// What the coordinator records about the landlord's permission.
    pub enum PermissionStep {
        Requested = "requested",
        Granted = "granted",
        Refused = "refused",
    }
}

vocabulary! {
    /// How the landlord was asked.
    pub enum RequestMethod {
        Letter = "letter",
        Email = "email",
        Phone = "phone",
        InPerson = "in_person",
    }
}

/// The tenures whose landlord must permit works, by default: every rented or supported
/// tenure.
pub fn default_tenures() -> Vec<Tenure> {
    vec![
        Tenure::CouncilHousing,
        Tenure::HousingAssociation,
        Tenure::PrivatelyRented,
        Tenure::ShelteredOrSupported,
        Tenure::Refuge,
    ]
}

/// The scheme's rule: which tenures need the landlord's permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct LandlordSettings {
    /// Tenures whose landlord must permit works before they are ordered.
    #[cfg_attr(feature = "openapi", schema(max_items = 8))]
    pub permission_tenures: Vec<Tenure>,
}

impl Default for LandlordSettings {
    fn default() -> Self {
        Self {
            permission_tenures: default_tenures(),
        }
    }
}

impl LandlordSettings {
    /// Where a new case with `tenure` starts.
    pub fn at_intake(&self, tenure: Tenure) -> LandlordPermission {
        if self.permission_tenures.contains(&tenure) {
            LandlordPermission::Required
        } else {
            LandlordPermission::NotNeeded
        }
    }
}

/// Whether `action` belongs on the coordinator's menu for a case whose landlord
/// permission stands at `permission`: recording it is for homes whose landlord matters.
pub fn action_applies(action: crate::policy::Action, permission: LandlordPermission) -> bool {
    action != crate::policy::Action::RecordLandlordPermission
        || permission != LandlordPermission::NotNeeded
}

impl LandlordPermission {
    /// Whether works may be ordered: the landlord agreed, or none needs to.
    pub fn lets_works_be_ordered(self) -> bool {
        matches!(
            self,
            LandlordPermission::NotNeeded | LandlordPermission::Granted
        )
    }

    /// The standing after `step`.
    pub fn after(step: PermissionStep) -> Self {
        match step {
            PermissionStep::Requested => LandlordPermission::Requested,
            PermissionStep::Granted => LandlordPermission::Granted,
            PermissionStep::Refused => LandlordPermission::Refused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rented_homes_need_the_landlord_and_owned_ones_do_not() {
        let s = LandlordSettings::default();
        for tenure in [
            Tenure::CouncilHousing,
            Tenure::HousingAssociation,
            Tenure::PrivatelyRented,
        ] {
            assert_eq!(
                s.at_intake(tenure),
                LandlordPermission::Required,
                "{tenure}"
            );
        }
        for tenure in [Tenure::PrivatelyOwned, Tenure::LivingWithFriendOrFamily] {
            assert_eq!(
                s.at_intake(tenure),
                LandlordPermission::NotNeeded,
                "{tenure}"
            );
        }
    }

    #[test]
    fn works_wait_for_the_landlords_yes() {
        use LandlordPermission as P;
        assert!(P::NotNeeded.lets_works_be_ordered());
        assert!(P::Granted.lets_works_be_ordered());
        for p in [P::Required, P::Requested, P::Refused] {
            assert!(!p.lets_works_be_ordered(), "{p}");
        }
    }
}
