//! The delivery worker: claims due deliveries from the database, sends each, settles
//! it. Any number of workers (in any number of instances) share the queue: a claim is a
//! lease in the database, and an endpoint's next event is claimable only once the one
//! before it is settled, so each endpoint gets its events in order, one at a time.

use std::time::Duration;

use sanctuary_domain::webhooks::backoff;
use sanctuary_persistence::Store;
use sanctuary_persistence::webhooks::{self, Attempt, Claimed, Settled};
use tokio::sync::watch;
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
    pub sender: SenderSettings,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll: Duration::from_secs(1),
            retry_base: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            concurrency: 32,
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
        let mut commits = store.commits();
        let mut in_flight: JoinSet<()> = JoinSet::new();
        loop {
            if *stop.borrow() {
                while in_flight.join_next().await.is_some() {}
                return;
            }
            commits.borrow_and_update();
            let room = settings.concurrency.saturating_sub(in_flight.len());
            let claimed = if room > 0 {
                claim(&store, &settings, room as u64).await
            } else {
                Vec::new()
            };
            let found = !claimed.is_empty();
            for delivery in claimed {
                let (store, sender, base) = (store.clone(), sender.clone(), settings.retry_base);
                in_flight.spawn(async move { deliver(&store, &sender, base, delivery).await });
            }
            if found {
                continue;
            }
            tokio::select! {
                _ = stop.changed() => {}
                _ = commits.changed() => {}
                _ = tokio::time::sleep(settings.poll) => {}
                Some(_) = in_flight.join_next(), if !in_flight.is_empty() => {}
            }
        }
    }
}

async fn claim(store: &Store, settings: &WorkerSettings, limit: u64) -> Vec<Claimed> {
    let now = time::OffsetDateTime::now_utc();
    let lease = time::Duration::try_from(settings.lease).unwrap_or(time::Duration::MINUTE);
    match webhooks::claim(store, now, lease, limit).await {
        Ok(claimed) => claimed,
        Err(e) => {
            tracing::error!(error = %e, "webhooks: claiming deliveries failed");
            Vec::new()
        }
    }
}

async fn deliver(store: &Store, sender: &Sender, base: Duration, claimed: Claimed) {
    let outcome = sender
        .send(&claimed.url, &claimed.secrets, &claimed.event.to_event())
        .await;
    let attempt = Attempt {
        at: time::OffsetDateTime::now_utc(),
        status: outcome.status,
        error: outcome.error,
        latency_ms: u32::try_from(outcome.latency.as_millis()).unwrap_or(u32::MAX),
    };
    let jitter = f64::from(random_u16()) / f64::from(u16::MAX);
    let attempts = u32::try_from(claimed.attempts + 1).unwrap_or(1);
    let base = time::Duration::try_from(base).unwrap_or(time::Duration::seconds(10));
    let retry_in = backoff(attempts, base, jitter);
    let settled = webhooks::settle(store, &claimed, &attempt, retry_in).await;
    let outcome = match &settled {
        Ok(Settled::Delivered) => "delivered",
        Ok(Settled::Retrying(_)) => "retrying",
        Ok(Settled::GaveUp) => "gave_up",
        Ok(Settled::EndpointDisabled) => "endpoint_disabled",
        Err(_) => "unrecorded",
    };
    metrics::counter!("sanctuary_webhook_deliveries_total", "outcome" => outcome).increment(1);
    metrics::histogram!("sanctuary_webhook_delivery_duration_seconds")
        .record(f64::from(attempt.latency_ms) / 1000.0);
    match settled {
        Ok(Settled::EndpointDisabled) => tracing::warn!(
            endpoint = %claimed.endpoint_id,
            organisation = %claimed.organisation_id,
            "webhooks: endpoint disabled after failing for five days"
        ),
        Ok(Settled::GaveUp) => tracing::warn!(
            endpoint = %claimed.endpoint_id,
            delivery = %claimed.delivery_id,
            "webhooks: delivery given up after 72 hours"
        ),
        Ok(_) => {}
        // The lease runs out and another attempt is made: at least once.
        Err(e) => tracing::error!(error = %e, "webhooks: recording a delivery failed"),
    }
}

fn random_u16() -> u16 {
    let mut bytes = [0u8; 2];
    let _ = getrandom::fill(&mut bytes);
    u16::from_le_bytes(bytes)
}
