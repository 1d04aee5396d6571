//! Limits on the request head, enforced here so that an oversized request gets the same
//! problem+json answer (request id, security headers) as every other error.
//!
//! actix's HTTP/1 codec has fixed limits of its own that cannot be configured: a head of
//! more than 128 KiB or 96 headers, or a URI of 64 KiB or more, is answered by the codec
//! itself (a bare 431 or 400, connection closed) before any middleware runs. The limits
//! here are well below those, so every request a client plausibly sends over them is
//! answered here instead.

use std::future::{Ready, ready};

use actix_web::Error;
use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use futures_util::future::{Either, MapOk, TryFutureExt};

use crate::errors::{ApiError, ErrorCode};

/// The longest request target (path and query) accepted.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most header bytes accepted: every name and value, with `": "` and CRLF.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

pub struct RequestLimits;

impl<S, B> Transform<S, ServiceRequest> for RequestLimits
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Transform = RequestLimitsService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequestLimitsService { service }))
    }
}

pub struct RequestLimitsService<S> {
    service: S,
}

type MapLeft<B> = fn(ServiceResponse<B>) -> ServiceResponse<EitherBody<B, BoxBody>>;

impl<S, B> Service<ServiceRequest> for RequestLimitsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Future = Either<MapOk<S::Future, MapLeft<B>>, Ready<Result<Self::Response, Self::Error>>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        match check(&req) {
            Ok(()) => Either::Left(
                self.service
                    .call(req)
                    .map_ok(ServiceResponse::map_into_left_body as MapLeft<B>),
            ),
            // The problem middleware outside this one writes the body with the request id.
            Err(error) => Either::Right(ready(Ok(req.error_response(error).map_into_right_body()))),
        }
    }
}

fn check(req: &ServiceRequest) -> Result<(), ApiError> {
    let uri = req
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if uri > MAX_URI_BYTES {
        return Err(ApiError::new(
            ErrorCode::UriTooLong,
            format!("The request target (path and query) must be at most {MAX_URI_BYTES} bytes."),
        ));
    }
    let headers: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if headers > MAX_HEADER_BYTES {
        return Err(ApiError::new(
            ErrorCode::HeadersTooLarge,
            format!("The request headers must be at most {MAX_HEADER_BYTES} bytes in all."),
        ));
    }
    Ok(())
}
