//! Documents: uploaded as the body, typed by their content, images without their
//! metadata, read by the coordinator, the uploader and the audience the coordinator
//! chose, downloaded as attachments, deleted by the coordinator with the content gone,
//! hostile files refused or stored safely, oversized ones 413.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Org, TestApp, problem};

async fn upload(
    app: &TestApp,
    org: &Org,
    role: &str,
    case: &str,
    query: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.post(&format!("/api/v1/cases/{case}/documents?{query}"))
        .bearer_auth(app.token(org, &[role]))
        // The header is ignored: the content decides.
        .header("Content-Type", "application/octet-stream")
        .body(body)
        .send()
        .await
        .expect("request sent")
}

async fn upload_ok(
    app: &TestApp,
    org: &Org,
    role: &str,
    case: &str,
    query: &str,
    body: Vec<u8>,
) -> Value {
    let response = upload(app, org, role, case, query, body).await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{json:#}");
    json
}

/// How many `case.document_added` events of `case` the feed gives `org` as `role`.
async fn told(app: &TestApp, org: &Org, role: &str, case: &str) -> usize {
    crate::events::feed(app, org, &[role])
        .await
        .iter()
        .filter(|e| e["type"] == "case.document_added" && e["data"]["case_id"] == case)
        .count()
}

async fn download(app: &TestApp, org: &Org, role: &str, href: &str) -> reqwest::Response {
    app.get_as(org, &[role], href).await
}

async fn listed(app: &TestApp, org: &Org, role: &str, case: &str) -> Vec<String> {
    let response = app
        .get_as(org, &[role], &format!("/api/v1/cases/{case}/documents"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: Vec<Value> = response.json().await.unwrap();
    list.iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A PDF of `len` bytes (several storage chunks when large) holding `marker`.
pub(crate) fn pdf(len: usize, marker: &str) -> Vec<u8> {
    let mut body = format!("%PDF-1.7\n% {marker}\n").into_bytes();
    let mut i = 0u32;
    while body.len() < len {
        body.extend_from_slice(format!("{i} 0 obj << /Page {i} >> endobj\n").as_bytes());
        i += 1;
    }
    body.truncate(len);
    body
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    chunk
}

/// A PNG whose header claims `size` × `size` pixels, with a GPS position in an EXIF
/// chunk and a text chunk.
fn png(size: u32, gps: &str) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = size.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&size.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(
        b"eXIf",
        format!("MM\0*GPSLatitude {gps}").as_bytes(),
    ));
    png.extend(png_chunk(
        b"tEXt",
        format!("Comment\0taken at {gps}").as_bytes(),
    ));
    png.extend(png_chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

fn jpeg_segment(marker: u8, contents: &[u8]) -> Vec<u8> {
    let mut segment = vec![0xFF, marker];
    segment.extend_from_slice(&((contents.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(contents);
    segment
}

/// A JPEG with a JFIF header, an EXIF segment holding a GPS position and camera, an XMP
/// segment and a comment.
fn jpeg(gps: &str) -> Vec<u8> {
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend(jpeg_segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    jpeg.extend(jpeg_segment(
        0xE1,
        format!("Exif\0\0GPSLatitude {gps} Canon EOS").as_bytes(),
    ));
    jpeg.extend(jpeg_segment(
        0xE1,
        format!("http://ns.adobe.com/xap/1.0/\0<x:gps>{gps}</x:gps>").as_bytes(),
    ));
    jpeg.extend(jpeg_segment(0xFE, format!("shot at {gps}").as_bytes()));
    jpeg.extend(jpeg_segment(0xDB, &[0; 65]));
    jpeg.extend(jpeg_segment(0xC0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
    jpeg.extend(jpeg_segment(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
    jpeg.extend_from_slice(&[0x12, 0x34, 0x56]);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    jpeg
}

#[tokio::test]
async fn a_document_reaches_the_coordinator_its_uploader_and_the_audience_chosen() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.case_with_works(false).await;
    // 600 kB: three storage chunks.
    let report = pdf(600_000, "crime prevention officer's report");
    let stored = upload_ok(
        &app,
        &w.council,
        "coordinator",
        &case,
        "kind=assessment_report&audience=assessor",
        report.clone(),
    )
    .await;
    assert_eq!(stored["type"], "pdf");
    assert_eq!(stored["content_type"], "application/pdf");
    assert_eq!(stored["size_bytes"], 600_000);
    assert_eq!(
        stored["audience"],
        serde_json::json!(["coordinator", "assessor"])
    );
    assert_eq!(stored["uploaded_by"]["id"], serde_json::json!(w.council.id));
    let href = stored["href"].as_str().unwrap().to_owned();

    let response = download(&app, &w.assessor, "assessor", &href).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"assessment_report-"),
        "{disposition}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers.contains_key("content-security-policy"));
    assert_eq!(response.bytes().await.unwrap().to_vec(), report);

    // The referrer is not in the audience: not listed, and downloading it is a 404.
    assert!(listed(&app, &w.harbour, "referrer", &case).await.is_empty());
    problem(
        download(&app, &w.harbour, "referrer", &href).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Only the coordinator names an audience.
    let widened = upload(
        &app,
        &w.harbour,
        "referrer",
        &case,
        "kind=photo&audience=contractor",
        png(1, "x"),
    )
    .await;
    problem(widened, StatusCode::FORBIDDEN).await;
    let own = upload_ok(
        &app,
        &w.harbour,
        "referrer",
        &case,
        "kind=consent_form",
        pdf(2_000, "signed"),
    )
    .await;
    let own_id = own["id"].as_str().unwrap().to_owned();
    assert_eq!(
        listed(&app, &w.harbour, "referrer", &case).await,
        std::slice::from_ref(&own_id)
    );
    assert_eq!(
        listed(&app, &w.assessor, "assessor", &case).await,
        [stored["id"].as_str().unwrap().to_owned()]
    );
    assert_eq!(
        listed(&app, &w.council, "coordinator", &case).await.len(),
        2
    );
    assert!(
        listed(&app, &w.contractor, "contractor", &case)
            .await
            .is_empty()
    );
    // Those who may read a document are told it was added; nobody else.
    assert_eq!(told(&app, &w.council, "coordinator", &case).await, 2);
    assert_eq!(told(&app, &w.assessor, "assessor", &case).await, 1);
    assert_eq!(told(&app, &w.harbour, "referrer", &case).await, 1);
    assert_eq!(told(&app, &w.contractor, "contractor", &case).await, 0);

    // The coordinator deletes; the referrer may not. The content and key are gone, the
    // timeline keeps both records.
    let own_href = own["href"].as_str().unwrap().to_owned();
    let refused = app
        .client
        .delete(app.url(&own_href))
        .bearer_auth(app.token(&w.harbour, &["referrer"]))
        .send()
        .await
        .unwrap();
    problem(refused, StatusCode::FORBIDDEN).await;
    let deleted = app
        .client
        .delete(app.url(&own_href))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    problem(
        download(&app, &w.council, "coordinator", &own_href).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(listed(&app, &w.harbour, "referrer", &case).await.is_empty());
    let chunks = app
        .rows_for(
            "SELECT seq FROM case_document_chunks WHERE document_id = $1",
            &own_id,
        )
        .await;
    assert!(chunks.is_empty());
    let key = app
        .rows_for(
            "SELECT id FROM case_documents WHERE id = $1 AND data_key IS NOT NULL",
            &own_id,
        )
        .await;
    assert!(key.is_empty());
    let timeline = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{case}/timeline"),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(timeline.contains("\"add_document\"") && timeline.contains("\"delete_document\""));
    assert!(!timeline.contains("crime prevention officer"));
    let downloads = app
        .number("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'read_documents' AND outcome = 'allowed'")
        .await;
    assert!(downloads >= 6, "{downloads}");
}

/// A photo as a phone sends it: a 64 × 64 HEIC made by libheif's `heif-enc`, given a GPS
/// position and a camera in EXIF and again in XMP by `exiftool` (12.57).
const HEIC_WITH_GPS: &[u8] = include_bytes!("fixtures/photo-with-gps.heic");

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[tokio::test]
async fn an_heic_photo_loses_its_exif_and_xmp_and_keeps_its_image() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.case_with_works(false).await;
    let original = HEIC_WITH_GPS;
    // What the fixture holds: the camera in EXIF and XMP, the position in XMP as text.
    assert!(find(original, b"Exif\0\0MM").is_some());
    assert!(find(original, b"exif:GPSLatitude").is_some());
    assert!(find(original, b"CanaryCam 9000").is_some());
    assert!(find(original, b"CanaryCam XMP").is_some());
    let stored = upload_ok(
        &app,
        &w.council,
        "coordinator",
        &case,
        "kind=photo",
        original.to_vec(),
    )
    .await;
    assert_eq!(stored["type"], "heic");
    assert_eq!(stored["content_type"], "image/heic");
    let response = download(
        &app,
        &w.council,
        "coordinator",
        stored["href"].as_str().unwrap(),
    )
    .await;
    assert_eq!(response.headers()["content-type"], "image/heic");
    let body = response.bytes().await.unwrap().to_vec();
    for gone in [
        &b"Exif\0\0MM"[..],
        b"exif:GPSLatitude",
        b"GPSLongitude",
        b"CanaryCam",
    ] {
        assert_eq!(find(&body, gone), None, "{}", String::from_utf8_lossy(gone));
    }
    // Blanked where it lay: the same length, and the coded image byte for byte as sent
    // (the fixture's last 70 bytes: heif-enc's mdat, before which exiftool put the
    // metadata).
    assert_eq!(body.len(), original.len());
    let image = original.len() - 70;
    assert!(find(original, b"Exif\0\0MM").unwrap() < image);
    assert_eq!(body[image..], original[image..]);
    assert_eq!(&body[4..12], b"ftypheic");
    // An HEIC whose item locations point past its end cannot be cleaned: refused.
    let iloc = find(original, b"iloc").unwrap();
    let mut broken = original.to_vec();
    broken[iloc + 8..iloc + 40].fill(0xFF);
    let p = problem(
        upload(&app, &w.council, "coordinator", &case, "kind=photo", broken).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    assert_eq!(p["code"], "unsupported_document_type");
}

#[tokio::test]
async fn images_lose_their_metadata_and_hostile_files_are_refused_or_stored_safely() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.case_with_works(false).await;
    let gps = "54.5253N1.5526W";
    for (name, image, kept) in [
        ("jpeg", jpeg(gps), &b"JFIF"[..]),
        // A header claiming 30,000 × 30,000 pixels costs nothing: nothing is decoded.
        ("png", png(30_000, gps), &b"IHDR"[..]),
    ] {
        let stored = upload_ok(
            &app,
            &w.council,
            "coordinator",
            &case,
            "kind=photo",
            image.clone(),
        )
        .await;
        assert_eq!(stored["type"], name);
        let body = download(
            &app,
            &w.council,
            "coordinator",
            stored["href"].as_str().unwrap(),
        )
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains(gps),
            "{name}: the GPS position is still there"
        );
        assert!(!text.contains("Canon"), "{name}: the camera is still there");
        assert!(
            body.windows(kept.len()).any(|w| w == kept),
            "{name}: the image itself went"
        );
        assert!(body.len() < image.len());
    }
    // As a form (what a browser sends): the part's name for the file and its type are
    // ignored, `../../etc/passwd` included; the content decides and is cleaned the same.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(jpeg(gps))
            .file_name("../../etc/passwd")
            .mime_str("text/html")
            .unwrap(),
    );
    let response = app
        .post(&format!("/api/v1/cases/{case}/documents?kind=photo"))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["type"], "jpeg");
    let body = download(
        &app,
        &w.council,
        "coordinator",
        stored["href"].as_str().unwrap(),
    )
    .await
    .bytes()
    .await
    .unwrap();
    assert!(!String::from_utf8_lossy(&body).contains(gps));
    assert!(!String::from_utf8_lossy(&body).contains("passwd"));
    let misnamed =
        reqwest::multipart::Form::new().part("photo", reqwest::multipart::Part::bytes(jpeg(gps)));
    let response = app
        .post(&format!("/api/v1/cases/{case}/documents?kind=photo"))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .multipart(misnamed)
        .send()
        .await
        .unwrap();
    let p = problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["pointer"], "/file");
    // Not a type the service takes, whatever they claim: a zip (bomb or not), an HTML
    // page, a script, JSON, nothing at all.
    let zip = b"PK\x03\x04\x14\0\0\0\x08\0"
        .iter()
        .copied()
        .chain(std::iter::repeat_n(0u8, 4096))
        .collect();
    for (what, body) in [
        ("zip", zip),
        ("html", b"<html><script>alert(1)</script></html>".to_vec()),
        ("script", b"#!/bin/sh\nrm -rf /\n".to_vec()),
        ("json", b"{\"kind\": \"photo\"}".to_vec()),
        ("empty", Vec::new()),
    ] {
        let p = problem(
            upload(&app, &w.council, "coordinator", &case, "kind=other", body).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        )
        .await;
        assert_eq!(p["code"], "unsupported_document_type", "{what}");
    }
    // A JPEG or PNG cut short cannot be cleaned, so it is not taken.
    let mut truncated = png(10, gps);
    truncated.truncate(30);
    let p = problem(
        upload(
            &app,
            &w.council,
            "coordinator",
            &case,
            "kind=photo",
            truncated,
        )
        .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    assert_eq!(p["code"], "unsupported_document_type");
    // A truncated PDF and a PDF that is also an HTML page are stored as sent: the service
    // never renders them, and serves them only as attachments that must not be sniffed.
    for body in [
        b"%PDF-1.4\n1 0 obj <<".to_vec(),
        b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>".to_vec(),
    ] {
        let stored = upload_ok(
            &app,
            &w.council,
            "coordinator",
            &case,
            "kind=other",
            body.clone(),
        )
        .await;
        let response = download(
            &app,
            &w.council,
            "coordinator",
            stored["href"].as_str().unwrap(),
        )
        .await;
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.bytes().await.unwrap().to_vec(), body);
    }
    // A name is never taken, so `../../etc/passwd` has nowhere to go: not as a
    // parameter, and a request header naming it is ignored; the download's name is made
    // of the kind and the id.
    let named = upload(
        &app,
        &w.council,
        "coordinator",
        &case,
        "kind=other&filename=../../etc/passwd",
        pdf(100, "x"),
    )
    .await;
    problem(named, StatusCode::UNPROCESSABLE_ENTITY).await;
    let response = app
        .post(&format!("/api/v1/cases/{case}/documents?kind=other"))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .header(
            "Content-Disposition",
            "attachment; filename=\"../../etc/passwd\"",
        )
        .body(pdf(100, "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored: Value = response.json().await.unwrap();
    let response = download(
        &app,
        &w.council,
        "coordinator",
        stored["href"].as_str().unwrap(),
    )
    .await;
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        disposition,
        format!(
            "attachment; filename=\"other-{}.pdf\"",
            stored["id"].as_str().unwrap()
        )
    );
}

#[tokio::test]
async fn a_document_over_the_limit_is_413_and_the_limit_is_configurable() {
    let app = TestApp::spawn_configured(None, |s| s.documents.max_bytes = 100_000).await;
    let w = &app.world;
    let case = app.case_with_works(false).await;
    upload_ok(
        &app,
        &w.council,
        "coordinator",
        &case,
        "kind=other",
        pdf(100_000, "fits"),
    )
    .await;
    let p = problem(
        upload(
            &app,
            &w.council,
            "coordinator",
            &case,
            "kind=other",
            pdf(100_001, "over"),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(p["code"], "payload_too_large");
    // Sent without a length, it is cut off when it passes the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = pdf(300_000, "streamed")
        .chunks(10_000)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let streamed = app
        .post(&format!("/api/v1/cases/{case}/documents?kind=other"))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    problem(streamed, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_eq!(
        listed(&app, &w.council, "coordinator", &case).await.len(),
        1
    );
    // What the refused upload had written is gone.
    let orphans = "SELECT COUNT(*) AS n FROM case_document_chunks \
                   WHERE document_id NOT IN (SELECT id FROM case_documents)";
    assert_eq!(app.number(orphans).await, 0);

    // An upload a crash cut off leaves chunks nobody can read (the key was never
    // stored); the retention run sweeps them once they are old enough.
    let mut cut_off = sanctuary_persistence::documents::Spool::new(&app.store);
    cut_off.push(&pdf(600_000, "cut off")).await.unwrap();
    drop(cut_off);
    assert_eq!(app.number(orphans).await, 2);
    let now = time::OffsetDateTime::now_utc();
    sanctuary_app::retention::run(&app.store, now)
        .await
        .unwrap();
    assert_eq!(
        app.number(orphans).await,
        2,
        "an upload under way is not swept"
    );
    sanctuary_app::retention::run(&app.store, now + time::Duration::hours(7))
        .await
        .unwrap();
    assert_eq!(app.number(orphans).await, 0);
}

/// The peak resident memory of process `pid`, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

#[tokio::test]
async fn twenty_uploads_of_ten_mebibytes_at_once_keep_the_servers_memory_flat() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.case_with_works(false).await;
    let dir = tempfile::tempdir().unwrap();
    let config = crate::crash::config(dir.path());
    let mut server = crate::crash::start(&app, &config, dir.path()).await;
    let pid = server.child.id();
    let token = app.token(&w.council, &["coordinator"]);
    let client = reqwest::Client::new();
    // Warm up (connections, statement caches), then measure the peak from here.
    let warm = client
        .post(format!(
            "{}/api/v1/cases/{case}/documents?kind=other",
            server.base
        ))
        .bearer_auth(&token)
        .body(pdf(1_000_000, "warm"))
        .send()
        .await
        .unwrap();
    assert_eq!(warm.status(), StatusCode::CREATED);
    let before = peak_rss_kib(pid);
    let size = 10 * 1024 * 1024;
    let uploads = (0..20).map(|i| {
        let (client, token, base, case) = (
            client.clone(),
            token.clone(),
            server.base.clone(),
            case.clone(),
        );
        async move {
            client
                .post(format!("{base}/api/v1/cases/{case}/documents?kind=other"))
                .bearer_auth(token)
                .body(pdf(size, &format!("upload {i}")))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let statuses = futures_util::future::join_all(uploads).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::CREATED),
        "{statuses:?}"
    );
    let after = peak_rss_kib(pid);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let growth_mib = (after.saturating_sub(before)) / 1024;
    eprintln!(
        "documents: 20 concurrent uploads of 10 MiB: server peak RSS {} MiB before, {} MiB after (+{growth_mib} MiB)",
        before / 1024,
        after / 1024
    );
    // Held whole, the bodies alone would be 200 MiB; streamed, a chunk per upload.
    assert!(growth_mib < 64, "peak RSS grew by {growth_mib} MiB");
    assert_eq!(
        listed(&app, &w.council, "coordinator", &case).await.len(),
        21
    );
}

#[tokio::test]
async fn the_schemes_quotas_per_case_and_per_organisation_are_413_each() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    crate::support::http::change_settings(&app, |s| {
        s["documents"] = serde_json::json!({
            "per_case": 2, "bytes_per_case": 50_000, "bytes_per_organisation": 70_000
        });
    })
    .await;
    let case = app.case_with_works(false).await;
    let other = app.case_with_works(false).await;
    let up = |case: String, len: usize| {
        let app = &app;
        async move {
            upload(
                app,
                &w.council,
                "coordinator",
                &case,
                "kind=other",
                pdf(len, "q"),
            )
            .await
        }
    };
    let first = up(case.clone(), 30_000).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    // 20,000 bytes left on the case.
    let p = problem(
        up(case.clone(), 30_000).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert_eq!(p["code"], "document_quota_reached");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("documents.bytes_per_case")
    );
    assert_eq!(up(case.clone(), 10_000).await.status(), StatusCode::CREATED);
    let p = problem(up(case.clone(), 1_000).await, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert!(p["detail"].as_str().unwrap().contains("documents.per_case"));
    // The council has uploaded 40,000 of its 70,000 bytes: 30,000 left on another case.
    let p = problem(
        up(other.clone(), 40_000).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("documents.bytes_per_organisation")
    );
    // A deleted document no longer counts.
    let deleted = app
        .client
        .delete(app.url(first["href"].as_str().unwrap()))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        up(other.clone(), 40_000).await.status(),
        StatusCode::CREATED
    );
    // Another organisation's own quota is its own.
    let referrers = upload(
        &app,
        &w.harbour,
        "referrer",
        &other,
        "kind=other",
        pdf(5_000, "r"),
    )
    .await;
    assert_eq!(referrers.status(), StatusCode::CREATED);
}
