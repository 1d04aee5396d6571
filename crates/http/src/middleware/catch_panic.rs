//! Turns a panic in a handler into a 500 problem, so the worker (and its other
//! connections) keep serving. The panic message is not logged: it may quote data.

use std::future::{Ready, ready};
use std::panic::AssertUnwindSafe;
use std::rc::Rc;

use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::{Error, HttpMessage};
use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use tracing_actix_web::RequestId;

use crate::errors::ApiError;

pub struct CatchPanic;

impl<S, B> Transform<S, ServiceRequest> for CatchPanic
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = CatchPanicService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CatchPanicService {
            service: Rc::new(service),
        }))
    }
}

pub struct CatchPanicService<S> {
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for CatchPanicService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        // Cloning the request here would break routing (it needs sole ownership to record
        // path parameters), so only the request id is kept for the error.
        let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            match AssertUnwindSafe(async move { service.call(req).await })
                .catch_unwind()
                .await
            {
                Ok(result) => result,
                Err(_) => Err(ApiError::internal("a request handler panicked")
                    .with_request_id(request_id)
                    .into()),
            }
        })
    }
}
