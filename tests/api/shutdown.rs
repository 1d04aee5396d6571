//! Graceful shutdown: a stop (what SIGTERM triggers) lets in-flight requests finish.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{TestApp, fixtures};

#[tokio::test]
async fn stopping_drains_a_request_already_in_flight() {
    let app = TestApp::spawn().await;
    let body = fixtures::minimal().to_string();
    let token = app.token(&app.world.harbour, &["referrer"]);
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/referrals HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let (first, rest) = body.split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    // The request is half-received. Ask the server to stop gracefully.
    let handle = app.handle();
    let stopping = tokio::spawn(async move { handle.stop(true).await });
    tokio::time::sleep(Duration::from_millis(300)).await;

    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(
        response.starts_with("HTTP/1.1 201"),
        "{}",
        response.lines().next().unwrap_or_default()
    );
    tokio::time::timeout(Duration::from_secs(10), stopping)
        .await
        .expect("stopped")
        .unwrap();

    // The case was committed, and the server no longer accepts connections. A fresh
    // pool reads it back: the app's pool may hold connections the server's worker
    // runtimes opened, and those runtimes are gone now.
    assert!(TcpStream::connect(&address).await.is_err());
    let store = sanctuary_persistence::Store::connect(
        app.database_url(),
        &sanctuary_persistence::StoreOptions::default(),
    )
    .await
    .unwrap();
    let darlington =
        sanctuary_persistence::schemes::memberships_of(store.connection(), app.world.harbour.id)
            .await
            .unwrap()
            .into_iter()
            .map(|(scheme, _)| scheme)
            .collect();
    let page = sanctuary_persistence::cases::list(
        store.connection(),
        &sanctuary_persistence::cases::CaseQuery {
            visibility: vec![sanctuary_persistence::cases::Visibility::ReferredBy(
                app.world.harbour.id,
                darlington,
            )],
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.len(), 1);
}
