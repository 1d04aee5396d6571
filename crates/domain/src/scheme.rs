//! Schemes: codes, nations (for the working-day calendar) and case references.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::violation::{RuleError, ViolationCode};

vocabulary! {
    /// Which bank holidays apply to the scheme's working days.
    pub enum Nation {
        EnglandAndWales = "england_and_wales",
        Scotland = "scotland",
        NorthernIreland = "northern_ireland",
    }
}

/// A scheme's code: a lower-case slug such as `darlington`, immutable once created.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SchemeCode(String);

impl SchemeCode {
    pub const MAX_LEN: usize = 40;

    pub fn parse(input: &str) -> Result<Self, RuleError> {
        let ok = (2..=Self::MAX_LEN).contains(&input.len())
            && input
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !input.starts_with('-')
            && !input.ends_with('-');
        if ok {
            Ok(Self(input.to_owned()))
        } else {
            Err(RuleError::new(
                ViolationCode::InvalidFormat,
                "must be a scheme code: 2 to 40 lower-case letters, digits or hyphens",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SchemeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for SchemeCode {
    type Error = RuleError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SchemeCode> for String {
    fn from(value: SchemeCode) -> Self {
        value.0
    }
}

/// A case's human reference: the scheme's prefix, the year received and a number that
/// runs from 1 each year without gaps, e.g. `DAR-2026-0001`.
pub fn case_reference(prefix: &str, year: i32, number: i64) -> String {
    format!("{prefix}-{year}-{number:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_codes_are_lower_case_slugs() {
        assert!(SchemeCode::parse("darlington").is_ok());
        assert!(SchemeCode::parse("south-essex-2").is_ok());
        for bad in [
            "D",
            "Darlington",
            "dar lington",
            "-dar",
            "dar-",
            "a",
            "x".repeat(41).as_str(),
        ] {
            assert!(SchemeCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn references_are_zero_padded_and_grow_past_four_digits() {
        assert_eq!(case_reference("DAR", 2026, 1), "DAR-2026-0001");
        assert_eq!(case_reference("DAR", 2026, 12345), "DAR-2026-12345");
    }
}
