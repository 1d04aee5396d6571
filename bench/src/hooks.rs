//! `sanctuary-bench webhooks`: what webhooks cost and how fast they arrive. Registers
//! three endpoints on a receiver started here, then posts referrals as fast as 16
//! clients can in rounds with the endpoints disabled and enabled (the throughput ratio:
//! the median of the rounds'), then posts referrals at a fixed rate and times each event from the
//! moment its referral was sent to its arrival at each endpoint (p50/p99).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::load::{self, Load};

pub struct Hooks {
    pub api: String,
    pub referrer_token: String,
    pub coordinator_token: String,
    pub body: Value,
    pub requests: u64,
    pub rate: f64,
    pub events: u64,
}

/// Measured rounds without and with endpoints.
const ROUNDS: usize = 3;

async fn enable(
    client: &reqwest::Client,
    h: &Hooks,
    endpoints: &[String],
    enabled: bool,
) -> anyhow::Result<()> {
    for id in endpoints {
        let url = format!("{}/api/v1/webhooks/{id}", h.api);
        let current = client
            .get(&url)
            .bearer_auth(&h.coordinator_token)
            .send()
            .await?;
        let etag = current
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let response = client
            .patch(&url)
            .bearer_auth(&h.coordinator_token)
            .header("If-Match", etag)
            .json(&json!({ "enabled": enabled }))
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "switching an endpoint: {}",
            response.text().await?
        );
    }
    Ok(())
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Arrivals: (endpoint path, case id) → when.
type Arrivals = Arc<Mutex<HashMap<(String, String), Instant>>>;

pub async fn run(h: Hooks) -> anyhow::Result<()> {
    let referral = |label: &str, requests, rate| Load {
        url: format!("{}/api/v1/referrals", h.api),
        token: Some(h.referrer_token.clone()),
        body: Some(h.body.clone()),
        unique: Some("/external_reference".into()),
        requests,
        concurrency: 16,
        rate,
        label: label.to_owned(),
    };
    // A first run warms the server (connections, caches).
    load::measure(referral("warm_up", h.requests, None)).await?;

    let arrivals: Arrivals = Arc::default();
    let port = receive(arrivals.clone()).await?;
    let client = reqwest::Client::new();
    let mut endpoints = Vec::new();
    for path in ["a", "b", "c"] {
        let response = client
            .post(format!("{}/api/v1/webhooks", h.api))
            .bearer_auth(&h.coordinator_token)
            .json(&json!({"url": format!("http://127.0.0.1:{port}/{path}"),
                          "event_types": ["case.referral_received"]}))
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "registering an endpoint: {}",
            response.text().await?
        );
        let endpoint: Value = response.json().await?;
        endpoints.push(
            endpoint["webhook"]["id"]
                .as_str()
                .context("no endpoint id")?
                .to_owned(),
        );
    }
    // Rounds alternate without and with the three endpoints enabled, so drift in the
    // machine's speed falls on both sides of each pair.
    let (mut plain, mut hooked) = (Vec::new(), Vec::new());
    let mut drain_seconds = Vec::new();
    for round in 0..ROUNDS {
        enable(&client, &h, &endpoints, false).await?;
        // Each round's label is its own, so its referrals (and idempotency keys) are new.
        let label = format!("post_referral_no_hooks_{round}");
        let without = load::measure(referral(&label, h.requests, None)).await?;
        println!("{without}");
        plain.push(without["throughput"].as_f64().unwrap_or(0.0));
        enable(&client, &h, &endpoints, true).await?;
        let label = format!("post_referral_3_hooks_{round}");
        let with = load::measure(referral(&label, h.requests, None)).await?;
        println!("{with}");
        hooked.push(with["throughput"].as_f64().unwrap_or(0.0));
        // How long the deliveries trailed the burst is part of the cost.
        let ended = Instant::now();
        let expected = (round + 1) * h.requests as usize * 3;
        wait_until(&arrivals, expected, Duration::from_secs(120)).await;
        drain_seconds.push(ended.elapsed().as_secs_f64());
    }
    // Each round's ratio is of two runs a few seconds apart; the median of those is
    // the figure (drift between rounds cancels within a pair).
    let mut ratios: Vec<f64> = hooked
        .iter()
        .zip(&plain)
        .map(|(h, p)| h / p.max(1.0))
        .collect();
    let round_ratios: Vec<f64> = ratios
        .iter()
        .map(|r| (r * 1000.0).round() / 1000.0)
        .collect();
    let ratio = median(&mut ratios);
    let burst = h.requests as usize * 3;
    let drain_seconds = median(&mut drain_seconds);

    // Latency: referrals at a fixed rate, each timed from the moment its POST was sent
    // (an upper bound on commit-to-arrival) to its arrival at each endpoint.
    let acked: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let began = Instant::now();
    let mut tasks = Vec::new();
    for n in 0..h.events {
        tokio::time::sleep_until((began + Duration::from_secs_f64(n as f64 / h.rate)).into()).await;
        let (client, acked, api, token) = (
            client.clone(),
            acked.clone(),
            h.api.clone(),
            h.referrer_token.clone(),
        );
        let mut body = h.body.clone();
        body["external_reference"] = json!(format!("hooks-{}-{n}", std::process::id()));
        tasks.push(tokio::spawn(async move {
            let at = Instant::now();
            let response = client
                .post(format!("{api}/api/v1/referrals"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await?;
            let case: Value = response.json().await?;
            let id = case["id"].as_str().context("no case id")?.to_owned();
            acked.lock().unwrap().insert(id, at);
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    // Every timed case at every endpoint (counting arrivals would be fooled by events
    // of the rounds that reached only some endpoints while they were being switched).
    let acked = acked.lock().unwrap().clone();
    let began = Instant::now();
    while began.elapsed() < Duration::from_secs(120) {
        let all = {
            let arrived = arrivals.lock().unwrap();
            acked.keys().all(|case| {
                ["/a", "/b", "/c"]
                    .iter()
                    .all(|path| arrived.contains_key(&((*path).to_owned(), case.clone())))
            })
        };
        if all {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let arrivals = arrivals.lock().unwrap().clone();
    let mut latencies: Vec<Duration> = arrivals
        .iter()
        .filter_map(|((_, case), at)| {
            acked
                .get(case)
                .map(|ack| at.saturating_duration_since(*ack))
        })
        .collect();
    anyhow::ensure!(!latencies.is_empty(), "no timed event arrived");
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p).round() as usize];
    let ms = |d: Duration| (d.as_secs_f64() * 1e5).round() / 100.0;
    println!(
        "{}",
        json!({
            "scenario": "event_to_receiver",
            "rate": h.rate,
            "events": h.events,
            "endpoints": 3,
            "deliveries_timed": latencies.len(),
            "deliveries_expected": h.events * 3,
            "p50_ms": ms(at(0.5)),
            "p99_ms": ms(at(0.99)),
            "max_ms": ms(*latencies.last().unwrap()),
            "throughput_ratio_3_hooks": (ratio * 1000.0).round() / 1000.0,
            "rounds": ROUNDS,
            "round_ratios": round_ratios,
            "throughput_median_no_hooks": median(&mut plain),
            "throughput_median_3_hooks": median(&mut hooked),
            "burst_deliveries": burst,
            "burst_drained_seconds_after": (drain_seconds * 100.0).round() / 100.0,
        })
    );
    Ok(())
}

async fn wait_until(arrivals: &Arrivals, count: usize, limit: Duration) {
    let began = Instant::now();
    while arrivals.lock().unwrap().len() < count && began.elapsed() < limit {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A minimal HTTP/1.1 receiver (keep-alive, Content-Length bodies) that notes when
/// each `case.referral_received` reached which path; answers 200 at once.
async fn receive(arrivals: Arrivals) -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let arrivals = arrivals.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 16384];
                loop {
                    let Some(head_end) = find(&buffer, b"\r\n\r\n") else {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
                    let length: usize = head
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse().ok())?
                        })
                        .unwrap_or(0);
                    while buffer.len() < head_end + 4 + length {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let arrived = Instant::now();
                    let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
                    let body = &buffer[head_end + 4..head_end + 4 + length];
                    if let Ok(event) = serde_json::from_slice::<Value>(body)
                        && let Some(case) = event["data"]["case_id"].as_str()
                    {
                        // The first arrival counts (a redelivery is not news).
                        arrivals
                            .lock()
                            .unwrap()
                            .entry((path, case.to_owned()))
                            .or_insert(arrived);
                    }
                    buffer.drain(..head_end + 4 + length);
                    if socket
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    Ok(port)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
