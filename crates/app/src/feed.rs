//! The events feed: an organisation reads the events addressed to it, oldest first,
//! optionally waiting for the next one (long poll).

use std::time::Duration;

use sanctuary_domain::policy::{self, Action};
use sanctuary_persistence::outbox::{self, OutboxEvent};
use tokio::time::Instant;

use crate::{Acting, App, AppError};

/// How often a waiting reader looks again when this process committed nothing: another
/// instance on the same database may have.
const RECHECK: Duration = Duration::from_secs(1);

/// Events reach an organisation because it could read their case or its register
/// entry, so they are for the roles that read cases or the register: a token with none
/// of them (a funder's, an auditor's) reads no events and manages no webhooks.
pub fn may_receive(caller: &Acting) -> Result<(), AppError> {
    let reads = |action| !policy::relations_permitting(&caller.roles, action).is_empty();
    if !reads(Action::ViewCase) && !reads(Action::ViewRegister) {
        return Err(AppError::Forbidden(
            "Events are for the roles that work on cases or read the register; this token holds none of them."
                .into(),
        ));
    }
    Ok(())
}

/// The events addressed to the caller's organisation after `after`, at most `limit`;
/// if there are none, waits up to `wait` for the first to commit.
pub async fn read(
    app: &App,
    caller: &Acting,
    after: i64,
    limit: u64,
    wait: Duration,
) -> Result<Vec<OutboxEvent>, AppError> {
    may_receive(caller)?;
    let store = app.store();
    let deadline = Instant::now() + wait;
    let mut commits = store.commits();
    loop {
        // Marked seen before reading: a commit after the read wakes the wait below.
        commits.borrow_and_update();
        let events =
            outbox::for_organisation(store.connection(), caller.organisation.id, after, limit)
                .await?;
        let now = Instant::now();
        if !events.is_empty() || now >= deadline {
            return Ok(events);
        }
        let nap = (deadline - now).min(RECHECK);
        let _ = tokio::time::timeout(nap, commits.changed()).await;
    }
}
