//! Which version a write saw: every change to a case (or scheme, or organisation) must
//! name the version it was read at, so no one overwrites a change they never saw.

use crate::AppError;

/// What the caller says it saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// It said nothing.
    Missing,
    Version(i64),
    /// It named something that is no version of ours.
    Unrecognised,
}

/// `current` if the caller saw it; otherwise why not.
pub fn check(expected: Expected, resource: &'static str, current: i64) -> Result<i64, AppError> {
    match expected {
        Expected::Missing => Err(AppError::PreconditionRequired { resource }),
        Expected::Version(v) if v == current => Ok(current),
        Expected::Version(_) | Expected::Unrecognised => Err(AppError::Stale { resource, current }),
    }
}
