//! Retention as a use case: every case that ended more than its scheme's
//! `retention_years` ago is anonymised, each in its own transaction with its audit
//! record; legal holds keep theirs. Safe on several instances at once (a case already
//! anonymised is skipped). The CLI's `retention run` and the worker both call it.
//! Events (which hold no personal data) are kept for a deployment-wide time instead.

use sanctuary_persistence::retention::{self, RetentionReport};
use sanctuary_persistence::{Store, documents, outbox};
use time::OffsetDateTime;

use crate::AppError;

/// How long an unfinished upload may take before its chunks are swept away.
const UPLOAD_ABANDONED_AFTER: time::Duration = time::Duration::hours(6);

pub async fn run(store: &Store, now: OffsetDateTime) -> Result<RetentionReport, AppError> {
    let report = retention::run(store, now).await?;
    // Uploads a crash cut off: unreadable (their keys were never stored), and swept.
    documents::sweep(store, now, UPLOAD_ABANDONED_AFTER).await?;
    Ok(report)
}

/// Deletes the events written before `before`; returns how many.
pub async fn purge_events(store: &Store, before: OffsetDateTime) -> Result<u64, AppError> {
    Ok(outbox::purge(store, before).await?)
}
