//! The referrer and the client.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::age::age_on;
use crate::contact::{Email, Phone};
use crate::postcode::Postcode;
use crate::violation::{ViolationCode, Violations};

/// The professional who completed the referral with the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    pub name: String,
    pub job_title: Option<String>,
    pub organisation_name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

impl Referrer {
    /// The scheme must be able to reach the referrer: an email or a phone number.
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        if self.email.is_none() && self.phone.is_none() {
            v.add(
                "/email",
                ViolationCode::OneOfRequired,
                "give the referrer's email or phone number",
            );
        }
        v
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
}

/// Youngest client the scheme accepts (domestic abuse is defined from 16).
pub const MIN_CLIENT_AGE: u32 = 16;
const MAX_PLAUSIBLE_AGE: u32 = 120;

impl Client {
    pub fn violations(&self, today: Date) -> Violations {
        let mut v = Violations::new();
        let born = self.date_of_birth;
        if born > today {
            v.add(
                "/date_of_birth",
                ViolationCode::DateInFuture,
                "must not be in the future",
            );
        } else if age_on(born, today) < MIN_CLIENT_AGE {
            v.add(
                "/date_of_birth",
                ViolationCode::TooYoung,
                "the client must be 16 or older",
            );
        } else if age_on(born, today) > MAX_PLAUSIBLE_AGE {
            v.add(
                "/date_of_birth",
                ViolationCode::OutOfRange,
                "must be a date of birth within the last 120 years",
            );
        }
        v
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

    fn client(born: Date) -> Client {
        Client {
            name: "Test Client".into(),
            date_of_birth: born,
            address: Address {
                line1: "1 Test Street".into(),
                line2: None,
                town: "Darlington".into(),
                postcode: Postcode::parse("DL1 1AA").unwrap(),
            },
            phone: Phone::parse("07700 900000").unwrap(),
            unsafe_contact_times: "None known".into(),
        }
    }

    fn codes(v: Violations) -> Vec<ViolationCode> {
        v.iter().map(|v| v.code).collect()
    }

    #[test]
    fn a_client_turns_sixteen_on_their_birthday() {
        let today = date!(2026 - 11 - 23);
        assert_eq!(
            codes(client(date!(2010 - 11 - 24)).violations(today)),
            [ViolationCode::TooYoung]
        );
        assert!(client(date!(2010 - 11 - 23)).violations(today).is_empty());
    }

    #[test]
    fn a_birth_date_in_the_future_or_too_long_ago_is_rejected() {
        let today = date!(2026 - 11 - 23);
        assert_eq!(
            codes(client(date!(2026 - 11 - 24)).violations(today)),
            [ViolationCode::DateInFuture]
        );
        assert_eq!(
            codes(client(date!(1900 - 01 - 01)).violations(today)),
            [ViolationCode::OutOfRange]
        );
    }

    #[test]
    fn a_referrer_needs_an_email_or_a_phone() {
        let mut r = Referrer {
            name: "R".into(),
            job_title: None,
            organisation_name: None,
            email: None,
            phone: None,
        };
        assert_eq!(codes(r.violations()), [ViolationCode::OneOfRequired]);
        r.phone = Some(Phone::parse("01325 405333").unwrap());
        assert!(r.violations().is_empty());
    }
}
