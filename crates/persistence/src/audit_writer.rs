//! Group commit for the audit records of reads and refusals.
//!
//! A read of personal data is served only once its audit record is durable. One commit
//! per read makes every read wait for its own fsync, one after the other on SQLite's
//! single writer. Here the records of concurrent requests share a commit instead: one
//! task takes whatever has queued while the previous commit ran, appends it in one
//! transaction, commits, and only then answers each waiting request. Durability per
//! record is unchanged (no request is answered before its record is committed); only
//! the number of commits falls. Nothing waits in memory after it has been acknowledged.

use tokio::sync::{mpsc, oneshot};

use crate::audit::{NewAudit, Pending, append_all};
use crate::{Store, StoreError};

/// Records taken into one transaction at most.
const MAX_BATCH: usize = 256;
/// Requests that may wait for a place in the queue before senders wait too.
const QUEUE: usize = 4_096;

struct Job {
    record: Pending,
    done: oneshot::Sender<Result<(), String>>,
}

/// The handle requests use; cheap to clone. The writer task ends when the last handle
/// is dropped, after committing what was queued.
#[derive(Debug, Clone)]
pub struct AuditWriter {
    queue: mpsc::Sender<Job>,
}

impl AuditWriter {
    /// Starts the writer task on the current Tokio runtime.
    pub fn start(store: Store) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE);
        tokio::spawn(run(store, jobs));
        Self { queue }
    }

    /// Appends `new` and returns once it is committed (or the commit failed).
    pub async fn record(&self, new: &NewAudit<'_>) -> Result<(), StoreError> {
        self.record_all(std::slice::from_ref(new)).await
    }

    /// Appends every record of `news` (queued together, so they share commits) and
    /// returns once all are committed, or the first failure.
    pub async fn record_all(&self, news: &[NewAudit<'_>]) -> Result<(), StoreError> {
        let mut waiting = Vec::with_capacity(news.len());
        for new in news {
            let (done, committed) = oneshot::channel();
            let job = Job {
                record: Pending::from(new),
                done,
            };
            self.queue.send(job).await.map_err(|_| stopped())?;
            waiting.push(committed);
        }
        for committed in waiting {
            match committed.await {
                Ok(Ok(())) => {}
                Ok(Err(message)) => {
                    return Err(StoreError::Database {
                        context: "committing an audit record",
                        message,
                        source: None,
                    });
                }
                Err(_) => return Err(stopped()),
            }
        }
        Ok(())
    }
}

fn stopped() -> StoreError {
    StoreError::Database {
        context: "committing an audit record",
        message: "the audit writer has stopped".into(),
        source: None,
    }
}

async fn run(store: Store, mut jobs: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let records: Vec<Pending> = batch.iter().map(|j| j.record.clone()).collect();
        let outcome = commit(&store, &records).await.map_err(|e| {
            tracing::error!(error = %e, records = records.len(), "audit batch not committed");
            e.to_string()
        });
        for job in batch.drain(..) {
            // A request that gave up waiting is gone; its record's fate is the batch's.
            let _ = job.done.send(outcome.clone());
        }
    }
}

async fn commit(store: &Store, records: &[Pending]) -> Result<(), StoreError> {
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    append_all(&*tx, keys, records).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing an audit record"))
}
