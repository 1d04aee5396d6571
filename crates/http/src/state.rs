//! What every handler can reach.

use sanctuary_persistence::Store;

use crate::auth::Verifier;
use crate::rate_limit::RateLimiter;

pub struct AppState {
    pub store: Store,
    pub verifier: Verifier,
    pub limiter: RateLimiter,
}
