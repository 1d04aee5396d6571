//! The referrer and the client.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::age::age_on;
use crate::contact::{Email, Phone};
use crate::postcode::Postcode;
use crate::violation::{RuleError, ViolationCode};

/// The professional who completed the referral with the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    pub name: String,
    pub job_title: Option<String>,
    pub organisation_name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

/// The scheme must be able to reach the referrer: an email or a phone number.
pub fn check_reachable(has_email: bool, has_phone: bool) -> Result<(), RuleError> {
    if has_email || has_phone {
        Ok(())
    } else {
        Err(RuleError::new(
            ViolationCode::OneOfRequired,
            "give the referrer's email or phone number",
        ))
    }
}

/// The victim/survivor whose home is made safer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub name: String,
    #[serde(with = "crate::iso_date")]
    pub date_of_birth: Date,
    /// Where the installations are required.
    pub address: Address,
    pub phone: Phone,
    /// When it is not safe to contact the client (may say "none known").
    pub unsafe_contact_times: String,
    /// The same, as days and times a visit may not be booked in (none: not given).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsafe_contact_windows: Vec<crate::visits::ContactWindow>,
}

/// Youngest client the scheme accepts (domestic abuse is defined from 16).
pub const MIN_CLIENT_AGE: u32 = 16;
const MAX_PLAUSIBLE_AGE: u32 = 120;

/// A client's date of birth: not in the future, 16 or older today, within 120 years.
pub fn check_date_of_birth(born: Date, today: Date) -> Result<(), RuleError> {
    if born > today {
        Err(RuleError::new(
            ViolationCode::DateInFuture,
            "must not be in the future",
        ))
    } else if age_on(born, today) < MIN_CLIENT_AGE {
        Err(RuleError::new(
            ViolationCode::TooYoung,
            "the client must be 16 or older",
        ))
    } else if age_on(born, today) > MAX_PLAUSIBLE_AGE {
        Err(RuleError::new(
            ViolationCode::OutOfRange,
            "must be a date of birth within the last 120 years",
        ))
    } else {
        Ok(())
    }
}

/// A UK postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub town: String,
    pub postcode: Postcode,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn code(r: Result<(), RuleError>) -> Option<ViolationCode> {
        r.err().map(|e| e.code)
    }

    #[test]
    fn a_client_turns_sixteen_on_their_birthday() {
        let today = date!(2026 - 11 - 23);
        let check = |born| code(check_date_of_birth(born, today));
        assert_eq!(check(date!(2010 - 11 - 24)), Some(ViolationCode::TooYoung));
        assert_eq!(check(date!(2010 - 11 - 23)), None);
    }

    #[test]
    fn a_birth_date_in_the_future_or_too_long_ago_is_rejected() {
        let today = date!(2026 - 11 - 23);
        let check = |born| code(check_date_of_birth(born, today));
        assert_eq!(
            check(date!(2026 - 11 - 24)),
            Some(ViolationCode::DateInFuture)
        );
        assert_eq!(
            check(date!(1900 - 01 - 01)),
            Some(ViolationCode::OutOfRange)
        );
    }

    #[test]
    fn a_referrer_needs_an_email_or_a_phone() {
        assert_eq!(
            code(check_reachable(false, false)),
            Some(ViolationCode::OneOfRequired)
        );
        assert_eq!(code(check_reachable(false, true)), None);
        assert_eq!(code(check_reachable(true, false)), None);
    }
}
