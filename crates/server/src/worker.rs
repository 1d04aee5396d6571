//! Background work: periodic jobs that call use cases, run beside the HTTP server (see
//! `startup::Application`) or on their own (`sanctuary worker`): retention with the
//! purge of old events, the clock scheduler (with the register's removals after a case
//! ends), and webhook delivery (`sanctuary_webhooks`). The audit writer
//! runs with the use cases (`sanctuary_app::App`).
//!
//! Stopping is graceful: asked to stop, the worker finishes the job in hand (each is
//! made of short transactions and resumable) and runs no other.

use std::time::Duration;

use sanctuary_persistence::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::WorkerSettings;

pub struct Worker {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Starts the jobs `settings` turns on, and webhook delivery if `delivery` is set.
    pub fn start(
        store: Store,
        settings: &WorkerSettings,
        delivery: Option<sanctuary_webhooks::WorkerSettings>,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let every = (settings.retention_every_seconds > 0)
            .then(|| Duration::from_secs(settings.retention_every_seconds));
        let kept = time::Duration::days(i64::from(settings.events_kept_days));
        let mut tasks = vec![tokio::spawn(run(
            store.clone(),
            every,
            kept,
            stopped.clone(),
        ))];
        if settings.clocks_every_seconds > 0 {
            let every = Duration::from_secs(settings.clocks_every_seconds);
            let soon = time::Duration::hours(i64::from(settings.clock_due_soon_hours));
            tasks.push(tokio::spawn(clocks(
                store.clone(),
                every,
                soon,
                stopped.clone(),
            )));
        }
        if let Some(delivery) = delivery {
            tasks.push(tokio::spawn(sanctuary_webhooks::DeliveryWorker::run(
                store, delivery, stopped,
            )));
        }
        Self { stop, tasks }
    }

    /// Asks the jobs to stop and waits until they have.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "worker: a job panicked");
            }
        }
    }
}

async fn run(
    store: Store,
    retention_every: Option<Duration>,
    events_kept: time::Duration,
    mut stop: watch::Receiver<bool>,
) {
    let Some(every) = retention_every else {
        let _ = stop.changed().await;
        return;
    };
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            _ = tick.tick() => retention(&store, events_kept).await,
        }
    }
}

/// The clock scheduler: announces clocks falling due or overdue, and takes off the
/// register the homes whose time after their case ended is up, every `every`.
async fn clocks(
    store: Store,
    every: Duration,
    soon: time::Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            biased;
            _ = stop.changed() => break,
            _ = tick.tick() => {
                let now = time::OffsetDateTime::now_utc();
                match sanctuary_app::clocks::announce(&store, now, soon).await {
                    Ok(a) if a.breached + a.due_soon > 0 => tracing::info!(
                        breached = a.breached,
                        due_soon = a.due_soon,
                        "worker: clocks announced"
                    ),
                    Ok(_) => {}
                    // Tried again at the next tick; a clock is marked only with its event.
                    Err(e) => tracing::error!(error = %e, "worker: announcing clocks failed"),
                }
                // Homes whose time on the register after their case ended is up.
                match sanctuary_app::register::take_off_ended(&store, now).await {
                    Ok(0) => {}
                    Ok(cases) => tracing::info!(cases, "worker: register entries taken off"),
                    Err(e) => tracing::error!(error = %e, "worker: taking register entries off failed"),
                }
            }
        }
    }
}

async fn retention(store: &Store, events_kept: time::Duration) {
    let now = time::OffsetDateTime::now_utc();
    match sanctuary_app::retention::purge_events(store, now - events_kept).await {
        Ok(0) => {}
        Ok(purged) => tracing::info!(purged, "worker: old events purged"),
        Err(e) => tracing::error!(error = %e, "worker: purging events failed"),
    }
    match sanctuary_app::retention::run(store, now).await {
        Ok(report) if !report.anonymised.is_empty() || report.held > 0 => tracing::info!(
            anonymised = report.anonymised.len(),
            held = report.held,
            "worker: retention ran"
        ),
        Ok(_) => {}
        // Logged and tried again at the next tick; the run is resumable.
        Err(e) => tracing::error!(error = %e, "worker: retention failed"),
    }
}
