//! Keys for spotting repeat referrals: the same client (name and date of birth) or the
//! same address (postcode and first line), however they were typed.
//!
//! These are the canonical forms only; storage keeps a keyed HMAC of them (a blind
//! index), so matching never needs the plaintext and a list of names cannot be hashed
//! to find a client.

use time::Date;
use unicode_normalization::UnicodeNormalization;

use crate::postcode::Postcode;

/// Lower-case letters and digits only, single-spaced, in Unicode NFC (so "Zoë" typed
/// precomposed and with a combining diaeresis are the same name).
fn normalise(text: &str) -> String {
    text.nfc()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Parts joined by NUL, which normalised text never contains.
fn canonical(parts: &[&str]) -> String {
    parts.join("\0")
}

/// The same person: normalised full name and date of birth.
pub fn client_key(name: &str, date_of_birth: Date) -> String {
    canonical(&["client", &normalise(name), &date_of_birth.to_string()])
}

/// A partner's own reference for its referral, exactly as sent (it is an identifier).
pub fn external_reference_key(reference: &str) -> String {
    canonical(&["external_reference", reference])
}

/// The same home: postcode and normalised first address line.
pub fn address_key(postcode: &Postcode, line1: &str) -> String {
    canonical(&["address", postcode.as_str(), &normalise(line1)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn spelling_noise_does_not_change_the_key() {
        let dob = date!(1990 - 04 - 12);
        assert_eq!(
            client_key("Jane Doe", dob),
            client_key("  jane   DOE ", dob)
        );
        assert_ne!(
            client_key("Jane Doe", dob),
            client_key("Jane Doe", date!(1990 - 04 - 13))
        );
        let pc = Postcode::parse("DL1 1AA").unwrap();
        assert_eq!(
            address_key(&pc, "12 Example Street"),
            address_key(&pc, "12, example street.")
        );
        assert_ne!(
            address_key(&pc, "12 Example Street"),
            address_key(&pc, "14 Example Street")
        );
    }

    #[test]
    fn unicode_normal_forms_give_the_same_key() {
        let dob = date!(1990 - 04 - 12);
        assert_eq!(
            client_key("Zo\u{eb} Brown", dob),
            client_key("Zoe\u{308} BROWN", dob)
        );
    }

    #[test]
    fn client_and_address_keys_never_collide_by_construction() {
        let pc = Postcode::parse("DL1 1AA").unwrap();
        assert_ne!(
            client_key("DL1 1AA", date!(2000 - 01 - 01)),
            address_key(&pc, "2000-01-01")
        );
    }
}
