//! The table of error codes: each stable snake_case code with its HTTP status and title.
//!
//! (`$code:tt`, not `:literal`: a literal fragment reaches derive macros wrapped in an
//! invisible group, which serde reads but utoipa silently ignores.)

use actix_web::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = ($code:tt, $status:literal, $title:literal) ),+ $(,)?) => {
        /// A stable, machine-readable error code. Each has exactly one HTTP status; an
        /// unknown code is handled by its status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
        pub enum ErrorCode {
            $( $(#[doc = $doc])* #[serde(rename = $code)] $variant ),+
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

            /// What the code means and what to do: its doc comment, which
            /// `GET /problems/{code}` serves.
            pub const fn description(self) -> &'static str {
                match self { $(ErrorCode::$variant => concat!($($doc),*)),+ }
            }

            pub fn from_code(code: &str) -> Option<ErrorCode> {
                ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code)
            }
        }
    };
}

error_codes! {
    /// The body or query has invalid fields; `errors` lists every one, by JSON pointer
    /// (body) or parameter name (query). Correct them all and send again.
    ValidationFailed = ("validation_failed", 422, "The request has invalid fields"),
    /// The body is not well-formed JSON (or repeats a key). Send one JSON object.
    MalformedJson = ("malformed_json", 400, "The request body is not valid JSON"),
    /// The request is malformed in some other way; `detail` says how.
    BadRequest = ("bad_request", 400, "The request is malformed"),
    /// A request header (e.g. `Idempotency-Key`) is malformed; `detail` names it.
    InvalidHeader = ("invalid_header", 400, "A request header is not valid"),
    /// The body is not `application/json`: send `Content-Type: application/json`.
    UnsupportedMediaType = ("unsupported_media_type", 415, "The request body must be JSON"),
    /// The document is not a PDF, a JPEG, a PNG or an HEIC photo (by its content, whatever its name or
    /// `Content-Type`), or an image that cannot be read.
    UnsupportedDocumentType = ("unsupported_document_type", 415, "Not a PDF, JPEG, PNG or HEIC"),
    /// The scheme's document quota is reached (`detail` says which: documents per case,
    /// bytes per case, bytes per organisation): the coordinator may delete documents or
    /// raise the scheme's `documents` settings.
    DocumentQuotaReached = ("document_quota_reached", 413, "Document quota reached"),
    /// The body is over the size limit (64 KiB; a document, `documents.max_bytes`).
    PayloadTooLarge = ("payload_too_large", 413, "The request body is too large"),
    /// The path and query are over the size limit (8 KiB).
    UriTooLong = ("uri_too_long", 414, "The request target is too long"),
    /// The headers are over the size limit (32 KiB in all).
    HeadersTooLarge = ("headers_too_large", 431, "The request headers are too large"),
    /// No such resource, or not one the caller may see (the same answer for both, so
    /// that nobody learns a case exists). Check the id and your organisation's role.
    NotFound = ("not_found", 404, "Not found"),
    /// The resource exists but not with this method; `Allow` lists the methods it has.
    MethodNotAllowed = ("method_not_allowed", 405, "Method not allowed"),
    /// No valid bearer token: missing, expired, revoked, or not from a trusted issuer.
    /// Get a fresh token from your identity provider; `WWW-Authenticate` says which.
    Unauthorized = ("unauthorized", 401, "Authentication required"),
    /// Authenticated, but your organisation's role in the scheme does not allow this.
    /// Ask the scheme coordinator if your organisation should have the role.
    Forbidden = ("forbidden", 403, "Not allowed"),
    /// Your organisation already used this `external_reference`; `existing_case` links
    /// to that case. Read it rather than referring again, or use a new reference.
    DuplicateExternalReference = ("duplicate_external_reference", 409, "External reference already used"),
    /// A request with this `Idempotency-Key` is still being processed: wait, then
    /// retry with the same key to get its answer.
    IdempotencyKeyInFlight = ("idempotency_key_in_flight", 409, "Request with this idempotency key in progress"),
    /// This `Idempotency-Key` was used with a different body: a new request needs a
    /// new key.
    IdempotencyKeyReused = ("idempotency_key_reused", 422, "Idempotency key reused with a different request"),
    /// The action is not possible in the case's status; see `current_status` and
    /// `allowed_actions`.
    InvalidTransition = ("invalid_transition", 409, "Not possible in the case's current status"),
    /// Installation and information-sharing consent are needed to accept a case:
    /// record them (`POST /api/v1/cases/{id}/consents`) first.
    ConsentRequired = ("consent_required", 409, "Consent required"),
    /// A fitted measure needs a fire safety check before the case can close: the fire
    /// service records it (`record-fire-check`).
    FireCheckRequired = ("fire_check_required", 409, "Fire safety check required"),
    /// The client did not consent to follow-up contact, so none may be recorded;
    /// record a follow-up visit instead, or the consent if the client gives it.
    FollowUpConsentRequired = ("follow_up_consent_required", 409, "Follow-up contact consent required"),
    /// The landlord has not permitted the works on this rented home: ask
    /// (`record-landlord-permission` with `requested`), then record it `granted`.
    LandlordPermissionRequired = ("landlord_permission_required", 409, "Landlord's permission required"),
    /// The case closed longer ago than the scheme's `reopen_within_months`: refer the
    /// client again (the new case is linked to the old one as a repeat referral).
    ReopenWindowPassed = ("reopen_window_passed", 409, "Too long since the case closed"),
    /// A fire check asked for remedial works not yet done: order them
    /// (`order-remedial-works`) and record them (`complete-remedial-works`) first.
    RemedialWorksOutstanding = ("remedial_works_outstanding", 409, "Remedial works outstanding"),
    /// The spare-room evidence letter is for social tenants: the client's tenure is
    /// not council or housing association housing.
    NotSocialHousing = ("not_social_housing", 409, "Not social housing"),
    /// The evidence letter states that sanctuary measures were fitted: none have been
    /// (complete the works first).
    NoMeasuresFitted = ("no_measures_fitted", 409, "No measures fitted"),
    /// Every measure fitted on the case has been removed: the home is no longer
    /// adapted, and no letter can say it is.
    MeasuresRemoved = ("measures_removed", 409, "Measures removed"),
    /// Nothing is waiting for this: no interim, remedial or removal works are
    /// outstanding, or the client is not recorded as away from the home.
    NothingOutstanding = ("nothing_outstanding", 409, "Nothing outstanding"),
    /// The case has no entry standing on the emergency-services register (for the
    /// service named) to review or remove: read the case's `workflow.register`.
    NoRegisterEntry = ("no_register_entry", 409, "No register entry"),
    /// A later note already corrects this one: read the notes again and correct the
    /// latest (its `superseded_by` is empty).
    NoteAlreadySuperseded = ("note_already_superseded", 409, "Note already corrected"),
    /// A note recorded with an action is not superseded: write a note that says what
    /// was wrong, without `supersedes`.
    NoteRecordedWithAction = ("note_recorded_with_action", 409, "Note recorded with an action"),
    /// The resource changed since the `If-Match` ETag was read: fetch it again, check
    /// the action still makes sense, and retry with the new `ETag`.
    PreconditionFailed = ("precondition_failed", 412, "The resource has changed"),
    /// Changes to a case, scheme or organisation need `If-Match` with the `ETag` you
    /// read it with.
    PreconditionRequired = ("precondition_required", 428, "If-Match required"),
    /// A scheme with this code exists; choose another code.
    SchemeExists = ("scheme_exists", 409, "Scheme code already used"),
    /// Another scheme's case references use this prefix; choose another.
    ReferencePrefixInUse = ("reference_prefix_in_use", 409, "Reference prefix already used"),
    /// An organisation with this name exists; use it, or choose another name.
    OrganisationExists = ("organisation_exists", 409, "Organisation name already used"),
    /// The scheme has a coordinator organisation; remove its role first.
    CoordinatorExists = ("coordinator_exists", 409, "The scheme already has a coordinator"),
    /// The date is already a holiday in that nation's calendar; nothing to do.
    HolidayExists = ("holiday_exists", 409, "Already a holiday"),
    /// Your organisation has used its request budget (see the `RateLimit` headers on
    /// every answer): wait `Retry-After` seconds, then go on more slowly.
    RateLimited = ("rate_limited", 429, "Too many requests"),
    /// An unexpected failure; details are in the service's log under the request id.
    /// Retry later; if it persists, quote the `request_id` to the scheme's support.
    InternalError = ("internal_error", 500, "Internal error"),
    /// A dependency (the database) is unavailable. Retry with backoff.
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
