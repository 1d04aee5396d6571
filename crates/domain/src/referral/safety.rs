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

impl Safety {
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        if let Some(marac) = &self.marac
            && marac.referred
            && marac.meeting_date.is_none()
        {
            v.add(
                "/marac/meeting_date",
                ViolationCode::RequiredByAnswer,
                "give the MARAC meeting date when the client was referred",
            );
        }
        let police = &self.police;
        if police.involved
            && police.crime_reference.is_none()
            && police.crime_reference_missing_reason.is_none()
        {
            v.add(
                "/police/crime_reference",
                ViolationCode::RequiredByAnswer,
                "give the crime reference when the police are involved, or crime_reference_missing_reason",
            );
        }
        if let Some(order) = &self.civil_order
            && order.in_place
            && order.expires_on.is_none()
        {
            v.add(
                "/civil_order/expires_on",
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

    fn safety() -> Safety {
        Safety {
            perpetrator_name: None,
            perpetrator_whereabouts: None,
            perpetrator_lives_at_property: None,
            recent_incidents: None,
            dash: Dash::new(false, None, None).unwrap(),
            marac: None,
            police: Police {
                involved: false,
                details: None,
                crime_reference: None,
                crime_reference_missing_reason: None,
            },
            arson_risk: ArsonRisk {
                present: false,
                details: None,
            },
            other_concerns: None,
            specialist_service: None,
            interim_measures: None,
            concerns_perpetrator_finds_out: None,
            concerns_perpetrator_let_in: None,
            civil_order: None,
        }
    }

    fn pointers(s: &Safety) -> Vec<String> {
        s.violations().iter().map(|v| v.pointer.clone()).collect()
    }

    #[test]
    fn answers_that_need_detail_require_it() {
        let mut s = safety();
        s.marac = Some(Marac {
            referred: true,
            meeting_date: None,
        });
        s.police.involved = true;
        s.civil_order = Some(CivilOrder {
            in_place: true,
            expires_on: None,
        });
        assert_eq!(
            pointers(&s),
            [
                "/marac/meeting_date",
                "/police/crime_reference",
                "/civil_order/expires_on"
            ]
        );
    }

    #[test]
    fn a_reason_can_stand_in_for_a_missing_crime_reference() {
        let mut s = safety();
        s.police.involved = true;
        s.police.crime_reference_missing_reason =
            Some("Reported by phone; reference to follow".into());
        assert!(pointers(&s).is_empty());
    }
}
