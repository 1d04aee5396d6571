//! Announcing service-standard clocks as use case: each running clock gets one
//! `case.clock_due_soon` event when it falls due within the warning time and one
//! `case.clock_breached` when it passes its due time, to the organisations that can read
//! its case. Safe on several instances at once (marking a clock is its claim).

use sanctuary_persistence::Store;
use sanctuary_persistence::clock_events::{self, Announced};
use time::{Duration, OffsetDateTime};

use crate::AppError;

/// Clocks announced per transaction.
const BATCH: u64 = 200;

/// Announces every clock due (or due within `soon`) at `now`.
pub async fn announce(
    store: &Store,
    now: OffsetDateTime,
    soon: Duration,
) -> Result<Announced, AppError> {
    let mut total = Announced::default();
    loop {
        let run = clock_events::announce(store, now, soon, BATCH).await?;
        total.breached += run.breached;
        total.due_soon += run.due_soon;
        if run.breached < BATCH && run.due_soon < BATCH {
            return Ok(total);
        }
    }
}
