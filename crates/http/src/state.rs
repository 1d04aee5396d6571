//! What every handler can reach.

use sanctuary_persistence::Store;
use sanctuary_persistence::audit_writer::AuditWriter;

use crate::auth::Verifier;
use crate::rate_limit::{AddressLimiter, RateLimiter};

pub struct AppState {
    pub store: Store,
    /// Group-commits the audit records of reads and refusals.
    pub audit: AuditWriter,
    pub verifier: Verifier,
    /// Per organisation, for authenticated requests.
    pub limiter: RateLimiter,
    /// Per client address, for requests that fail to authenticate.
    pub address_limiter: AddressLimiter,
}
