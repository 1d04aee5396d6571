//! What every handler can reach.

use sanctuary_app::App;
use sanctuary_persistence::Store;

use crate::auth::Verifier;
use crate::rate_limit::{AddressLimiter, RateLimiter};

pub struct AppState {
    /// The use cases (and the audit writer that group-commits reads and refusals).
    pub app: App,
    /// The same store as `app`'s, for the reads handlers make themselves.
    pub store: Store,
    pub verifier: Verifier,
    /// Per organisation, for authenticated requests.
    pub limiter: RateLimiter,
    /// Per client address, for requests that fail to authenticate.
    pub address_limiter: AddressLimiter,
}
