//! Risk levels from the DASH score, by the scheme's bands.

use serde::{Deserialize, Serialize};

vocabulary! {
    /// Risk level, as the monitoring template counts it.
    pub enum RiskLevel {
        /// Standard (the template's "low") risk.
        Standard = "standard",
        Medium = "medium",
        /// Visible high risk: refer to MARAC.
        High = "high",
    }
}

/// Score thresholds: `medium_from..high_from` is medium, `high_from..` is high.
/// A scheme setting; the defaults are the SafeLives / police bands (0–9, 10–13, 14+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskBands {
    pub medium_from: u8,
    pub high_from: u8,
}

impl Default for RiskBands {
    fn default() -> Self {
        Self {
            medium_from: 10,
            high_from: 14,
        }
    }
}

impl RiskBands {
    pub fn level(&self, score: u8) -> RiskLevel {
        if score >= self.high_from {
            RiskLevel::High
        } else if score >= self.medium_from {
            RiskLevel::Medium
        } else {
            RiskLevel::Standard
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_bands_match_the_checklist_guidance() {
        let bands = RiskBands::default();
        let levels: Vec<_> = [0, 9, 10, 13, 14, 27]
            .into_iter()
            .map(|s| bands.level(s))
            .collect();
        use RiskLevel::*;
        assert_eq!(levels, [Standard, Standard, Medium, Medium, High, High]);
    }

    #[test]
    fn levels_are_ordered_by_severity() {
        assert!(RiskLevel::Standard < RiskLevel::Medium && RiskLevel::Medium < RiskLevel::High);
    }
}
