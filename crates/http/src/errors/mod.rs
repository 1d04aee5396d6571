//! Errors: one table of codes, and `ApiError`, which every failure becomes.
//!
//! The response body (RFC 9457 problem+json) is written by the `problem` middleware,
//! which knows the request id; handlers and extractors only return `ApiError`.

mod codes;
mod problem;

use std::borrow::Cow;
use std::fmt;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::policy::Action;
use sanctuary_domain::violation::{ViolationCode, Violations};

use crate::wire::links::ActionLink;

pub use codes::ErrorCode;
pub use problem::{CaseLink, FieldError, Problem};

/// A failed request, as the client will see it (plus, for 5xx, the cause for the log).
/// Boxed: errors are the cold path, and `Result<T, ApiError>` stays small.
pub struct ApiError(Box<Details>);

struct Details {
    code: ErrorCode,
    detail: Cow<'static, str>,
    errors: Vec<FieldError>,
    existing_case: Option<CaseLink>,
    transition: Option<(CaseStatus, Vec<ActionLink>)>,
    etag: Option<String>,
    www_authenticate: Option<&'static str>,
    allow: Option<String>,
    retry_after: Option<u64>,
    cause: Option<String>,
    request_id: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Self(Box::new(Details {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            existing_case: None,
            transition: None,
            etag: None,
            www_authenticate: None,
            allow: None,
            retry_after: None,
            cause: None,
            request_id: None,
        }))
    }

    /// The same answer for "does not exist" and "exists but is not yours": a caller must
    /// not learn that another organisation's case exists.
    pub fn not_found() -> Self {
        Self::new(
            ErrorCode::NotFound,
            "There is nothing here, or you are not allowed to see it.",
        )
    }

    pub fn forbidden(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    /// 401 with the `WWW-Authenticate` challenge of RFC 6750.
    pub fn unauthorized(detail: &'static str, invalid_token: bool) -> Self {
        let mut e = Self::new(ErrorCode::Unauthorized, detail);
        e.0.www_authenticate = Some(if invalid_token {
            r#"Bearer realm="sanctuary", error="invalid_token""#
        } else {
            r#"Bearer realm="sanctuary""#
        });
        e
    }

    pub fn method_not_allowed(allow: String) -> Self {
        let mut e = Self::new(
            ErrorCode::MethodNotAllowed,
            "This resource does not support that method.",
        );
        e.0.allow = Some(allow);
        e
    }

    /// 429 with `Retry-After` (whole seconds, rounded up).
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        Self::too_many(
            wait,
            "Your organisation has used its request budget; retry after the time given.",
        )
    }

    /// 429 for a client address that keeps failing to authenticate.
    pub fn rate_limited_address(wait: std::time::Duration) -> Self {
        Self::too_many(
            wait,
            "Too many requests without a valid access token from this address; retry after the time given.",
        )
    }

    fn too_many(wait: std::time::Duration, detail: &'static str) -> Self {
        let mut e = Self::new(ErrorCode::RateLimited, detail);
        e.0.retry_after = Some(crate::rate_limit::ceil_secs(wait));
        e
    }

    /// 422 listing every rejected field.
    pub fn validation(violations: Violations) -> Self {
        let mut e = Self::new(
            ErrorCode::ValidationFailed,
            format!("{} field(s) are not valid; see `errors`.", violations.len()),
        );
        e.0.errors = violations.into_iter().map(FieldError::from).collect();
        e
    }

    /// 422 for query parameters.
    pub fn invalid_parameters(errors: Vec<(String, ViolationCode, String)>) -> Self {
        let mut e = Self::new(
            ErrorCode::ValidationFailed,
            format!("{} parameter(s) are not valid; see `errors`.", errors.len()),
        );
        e.0.errors = errors
            .into_iter()
            .map(|(parameter, code, message)| FieldError::parameter(parameter, code, message))
            .collect();
        e
    }

    /// 500: the client gets an opaque problem; the cause goes to the log only.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            ErrorCode::InternalError,
            "Something went wrong on our side. It has been logged.",
        );
        e.0.cause = Some(cause.to_string());
        e
    }

    pub fn unavailable(cause: impl fmt::Display) -> Self {
        let mut e = Self::new(
            ErrorCode::ServiceUnavailable,
            "The service cannot reach its database.",
        );
        e.0.cause = Some(cause.to_string());
        e
    }

    /// For errors answered outside the normal path (a caught panic), which therefore
    /// carry their own request id.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.0.request_id = request_id;
        self
    }

    /// 409 for an action the case's status does not allow.
    pub fn invalid_transition(
        status: CaseStatus,
        action: Action,
        allowed: Vec<ActionLink>,
    ) -> Self {
        let mut e = Self::new(
            ErrorCode::InvalidTransition,
            format!("`{action}` is not possible while the case is `{status}`."),
        );
        e.0.transition = Some((status, allowed));
        e
    }

    /// 412, with the resource's current ETag so the client can refetch or retry.
    pub fn stale(resource: &'static str, current_etag: String) -> Self {
        let mut e = Self::new(
            ErrorCode::PreconditionFailed,
            format!("The {resource} changed since you read it; fetch it again."),
        );
        e.0.etag = Some(current_etag);
        e
    }

    pub fn with_existing_case(mut self, link: CaseLink) -> Self {
        self.0.existing_case = Some(link);
        self
    }

    pub fn code(&self) -> ErrorCode {
        self.0.code
    }

    /// The problem document (the middleware adds the request id if this error lacks it).
    pub fn problem(&self) -> Problem {
        Problem {
            r#type: format!("/problems/{}", self.0.code.as_str()),
            title: self.0.code.title().to_owned(),
            status: self.0.code.status().as_u16(),
            detail: self.0.detail.to_string(),
            code: self.0.code,
            request_id: self.0.request_id.clone(),
            errors: (!self.0.errors.is_empty()).then(|| self.0.errors.clone()),
            existing_case: self.0.existing_case.clone(),
            current_status: self.0.transition.as_ref().map(|t| t.0),
            allowed_actions: self.0.transition.as_ref().map(|t| t.1.clone()),
        }
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Field errors and details never carry submitted values, so this is safe to log.
        f.debug_struct("ApiError")
            .field("code", &self.0.code.as_str())
            .field("cause", &self.0.cause)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.cause {
            Some(cause) => write!(f, "{}: {cause}", self.0.code.as_str()),
            None => f.write_str(self.0.code.as_str()),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(cause) = &self.0.cause {
            tracing::error!(code = self.0.code.as_str(), cause = %cause, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        if let Some(challenge) = self.0.www_authenticate {
            response.insert_header(("WWW-Authenticate", challenge));
        }
        if let Some(allow) = &self.0.allow {
            response.insert_header(("Allow", allow.as_str()));
        }
        if let Some(seconds) = self.0.retry_after {
            response.insert_header(("Retry-After", seconds.max(1).to_string()));
        }
        if let Some(etag) = &self.0.etag {
            response.insert_header(("ETag", etag.as_str()));
        }
        if let Some(id) = &self.0.request_id {
            response.insert_header(("X-Request-Id", id.as_str()));
        }
        // A complete problem response; the problem middleware re-renders it with the
        // request id and adds the common headers.
        response
            .content_type(crate::middleware::PROBLEM_JSON)
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .body(serde_json::to_vec(&self.problem()).unwrap_or_default())
    }
}

impl From<sanctuary_persistence::StoreError> for ApiError {
    fn from(err: sanctuary_persistence::StoreError) -> Self {
        Self::internal(err)
    }
}

/// A use case's refusal as the client sees it.
impl From<sanctuary_app::AppError> for ApiError {
    fn from(err: sanctuary_app::AppError) -> Self {
        use sanctuary_app::AppError as E;
        use sanctuary_domain::workflow::{ActionError, Conflict};
        match err {
            E::NotFound => Self::not_found(),
            E::Forbidden(detail) => Self::forbidden(detail),
            E::PreconditionRequired { resource } => Self::new(
                ErrorCode::PreconditionRequired,
                format!("Send If-Match with the {resource}'s ETag (from reading it)."),
            ),
            E::Stale { resource, current } => Self::stale(resource, format!("\"{current}\"")),
            E::Refused {
                error,
                case,
                allowed,
            } => match error {
                ActionError::Illegal(e) => {
                    Self::invalid_transition(e.status, e.action, ActionLink::all(case, allowed))
                }
                ActionError::Conflict { code, message } => {
                    let code = match code {
                        Conflict::ConsentRequired => ErrorCode::ConsentRequired,
                        Conflict::FireCheckRequired => ErrorCode::FireCheckRequired,
                        Conflict::FollowUpConsentRequired => ErrorCode::FollowUpConsentRequired,
                        Conflict::NoRegisterEntry => ErrorCode::NoRegisterEntry,
                        Conflict::NoteAlreadySuperseded => ErrorCode::NoteAlreadySuperseded,
                        Conflict::NoteRecordedWithAction => ErrorCode::NoteRecordedWithAction,
                        Conflict::NothingOutstanding => ErrorCode::NothingOutstanding,
                        Conflict::ReopenWindowPassed => ErrorCode::ReopenWindowPassed,
                        Conflict::RemedialWorksOutstanding => ErrorCode::RemedialWorksOutstanding,
                        Conflict::LandlordPermissionRequired => {
                            ErrorCode::LandlordPermissionRequired
                        }
                    };
                    Self::new(code, message)
                }
                ActionError::Invalid(v) => Self::validation(v),
            },
            E::Invalid(v) => Self::validation(v),
            E::Admin { error, resource } => crate::handlers::admin::refused(error, resource),
            E::TooLarge { max } => Self::new(
                ErrorCode::PayloadTooLarge,
                format!("A document may be at most {max} bytes."),
            ),
            E::UnsupportedDocument(what) => Self::new(
                ErrorCode::UnsupportedDocumentType,
                format!(
                    "{what} Send a PDF, a JPEG, a PNG or an HEIC photo (the type is read from the content, not the name or Content-Type)."
                ),
            ),
            E::Interrupted => Self::new(ErrorCode::BadRequest, "The upload was interrupted."),
            E::QuotaReached(quota) => Self::new(
                ErrorCode::DocumentQuotaReached,
                format!("The scheme's `documents.{quota}` quota leaves no room for this document."),
            ),
            E::NoLetter(why) => {
                use sanctuary_domain::spare_room::NoLetter;
                let code = match why {
                    NoLetter::NotSocialHousing => ErrorCode::NotSocialHousing,
                    NoLetter::NoMeasuresFitted => ErrorCode::NoMeasuresFitted,
                    NoLetter::MeasuresRemoved => ErrorCode::MeasuresRemoved,
                };
                Self::new(code, why.message())
            }
            E::Store(e) => e.into(),
        }
    }
}
