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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RiskBands {
    /// 1 to 26, and below `high_from`.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 26))]
    pub medium_from: u8,
    /// 2 to 27 (the checklist's 27 questions).
    #[cfg_attr(feature = "openapi", schema(minimum = 2, maximum = 27))]
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

/// What a (re)assessment says about risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskOutcome {
    /// The level the DASH score gives, if a score was recorded.
    pub score_level: Option<RiskLevel>,
    /// The level in force: the score's, raised by professional judgement if it was.
    pub level: Option<RiskLevel>,
}

/// The level in force. Professional judgement may raise the level the score gives,
/// never lower it (then `Err` carries the score's level).
pub fn level(
    bands: &RiskBands,
    score: Option<u8>,
    judgement: Option<RiskLevel>,
) -> Result<RiskOutcome, RiskLevel> {
    let score_level = score.map(|s| bands.level(s));
    let level = match (score_level, judgement) {
        (Some(by_score), Some(judged)) if judged < by_score => return Err(by_score),
        (by_score, judged) => by_score.max(judged),
    };
    Ok(RiskOutcome { score_level, level })
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
    fn judgement_raises_but_never_lowers_the_level() {
        let bands = RiskBands::default();
        let raised = level(&bands, Some(8), Some(RiskLevel::High)).unwrap();
        assert_eq!(
            (raised.score_level, raised.level),
            (Some(RiskLevel::Standard), Some(RiskLevel::High))
        );
        assert_eq!(
            level(&bands, Some(15), Some(RiskLevel::Medium)),
            Err(RiskLevel::High)
        );
        assert_eq!(
            level(&bands, None, Some(RiskLevel::Medium)).unwrap().level,
            Some(RiskLevel::Medium)
        );
        assert_eq!(level(&bands, None, None).unwrap().level, None);
        assert_eq!(
            level(&bands, Some(12), None).unwrap().level,
            Some(RiskLevel::Medium)
        );
    }

    #[test]
    fn levels_are_ordered_by_severity() {
        assert!(RiskLevel::Standard < RiskLevel::Medium && RiskLevel::Medium < RiskLevel::High);
    }
}
