//! The table of error codes: each stable snake_case code with its HTTP status and title.
//!
//! (`$code:tt`, not `:literal`: a literal fragment reaches derive macros wrapped in an
//! invisible group, which serde reads but utoipa silently ignores.)

use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

macro_rules! error_codes {
    ($( $(#[$meta:meta])* $variant:ident = ($code:tt, $status:literal, $title:literal) ),+ $(,)?) => {
        /// A stable, machine-readable error code. Each has exactly one HTTP status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
        pub enum ErrorCode {
            $( $(#[$meta])* #[serde(rename = $code)] $variant ),+
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code),+ }
            }

            pub fn status(self) -> StatusCode {
                match self {
                    $(ErrorCode::$variant => StatusCode::from_u16($status).expect("valid status"),)+
                }
            }

            pub const fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title),+ }
            }
        }
    };
}

error_codes! {
    /// The body or query has invalid fields; `errors` lists every one.
    ValidationFailed = ("validation_failed", 422, "The request has invalid fields"),
    /// The body is not well-formed JSON.
    MalformedJson = ("malformed_json", 400, "The request body is not valid JSON"),
    /// The request is malformed in some other way.
    BadRequest = ("bad_request", 400, "The request is malformed"),
    /// A request header (e.g. `Idempotency-Key`) is malformed.
    InvalidHeader = ("invalid_header", 400, "A request header is not valid"),
    /// The body is not `application/json`.
    UnsupportedMediaType = ("unsupported_media_type", 415, "The request body must be JSON"),
    /// The body is over the size limit (64 KiB).
    PayloadTooLarge = ("payload_too_large", 413, "The request body is too large"),
    /// The path and query are over the size limit (8 KiB).
    UriTooLong = ("uri_too_long", 414, "The request target is too long"),
    /// The headers are over the size limit (32 KiB in all).
    HeadersTooLarge = ("headers_too_large", 431, "The request headers are too large"),
    /// No such resource, or not one the caller may see.
    NotFound = ("not_found", 404, "Not found"),
    /// The resource exists but not with this method; see `Allow`.
    MethodNotAllowed = ("method_not_allowed", 405, "Method not allowed"),
    /// No valid bearer token.
    Unauthorized = ("unauthorized", 401, "Authentication required"),
    /// Authenticated, but not allowed to do this.
    Forbidden = ("forbidden", 403, "Not allowed"),
    /// The organisation already used this `external_reference`; see `existing_case`.
    DuplicateExternalReference = ("duplicate_external_reference", 409, "External reference already used"),
    /// A request with this `Idempotency-Key` is still being processed.
    IdempotencyKeyInFlight = ("idempotency_key_in_flight", 409, "Request with this idempotency key in progress"),
    /// This `Idempotency-Key` was used with a different body.
    IdempotencyKeyReused = ("idempotency_key_reused", 422, "Idempotency key reused with a different request"),
    /// The action is not possible in the case's status; see `current_status` and
    /// `allowed_actions`.
    InvalidTransition = ("invalid_transition", 409, "Not possible in the case's current status"),
    /// Installation and information-sharing consent are needed to accept a case.
    ConsentRequired = ("consent_required", 409, "Consent required"),
    /// A fitted measure needs a fire safety check before the case can close.
    FireCheckRequired = ("fire_check_required", 409, "Fire safety check required"),
    /// The client did not consent to follow-up contact.
    FollowUpConsentRequired = ("follow_up_consent_required", 409, "Follow-up contact consent required"),
    /// The resource changed since the `If-Match` ETag was read: fetch it again.
    PreconditionFailed = ("precondition_failed", 412, "The resource has changed"),
    /// Changes to a case, scheme or organisation need `If-Match` with its `ETag`.
    PreconditionRequired = ("precondition_required", 428, "If-Match required"),
    /// A scheme with this code exists.
    SchemeExists = ("scheme_exists", 409, "Scheme code already used"),
    /// Another scheme's case references use this prefix.
    ReferencePrefixInUse = ("reference_prefix_in_use", 409, "Reference prefix already used"),
    /// An organisation with this name exists.
    OrganisationExists = ("organisation_exists", 409, "Organisation name already used"),
    /// The scheme has a coordinator organisation; remove its role first.
    CoordinatorExists = ("coordinator_exists", 409, "The scheme already has a coordinator"),
    /// The date is already a holiday in that nation's calendar.
    HolidayExists = ("holiday_exists", 409, "Already a holiday"),
    /// The organisation has used its request budget; wait `Retry-After` seconds.
    RateLimited = ("rate_limited", 429, "Too many requests"),
    /// An unexpected failure; details are in the service's log under the request id.
    InternalError = ("internal_error", 500, "Internal error"),
    /// A dependency (the database) is unavailable.
    ServiceUnavailable = ("service_unavailable", 503, "Service unavailable"),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_errors() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate {s}");
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s}"
            );
            assert!(
                code.status().is_client_error() || code.status().is_server_error(),
                "{s}"
            );
        }
    }
}
