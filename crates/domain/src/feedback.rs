//! Referring agencies' feedback on the scheme (seed 001: the coordinator gathers
//! "feedback with … referring agencies"): a rating from 1 to 5 for each question of a
//! fixed short list, and a comment only the coordinator reads. The monitoring report
//! adds the ratings up by quarter.

use serde::Deserialize;

use crate::violation::{ViolationCode, Violations};

/// The longest comment, in characters.
pub const MAX_COMMENT: usize = 2000;

vocabulary! {
    /// What a referring agency is asked to rate.
    pub enum Question {
        /// How quickly the scheme acted on its referrals.
        Speed = "speed",
        /// How well the scheme kept it informed.
        Communication = "communication",
        /// How well the works served the households it referred.
        Outcome = "outcome",
    }
}

impl Question {
    /// Its place in [`Question::ALL`].
    pub const fn index(self) -> usize {
        match self {
            Question::Speed => 0,
            Question::Communication => 1,
            Question::Outcome => 2,
        }
    }
}

/// One referring agency's feedback.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "speed": 4, "communication": 5, "outcome": 4,
    "comment": "Quick to fit; please copy our IDVA into the completion email."
})))]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    /// 1 (poor) to 5 (excellent): how quickly the scheme acted on the agency's referrals.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub speed: u8,
    /// 1 to 5: how well the scheme kept the agency informed.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub communication: u8,
    /// 1 to 5: how well the works served the households the agency referred.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub outcome: u8,
    /// Free text for the coordinator only (sealed at rest). About the service, not a
    /// household: no personal data.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub comment: Option<String>,
}

impl Feedback {
    pub fn rating(&self, question: Question) -> u8 {
        match question {
            Question::Speed => self.speed,
            Question::Communication => self.communication,
            Question::Outcome => self.outcome,
        }
    }

    /// Every rule the feedback breaks.
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        for question in Question::ALL {
            if !(1..=5).contains(&self.rating(*question)) {
                v.add(
                    format!("/{}", question.as_str()),
                    ViolationCode::OutOfRange,
                    "must be a whole number from 1 to 5",
                );
            }
        }
        if let Some(comment) = &self.comment {
            if comment.trim().is_empty() {
                v.add("/comment", ViolationCode::TooShort, "must not be blank");
            } else if comment.chars().count() > MAX_COMMENT {
                v.add(
                    "/comment",
                    ViolationCode::TooLong,
                    format!("at most {MAX_COMMENT} characters"),
                );
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feedback(speed: u8, communication: u8, outcome: u8, comment: Option<&str>) -> Feedback {
        Feedback {
            speed,
            communication,
            outcome,
            comment: comment.map(str::to_owned),
        }
    }

    #[test]
    fn ratings_run_from_one_to_five_and_every_bad_one_is_named() {
        assert!(feedback(1, 5, 3, None).violations().is_empty());
        let v = feedback(0, 6, 5, Some("  ")).violations();
        let pointers: Vec<&str> = v.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["/speed", "/communication", "/comment"]);
        let long = "x".repeat(MAX_COMMENT + 1);
        assert_eq!(feedback(3, 3, 3, Some(&long)).violations().len(), 1);
    }
}
