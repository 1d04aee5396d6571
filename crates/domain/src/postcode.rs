//! UK postcodes: parsed and normalised at the edge ("dl11aa" becomes "DL1 1AA").

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::violation::{RuleError, ViolationCode};

/// A syntactically valid UK postcode in its canonical form: upper case, one space
/// before the three-character inward code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Postcode(String);

impl Postcode {
    /// Parses the forms A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA (and GIR 0AA),
    /// with the position rules of the Royal Mail format; spaces and case are ignored.
    pub fn parse(input: &str) -> Result<Self, RuleError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact == "GIR0AA" {
            return Ok(Self("GIR 0AA".into()));
        }
        if !(5..=7).contains(&compact.len()) || !compact.is_ascii() {
            return Err(invalid());
        }
        let (outward, inward) = compact.split_at(compact.len() - 3);
        if !valid_inward(inward.as_bytes()) || !valid_outward(outward.as_bytes()) {
            return Err(invalid());
        }
        Ok(Self(format!("{outward} {inward}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The outward code ("DL1"), used for area-level matching.
    pub fn outward(&self) -> &str {
        self.0.split(' ').next().unwrap_or_default()
    }
}

fn invalid() -> RuleError {
    RuleError::new(
        ViolationCode::InvalidPostcode,
        "must be a valid UK postcode, such as DL1 1AA",
    )
}

fn valid_inward(b: &[u8]) -> bool {
    // The inward code never uses C, I, K, M, O or V in its letters.
    let letter = |c: u8| c.is_ascii_uppercase() && !b"CIKMOV".contains(&c);
    b.len() == 3 && b[0].is_ascii_digit() && letter(b[1]) && letter(b[2])
}

fn valid_outward(b: &[u8]) -> bool {
    let first = |c: u8| c.is_ascii_uppercase() && !b"QVX".contains(&c);
    let second = |c: u8| c.is_ascii_uppercase() && !b"IJZ".contains(&c);
    let digit = |c: u8| c.is_ascii_digit();
    let upper = |c: u8| c.is_ascii_uppercase();
    match *b {
        // A9, A99, A9A
        [a, n] => first(a) && digit(n),
        [a, n, m] if digit(n) => first(a) && (digit(m) || b"ABCDEFGHJKPSTUW".contains(&m)),
        // AA9
        [a, l, n] => first(a) && second(l) && digit(n),
        // AA99, AA9A
        [a, l, n, m] => {
            first(a)
                && second(l)
                && digit(n)
                && (digit(m) || (upper(m) && b"ABEHMNPRVWXY".contains(&m)))
        }
        _ => false,
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Postcode {
    type Error = RuleError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Postcode> for String {
    fn from(value: Postcode) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uk_format_is_accepted_and_normalised() {
        for (input, canonical) in [
            ("DL1 1AA", "DL1 1AA"),
            ("dl11aa", "DL1 1AA"),
            (" DL3  6AB ", "DL3 6AB"),
            ("M1 1AE", "M1 1AE"),
            ("B33 8TH", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("EC1A 1BB", "EC1A 1BB"),
            ("gir0aa", "GIR 0AA"),
        ] {
            assert_eq!(
                Postcode::parse(input).unwrap().as_str(),
                canonical,
                "{input}"
            );
        }
    }

    #[test]
    fn malformed_postcodes_are_rejected() {
        for input in [
            "", "DL1", "12345", "DL1 1A", "DL1 1AAA", "QL1 1AA", "DZ1 1AA", "DL1 1CA", "DL1 AAA",
            "ÉL1 1AA", "DL1-1AA", "AAAA 1AA",
        ] {
            let err = Postcode::parse(input).unwrap_err();
            assert_eq!(err.code, ViolationCode::InvalidPostcode, "{input}");
        }
    }

    #[test]
    fn the_outward_code_is_the_part_before_the_space() {
        assert_eq!(Postcode::parse("dl11aa").unwrap().outward(), "DL1");
    }
}
