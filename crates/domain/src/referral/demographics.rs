//! Who the client is, as far as they chose to say. Every field may be unknown, and
//! unknown is counted in the monitoring report.

use serde::{Deserialize, Serialize};

use crate::violation::{ViolationCode, Violations};

vocabulary! {
    pub enum Gender {
        Female = "female",
        Male = "male",
        PreferNotToSay = "prefer_not_to_say",
        /// Prefers to self-describe (see `gender_self_description`).
        SelfDescribe = "self_describe",
    }
}

vocabulary! {
    pub enum YesNo {
        Yes = "yes",
        No = "no",
    }
}

vocabulary! {
    pub enum SexualOrientation {
        Bisexual = "bisexual",
        GayMan = "gay_man",
        GayWomanOrLesbian = "gay_woman_or_lesbian",
        Heterosexual = "heterosexual",
        PreferNotToSay = "prefer_not_to_say",
        SelfDescribe = "self_describe",
    }
}

vocabulary! {
    /// The five ONS ethnic groups.
    pub enum EthnicGroup {
        AsianOrAsianBritish = "asian_or_asian_british",
        BlackBlackBritishCaribbeanOrAfrican = "black_black_british_caribbean_or_african",
        MixedOrMultiple = "mixed_or_multiple",
        White = "white",
        OtherEthnicGroup = "other_ethnic_group",
    }
}

vocabulary! {
    /// The 19 ONS ethnicity categories, plus self-description and prefer not to say.
    pub enum Ethnicity {
        Indian = "indian",
        Pakistani = "pakistani",
        Bangladeshi = "bangladeshi",
        Chinese = "chinese",
        OtherAsian = "other_asian",
        Caribbean = "caribbean",
        African = "african",
        OtherBlack = "other_black",
        WhiteAndBlackCaribbean = "white_and_black_caribbean",
        WhiteAndBlackAfrican = "white_and_black_african",
        WhiteAndAsian = "white_and_asian",
        OtherMixed = "other_mixed",
        /// English, Welsh, Scottish, Northern Irish or British.
        WhiteBritish = "white_british",
        Irish = "irish",
        GypsyOrIrishTraveller = "gypsy_or_irish_traveller",
        Roma = "roma",
        OtherWhite = "other_white",
        Arab = "arab",
        OtherEthnicGroup = "other_ethnic_group",
        SelfDescribe = "self_describe",
        PreferNotToSay = "prefer_not_to_say",
    }
}

impl Ethnicity {
    /// The ONS group of a category; `None` for self-description and prefer not to say.
    pub const fn group(self) -> Option<EthnicGroup> {
        use Ethnicity::*;
        Some(match self {
            Indian | Pakistani | Bangladeshi | Chinese | OtherAsian => {
                EthnicGroup::AsianOrAsianBritish
            }
            Caribbean | African | OtherBlack => EthnicGroup::BlackBlackBritishCaribbeanOrAfrican,
            WhiteAndBlackCaribbean | WhiteAndBlackAfrican | WhiteAndAsian | OtherMixed => {
                EthnicGroup::MixedOrMultiple
            }
            WhiteBritish | Irish | GypsyOrIrishTraveller | Roma | OtherWhite => EthnicGroup::White,
            Arab | OtherEthnicGroup => EthnicGroup::OtherEthnicGroup,
            SelfDescribe | PreferNotToSay => return None,
        })
    }
}

vocabulary! {
    pub enum Disability {
        Physical = "physical",
        LearningDisability = "learning_disability",
        MentalIllness = "mental_illness",
        MentalImpairment = "mental_impairment",
        /// No disability; cannot be combined with other answers.
        None = "none",
        /// Cannot be combined with other answers.
        PreferNotToSay = "prefer_not_to_say",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demographics {
    pub gender: Option<Gender>,
    pub gender_self_description: Option<String>,
    pub gender_identity_same_as_sex_at_birth: Option<YesNo>,
    pub sexual_orientation: Option<SexualOrientation>,
    pub sexual_orientation_self_description: Option<String>,
    pub ethnicity: Option<Ethnicity>,
    pub ethnicity_self_description: Option<String>,
    pub interpreter_needed: Option<bool>,
    pub interpreter_language: Option<String>,
    /// Empty when unknown.
    pub disabilities: Vec<Disability>,
    /// Adjustments that may be needed to support the client.
    pub adjustments: Option<String>,
}

impl Demographics {
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        let mut needs =
            |asked: bool, given: &Option<String>, pointer: &str, message: &'static str| {
                if asked && given.is_none() {
                    v.add(pointer, ViolationCode::RequiredByAnswer, message);
                }
            };
        needs(
            self.gender == Some(Gender::SelfDescribe),
            &self.gender_self_description,
            "/gender_self_description",
            "describe the client's gender, as they chose to self-describe",
        );
        needs(
            self.sexual_orientation == Some(SexualOrientation::SelfDescribe),
            &self.sexual_orientation_self_description,
            "/sexual_orientation_self_description",
            "describe the client's sexual orientation, as they chose to self-describe",
        );
        needs(
            self.ethnicity == Some(Ethnicity::SelfDescribe),
            &self.ethnicity_self_description,
            "/ethnicity_self_description",
            "describe the client's ethnicity, as they chose to self-describe",
        );
        needs(
            self.interpreter_needed == Some(true),
            &self.interpreter_language,
            "/interpreter_language",
            "give the language when an interpreter is needed",
        );
        let mut seen = self.disabilities.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != self.disabilities.len() {
            v.add(
                "/disabilities",
                ViolationCode::DuplicateItems,
                "must not repeat an answer",
            );
        }
        let exclusive = self
            .disabilities
            .iter()
            .any(|d| matches!(d, Disability::None | Disability::PreferNotToSay));
        if exclusive && self.disabilities.len() > 1 {
            v.add(
                "/disabilities",
                ViolationCode::ExclusiveChoice,
                "\"none\" and \"prefer_not_to_say\" cannot be combined with other answers",
            );
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nineteen_ons_categories_each_have_a_group() {
        let grouped = Ethnicity::ALL
            .iter()
            .filter(|e| e.group().is_some())
            .count();
        assert_eq!(grouped, 19);
        assert_eq!(Ethnicity::WhiteBritish.group(), Some(EthnicGroup::White));
        assert_eq!(Ethnicity::Arab.group(), Some(EthnicGroup::OtherEthnicGroup));
    }

    #[test]
    fn self_description_is_required_when_chosen() {
        let d = Demographics {
            gender: Some(Gender::SelfDescribe),
            ethnicity: Some(Ethnicity::SelfDescribe),
            interpreter_needed: Some(true),
            ..Default::default()
        };
        let pointers: Vec<_> = d.violations().iter().map(|v| v.pointer.clone()).collect();
        assert_eq!(
            pointers,
            [
                "/gender_self_description",
                "/ethnicity_self_description",
                "/interpreter_language"
            ]
        );
    }

    #[test]
    fn none_and_prefer_not_to_say_stand_alone() {
        let mut d = Demographics {
            disabilities: vec![Disability::None, Disability::Physical],
            ..Default::default()
        };
        assert_eq!(
            d.violations().iter().next().unwrap().code,
            ViolationCode::ExclusiveChoice
        );
        d.disabilities = vec![Disability::Physical, Disability::MentalIllness];
        assert!(d.violations().is_empty());
        d.disabilities = vec![Disability::PreferNotToSay];
        assert!(d.violations().is_empty());
    }
}
