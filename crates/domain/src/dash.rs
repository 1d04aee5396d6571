//! The DASH risk identification checklist (police ACPO 2009 version, 27 questions).
//!
//! The checklist wording is copyright, so only question codes (`q1`..`q27`, in police
//! order) and our own short titles are stored. The SafeLives version omits q10–q12.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::violation::{RuleError, ViolationCode, Violations};

vocabulary! {
    /// An answer to one checklist question.
    pub enum DashAnswer {
        Yes = "yes",
        No = "no",
        NotKnown = "not_known",
    }
}

vocabulary! {
    /// A checklist question, by its police-order code.
    pub enum DashQuestion {
        Q1 = "q1", Q2 = "q2", Q3 = "q3", Q4 = "q4", Q5 = "q5", Q6 = "q6", Q7 = "q7",
        Q8 = "q8", Q9 = "q9", Q10 = "q10", Q11 = "q11", Q12 = "q12", Q13 = "q13",
        Q14 = "q14", Q15 = "q15", Q16 = "q16", Q17 = "q17", Q18 = "q18", Q19 = "q19",
        Q20 = "q20", Q21 = "q21", Q22 = "q22", Q23 = "q23", Q24 = "q24", Q25 = "q25",
        Q26 = "q26", Q27 = "q27",
    }
}

/// The highest possible score: one point per "yes".
pub const MAX_SCORE: u8 = 27;

impl DashQuestion {
    /// Our own short title (not the checklist wording).
    pub const fn short_title(self) -> &'static str {
        use DashQuestion::*;
        match self {
            Q1 => "Injury",
            Q2 => "Very frightened",
            Q3 => "What afraid of",
            Q4 => "Isolated",
            Q5 => "Depressed or suicidal",
            Q6 => "Separated within the past year",
            Q7 => "Conflict over child contact",
            Q8 => "Stalking or harassment",
            Q9 => "Pregnant or baby within 18 months",
            Q10 => "Children not the abuser's or other dependants",
            Q11 => "Abuser hurt children",
            Q12 => "Abuser threatened children",
            Q13 => "Abuse happening more often",
            Q14 => "Abuse getting worse",
            Q15 => "Controlling or jealous",
            Q16 => "Weapons",
            Q17 => "Threats to kill",
            Q18 => "Strangulation or suffocation",
            Q19 => "Sexual abuse",
            Q20 => "Another person threatening",
            Q21 => "Abuser hurt others",
            Q22 => "Abuse of animals",
            Q23 => "Financial issues",
            Q24 => "Abuser's drugs, alcohol or mental health",
            Q25 => "Abuser threatened suicide",
            Q26 => "Breached bail or injunction",
            Q27 => "Criminal history",
        }
    }

    /// Whether the SafeLives 24-question version asks this question.
    pub const fn in_safelives_version(self) -> bool {
        !matches!(
            self,
            DashQuestion::Q10 | DashQuestion::Q11 | DashQuestion::Q12
        )
    }
}

/// Answers keyed by question code.
pub type DashAnswers = BTreeMap<DashQuestion, DashAnswer>;

/// The referral's DASH section, as established by [`Dash::new`]: when completed it always
/// has a score, computed from the answers if they were given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dash {
    completed: bool,
    score: Option<u8>,
    answers: Option<DashAnswers>,
}

impl Dash {
    /// Checks the DASH section: a completed checklist needs a score (0–27) or a full set
    /// of answers (all 27, or the SafeLives 24); when both are given they must agree.
    /// Violation pointers are relative to the DASH object.
    pub fn new(
        completed: bool,
        score: Option<u8>,
        answers: Option<DashAnswers>,
    ) -> Result<Self, Violations> {
        let mut v = Violations::new();
        if !completed {
            if score.is_some() {
                v.add(
                    "/score",
                    ViolationCode::ContradictsAnswer,
                    "give a score only when the DASH checklist was completed",
                );
            }
            if answers.is_some() {
                v.add(
                    "/answers",
                    ViolationCode::ContradictsAnswer,
                    "give answers only when the DASH checklist was completed",
                );
            }
            return v.into_result(Self {
                completed,
                score: None,
                answers: None,
            });
        }
        if let Some(s) = score {
            v.check("/score", check_score(s));
        }
        let computed = match &answers {
            Some(a) => v.check("/answers", score_answers(a)),
            None if score.is_none() => {
                v.add(
                    "/score",
                    ViolationCode::RequiredByAnswer,
                    "give the RIC score or the answers when the DASH checklist was completed",
                );
                None
            }
            None => None,
        };
        if let (Some(given), Some(computed)) = (score, computed)
            && given != computed
        {
            v.add(
                "/score",
                ViolationCode::ScoreMismatch,
                format!("the score must equal the number of \"yes\" answers ({computed})"),
            );
        }
        v.into_result(Self {
            completed,
            score: computed.or(score),
            answers,
        })
    }

    pub fn completed(&self) -> bool {
        self.completed
    }

    /// The RIC score; `None` when the checklist was not completed.
    pub fn score(&self) -> Option<u8> {
        self.score
    }

    pub fn answers(&self) -> Option<&DashAnswers> {
        self.answers.as_ref()
    }
}

fn check_score(score: u8) -> Result<u8, RuleError> {
    if score <= MAX_SCORE {
        Ok(score)
    } else {
        Err(RuleError::new(
            ViolationCode::OutOfRange,
            "must be between 0 and 27",
        ))
    }
}

/// The number of "yes" answers, provided the answers cover the full checklist or the
/// SafeLives version of it.
pub fn score_answers(answers: &DashAnswers) -> Result<u8, RuleError> {
    let missing: Vec<&str> = DashQuestion::ALL
        .iter()
        .filter(|q| !answers.contains_key(q))
        .map(|q| q.as_str())
        .collect();
    let safelives_only = missing == ["q10", "q11", "q12"];
    if !missing.is_empty() && !safelives_only {
        return Err(RuleError::new(
            ViolationCode::IncompleteAnswers,
            format!(
                "answer all 27 questions (or the SafeLives 24, without q10–q12); missing: {}",
                missing.join(", ")
            ),
        ));
    }
    let yes = answers.values().filter(|a| **a == DashAnswer::Yes).count();
    Ok(u8::try_from(yes).unwrap_or(MAX_SCORE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(yes: usize, skip_children: bool) -> DashAnswers {
        DashQuestion::ALL
            .iter()
            .filter(|q| !skip_children || q.in_safelives_version())
            .enumerate()
            .map(|(i, q)| {
                (
                    *q,
                    if i < yes {
                        DashAnswer::Yes
                    } else {
                        DashAnswer::No
                    },
                )
            })
            .collect()
    }

    #[test]
    fn the_score_is_the_number_of_yes_answers() {
        let dash = Dash::new(true, None, Some(answers(16, false))).unwrap();
        assert_eq!(dash.score(), Some(16));
        let safelives = Dash::new(true, Some(5), Some(answers(5, true))).unwrap();
        assert_eq!(safelives.score(), Some(5));
    }

    #[test]
    fn a_score_that_disagrees_with_the_answers_is_rejected() {
        let v = Dash::new(true, Some(15), Some(answers(16, false))).unwrap_err();
        let codes: Vec<_> = v.iter().map(|v| (v.pointer.as_str(), v.code)).collect();
        assert_eq!(codes, [("/score", ViolationCode::ScoreMismatch)]);
    }

    #[test]
    fn partial_answers_name_the_missing_questions() {
        let mut a = answers(3, false);
        a.remove(&DashQuestion::Q27);
        a.remove(&DashQuestion::Q2);
        let v = Dash::new(true, None, Some(a)).unwrap_err();
        let only = v.iter().next().unwrap();
        assert_eq!(only.code, ViolationCode::IncompleteAnswers);
        assert!(
            only.message.ends_with("missing: q2, q27"),
            "{}",
            only.message
        );
    }

    #[test]
    fn a_completed_checklist_needs_a_score_or_answers_and_scores_stop_at_27() {
        let v = Dash::new(true, None, None).unwrap_err();
        assert_eq!(
            v.iter().next().unwrap().code,
            ViolationCode::RequiredByAnswer
        );
        let v = Dash::new(true, Some(28), None).unwrap_err();
        assert_eq!(v.iter().next().unwrap().code, ViolationCode::OutOfRange);
        assert_eq!(Dash::new(true, Some(27), None).unwrap().score(), Some(27));
    }

    #[test]
    fn a_checklist_not_completed_carries_no_score() {
        assert_eq!(Dash::new(false, None, None).unwrap().score(), None);
        let v = Dash::new(false, Some(3), None).unwrap_err();
        assert_eq!(
            v.iter().next().unwrap().code,
            ViolationCode::ContradictsAnswer
        );
    }

    #[test]
    fn every_question_has_a_distinct_short_title() {
        let titles: std::collections::BTreeSet<_> =
            DashQuestion::ALL.iter().map(|q| q.short_title()).collect();
        assert_eq!(titles.len(), 27);
        assert_eq!(
            DashQuestion::ALL
                .iter()
                .filter(|q| q.in_safelives_version())
                .count(),
            24
        );
    }
}
