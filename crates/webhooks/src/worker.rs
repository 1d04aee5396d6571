//! The delivery worker: turns new events into deliveries (the fan-out), claims due
//! deliveries from the database, sends each, settles it. Any number of workers (in any number of instances) share the queue: a claim is a
//! lease in the database, and an endpoint's next event is claimable only once the one
//! before it is settled, so each endpoint gets its events in order, one at a time.
//! One settler records finished attempts, those that finished together in one
//! transaction, and claims each endpoint's next delivery in it, so a task works through
//! an endpoint's backlog with one write per delivery at most.

use std::time::Duration;

use sanctuary_domain::webhooks::backoff;
use sanctuary_persistence::Store;
use sanctuary_persistence::webhooks::{self, Attempt, Claimed, Outcome, Settled};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

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
    /// How long a woken worker waits for more commits before it looks.
    pub gather: Duration,
    pub sender: SenderSettings,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(1),
            retry_base: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            concurrency: 32,
            gather: Duration::from_millis(25),
            sender: SenderSettings::default(),
        }
    }
}

pub struct DeliveryWorker;

impl DeliveryWorker {
    /// Delivers until `stop` turns true, then finishes the sends in flight.
    pub async fn run(store: Store, settings: WorkerSettings, mut stop: watch::Receiver<bool>) {
        let sender = match Sender::new(settings.sender.clone()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "webhooks: the HTTP client could not start");
                return;
            }
        };
        let (queue, settling) = mpsc::channel(settings.concurrency.max(1));
        let settler = tokio::spawn(settler(store.clone(), settling));
        let mut commits = store.commits();
        let mut in_flight: JoinSet<()> = JoinSet::new();
        loop {
            if *stop.borrow() {
                while in_flight.join_next().await.is_some() {}
                // The last sends are settled before the worker returns.
                drop(queue);
                let _ = settler.await;
                return;
            }
            commits.borrow_and_update();
            if let Err(e) = webhooks::fan_out(&store).await {
                tracing::error!(error = %e, "webhooks: queueing deliveries failed");
            }
            let room = settings.concurrency.saturating_sub(in_flight.len());
            let claimed = if room > 0 {
                claim(&store, &settings, room as u64).await
            } else {
                Vec::new()
            };
            let found = !claimed.is_empty();
            for run in claimed {
                let (sender, queue) = (sender.clone(), queue.clone());
                let (settings, stop) = (settings.clone(), stop.clone());
                in_flight.spawn(async move {
                    work_through(&sender, &queue, &settings, &stop, run).await
                });
            }
            if found {
                continue;
            }
            tokio::select! {
                _ = stop.changed() => {}
                // Commits come in bursts under load: gathering them for a moment makes
                // one fan-out and one claim of many events instead of one each.
                _ = commits.changed() => tokio::time::sleep(settings.gather).await,
                _ = tokio::time::sleep(settings.poll) => {}
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
            }
        }
    }
}

/// A run's finished attempts waiting to be recorded, the deliveries it did not send,
/// and where to hand the endpoint's next run if settling claimed one.
struct ToSettle {
    outcomes: Vec<Outcome>,
    released: Vec<uuid::Uuid>,
    next: oneshot::Sender<Vec<Claimed>>,
}

fn lease(settings: &WorkerSettings) -> time::Duration {
    time::Duration::try_from(settings.lease).unwrap_or(time::Duration::MINUTE)
}

async fn claim(store: &Store, settings: &WorkerSettings, limit: u64) -> Vec<Vec<Claimed>> {
    let now = time::OffsetDateTime::now_utc();
    match webhooks::claim(store, now, lease(settings), limit).await {
        Ok(claimed) => claimed,
        Err(e) => {
            tracing::error!(error = %e, "webhooks: claiming deliveries failed");
            Vec::new()
        }
    }
}

/// Sends a run of one endpoint's deliveries in order, stopping at the first failure
/// (the rest go back to the queue, behind the retry); then each next run that settling
/// claims, until the endpoint has nothing due or the worker is stopping.
async fn work_through(
    sender: &Sender,
    queue: &mpsc::Sender<ToSettle>,
    settings: &WorkerSettings,
    stop: &watch::Receiver<bool>,
    run: Vec<Claimed>,
) {
    let mut run = run;
    while !run.is_empty() {
        let mut outcomes = Vec::with_capacity(run.len());
        let mut unsent = run.into_iter();
        for claimed in unsent.by_ref() {
            let outcome = attempt(sender, settings.retry_base, claimed, None).await;
            let failed = outcome.attempt.error.is_some();
            outcomes.push(outcome);
            if failed || *stop.borrow() {
                break;
            }
        }
        let released = unsent.map(|c| c.delivery_id).collect();
        if let Some(last) = outcomes.last_mut() {
            last.next_lease = (!*stop.borrow()).then(|| lease(settings));
        }
        let (reply, answer) = oneshot::channel();
        let batch = ToSettle {
            outcomes,
            released,
            next: reply,
        };
        if queue.send(batch).await.is_err() {
            return;
        }
        run = answer.await.unwrap_or_default();
    }
}

/// Sends one delivery; the outcome to settle.
async fn attempt(
    sender: &Sender,
    base: Duration,
    claimed: Claimed,
    next_lease: Option<time::Duration>,
) -> Outcome {
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
        next_lease,
    }
}

/// Records finished attempts: whatever has queued up while the last transaction ran
/// goes into the next one, so runs that finish together cost one write.
async fn settler(store: Store, mut queue: mpsc::Receiver<ToSettle>) {
    let mut batch = Vec::new();
    while queue.recv_many(&mut batch, 64).await > 0 {
        let mut outcomes = Vec::new();
        let mut released = Vec::new();
        let mut replies = Vec::new();
        for item in batch.drain(..) {
            // Which outcome ends each run: its settlement carries the next run.
            replies.push((outcomes.len() + item.outcomes.len(), item.next));
            outcomes.extend(item.outcomes);
            released.extend(item.released);
        }
        match webhooks::settle(&store, &outcomes, &released).await {
            Ok(settled) => {
                let mut next: Vec<Vec<Claimed>> = Vec::with_capacity(settled.len());
                for (outcome, settlement) in outcomes.iter().zip(settled) {
                    record(outcome, Some(settlement.outcome));
                    next.push(settlement.next);
                }
                for (end, reply) in replies {
                    let run = end.checked_sub(1).map(|i| std::mem::take(&mut next[i]));
                    let _ = reply.send(run.unwrap_or_default());
                }
            }
            // The leases run out and other attempts are made: at least once.
            Err(e) => {
                tracing::error!(error = %e, "webhooks: recording deliveries failed");
                for outcome in &outcomes {
                    record(outcome, None);
                }
                for (_, reply) in replies {
                    let _ = reply.send(Vec::new());
                }
            }
        }
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
