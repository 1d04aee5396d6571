//! Rule violations, collected rather than thrown, so a partner sees every problem at once.
//!
//! A violation names the field by JSON pointer and explains the rule; it never repeats
//! the submitted value, because that value may be personal data.

use std::borrow::Cow;

vocabulary! {
    /// Why a field was rejected. Stable: partners may branch on these codes.
    pub enum ViolationCode {
        /// A mandatory field is missing or null.
        Required = "required",
        /// The value has the wrong JSON type.
        InvalidType = "invalid_type",
        /// The value is not one of the allowed values.
        InvalidValue = "invalid_value",
        /// The field is not part of the contract.
        UnknownField = "unknown_field",
        /// The text is longer than allowed.
        TooLong = "too_long",
        /// The text or list is shorter than allowed.
        TooShort = "too_short",
        /// The list has more items than allowed.
        TooManyItems = "too_many_items",
        /// The list repeats an item.
        DuplicateItems = "duplicate_items",
        /// The object gives the same key more than once.
        DuplicateKey = "duplicate_key",
        /// The number is outside the allowed range.
        OutOfRange = "out_of_range",
        /// The value does not have the required format (dates, emails).
        InvalidFormat = "invalid_format",
        /// Control characters (such as NUL) are not accepted in text.
        InvalidCharacters = "invalid_characters",
        /// Not a valid UK postcode.
        InvalidPostcode = "invalid_postcode",
        /// Not a plausible telephone number.
        InvalidPhone = "invalid_phone",
        /// Not a valid email address.
        InvalidEmail = "invalid_email",
        /// A date that must not be in the future is.
        DateInFuture = "date_in_future",
        /// A date that must not be in the past (a booking) is.
        DateInPast = "date_in_past",
        /// A visit booked at a time the client said is not safe to contact them.
        UnsafeContactTime = "unsafe_contact_time",
        /// The client must be 16 or older.
        TooYoung = "too_young",
        /// Give at least one of two alternative fields.
        OneOfRequired = "one_of_required",
        /// The field is required because of another answer.
        RequiredByAnswer = "required_by_answer",
        /// The field contradicts another answer.
        ContradictsAnswer = "contradicts_answer",
        /// A choice that excludes every other choice was combined with others.
        ExclusiveChoice = "exclusive_choice",
        /// The DASH score differs from the number of "yes" answers.
        ScoreMismatch = "score_mismatch",
        /// The DASH answers do not cover the checklist.
        IncompleteAnswers = "incomplete_answers",
        /// The value is not valid here.
        Invalid = "invalid",
    }
}

/// One rejected field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer (RFC 6901) to the field, relative to wherever the rule was applied.
    pub pointer: String,
    pub code: ViolationCode,
    pub message: Cow<'static, str>,
}

/// An ordered collection of violations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(Vec<Violation>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(
        &mut self,
        pointer: impl Into<String>,
        code: ViolationCode,
        message: impl Into<Cow<'static, str>>,
    ) {
        self.0.push(Violation {
            pointer: pointer.into(),
            code,
            message: message.into(),
        });
    }

    /// Adds `other`'s violations with `prefix` (a JSON pointer) in front of their pointers.
    pub fn absorb(&mut self, prefix: &str, other: Violations) {
        self.0.extend(other.0.into_iter().map(|mut v| {
            v.pointer = format!("{prefix}{}", v.pointer);
            v
        }));
    }

    /// Adds those of `other`'s violations whose field has none yet: a field that failed
    /// one check is not reported again by a later one.
    pub fn absorb_new(&mut self, other: Violations) {
        for v in other.0 {
            if !self.0.iter().any(|existing| existing.pointer == v.pointer) {
                self.0.push(v);
            }
        }
    }

    /// Records the error of `result` (if any) at `pointer`, returning the value otherwise.
    pub fn check<T>(&mut self, pointer: &str, result: Result<T, RuleError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(pointer, e.code, e.message);
                None
            }
        }
    }

    /// Absorbs the violations of a nested rule, returning its value when it passed.
    pub fn nested<T>(&mut self, prefix: &str, result: Result<T, Violations>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(v) => {
                self.absorb(prefix, v);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Violation> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was violated.
    pub fn into_result<T>(self, value: T) -> Result<T, Violations> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl IntoIterator for Violations {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Violation> for Violations {
    fn from_iter<I: IntoIterator<Item = Violation>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// A single rule failing for a single value; the caller knows where the value was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RuleError {
    pub code: ViolationCode,
    pub message: Cow<'static, str>,
}

impl RuleError {
    pub fn new(code: ViolationCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absorbed_violations_are_prefixed_and_keep_their_order() {
        let mut inner = Violations::new();
        inner.add("/name", ViolationCode::Required, "required");
        inner.add("/phone", ViolationCode::InvalidPhone, "bad");
        let mut outer = Violations::new();
        outer.add("/scheme", ViolationCode::Required, "required");
        outer.absorb("/client", inner);
        let pointers: Vec<_> = outer.iter().map(|v| v.pointer.as_str()).collect();
        assert_eq!(pointers, ["/scheme", "/client/name", "/client/phone"]);
    }

    #[test]
    fn into_result_passes_only_when_empty() {
        assert_eq!(Violations::new().into_result(3), Ok(3));
        let mut v = Violations::new();
        v.add("", ViolationCode::Invalid, "no");
        assert!(v.into_result(3).is_err());
    }
}
