//! The problem document (RFC 9457) and its parts.

use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::violation::{Violation, ViolationCode};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::ErrorCode;
use crate::wire::links::ActionLink;

/// An error, as `application/problem+json` (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type: `/problems/{code}`.
    #[schema(example = "/problems/validation_failed")]
    #[schema(max_length = 200)]
    pub r#type: String,
    /// A short summary of the problem type.
    #[schema(max_length = 200)]
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence. Never contains submitted values.
    #[schema(max_length = 1000)]
    pub detail: String,
    pub code: ErrorCode,
    /// The request id; quote it when asking about this error (also in `X-Request-Id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 36)]
    pub request_id: Option<String>,
    /// Every rejected field (validation errors only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// The case that already uses this external reference (`duplicate_external_reference`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_case: Option<CaseLink>,
    /// The case's status (`invalid_transition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_status: Option<CaseStatus>,
    /// What the caller can do instead (`invalid_transition`): links as in a case's
    /// `allowed_actions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_actions: Option<Vec<ActionLink>>,
}

/// One rejected field: where it is (`pointer` into the body, or query `parameter`), a
/// stable code, and a message. The message never repeats the submitted value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON pointer (RFC 6901) to the field in the request body.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "/client/date_of_birth")]
    #[schema(max_length = 200)]
    pub pointer: Option<String>,
    /// The query parameter, for query errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 40)]
    pub parameter: Option<String>,
    pub code: ViolationCode,
    #[schema(example = "the client must be 16 or older")]
    #[schema(max_length = 500)]
    pub message: String,
}

/// The contract's bounds on a field error (`#[schema]` above): a pointer or parameter
/// name may come from the client (an unknown field or parameter, of any length), so
/// they are clipped, never the reason to break the contract.
const MAX_POINTER_CHARS: usize = 200;
const MAX_PARAMETER_CHARS: usize = 40;
const MAX_MESSAGE_CHARS: usize = 500;

/// `text`, or its first `max - 1` characters and an ellipsis.
fn clip(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut clipped: String = text.chars().take(max - 1).collect();
    clipped.push('…');
    clipped
}

impl FieldError {
    pub fn parameter(parameter: String, code: ViolationCode, message: String) -> Self {
        Self {
            pointer: None,
            parameter: Some(clip(parameter, MAX_PARAMETER_CHARS)),
            code,
            message: clip(message, MAX_MESSAGE_CHARS),
        }
    }
}

impl From<Violation> for FieldError {
    fn from(v: Violation) -> Self {
        Self {
            pointer: Some(clip(v.pointer, MAX_POINTER_CHARS)),
            parameter: None,
            code: v.code,
            message: clip(v.message.into_owned(), MAX_MESSAGE_CHARS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_client_are_clipped_to_the_contracts_bounds() {
        let long = "पन्ह".repeat(30);
        let e = FieldError::parameter(long, ViolationCode::UnknownField, "x".into());
        let shown = e.parameter.unwrap();
        assert_eq!(shown.chars().count(), MAX_PARAMETER_CHARS);
        assert!(shown.ends_with('…'));
        let short = FieldError::parameter("limit".into(), ViolationCode::OutOfRange, "x".into());
        assert_eq!(short.parameter.as_deref(), Some("limit"));
    }
}

/// A reference to a case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseLink {
    pub id: Uuid,
    #[schema(example = "DAR-2026-0001")]
    #[schema(max_length = 22)]
    pub reference: String,
}
