//! The spare-room evidence letter. A social tenant whose home was adapted under a
//! sanctuary scheme is not to lose Housing Benefit or the Universal Credit housing
//! element for an extra bedroom (the social sector size criteria, "bedroom tax"); SI
//! 2021/991 asks for evidence from a person acting in an official capacity, which the
//! scheme is. The letter is given only when the case shows what it states: a social
//! tenancy and sanctuary measures fitted, still in place.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::referral::Tenure;
use crate::violation::{ViolationCode, Violations};

/// What the scheme's letters are headed and signed with (a scheme setting). No
/// personal data but the signatory's name, which the scheme chooses to print.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Letterhead {
    /// Who issues the letter, e.g. the council and its service; unset, the scheme's
    /// name.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            example = "Darlington Borough Council, Sanctuary Scheme"
        )
    )]
    pub issuer: Option<String>,
    /// The issuer's postal address, a line each (at most 6).
    #[cfg_attr(
        feature = "openapi",
        schema(max_items = 6, example = json!(["Town Hall", "Feethams", "Darlington DL1 5QT"]))
    )]
    pub address: Vec<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 40, example = "01632 960 650")
    )]
    pub telephone: Option<String>,
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 254, example = "sanctuary@darlington.example")
    )]
    pub email: Option<String>,
    /// Who signs: a name, or a post.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, example = "Sanctuary Scheme Coordinator")
    )]
    pub signatory: Option<String>,
}

impl Letterhead {
    /// Every rule the letterhead breaks (pointers relative to it).
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        let mut text = |pointer: &str, value: Option<&String>, max: usize| {
            if let Some(value) = value
                && (value.trim().is_empty() || value.chars().count() > max)
            {
                v.add(
                    pointer,
                    ViolationCode::OutOfRange,
                    format!("must be 1 to {max} characters"),
                );
            }
        };
        text("/issuer", self.issuer.as_ref(), 200);
        text("/telephone", self.telephone.as_ref(), 40);
        text("/email", self.email.as_ref(), 254);
        text("/signatory", self.signatory.as_ref(), 100);
        for (i, line) in self.address.iter().enumerate() {
            text(&format!("/address/{i}"), Some(line), 100);
        }
        if self.address.len() > 6 {
            v.add("/address", ViolationCode::OutOfRange, "at most 6 lines");
        }
        v
    }
}

vocabulary! {
    /// Which benefit authority the letter is for.
    pub enum BenefitPurpose {
        /// The council's Housing Benefit service (the size criteria of the Housing
        /// Benefit Regulations 2006).
        HousingBenefit = "housing_benefit",
        /// The Department for Work and Pensions (the housing costs element of
        /// Universal Credit).
        UniversalCredit = "universal_credit",
    }
}

impl BenefitPurpose {
    /// Whom the letter is addressed to.
    pub fn addressee(self) -> &'static str {
        match self {
            BenefitPurpose::HousingBenefit => "The Housing Benefit service",
            BenefitPurpose::UniversalCredit => {
                "The Department for Work and Pensions (Universal Credit)"
            }
        }
    }

    /// The deduction the letter asks not to be applied.
    pub fn deduction(self) -> &'static str {
        match self {
            BenefitPurpose::HousingBenefit => {
                "the reduction of Housing Benefit for under-occupation (the social sector size criteria)"
            }
            BenefitPurpose::UniversalCredit => {
                "the under-occupancy deduction from the housing costs element of Universal Credit"
            }
        }
    }
}

/// Tenures in the social rented sector, the only ones the size criteria apply to.
pub fn is_social_housing(tenure: Tenure) -> bool {
    matches!(tenure, Tenure::CouncilHousing | Tenure::HousingAssociation)
}

/// Why no letter can be given for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoLetter {
    /// The client is not a social tenant: the spare-room rules do not reach them.
    NotSocialHousing,
    /// No sanctuary measures have been fitted (yet).
    NoMeasuresFitted,
    /// Every fitted measure has been taken out again.
    MeasuresRemoved,
}

impl NoLetter {
    pub fn message(self) -> &'static str {
        match self {
            NoLetter::NotSocialHousing => {
                "The spare-room evidence letter is for social tenants (council or housing association): this client's tenure is not."
            }
            NoLetter::NoMeasuresFitted => {
                "No sanctuary measures have been fitted on this case yet: the letter states that they have."
            }
            NoLetter::MeasuresRemoved => {
                "Every measure fitted on this case has been removed: the home is no longer adapted."
            }
        }
    }
}

/// What the case shows about the home.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdaptedHome {
    pub tenure: Tenure,
    /// When the works were completed, if they were.
    pub installed_on: Option<Date>,
    /// Measures fitted, and how many of them have since been removed.
    pub measures_fitted: u32,
    pub measures_removed: u32,
}

impl AdaptedHome {
    /// The home as a case's tenure, completion and works items show it.
    pub fn of(
        tenure: Tenure,
        installed_on: Option<Date>,
        works: &[crate::works::WorksItem],
    ) -> Self {
        let fitted = works.iter().filter(|w| w.installed()).count();
        let in_place = works.iter().filter(|w| w.in_place()).count();
        AdaptedHome {
            tenure,
            installed_on,
            measures_fitted: u32::try_from(fitted).unwrap_or(u32::MAX),
            measures_removed: u32::try_from(fitted - in_place).unwrap_or(u32::MAX),
        }
    }
}

/// The installation date the letter states, or why there is no letter.
pub fn letter_date(home: &AdaptedHome) -> Result<Date, NoLetter> {
    if !is_social_housing(home.tenure) {
        return Err(NoLetter::NotSocialHousing);
    }
    let installed_on = home.installed_on.ok_or(NoLetter::NoMeasuresFitted)?;
    if home.measures_fitted == 0 {
        return Err(NoLetter::NoMeasuresFitted);
    }
    if home.measures_removed >= home.measures_fitted {
        return Err(NoLetter::MeasuresRemoved);
    }
    Ok(installed_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn home(tenure: Tenure) -> AdaptedHome {
        AdaptedHome {
            tenure,
            installed_on: Some(date!(2026 - 05 - 14)),
            measures_fitted: 3,
            measures_removed: 0,
        }
    }

    #[test]
    fn a_letterhead_keeps_to_its_bounds() {
        assert!(Letterhead::default().violations().is_empty());
        let bad = Letterhead {
            issuer: Some(" ".into()),
            address: vec!["x".repeat(101); 7],
            ..Letterhead::default()
        };
        let v = bad.violations();
        let pointers: Vec<&str> = v.iter().map(|e| e.pointer.as_str()).collect();
        assert!(pointers.contains(&"/issuer"), "{pointers:?}");
        assert!(pointers.contains(&"/address/6"), "{pointers:?}");
        assert!(pointers.contains(&"/address"), "{pointers:?}");
    }

    #[test]
    fn only_social_tenants_with_measures_in_place_get_a_letter() {
        for tenure in [Tenure::CouncilHousing, Tenure::HousingAssociation] {
            assert_eq!(letter_date(&home(tenure)), Ok(date!(2026 - 05 - 14)));
        }
        for tenure in [
            Tenure::PrivatelyOwned,
            Tenure::PrivatelyRented,
            Tenure::LivingWithFriendOrFamily,
            Tenure::Refuge,
            Tenure::ShelteredOrSupported,
            Tenure::Other,
        ] {
            assert_eq!(letter_date(&home(tenure)), Err(NoLetter::NotSocialHousing));
        }
        let not_yet = AdaptedHome {
            installed_on: None,
            ..home(Tenure::CouncilHousing)
        };
        assert_eq!(letter_date(&not_yet), Err(NoLetter::NoMeasuresFitted));
        let nothing = AdaptedHome {
            measures_fitted: 0,
            ..home(Tenure::CouncilHousing)
        };
        assert_eq!(letter_date(&nothing), Err(NoLetter::NoMeasuresFitted));
        let some_removed = AdaptedHome {
            measures_removed: 2,
            ..home(Tenure::HousingAssociation)
        };
        assert!(letter_date(&some_removed).is_ok());
        let all_removed = AdaptedHome {
            measures_removed: 3,
            ..home(Tenure::HousingAssociation)
        };
        assert_eq!(letter_date(&all_removed), Err(NoLetter::MeasuresRemoved));
    }
}
