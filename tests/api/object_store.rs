//! Documents in an S3-compatible object store. Run when `TEST_S3_URL` names
//! one (CI starts moto's S3 server; MinIO serves as well), each test in a bucket of its
//! own; without it they say so and pass, as the PostgreSQL runs do without their URL.

use std::sync::Arc;

use reqwest::StatusCode;
use sanctuary_persistence::documents::blobs::DocumentBlobs;
use sanctuary_server::config::ObjectStoreSettings;
use serde_json::Value;

use crate::documents::pdf;
use crate::support::TestApp;

fn s3_url() -> Option<String> {
    std::env::var("TEST_S3_URL")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A fresh bucket at `url`, and the settings that name it.
async fn fresh_bucket(url: &str) -> ObjectStoreSettings {
    let bucket = format!("sanctuary-{}", uuid::Uuid::now_v7().simple());
    let created = reqwest::Client::new()
        .put(format!("{url}/{bucket}"))
        .send()
        .await
        .expect("the object store answers");
    assert!(created.status().is_success(), "{}", created.status());
    ObjectStoreSettings {
        bucket,
        endpoint: Some(url.to_owned()),
        region: "us-east-1".into(),
        access_key_id: Some("test".into()),
        secret_access_key: Some("test".to_owned().into()),
        allow_http: true,
        prefix: "sanctuary/".into(),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn documents_go_to_the_object_store_as_ciphertext_and_leave_it_when_deleted() {
    let Some(url) = s3_url() else {
        eprintln!("skipped: TEST_S3_URL names no S3-compatible store");
        return;
    };
    let objects = fresh_bucket(&url).await;
    let blobs = objects.open().unwrap();
    // Before the object store is turned on: a document in the database.
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.case_with_works(false).await;
    let token = app.token(&w.council, &["coordinator"]);
    let canary = "CANARY-objects-7Q2W";
    let upload = |base: String, body: Vec<u8>| {
        let (client, token, case) = (app.client.clone(), token.clone(), case.clone());
        async move {
            let response = client
                .post(format!("{base}/api/v1/cases/{case}/documents?kind=other"))
                .bearer_auth(token)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            response.json::<Value>().await.unwrap()
        }
    };
    let download = |base: String, href: String| {
        let (client, token) = (app.client.clone(), token.clone());
        async move {
            let response = client
                .get(format!("{base}{href}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.bytes().await.unwrap().to_vec()
        }
    };
    let earlier = pdf(100_000, canary);
    let in_database = upload(app.address.clone(), earlier.clone()).await;
    let chunk_rows = "SELECT COUNT(*) AS n FROM case_document_chunks";
    let rows_before = app.number(chunk_rows).await;
    assert!(rows_before > 0);
    // Turned on (an instance on the same database): new documents go to the bucket.
    let configured = objects.clone();
    let instance = app
        .second_instance_with(move |s| s.documents.object_store = Some(configured))
        .await;
    // 600 kB: three chunks, three objects.
    let report = pdf(600_000, canary);
    let in_bucket = upload(instance.address.clone(), report.clone()).await;
    let id: uuid::Uuid = in_bucket["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(app.number(chunk_rows).await, rows_before, "no chunk rows");
    assert_eq!(blobs.documents().await.unwrap(), vec![id]);
    for seq in 0..3 {
        let sealed = blobs.get(id, seq).await.unwrap().expect("a chunk object");
        assert!(
            !contains(&sealed, canary.as_bytes()),
            "chunk {seq} is plain"
        );
        assert!(!contains(&sealed, b"%PDF"), "chunk {seq} is plain");
    }
    assert_eq!(blobs.get(id, 3).await.unwrap(), None);
    // Both read back whole, each from where it is.
    let href = |d: &Value| d["href"].as_str().unwrap().to_owned();
    assert_eq!(
        download(instance.address.clone(), href(&in_bucket)).await,
        report
    );
    assert_eq!(
        download(instance.address.clone(), href(&in_database)).await,
        earlier
    );
    // A chunk changed in the bucket fails to open: the download is cut short.
    let mut sealed = blobs.get(id, 1).await.unwrap().unwrap();
    sealed[40] ^= 1;
    blobs.put(id, 1, sealed).await.unwrap();
    let response = app
        .client
        .get(format!("{}{}", instance.address, href(&in_bucket)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(
        response.bytes().await.is_err(),
        "a tampered chunk was served"
    );
    // Deleted: its objects go with its key.
    let deleted = app
        .client
        .delete(format!("{}{}", instance.address, href(&in_bucket)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(blobs.documents().await.unwrap(), Vec::<uuid::Uuid>::new());
}

#[tokio::test]
async fn the_sweep_removes_objects_no_document_holds_and_spares_uploads_in_progress() {
    let Some(url) = s3_url() else {
        eprintln!("skipped: TEST_S3_URL names no S3-compatible store");
        return;
    };
    let objects = fresh_bucket(&url).await;
    let configured = objects.clone();
    let app =
        TestApp::spawn_configured(None, move |s| s.documents.object_store = Some(configured)).await;
    let w = &app.world;
    let case = app.case_with_works(false).await;
    let kept = app
        .post(&format!("/api/v1/cases/{case}/documents?kind=other"))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .body(pdf(1_000, "kept"))
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), StatusCode::CREATED);
    let kept: uuid::Uuid = kept.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let blobs = Arc::new(objects.open().unwrap());
    // An upload a crash cut off two days ago (its id is when it began), and one going
    // on now.
    let now = time::OffsetDateTime::now_utc();
    let two_days_ago = now - time::Duration::days(2);
    let stale = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        two_days_ago.unix_timestamp() as u64,
        0,
    ));
    let in_progress = uuid::Uuid::now_v7();
    blobs.put(stale, 0, vec![1; 64]).await.unwrap();
    blobs.put(in_progress, 0, vec![2; 64]).await.unwrap();
    let store = app.store.clone().with_blobs(blobs.clone());
    sanctuary_app::retention::run(&store, now).await.unwrap();
    let mut left = blobs.documents().await.unwrap();
    left.sort();
    let mut expected = vec![kept, in_progress];
    expected.sort();
    assert_eq!(left, expected);
}
