//! The delivery worker: in turns, each one transaction ([`webhooks::turn`]), it records
//! the attempts finished since the last turn, turns new events into deliveries and
//! claims the deliveries due; tasks send each endpoint's run in order. Any number of
//! workers (in any number of instances) share the queue: a claim is a lease in the
//! database, and an endpoint's next event is claimable only once the one before it is
//! settled, so each endpoint gets its events in order, one at a time.
//!
//! Turns are paced: a woken worker gathers for a moment, and while busy it takes at most
//! one turn per `interval` (unless a run came back full, a backlog to work through). On
//! SQLite every turn is a turn at the single writer the referrals also wait for; paced,
//! a busy worker costs the writer ten transactions a second, not one per event.

use std::time::Duration;

use sanctuary_domain::webhooks::backoff;
use sanctuary_persistence::Store;
use sanctuary_persistence::webhooks::{self, Attempt, Claimed, Outcome, RUN, Settled};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::client::{Sender, SenderSettings};

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How often to look for due deliveries when nothing wakes the worker (a commit in
    /// this process wakes it at once; retries and other instances' events wait for this).
    pub poll: Duration,
    /// The first retry's wait; each further one doubles it (up to an hour).
    pub retry_base: Duration,
    /// How long a claim holds: longer than a send can take, so only a crashed worker's
    /// claims run out.
    pub lease: Duration,
    /// Deliveries in flight at once.
    pub concurrency: usize,
    /// How long a woken worker waits for more commits and finished sends before its turn.
    pub gather: Duration,
    /// The least time between a busy worker's turns.
    pub interval: Duration,
    pub sender: SenderSettings,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(1),
            retry_base: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            concurrency: 32,
            gather: Duration::from_millis(10),
            interval: Duration::from_millis(100),
            sender: SenderSettings::default(),
        }
    }
}

pub struct DeliveryWorker;

/// What a task hands back: the attempts it made, and the deliveries it held but did not
/// send.
struct Finished {
    outcomes: Vec<Outcome>,
    released: Vec<uuid::Uuid>,
}

impl DeliveryWorker {
    /// Delivers until `stop` turns true, then finishes the sends in flight and records them.
    pub async fn run(store: Store, settings: WorkerSettings, mut stop: watch::Receiver<bool>) {
        let sender = match Sender::new(settings.sender.clone()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "webhooks: the HTTP client could not start");
                return;
            }
        };
        let (done, mut finished) = mpsc::unbounded_channel::<Finished>();
        let mut commits = store.commits();
        let mut in_flight: JoinSet<()> = JoinSet::new();
        let mut came_back: Vec<Finished> = Vec::new();
        loop {
            let stopping = *stop.borrow();
            if stopping {
                while in_flight.join_next().await.is_some() {}
            }
            while in_flight.try_join_next().is_some() {}
            while let Ok(f) = finished.try_recv() {
                came_back.push(f);
            }
            commits.borrow_and_update();
            let room = if stopping {
                0
            } else {
                settings.concurrency.saturating_sub(in_flight.len())
            };
            let runs = take_turn(&store, &settings, came_back.drain(..), room as u64).await;
            if stopping {
                return;
            }
            let turn_at = Instant::now();
            let backlog = runs.iter().any(|r| r.len() as u64 >= RUN);
            for run in runs {
                let (sender, done) = (sender.clone(), done.clone());
                let (settings, stop) = (settings.clone(), stop.clone());
                in_flight.spawn(async move {
                    let f = send_run(&sender, &settings, &stop, run).await;
                    let _ = done.send(f);
                });
            }
            tokio::select! {
                _ = stop.changed() => continue,
                _ = commits.changed() => {}
                Some(f) = finished.recv() => came_back.push(f),
                _ = tokio::time::sleep(settings.poll) => {}
            }
            // What else arrives in a moment joins this turn; busy, at most one turn per
            // interval, unless an endpoint has a backlog to work through.
            let mut ready = Instant::now() + settings.gather;
            if !backlog {
                ready = ready.max(turn_at + settings.interval);
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = tokio::time::sleep_until(ready) => {}
            }
        }
    }
}

fn lease(settings: &WorkerSettings) -> time::Duration {
    time::Duration::try_from(settings.lease).unwrap_or(time::Duration::MINUTE)
}

/// One turn: records what came back, fans out, claims up to `room` runs, which it returns.
async fn take_turn(
    store: &Store,
    settings: &WorkerSettings,
    came_back: impl Iterator<Item = Finished>,
    room: u64,
) -> Vec<Vec<Claimed>> {
    let mut outcomes = Vec::new();
    let mut released = Vec::new();
    for f in came_back {
        outcomes.extend(f.outcomes);
        released.extend(f.released);
    }
    match webhooks::turn(store, &outcomes, &released, lease(settings), room).await {
        Ok(turn) => {
            for (outcome, settled) in outcomes.iter().zip(turn.settled) {
                record(outcome, Some(settled));
            }
            turn.claimed
        }
        // The leases run out and other attempts are made: at least once.
        Err(e) => {
            tracing::error!(error = %e, "webhooks: the delivery queue could not be updated");
            for outcome in &outcomes {
                record(outcome, None);
            }
            Vec::new()
        }
    }
}

/// Sends a run of one endpoint's deliveries in order, stopping at the first failure,
/// when the worker is stopping, or when another send could outlast the lease (the rest
/// go back to the queue, behind the retry).
async fn send_run(
    sender: &Sender,
    settings: &WorkerSettings,
    stop: &watch::Receiver<bool>,
    run: Vec<Claimed>,
) -> Finished {
    let started = Instant::now();
    let mut outcomes = Vec::with_capacity(run.len());
    let mut unsent = run.into_iter().peekable();
    while let Some(claimed) = unsent.next_if(|_| {
        !*stop.borrow() && started.elapsed() + settings.sender.timeout < settings.lease
    }) {
        let outcome = attempt(sender, settings.retry_base, claimed).await;
        let failed = outcome.attempt.error.is_some();
        outcomes.push(outcome);
        if failed {
            break;
        }
    }
    Finished {
        outcomes,
        released: unsent.map(|c| c.delivery_id).collect(),
    }
}

/// Sends one delivery; the outcome to settle.
async fn attempt(sender: &Sender, base: Duration, claimed: Claimed) -> Outcome {
    let sent = sender
        .send(&claimed.url, &claimed.secrets, &claimed.event.to_event())
        .await;
    let attempt = Attempt {
        at: time::OffsetDateTime::now_utc(),
        status: sent.status,
        error: sent.error,
        latency_ms: u32::try_from(sent.latency.as_millis()).unwrap_or(u32::MAX),
    };
    let jitter = f64::from(random_u16()) / f64::from(u16::MAX);
    let attempts = u32::try_from(claimed.attempts + 1).unwrap_or(1);
    let base = time::Duration::try_from(base).unwrap_or(time::Duration::seconds(10));
    Outcome {
        retry_in: backoff(attempts, base, jitter),
        claimed,
        attempt,
    }
}

/// Metrics and the log lines worth a person's attention; `None`: not recorded.
fn record(outcome: &Outcome, settled: Option<Settled>) {
    let label = match settled {
        Some(Settled::Delivered) => "delivered",
        Some(Settled::Retrying(_)) => "retrying",
        Some(Settled::GaveUp) => "gave_up",
        Some(Settled::EndpointDisabled) => "endpoint_disabled",
        None => "unrecorded",
    };
    metrics::counter!("sanctuary_webhook_deliveries_total", "outcome" => label).increment(1);
    metrics::histogram!("sanctuary_webhook_delivery_duration_seconds")
        .record(f64::from(outcome.attempt.latency_ms) / 1000.0);
    let claimed = &outcome.claimed;
    match settled {
        Some(Settled::EndpointDisabled) => tracing::warn!(
            endpoint = %claimed.endpoint_id,
            organisation = %claimed.organisation_id,
            "webhooks: endpoint disabled after failing for five days"
        ),
        Some(Settled::GaveUp) => tracing::warn!(
            endpoint = %claimed.endpoint_id,
            delivery = %claimed.delivery_id,
            "webhooks: delivery given up after 72 hours"
        ),
        _ => {}
    }
}

fn random_u16() -> u16 {
    let mut bytes = [0u8; 2];
    let _ = getrandom::fill(&mut bytes);
    u16::from_le_bytes(bytes)
}
