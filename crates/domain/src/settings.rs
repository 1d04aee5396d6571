//! Scheme settings: the rules each scheme may change, with the product's defaults.
//! Stored as JSON with the scheme; absent keys take their defaults.

use serde::{Deserialize, Serialize};

use crate::clock::{ClockRule, default_policy};
use crate::eligibility::EligibilityRules;
use crate::risk::RiskBands;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchemeSettings {
    pub risk_bands: RiskBands,
    /// Incidents in 12 months that count as potential escalation (a MARAC criterion).
    pub escalation_incidents: u32,
    pub eligibility: EligibilityRules,
    /// Approved works above this total need a recorded funder approval.
    pub household_budget_limit_pence: i64,
    /// The SLA clock table.
    pub clocks: Vec<ClockRule>,
}

impl Default for SchemeSettings {
    fn default() -> Self {
        Self {
            risk_bands: RiskBands::default(),
            escalation_incidents: 3,
            eligibility: EligibilityRules::default(),
            household_budget_limit_pence: 200_000,
            clocks: default_policy(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_keys_take_their_defaults() {
        let s: SchemeSettings =
            serde_json::from_str(r#"{"household_budget_limit_pence": 150000}"#).unwrap();
        assert_eq!(s.household_budget_limit_pence, 150_000);
        assert_eq!(s.escalation_incidents, 3);
        assert_eq!(s.clocks, default_policy());
        let round_trip: SchemeSettings =
            serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(round_trip, s);
    }
}
