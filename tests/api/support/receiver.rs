//! A real webhook receiver for tests: an HTTP server on a random loopback port that
//! records every request and answers as scripted (a status, or a stall past the
//! sender's timeout).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::web::{Bytes, Data};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// What it answered (0: it stalled and the sender gave up).
    pub answered: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// What to answer next.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    Status(u16),
    /// Wait this long, then answer 200 (the sender has given up by then).
    Stall(Duration),
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Answer>,
    received: Vec<Received>,
    /// Every answer is held this long first (to widen races).
    delay: Duration,
    in_flight: usize,
    most_in_flight: usize,
}

#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Receiver {
    /// Starts a receiver answering 200 unless scripted otherwise.
    pub async fn start() -> Receiver {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let shared = inner.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(Data::new(shared.clone()))
                .default_service(actix_web::web::to(receive))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .expect("the receiver binds");
        let port = server.addrs()[0].port();
        let server = server.run();
        tokio::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hooks"),
            inner,
        }
    }

    /// Answers these, in order, to the next requests (then 200 again).
    pub fn script(&self, answers: &[Answer]) {
        self.inner.lock().unwrap().script.extend(answers);
    }

    /// Holds every answer `delay` before giving it.
    pub fn delay_answers(&self, delay: Duration) {
        self.inner.lock().unwrap().delay = delay;
    }

    /// The most requests it was answering at one moment.
    pub fn most_in_flight(&self) -> usize {
        self.inner.lock().unwrap().most_in_flight
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// The requests it answered 2xx.
    pub fn accepted(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.answered))
            .collect()
    }

    /// Waits until `done(received)` holds (at most 20 s).
    pub async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the receiver never got {what}: {received:#?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn receive(
    request: HttpRequest,
    body: Bytes,
    inner: Data<Arc<Mutex<Inner>>>,
) -> HttpResponse {
    let (answer, delay) = {
        let mut inner = inner.lock().unwrap();
        inner.in_flight += 1;
        inner.most_in_flight = inner.most_in_flight.max(inner.in_flight);
        (
            inner.script.pop_front().unwrap_or(Answer::Status(200)),
            inner.delay,
        )
    };
    tokio::time::sleep(delay).await;
    let response = answer_with(&request, &body, &inner, answer).await;
    inner.lock().unwrap().in_flight -= 1;
    response
}

async fn answer_with(
    request: &HttpRequest,
    body: &Bytes,
    inner: &Data<Arc<Mutex<Inner>>>,
    answer: Answer,
) -> HttpResponse {
    let headers = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut received = Received {
        headers,
        body: String::from_utf8_lossy(body.as_ref()).into_owned(),
        answered: 0,
    };
    let status = match answer {
        Answer::Status(s) => s,
        Answer::Stall(wait) => {
            inner.lock().unwrap().received.push(received);
            tokio::time::sleep(wait).await;
            return HttpResponse::Ok().finish();
        }
    };
    received.answered = status;
    inner.lock().unwrap().received.push(received);
    let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
    if (300..400).contains(&status) {
        // Somewhere a sender must not follow to.
        response.insert_header(("Location", "http://127.0.0.1:9/elsewhere"));
    }
    response.body("a receiver's answer, ignored")
}
