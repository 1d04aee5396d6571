//! Cross-cutting request handling, outermost first: the access log (request id and root
//! span), the problem finisher (error bodies, security headers), the panic catcher.

mod access_log;
mod catch_panic;
mod problem;

pub use access_log::{AccessLog, ActingOrganisation};
pub use catch_panic::CatchPanic;
pub use problem::{PROBLEM_JSON, ProblemFinisher};
