//! `sanctuary-bench load`: sends exactly `requests` HTTP requests, `concurrency` at a
//! time, optionally paced to a fixed arrival rate (so latency is measured without
//! coordinated omission), and prints one JSON line: throughput, latency percentiles
//! (from send time, or from the scheduled time when paced), non-2xx count.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use tokio::sync::Semaphore;

pub struct Load {
    pub url: String,
    pub token: Option<String>,
    /// A JSON body to POST; `None` for GET.
    pub body: Option<Value>,
    /// A JSON pointer in the body set to a fresh value per request (e.g. the partner's
    /// reference), and sent as the Idempotency-Key too.
    pub unique: Option<String>,
    pub requests: u64,
    pub concurrency: usize,
    /// Requests per second to start; `None`: as fast as `concurrency` allows.
    pub rate: Option<f64>,
    pub label: String,
}

pub async fn run(load: Load) -> anyhow::Result<()> {
    println!("{}", measure(load).await?);
    Ok(())
}

/// Sends the load; its figures as JSON.
pub async fn measure(load: Load) -> anyhow::Result<Value> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(load.concurrency)
        .build()?;
    let load = Arc::new(load);
    let permits = Arc::new(Semaphore::new(load.concurrency));
    let failures = Arc::new(AtomicU64::new(0));
    // Non-2xx answers by status (0: no answer), so a failing scenario says why.
    let statuses = Arc::new(Mutex::new(BTreeMap::<u16, u64>::new()));
    let run_id = std::process::id();
    let began = Instant::now();
    let mut tasks = Vec::with_capacity(load.requests as usize);
    for n in 0..load.requests {
        let scheduled = match load.rate {
            Some(rate) => {
                let at = began + Duration::from_secs_f64(n as f64 / rate);
                tokio::time::sleep_until(at.into()).await;
                Some(at)
            }
            None => None,
        };
        let permit = permits.clone().acquire_owned().await?;
        let (client, load, failures, statuses) = (
            client.clone(),
            load.clone(),
            failures.clone(),
            statuses.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let mut request = match &load.body {
                Some(body) => {
                    let mut body = body.clone();
                    if let Some(pointer) = &load.unique {
                        let key = format!("bench-{run_id}-{}-{n}", load.label);
                        if let Some(slot) = body.pointer_mut(pointer) {
                            *slot = json!(key);
                        }
                        client
                            .post(&load.url)
                            .header("Idempotency-Key", key)
                            .json(&body)
                    } else {
                        client.post(&load.url).json(&body)
                    }
                }
                None => client.get(&load.url),
            };
            if let Some(token) = &load.token {
                request = request.bearer_auth(token);
            }
            let status = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    // Read the whole body: the server's work includes sending it.
                    match response.bytes().await {
                        Ok(_) => status.as_u16(),
                        Err(_) => 0,
                    }
                }
                Err(_) => 0,
            };
            if !(200..300).contains(&status) {
                failures.fetch_add(1, Ordering::Relaxed);
                *statuses.lock().unwrap().entry(status).or_default() += 1;
            }
            drop(permit);
            scheduled.unwrap_or(sent).elapsed()
        }));
    }
    let mut latencies = Vec::with_capacity(tasks.len());
    for task in tasks {
        latencies.push(task.await.context("a request task failed")?);
    }
    let seconds = began.elapsed().as_secs_f64();
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    let ms = |d: Duration| (d.as_secs_f64() * 1e5).round() / 100.0;
    Ok(json!({
            "scenario": load.label,
            "requests": load.requests,
            "concurrency": load.concurrency,
            "rate": load.rate,
            "seconds": (seconds * 100.0).round() / 100.0,
            "throughput": (load.requests as f64 / seconds).round(),
            "p50_ms": ms(at(0.5)),
            "p99_ms": ms(at(0.99)),
            "errors": failures.load(Ordering::Relaxed),
            "error_statuses": statuses.lock().unwrap().iter()
                .map(|(status, n)| (status.to_string(), json!(n)))
                .collect::<serde_json::Map<_, _>>(),
    }))
}
