//! Writes every error as problem+json with the request id, and adds the headers every
//! response carries: `X-Request-Id`, `Cache-Control: no-store`, `X-Content-Type-Options`,
//! `Referrer-Policy`, `X-Frame-Options` and a `Content-Security-Policy` (the API's
//! forbids everything; Swagger UI's allows its own scripts and styles, and nothing else).
//! Requests charged to a budget also get `RateLimit-Policy` and `RateLimit`.

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{self, HeaderValue};
use actix_web::{Error, HttpMessage};
use futures_util::future::LocalBoxFuture;
use tracing_actix_web::RequestId;

use crate::errors::{ApiError, ErrorCode, Problem};
use crate::rate_limit::Budget;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The API serves JSON and CSV, never a page: nothing may load, and nothing may frame it.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";
/// The printable pages' policy: their inline styles, nothing fetched, nothing run.
pub const PRINTABLE_CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/// Swagger UI (vendored, served from `/swagger-ui/`): its scripts, styles and images come
/// from here, and its stylesheet embeds `data:` SVG icons. No inline script and no eval;
/// the one inline style its bundle applies (without it the top bar's logo loses its
/// styling) is allowed by its hash, not by `'unsafe-inline'`: a Swagger UI upgrade that
/// changes it costs only that styling. It fetches the OpenAPI document and "Try it out" requests from here
/// only. Checked in headless Chromium: the page and expanded operations render with no
/// CSP violation.
pub const SWAGGER_UI_CSP: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; \
     img-src 'self' data:; connect-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub struct ProblemFinisher;

impl<S, B> Transform<S, ServiceRequest> for ProblemFinisher
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Transform = ProblemFinisherService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ProblemFinisherService {
            service: Rc::new(service),
        }))
    }
}

pub struct ProblemFinisherService<S> {
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for ProblemFinisherService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
        let csp = if req.path().starts_with("/swagger-ui/") {
            SWAGGER_UI_CSP
        } else {
            API_CSP
        };
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            // Handler and extractor errors arrive as responses carrying their error; an
            // `Err` here could only come from an inner middleware, and ours never fail.
            let response = service.call(req).await?;
            let budget = response.request().extensions().get::<Budget>().copied();
            let mut response = finish(response, request_id.as_deref());
            set_common_headers(response.headers_mut(), request_id.as_deref(), csp);
            if let Some(budget) = budget {
                set_rate_limit_headers(response.headers_mut(), &budget);
            }
            Ok(response)
        })
    }
}

fn finish<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
    request_id: Option<&str>,
) -> ServiceResponse<EitherBody<B, BoxBody>> {
    let status = response.status();
    let problem = match response.response().error() {
        Some(err) => Some(match err.as_error::<ApiError>() {
            Some(api) => api.problem(),
            // Errors from actix itself (e.g. a malformed header): same envelope.
            None => generic_problem(status),
        }),
        None if status.as_u16() >= 400 && !is_problem(&response) => Some(generic_problem(status)),
        None => None,
    };
    let Some(mut problem) = problem else {
        return response.map_into_left_body();
    };
    if problem.request_id.is_none() {
        problem.request_id = request_id.map(str::to_owned);
    }
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    response.map_body(|head, _| {
        head.headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        EitherBody::right(BoxBody::new(body))
    })
}

fn is_problem<B>(response: &ServiceResponse<B>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()))
}

/// A problem for an error response that did not come from an `ApiError` (actix's own,
/// or a static-file 404 in Swagger UI).
fn generic_problem(status: actix_web::http::StatusCode) -> Problem {
    let code = match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        413 => ErrorCode::PayloadTooLarge,
        414 => ErrorCode::UriTooLong,
        415 => ErrorCode::UnsupportedMediaType,
        431 => ErrorCode::HeadersTooLarge,
        503 => ErrorCode::ServiceUnavailable,
        s if s >= 500 => ErrorCode::InternalError,
        _ => ErrorCode::BadRequest,
    };
    let mut problem = ApiError::new(code, status.canonical_reason().unwrap_or("Error")).problem();
    // Keep the status actix chose, even where our code for it has another (e.g. 408).
    problem.status = status.as_u16();
    problem
}

fn set_common_headers(
    headers: &mut header::HeaderMap,
    request_id: Option<&str>,
    csp: &'static str,
) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // A printable page (the report, the assessment copy) sets its own, allowing its
    // inline styles and nothing else ([`PRINTABLE_CSP`]); everything else gets `csp`.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        );
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(id).ok()) {
        headers.insert(header::HeaderName::from_static("x-request-id"), id);
    }
}

/// The budget the request was charged to (the organisation's, or the client address's
/// for a request that failed to authenticate), as the IETF draft's headers.
fn set_rate_limit_headers(headers: &mut header::HeaderMap, budget: &Budget) {
    for (name, value) in [
        ("ratelimit-policy", budget.policy_header()),
        ("ratelimit", budget.header()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(header::HeaderName::from_static(name), value);
        }
    }
}
