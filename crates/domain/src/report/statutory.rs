//! The sanctuary-scheme part of the local authority's annual return to the Ministry on
//! support provided in domestic abuse safe accommodation (Domestic Abuse Act 2021,
//! Part 4): households supported, adults by gender and children, the characteristics
//! the return counts, households that could not be supported and households whose
//! support ended, each with the return's reasons, and sanctuary units installed.
//!
//! The return's categories are mapped here from the scheme's own fields, rule by rule
//! (the README lists each next to the return's wording), so a new decline, cancel or
//! close reason does not compile until it is given a category. The database counts
//! households by their raw answers; [`tally`] adds them up by category, for the whole
//! year (quarter index 0: the return is annual).

use super::Tallies;
use super::layout::{Basis, SectionSpec, count};
use crate::age::AgeBand;
use crate::referral::{Ethnicity, Gender, SexualOrientation};
use crate::workflow::{CancelReason, CloseReason, DeclineReason};

vocabulary! {
    /// Adults by gender, as the return asks.
    pub enum ReturnGender {
        Women = "women",
        Men = "men",
        TransAndNonBinary = "trans_and_non_binary",
        NotKnown = "not_known",
    }
}

vocabulary! {
    /// Why a household could not be supported, in the return's terms.
    pub enum NotSupportedReason {
        /// Outside the scheme's eligibility (tenure, area).
        NotEligible = "not_eligible",
        /// The household declined support or withdrew.
        DeclinedSupport = "declined_support",
        /// Needs better met by other accommodation or support (refuge, a move).
        NeedsMetElsewhere = "needs_met_elsewhere",
        /// Too unsafe to support the household at home.
        UnsafeToSupport = "unsafe_to_support",
        /// The household could not be contacted.
        CouldNotContact = "could_not_contact",
        /// The support could not be provided (works not feasible, landlord refused,
        /// referral incomplete).
        CouldNotProvide = "could_not_provide",
        Other = "other",
    }
}

vocabulary! {
    /// Why support ended, in the return's terms.
    pub enum SupportEndedReason {
        /// Support completed as planned.
        Completed = "completed",
        /// The household moved on.
        MovedOn = "moved_on",
        /// No further support needed.
        NoLongerNeeded = "no_longer_needed",
        /// Contact was lost.
        LostContact = "lost_contact",
        Other = "other",
    }
}

/// The client's gender as the return counts it: a gender identity different from the
/// sex registered at birth, or a self-described gender, counts as trans and non-binary.
pub fn return_gender(gender: Option<Gender>, identity_differs: Option<bool>) -> ReturnGender {
    match (gender, identity_differs) {
        (_, Some(true)) | (Some(Gender::SelfDescribe), _) => ReturnGender::TransAndNonBinary,
        (Some(Gender::Female), _) => ReturnGender::Women,
        (Some(Gender::Male), _) => ReturnGender::Men,
        (Some(Gender::PreferNotToSay) | None, _) => ReturnGender::NotKnown,
    }
}

/// A declined referral's category; `None` for a duplicate (the household is counted
/// with its other referral).
pub fn declined(reason: DeclineReason) -> Option<NotSupportedReason> {
    use NotSupportedReason as R;
    Some(match reason {
        DeclineReason::IneligibleTenure | DeclineReason::OutOfArea => R::NotEligible,
        DeclineReason::NoConsent => R::DeclinedSupport,
        DeclineReason::ClientWishesToMove | DeclineReason::RefugeMoreSuitable => {
            R::NeedsMetElsewhere
        }
        DeclineReason::PerpetratorLivesAtProperty => R::UnsafeToSupport,
        DeclineReason::ReferralIncomplete => R::CouldNotProvide,
        DeclineReason::DuplicateReferral => return None,
        DeclineReason::Other => R::Other,
    })
}

/// An accepted case ended before its works: its category (withdrawn cases come as
/// `ClientWithdrew`).
pub fn cancelled(reason: CancelReason) -> NotSupportedReason {
    use NotSupportedReason as R;
    match reason {
        CancelReason::ClientWithdrew => R::DeclinedSupport,
        CancelReason::ClientMoved => R::NeedsMetElsewhere,
        CancelReason::PerpetratorReturned | CancelReason::UnsafeToProceed => R::UnsafeToSupport,
        CancelReason::UnableToContact => R::CouldNotContact,
        CancelReason::LandlordRefused | CancelReason::WorksNotFeasible => R::CouldNotProvide,
        CancelReason::Other => R::Other,
    }
}

/// A closed case's category.
pub fn closed(reason: CloseReason) -> SupportEndedReason {
    use SupportEndedReason as R;
    match reason {
        CloseReason::Completed => R::Completed,
        CloseReason::ClientMoved => R::MovedOn,
        CloseReason::NoFurtherAction => R::NoLongerNeeded,
        CloseReason::UnableToContact => R::LostContact,
        CloseReason::Other => R::Other,
    }
}

vocabulary! {
    /// The characteristics of the households supported that the return counts (a
    /// household may have several, or none).
    pub enum Characteristic {
        /// Any disability recorded (physical, learning, mental illness or impairment).
        Disabled = "disabled",
        /// Lesbian, gay, bisexual or self-described orientation, or a gender identity
        /// different from the sex registered at birth.
        LgbtPlus = "lgbt_plus",
        /// Any ethnic group other than White British (not known excluded).
        BlackAndMinoritised = "black_and_minoritised",
        /// No recourse to public funds.
        NoRecourseToPublicFunds = "no_recourse_to_public_funds",
        /// Aged 16 to 24.
        Young = "aged_16_to_24",
        /// Aged 65 or over.
        Older = "aged_65_or_over",
        /// Other support needs (complex needs).
        ComplexNeeds = "complex_needs",
    }
}

/// The households supported that share one combination of answers, as counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportedGroup {
    pub gender: Option<Gender>,
    pub identity_differs: Option<bool>,
    pub ethnicity: Option<Ethnicity>,
    pub orientation: Option<SexualOrientation>,
    pub age_band: Option<AgeBand>,
    pub disabled: bool,
    pub nrpf: Option<bool>,
    pub other_needs: bool,
    pub households: i64,
    pub children: i64,
}

impl SupportedGroup {
    pub fn has(&self, characteristic: Characteristic) -> bool {
        use SexualOrientation as O;
        match characteristic {
            Characteristic::Disabled => self.disabled,
            Characteristic::LgbtPlus => {
                self.identity_differs == Some(true)
                    || matches!(
                        self.orientation,
                        Some(O::Bisexual | O::GayMan | O::GayWomanOrLesbian | O::SelfDescribe)
                    )
            }
            Characteristic::BlackAndMinoritised => !matches!(
                self.ethnicity,
                None | Some(Ethnicity::WhiteBritish | Ethnicity::PreferNotToSay)
            ),
            Characteristic::NoRecourseToPublicFunds => self.nrpf == Some(true),
            Characteristic::Young => {
                matches!(self.age_band, Some(AgeBand::Under18 | AgeBand::From18To24))
            }
            Characteristic::Older => self.age_band == Some(AgeBand::From65),
            Characteristic::ComplexNeeds => self.other_needs,
        }
    }
}

/// Households not supported, or whose support ended, as counted by their raw reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Declined(DeclineReason),
    Cancelled(CancelReason),
    Closed(CloseReason),
}

/// The return's figures for the year, from the database's counts.
pub fn tally(supported: &[SupportedGroup], endings: &[(Ending, i64)], units: i64) -> Tallies {
    let mut t = Tallies::default();
    for g in supported {
        t.add("supported", "households", 0, g.households);
        t.add(
            "return_gender",
            return_gender(g.gender, g.identity_differs).as_str(),
            0,
            g.households,
        );
        t.add("return_children", "count", 0, g.children);
        for c in Characteristic::ALL {
            if g.has(*c) {
                t.add("characteristic", c.as_str(), 0, g.households);
            }
        }
    }
    for (ending, n) in endings {
        match *ending {
            Ending::Declined(reason) => {
                if let Some(r) = declined(reason) {
                    t.add("not_supported", r.as_str(), 0, *n);
                }
            }
            Ending::Cancelled(reason) => {
                t.add("not_supported", cancelled(reason).as_str(), 0, *n);
            }
            Ending::Closed(reason) => t.add("support_ended", closed(reason).as_str(), 0, *n),
        }
    }
    t.add("units", "installed", 0, units);
    t
}

use NotSupportedReason as N;
use SupportEndedReason as E;

const NOT_SUPPORTED: &[&str] = &[
    N::NotEligible.as_str(),
    N::DeclinedSupport.as_str(),
    N::NeedsMetElsewhere.as_str(),
    N::UnsafeToSupport.as_str(),
    N::CouldNotContact.as_str(),
    N::CouldNotProvide.as_str(),
    N::Other.as_str(),
];
const ENDED: &[&str] = &[
    E::Completed.as_str(),
    E::MovedOn.as_str(),
    E::NoLongerNeeded.as_str(),
    E::LostContact.as_str(),
    E::Other.as_str(),
];

/// The return's layout: its sections in order, each row a stable code.
pub const SECTIONS: &[SectionSpec] = &[
    SectionSpec {
        code: "households",
        title: "Households",
        basis: Basis::ReturnYear,
        rows: &[
            count(
                "households_supported",
                "Households supported by the sanctuary scheme",
                "supported",
                &["households"],
            ),
            count(
                "households_not_supported",
                "Households that could not be supported",
                "not_supported",
                NOT_SUPPORTED,
            ),
            count(
                "households_support_ended",
                "Households whose support ended",
                "support_ended",
                ENDED,
            ),
            count(
                "sanctuary_units_installed",
                "Sanctuary units (security measures) installed",
                "units",
                &["installed"],
            ),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "adults_by_gender",
        title: "Adults supported, by gender",
        basis: Basis::Supported,
        rows: &[
            count("adults.women", "Women", "return_gender", &["women"]),
            count("adults.men", "Men", "return_gender", &["men"]),
            count(
                "adults.trans_and_non_binary",
                "Trans and non-binary",
                "return_gender",
                &["trans_and_non_binary"],
            ),
            count(
                "adults.not_known",
                "Not known",
                "return_gender",
                &["not_known"],
            ),
        ],
        partition_of: Some("households_supported"),
    },
    SectionSpec {
        code: "children",
        title: "Children supported",
        basis: Basis::Supported,
        rows: &[count(
            "children.count",
            "Children in the households supported",
            "return_children",
            &["count"],
        )],
        partition_of: None,
    },
    SectionSpec {
        code: "characteristics",
        title: "Households supported with characteristics the return counts",
        basis: Basis::Supported,
        rows: &[
            count(
                "characteristic.disabled",
                "Disabled",
                "characteristic",
                &["disabled"],
            ),
            count(
                "characteristic.lgbt_plus",
                "LGBT+",
                "characteristic",
                &["lgbt_plus"],
            ),
            count(
                "characteristic.black_and_minoritised",
                "Black and minoritised",
                "characteristic",
                &["black_and_minoritised"],
            ),
            count(
                "characteristic.no_recourse_to_public_funds",
                "No recourse to public funds",
                "characteristic",
                &["no_recourse_to_public_funds"],
            ),
            count(
                "characteristic.aged_16_to_24",
                "Aged 16 to 24",
                "characteristic",
                &["aged_16_to_24"],
            ),
            count(
                "characteristic.aged_65_or_over",
                "Aged 65 or over",
                "characteristic",
                &["aged_65_or_over"],
            ),
            count(
                "characteristic.complex_needs",
                "Complex or additional support needs",
                "characteristic",
                &["complex_needs"],
            ),
        ],
        partition_of: None,
    },
    SectionSpec {
        code: "not_supported_reasons",
        title: "Households that could not be supported, by reason",
        basis: Basis::NotSupported,
        rows: &[
            count(
                "not_supported.not_eligible",
                "Not eligible for the scheme",
                "not_supported",
                &[N::NotEligible.as_str()],
            ),
            count(
                "not_supported.declined_support",
                "Declined support or withdrew",
                "not_supported",
                &[N::DeclinedSupport.as_str()],
            ),
            count(
                "not_supported.needs_met_elsewhere",
                "Needs better met elsewhere (refuge, moving)",
                "not_supported",
                &[N::NeedsMetElsewhere.as_str()],
            ),
            count(
                "not_supported.unsafe_to_support",
                "Unsafe to support at home",
                "not_supported",
                &[N::UnsafeToSupport.as_str()],
            ),
            count(
                "not_supported.could_not_contact",
                "Could not be contacted",
                "not_supported",
                &[N::CouldNotContact.as_str()],
            ),
            count(
                "not_supported.could_not_provide",
                "Support could not be provided",
                "not_supported",
                &[N::CouldNotProvide.as_str()],
            ),
            count(
                "not_supported.other",
                "Other",
                "not_supported",
                &[N::Other.as_str()],
            ),
        ],
        partition_of: Some("households_not_supported"),
    },
    SectionSpec {
        code: "support_ended_reasons",
        title: "Households whose support ended, by reason",
        basis: Basis::SupportEnded,
        rows: &[
            count(
                "support_ended.completed",
                "Support completed",
                "support_ended",
                &[E::Completed.as_str()],
            ),
            count(
                "support_ended.moved_on",
                "Moved on",
                "support_ended",
                &[E::MovedOn.as_str()],
            ),
            count(
                "support_ended.no_longer_needed",
                "No further support needed",
                "support_ended",
                &[E::NoLongerNeeded.as_str()],
            ),
            count(
                "support_ended.lost_contact",
                "Contact lost",
                "support_ended",
                &[E::LostContact.as_str()],
            ),
            count(
                "support_ended.other",
                "Other",
                "support_ended",
                &[E::Other.as_str()],
            ),
        ],
        partition_of: Some("households_support_ended"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::build_from;

    #[test]
    fn every_decline_cancel_and_close_reason_has_its_category() {
        use NotSupportedReason as R;
        let declines: Vec<_> = DeclineReason::ALL.iter().map(|r| declined(*r)).collect();
        assert_eq!(
            declines,
            [
                Some(R::NotEligible),       // ineligible tenure
                Some(R::UnsafeToSupport),   // perpetrator lives at the property
                Some(R::NeedsMetElsewhere), // client wishes to move
                Some(R::CouldNotProvide),   // referral incomplete
                Some(R::DeclinedSupport),   // no consent
                Some(R::NotEligible),       // out of area
                Some(R::NeedsMetElsewhere), // refuge more suitable
                None,                       // duplicate: counted with the other referral
                Some(R::Other),
            ]
        );
        let cancels: Vec<_> = CancelReason::ALL.iter().map(|r| cancelled(*r)).collect();
        assert_eq!(
            cancels,
            [
                R::DeclinedSupport,   // client withdrew
                R::NeedsMetElsewhere, // client moved
                R::UnsafeToSupport,   // perpetrator returned
                R::CouldNotProvide,   // landlord refused
                R::CouldNotContact,   // unable to contact
                R::UnsafeToSupport,   // unsafe to proceed
                R::CouldNotProvide,   // works not feasible
                R::Other,
            ]
        );
        let closes: Vec<_> = CloseReason::ALL.iter().map(|r| closed(*r)).collect();
        use SupportEndedReason as E;
        assert_eq!(
            closes,
            [
                E::Completed,
                E::MovedOn,
                E::NoLongerNeeded,
                E::LostContact,
                E::Other
            ]
        );
    }

    #[test]
    fn gender_follows_identity_first() {
        use ReturnGender as G;
        assert_eq!(return_gender(Some(Gender::Female), Some(false)), G::Women);
        assert_eq!(return_gender(Some(Gender::Male), None), G::Men);
        assert_eq!(
            return_gender(Some(Gender::Male), Some(true)),
            G::TransAndNonBinary
        );
        assert_eq!(
            return_gender(Some(Gender::SelfDescribe), None),
            G::TransAndNonBinary
        );
        assert_eq!(
            return_gender(Some(Gender::PreferNotToSay), None),
            G::NotKnown
        );
        assert_eq!(return_gender(None, None), G::NotKnown);
    }

    fn group(households: i64) -> SupportedGroup {
        SupportedGroup {
            gender: Some(Gender::Female),
            identity_differs: Some(false),
            ethnicity: Some(Ethnicity::WhiteBritish),
            orientation: Some(SexualOrientation::Heterosexual),
            age_band: Some(AgeBand::From35To44),
            disabled: false,
            nrpf: Some(false),
            other_needs: false,
            households,
            children: 2 * households,
        }
    }

    #[test]
    fn households_are_counted_once_and_in_each_characteristic_they_have() {
        let mut many = group(1);
        many.ethnicity = Some(Ethnicity::Irish);
        many.orientation = Some(SexualOrientation::Bisexual);
        many.age_band = Some(AgeBand::Under18);
        many.disabled = true;
        many.nrpf = Some(true);
        many.other_needs = true;
        let mut unknown = group(2);
        unknown.ethnicity = Some(Ethnicity::PreferNotToSay);
        unknown.age_band = Some(AgeBand::From65);
        unknown.gender = None;
        let endings = [
            (Ending::Declined(DeclineReason::OutOfArea), 2),
            (Ending::Declined(DeclineReason::DuplicateReferral), 5),
            (Ending::Cancelled(CancelReason::WorksNotFeasible), 1),
            (Ending::Declined(DeclineReason::ReferralIncomplete), 1),
            (Ending::Closed(CloseReason::Completed), 4),
        ];
        let t = tally(&[group(3), many, unknown], &endings, 17);
        let sections = build_from(SECTIONS, &t);
        let total = |code: &str| {
            sections
                .iter()
                .flat_map(|s| &s.rows)
                .find(|r| r.code == code)
                .unwrap()
                .total
                .whole()
                .unwrap()
        };
        assert_eq!(total("households_supported"), 6);
        assert_eq!(total("adults.women"), 4);
        assert_eq!(total("adults.not_known"), 2);
        assert_eq!(total("children.count"), 12);
        for (code, n) in [
            ("characteristic.disabled", 1),
            ("characteristic.lgbt_plus", 1),
            ("characteristic.black_and_minoritised", 1),
            ("characteristic.no_recourse_to_public_funds", 1),
            ("characteristic.aged_16_to_24", 1),
            ("characteristic.aged_65_or_over", 2),
            ("characteristic.complex_needs", 1),
        ] {
            assert_eq!(total(code), n, "{code}");
        }
        assert_eq!(total("households_not_supported"), 4, "duplicates left out");
        assert_eq!(total("not_supported.not_eligible"), 2);
        assert_eq!(total("not_supported.could_not_provide"), 2);
        assert_eq!(total("support_ended.completed"), 4);
        assert_eq!(total("sanctuary_units_installed"), 17);
    }
}
