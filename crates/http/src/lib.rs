//! The HTTP face of the Sanctuary Scheme API: actix-web handlers, bearer-token auth,
//! problem+json errors and the OpenAPI contract (served with Swagger UI).

mod app;
pub mod auth;
pub mod contract;
pub mod cors;
pub mod deprecation;
pub mod errors;
mod extract;
mod handlers;
mod idempotency;
mod middleware;
pub mod openapi;
pub mod rate_limit;
mod render;
mod routes;
pub mod state;
mod views;
pub mod wire;

use sanctuary_app::{access, audit};

pub use app::{ExtraRoutes, ServerSettings, openapi, server};
pub use extract::MAX_BODY_BYTES;
pub use idempotency::fingerprint as request_fingerprint;
pub use middleware::{API_CSP, MAX_HEADER_BYTES, MAX_URI_BYTES, PRINTABLE_CSP, SWAGGER_UI_CSP};
