//! Risk levels from the DASH score, by the scheme's bands, and the flags risk raises.

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use crate::case::CaseFlag;

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

/// The flags a risk assessment decides (replaced wholesale on each assessment).
pub const RISK_FLAGS: [CaseFlag; 4] = [
    CaseFlag::HighRiskWithoutMarac,
    CaseFlag::PotentialEscalation,
    CaseFlag::RepeatMaracReferralNeeded,
    CaseFlag::SafeguardingReferralNeeded,
];

/// What the risk flags depend on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFlagFacts {
    pub level: Option<RiskLevel>,
    pub score: Option<u8>,
    pub marac_referred: bool,
    pub marac_date: Option<Date>,
    pub care_and_support_needs: bool,
    /// A referral to adult safeguarding is already recorded.
    pub safeguarding_referred: bool,
    pub incidents_last_12_months: Option<u32>,
    pub new_incident: bool,
}

/// The risk flags for the given facts: high risk without MARAC, potential escalation,
/// a new incident within 12 months of a MARAC referral, safeguarding.
/// `escalation_incidents` is the scheme's threshold for potential escalation.
pub fn risk_flags(escalation_incidents: u32, f: &RiskFlagFacts, today: Date) -> Vec<CaseFlag> {
    // Referred to MARAC within the last 12 months: the meeting was in that window, is
    // still to come, or its date is unknown (err on the side of flagging).
    let recent_marac = f.marac_referred
        && f.marac_date
            .is_none_or(|d| today - d <= Duration::days(365));
    let rules = [
        (
            f.level == Some(RiskLevel::High) && !f.marac_referred,
            CaseFlag::HighRiskWithoutMarac,
        ),
        (
            f.incidents_last_12_months
                .is_some_and(|n| n >= escalation_incidents),
            CaseFlag::PotentialEscalation,
        ),
        (
            f.new_incident && recent_marac,
            CaseFlag::RepeatMaracReferralNeeded,
        ),
        (
            f.care_and_support_needs && f.score.unwrap_or(0) >= 1 && !f.safeguarding_referred,
            CaseFlag::SafeguardingReferralNeeded,
        ),
    ];
    rules
        .into_iter()
        .filter(|(raised, _)| *raised)
        .map(|(_, f)| f)
        .collect()
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
