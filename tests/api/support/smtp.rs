//! A real SMTP listener for tests: speaks enough of RFC 5321 (EHLO/HELO, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT) for a client to deliver, and keeps each message.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One delivered message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body, as sent.
    pub data: String,
}

#[derive(Clone)]
pub struct SmtpListener {
    pub url: String,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpListener {
    pub async fn start() -> SmtpListener {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails: Arc<Mutex<Vec<Mail>>> = Arc::default();
        let kept = mails.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let kept = kept.clone();
                tokio::spawn(async move {
                    let (read, mut write) = socket.into_split();
                    let mut lines = BufReader::new(read).lines();
                    let _ = write.write_all(b"220 test.local ESMTP\r\n").await;
                    let (mut from, mut to) = (String::new(), Vec::new());
                    while let Ok(Some(line)) = lines.next_line().await {
                        let upper = line.to_ascii_uppercase();
                        let reply: &[u8] = if upper.starts_with("EHLO") {
                            b"250-test.local\r\n250 8BITMIME\r\n"
                        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
                            b"250 OK\r\n"
                        } else if upper.starts_with("MAIL FROM:") {
                            from = line[10..].trim().to_owned();
                            b"250 OK\r\n"
                        } else if upper.starts_with("RCPT TO:") {
                            to.push(line[8..].trim().to_owned());
                            b"250 OK\r\n"
                        } else if upper.starts_with("RSET") {
                            (from, to) = (String::new(), Vec::new());
                            b"250 OK\r\n"
                        } else if upper == "DATA" {
                            let _ = write.write_all(b"354 go ahead\r\n").await;
                            let mut data = String::new();
                            while let Ok(Some(l)) = lines.next_line().await {
                                if l == "." {
                                    break;
                                }
                                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                                data.push('\n');
                            }
                            kept.lock().unwrap().push(Mail {
                                from: std::mem::take(&mut from),
                                to: std::mem::take(&mut to),
                                data,
                            });
                            b"250 queued\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        } else {
                            b"502 not implemented\r\n"
                        };
                        if write.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        SmtpListener {
            url: format!("smtp://127.0.0.1:{port}"),
            mails,
        }
    }

    /// Waits until `n` messages arrived (at most 20 s).
    pub async fn wait_for(&self, n: usize) -> Vec<Mail> {
        let started = Instant::now();
        loop {
            let mails = self.mails.lock().unwrap().clone();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "only {} of {n} messages arrived",
                mails.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}
