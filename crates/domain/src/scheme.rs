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

/// The first day of a scheme's reporting year (1 April by default: the UK financial
/// year). February 29 is not allowed: every year must have the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearStart {
    pub month: u8,
    pub day: u8,
}

impl Default for YearStart {
    fn default() -> Self {
        Self { month: 4, day: 1 }
    }
}

impl YearStart {
    pub fn new(month: u8, day: u8) -> Result<Self, RuleError> {
        let valid = time::Month::try_from(month)
            .ok()
            .is_some_and(|m| day >= 1 && day <= time::util::days_in_month(m, 2025));
        if valid {
            Ok(Self { month, day })
        } else {
            Err(RuleError::new(
                ViolationCode::InvalidValue,
                "must be a day that every year has (month 1–12, day within it; not 29 February)",
            ))
        }
    }
}

impl YearStart {
    /// Parses `MM-DD`, e.g. `04-01`.
    pub fn parse(text: &str) -> Result<Self, RuleError> {
        let format = || RuleError::new(ViolationCode::InvalidFormat, "must be MM-DD, e.g. 04-01");
        let (m, d) = text.split_once('-').ok_or_else(format)?;
        if m.len() != 2 || d.len() != 2 {
            return Err(format());
        }
        let month = m.parse::<u8>().map_err(|_| format())?;
        let day = d.parse::<u8>().map_err(|_| format())?;
        Self::new(month, day)
    }
}

impl fmt::Display for YearStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// Checks a scheme's case reference prefix: 2 to 8 upper-case letters or digits,
/// starting with a letter. Fixed when the scheme is created (references carry it).
pub fn check_reference_prefix(prefix: &str) -> Result<(), RuleError> {
    let ok = (2..=8).contains(&prefix.len())
        && prefix.starts_with(|c: char| c.is_ascii_uppercase())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(RuleError::new(
            ViolationCode::InvalidFormat,
            "must be 2 to 8 upper-case letters or digits, starting with a letter",
        ))
    }
}

/// A case's human reference: the scheme's prefix, the year received and a number that
/// runs from 1 each year without gaps, e.g. `DAR-2026-0001`.
pub fn case_reference(prefix: &str, year: i32, number: i64) -> String {
    format!("{prefix}-{year}-{number:04}")
}

/// Whether `text` has the shape of a case reference: a prefix (2 to 8 upper-case
/// letters or digits, starting with a letter), a four-digit year and a number of 4 to 8
/// digits.
pub fn is_case_reference(text: &str) -> bool {
    let mut parts = text.split('-');
    let (Some(prefix), Some(year), Some(number), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    (2..=8).contains(&prefix.len())
        && prefix.starts_with(|c: char| c.is_ascii_uppercase())
        && prefix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && digits(year, 4, 4)
        && digits(number, 4, 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_references_have_their_shape() {
        assert!(is_case_reference(&case_reference("DAR", 2026, 1)));
        assert!(is_case_reference("T2-2026-12345678"));
        for bad in [
            "dar-2026-0001",
            "DAR-26-0001",
            "DAR-2026-1",
            "DAR-2026-0001-1",
            "2AR-2026-0001",
            "",
        ] {
            assert!(!is_case_reference(bad), "{bad}");
        }
    }

    #[test]
    fn year_starts_read_and_print_as_month_day() {
        let start = YearStart::parse("04-01").unwrap();
        assert_eq!(start, YearStart::default());
        assert_eq!(start.to_string(), "04-01");
        assert_eq!(YearStart::parse("12-31").unwrap().to_string(), "12-31");
        for bad in ["4-1", "04/01", "02-29", "13-01", "04-31", "", "0a-01"] {
            assert!(YearStart::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reference_prefixes_are_short_upper_case_codes() {
        for good in ["DAR", "SE", "TEES2", "ABCDEFGH"] {
            assert!(check_reference_prefix(good).is_ok(), "{good}");
        }
        for bad in ["D", "dar", "2DAR", "DAR-1", "ABCDEFGHI", ""] {
            assert!(check_reference_prefix(bad).is_err(), "{bad}");
        }
    }

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
    fn year_starts_must_exist_every_year() {
        assert!(YearStart::new(4, 1).is_ok());
        assert!(YearStart::new(12, 31).is_ok());
        for (m, d) in [(2, 29), (13, 1), (0, 1), (4, 31), (4, 0)] {
            assert!(YearStart::new(m, d).is_err(), "{m}-{d}");
        }
    }

    #[test]
    fn references_are_zero_padded_and_grow_past_four_digits() {
        assert_eq!(case_reference("DAR", 2026, 1), "DAR-2026-0001");
        assert_eq!(case_reference("DAR", 2026, 12345), "DAR-2026-12345");
    }
}
