//! Cross-cutting request handling, outermost first: the access log (request id and root
//! span), the problem finisher (error bodies, security headers), the request-head limits,
//! the panic catcher.

mod access_log;
mod catch_panic;
mod limits;
mod problem;

pub use access_log::{AccessLog, ActingOrganisation};
pub use catch_panic::CatchPanic;
pub use limits::{MAX_HEADER_BYTES, MAX_URI_BYTES, RequestLimits};
pub use problem::{API_CSP, PRINTABLE_CSP, PROBLEM_JSON, ProblemFinisher, SWAGGER_UI_CSP};
