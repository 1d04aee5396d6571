//! The client's safety: perpetrator, incidents, DASH, MARAC, police, arson, orders.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::dash::Dash;
use crate::violation::{ViolationCode, Violations};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Safety {
    pub perpetrator_name: Option<String>,
    /// Where the perpetrator lives; whether they have tried to get in.
    pub perpetrator_whereabouts: Option<String>,
    /// Whether the perpetrator still lives at the property (an eligibility criterion).
    pub perpetrator_lives_at_property: Option<bool>,
    pub recent_incidents: Option<String>,
    pub dash: Dash,
    pub marac: Option<Marac>,
    pub police: Police,
    pub arson_risk: ArsonRisk,
    /// Other risks from the perpetrator or people connected to them (weapons, occupation).
    pub other_concerns: Option<String>,
    pub specialist_service: Option<SpecialistService>,
    pub interim_measures: Option<String>,
    pub concerns_perpetrator_finds_out: Option<String>,
    pub concerns_perpetrator_let_in: Option<String>,
    pub civil_order: Option<CivilOrder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marac {
    pub referred: bool,
    #[serde(default, with = "crate::iso_date::option")]
    pub meeting_date: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Police {
    pub involved: bool,
    pub details: Option<String>,
    pub crime_reference: Option<String>,
    /// Why there is no crime reference although the police are involved.
    pub crime_reference_missing_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArsonRisk {
    pub present: bool,
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialistService {
    pub referred: bool,
    pub details: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CivilOrder {
    pub in_place: bool,
    #[serde(default, with = "crate::iso_date::option")]
    pub expires_on: Option<Date>,
}

// Each rule lives on the smallest part it concerns, so it is checked whenever that part
// arrived complete, whatever is wrong elsewhere in the referral.

impl Marac {
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        if self.referred && self.meeting_date.is_none() {
            v.add(
                "/meeting_date",
                ViolationCode::RequiredByAnswer,
                "give the MARAC meeting date when the client was referred",
            );
        }
        v
    }
}

impl Police {
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        let has_reference =
            self.crime_reference.is_some() || self.crime_reference_missing_reason.is_some();
        if self.involved && !has_reference {
            v.add(
                "/crime_reference",
                ViolationCode::RequiredByAnswer,
                "give the crime reference when the police are involved, or crime_reference_missing_reason",
            );
        }
        v
    }
}

impl CivilOrder {
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        if self.in_place && self.expires_on.is_none() {
            v.add(
                "/expires_on",
                ViolationCode::RequiredByAnswer,
                "give the expiry date of the civil order in place",
            );
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(v: Violations) -> Vec<String> {
        v.iter().map(|v| v.pointer.clone()).collect()
    }

    fn police(involved: bool, reason: Option<&str>) -> Police {
        Police {
            involved,
            details: None,
            crime_reference: None,
            crime_reference_missing_reason: reason.map(str::to_owned),
        }
    }

    #[test]
    fn answers_that_need_detail_require_it() {
        let marac = Marac {
            referred: true,
            meeting_date: None,
        };
        assert_eq!(pointers(marac.violations()), ["/meeting_date"]);
        assert!(
            Marac {
                referred: false,
                meeting_date: None
            }
            .violations()
            .is_empty()
        );
        assert_eq!(
            pointers(police(true, None).violations()),
            ["/crime_reference"]
        );
        assert!(police(false, None).violations().is_empty());
        let order = CivilOrder {
            in_place: true,
            expires_on: None,
        };
        assert_eq!(pointers(order.violations()), ["/expires_on"]);
    }

    #[test]
    fn a_reason_can_stand_in_for_a_missing_crime_reference() {
        assert!(
            police(true, Some("Reported by phone; reference to follow"))
                .violations()
                .is_empty()
        );
    }
}
