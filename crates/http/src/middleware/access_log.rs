//! The root span of every request and the one access-log line per request: request id,
//! method, route *pattern* (never the raw path), status, latency, acting organisation.
//! Nothing from the body, query string or headers is recorded.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use uuid::Uuid;

/// The organisation the authenticated caller acts for (set by the auth extractor).
#[derive(Debug, Clone, Copy)]
pub struct ActingOrganisation(pub Uuid);

#[derive(Debug, Clone, Copy)]
struct Started(Instant);

pub struct AccessLog;

impl RootSpanBuilder for AccessLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request.extensions_mut().insert(Started(Instant::now()));
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let response = match outcome {
            Ok(response) => response,
            Err(error) => {
                // Only a caught panic ends here; its route is unknown at this point.
                let status = error.as_response_error().status_code().as_u16();
                tracing::info!(parent: &span, route = "-", status, org = "-", "request completed");
                return;
            }
        };
        let request = response.request();
        let extensions = request.extensions();
        let latency_ms = extensions
            .get::<Started>()
            .map(|s| s.0.elapsed().as_secs_f64() * 1000.0)
            .unwrap_or_default();
        let org = extensions
            .get::<ActingOrganisation>()
            .map(|o| o.0.to_string());
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        let status = response.status().as_u16();
        // Route patterns and statuses only: no path, no query, no organisation.
        let labels = [
            ("route", route.to_string()),
            ("method", request.method().to_string()),
            ("status", status.to_string()),
        ];
        metrics::counter!("sanctuary_http_requests_total", &labels).increment(1);
        metrics::histogram!("sanctuary_http_request_duration_seconds", &labels[..2])
            .record(latency_ms / 1000.0);
        tracing::info!(
            parent: &span,
            route = %route,
            status,
            latency_ms = format_args!("{latency_ms:.2}"),
            org = org.as_deref().unwrap_or("-"),
            "request completed"
        );
    }
}
