//! The use cases: one place takes each (authorise, check, apply the domain's rules,
//! commit with timeline and audit) and every entry point — HTTP handlers, `seed-demo`,
//! retention, workers — calls it. Nothing here speaks HTTP; persistence only reads and
//! writes; the rules are the domain's.

pub mod access;
pub mod acting;
pub mod actions;
pub mod admin;
pub mod audit;
pub mod clocks;
pub mod documents;
mod error;
pub mod evidence;
pub mod feed;
pub mod intake;
pub mod notes;
pub mod precondition;
pub mod rectify;
pub mod register;
pub mod retention;
pub mod schemes;
pub mod webhooks;

use sanctuary_persistence::Store;
use sanctuary_persistence::audit_writer::AuditWriter;

pub use acting::Acting;
pub use error::AppError;

/// What the use cases run against: the store, and the writer that group-commits the
/// audit records of reads and refusals.
#[derive(Clone)]
pub struct App {
    store: Store,
    audit: AuditWriter,
    /// Webhooks may point at `http://` loopback addresses (demo mode and tests only).
    webhook_loopback_allowed: bool,
    /// Notification emails are configured (`mailto:` endpoints may be registered).
    email_enabled: bool,
    /// The largest document accepted, in bytes.
    document_max_bytes: u64,
}

impl App {
    /// Starts the audit writer on `store`.
    pub fn new(store: Store) -> Self {
        Self {
            audit: AuditWriter::start(store.clone()),
            store,
            webhook_loopback_allowed: false,
            email_enabled: false,
            document_max_bytes: documents::DEFAULT_MAX_BYTES,
        }
    }

    /// The same use cases, with notification email configured or not.
    pub fn with_email(mut self, enabled: bool) -> Self {
        self.email_enabled = enabled;
        self
    }

    /// The same use cases, accepting documents up to `max_bytes`.
    pub fn with_document_limit(mut self, max_bytes: u64) -> Self {
        self.document_max_bytes = max_bytes;
        self
    }

    pub fn document_max_bytes(&self) -> u64 {
        self.document_max_bytes
    }

    pub fn email_enabled(&self) -> bool {
        self.email_enabled
    }

    /// The same use cases, allowing webhooks to `http://` loopback addresses.
    pub fn allowing_loopback_webhooks(mut self, allowed: bool) -> Self {
        self.webhook_loopback_allowed = allowed;
        self
    }

    pub fn webhook_loopback_allowed(&self) -> bool {
        self.webhook_loopback_allowed
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn audit_writer(&self) -> &AuditWriter {
        &self.audit
    }
}
