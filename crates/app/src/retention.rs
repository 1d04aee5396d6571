//! Retention as a use case: every case that ended more than its scheme's
//! `retention_years` ago is anonymised, each in its own transaction with its audit
//! record; legal holds keep theirs. Safe on several instances at once (a case already
//! anonymised is skipped). The CLI's `retention run` and the worker both call it.

use sanctuary_persistence::Store;
use sanctuary_persistence::retention::{self, RetentionReport};
use time::OffsetDateTime;

use crate::AppError;

pub async fn run(store: &Store, now: OffsetDateTime) -> Result<RetentionReport, AppError> {
    Ok(retention::run(store, now).await?)
}
