//! The client's home and household.

use serde::{Deserialize, Serialize};

use crate::violation::{ViolationCode, Violations};

vocabulary! {
    pub enum AccommodationType {
        Bungalow = "bungalow",
        Flat = "flat",
        Maisonette = "maisonette",
        SemiDetached = "semi_detached",
        Terraced = "terraced",
        Detached = "detached",
        /// Describe in `accommodation_other`.
        Other = "other",
    }
}

vocabulary! {
    /// Tenure: the form's options plus the monitoring template's extra rows.
    pub enum Tenure {
        CouncilHousing = "council_housing",
        HousingAssociation = "housing_association",
        PrivatelyRented = "privately_rented",
        PrivatelyOwned = "privately_owned",
        LivingWithFriendOrFamily = "living_with_friend_or_family",
        Refuge = "refuge",
        ShelteredOrSupported = "sheltered_or_supported",
        /// Describe in `tenure_other`.
        Other = "other",
    }
}

/// The oldest age that counts as a dependent child.
pub const MAX_CHILD_AGE: u8 = 17;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub accommodation_type: Option<AccommodationType>,
    pub accommodation_other: Option<String>,
    pub tenure: Tenure,
    pub tenure_other: Option<String>,
    /// Names on the tenancy or mortgage.
    pub names_on_tenancy: Vec<String>,
    /// Ages of the dependent children in the household (0–17); its length is their
    /// number. `None` when not given (the report's Unknown), `[]` for no children.
    #[serde(default)]
    pub children_ages: Option<Vec<u8>>,
    /// Whether the client wishes to remain in the home (an eligibility criterion).
    pub client_wishes_to_remain: Option<bool>,
}

impl Household {
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        if self.accommodation_type == Some(AccommodationType::Other)
            && self.accommodation_other.is_none()
        {
            v.add(
                "/accommodation_other",
                ViolationCode::RequiredByAnswer,
                "describe the accommodation when its type is \"other\"",
            );
        }
        if self.tenure == Tenure::Other && self.tenure_other.is_none() {
            v.add(
                "/tenure_other",
                ViolationCode::RequiredByAnswer,
                "describe the tenure when it is \"other\"",
            );
        }
        for (i, age) in self.children_ages.iter().flatten().enumerate() {
            if *age > MAX_CHILD_AGE {
                v.add(
                    format!("/children_ages/{i}"),
                    ViolationCode::OutOfRange,
                    "a child's age must be between 0 and 17",
                );
            }
        }
        v
    }
}
