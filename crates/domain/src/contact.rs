//! Contact details: email addresses and telephone numbers, checked for shape only.

use serde::{Deserialize, Serialize};
use validator::ValidateEmail;

use crate::violation::{RuleError, ViolationCode};

/// An email address that passes the HTML5 / validator crate syntax check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, RuleError> {
        if input.validate_email() {
            Ok(Self(input.to_owned()))
        } else {
            Err(RuleError::new(
                ViolationCode::InvalidEmail,
                "must be an email address such as name@example.org",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A telephone number as written by a person: digits with optional spaces, dashes,
/// brackets and a leading `+`. Between 7 and 15 digits (E.164 allows at most 15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, RuleError> {
        let allowed = |(i, c): (usize, char)| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
        };
        let digits = input.chars().filter(char::is_ascii_digit).count();
        if input.chars().enumerate().all(allowed) && (7..=15).contains(&digits) {
            Ok(Self(input.to_owned()))
        } else {
            Err(RuleError::new(
                ViolationCode::InvalidPhone,
                "must be a telephone number of 7 to 15 digits, such as 07700 900123",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plausible_phone_numbers_pass() {
        for input in [
            "07700 900123",
            "03000 202525",
            "+44 1325 405333",
            "(01325) 364-486",
        ] {
            assert!(Phone::parse(input).is_ok(), "{input}");
        }
    }

    #[test]
    fn implausible_phone_numbers_fail() {
        for input in [
            "12345",
            "call me",
            "0770090012345678",
            "07700 9OO123",
            "44+ 1325 405333",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap_err().code,
                ViolationCode::InvalidPhone,
                "{input}"
            );
        }
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(Email::parse("priya.shah@harbour.example.org").is_ok());
        for input in ["priya", "priya@", "@example.org", "a b@example.org"] {
            assert_eq!(
                Email::parse(input).unwrap_err().code,
                ViolationCode::InvalidEmail,
                "{input}"
            );
        }
    }
}
