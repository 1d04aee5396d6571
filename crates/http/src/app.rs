//! Builds the HTTP server: the same routes feed the app, the OpenAPI document and the
//! contract checker, so what is served, documented and validated cannot diverge.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::web::{self, Data};
use actix_web::{App, HttpServer};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as Doc;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::contract::Contract;
use crate::errors::ApiError;
use crate::middleware::{AccessLog, CatchPanic, ProblemFinisher, RequestLimits};
use crate::openapi::{
    ApiDoc, add_request_examples, add_standard_responses, declare_bounds,
    declare_control_characters, declare_integer_ranges, declare_response_headers,
    declare_server_audience, describe_enum_growth, describe_if_match, mark_optional_bodies,
};
use crate::routes::{self, RouteTable};
use crate::state::AppState;

/// The OpenAPI document of the API.
pub fn openapi() -> Doc {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    add_standard_responses(&mut doc);
    add_request_examples(&mut doc);
    describe_if_match(&mut doc);
    mark_optional_bodies(&mut doc);
    declare_response_headers(&mut doc);
    declare_bounds(&mut doc);
    declare_server_audience(&mut doc);
    describe_enum_growth(&mut doc);
    crate::deprecation::mark_in_contract(&mut doc, crate::deprecation::CURRENT);
    declare_integer_ranges(declare_control_characters(doc))
}

/// Extra routes mounted beside the API (tests use this to add, say, a panicking handler).
pub type ExtraRoutes = Arc<dyn Fn(&mut web::ServiceConfig) + Send + Sync>;

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub workers: usize,
    /// How long a graceful stop waits for in-flight requests.
    pub shutdown_timeout_secs: u64,
    pub cors: crate::cors::CorsPolicy,
}

/// The server, listening on `listener`. Signals are not handled here: the caller stops
/// the server through its handle (gracefully: in-flight requests finish).
pub fn server(
    state: AppState,
    listener: TcpListener,
    settings: &ServerSettings,
    extra: Option<ExtraRoutes>,
) -> Result<Server, String> {
    let doc = openapi();
    let contract = Data::new(Contract::from_openapi(&doc)?);
    let route_table = Data::new(RouteTable::from_openapi(&doc));
    let state = Data::new(state);
    let cors = settings.cors.clone();
    let server = HttpServer::new(move || {
        let extra = extra.clone();
        App::new()
            .into_utoipa_app()
            .configure(routes::configure)
            .into_app()
            .app_data(state.clone())
            .app_data(contract.clone())
            .app_data(route_table.clone())
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::not_found().into()))
            .service(
                SwaggerUi::new("/swagger-ui/{_:.*}").url("/api-docs/openapi.json", doc.clone()),
            )
            .service(web::redirect("/swagger-ui", "/swagger-ui/"))
            .service(web::redirect("/", "/swagger-ui/"))
            .configure(move |cfg| {
                if let Some(extra) = &extra {
                    extra(cfg);
                }
            })
            .default_service(web::to(routes::fallback))
            .wrap(CatchPanic)
            .wrap(RequestLimits)
            // Inside the finisher, so a refused preflight is problem+json too, and
            // outside the handlers, so errors carry the CORS headers a browser needs
            // to read them.
            .wrap(cors.middleware())
            .wrap(crate::deprecation::DeprecationHeaders::new(
                crate::deprecation::CURRENT,
            ))
            .wrap(ProblemFinisher)
            .wrap(TracingLogger::<AccessLog>::new())
    })
    .workers(settings.workers)
    // Longer than a load balancer's usual 60 s idle timeout, so the balancer closes an
    // idle connection first and never sends a request down one being closed.
    .keep_alive(std::time::Duration::from_secs(75))
    .disable_signals()
    .shutdown_timeout(settings.shutdown_timeout_secs)
    .listen(listener)
    .map_err(|e| format!("cannot listen: {e}"))?
    .run();
    Ok(server)
}
