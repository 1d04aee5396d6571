//! What every handler can reach.

use sanctuary_persistence::Store;
use sanctuary_persistence::audit_writer::AuditWriter;

use crate::auth::Verifier;
use crate::rate_limit::RateLimiter;

pub struct AppState {
    pub store: Store,
    /// Group-commits the audit records of reads and refusals.
    pub audit: AuditWriter,
    pub verifier: Verifier,
    pub limiter: RateLimiter,
}
