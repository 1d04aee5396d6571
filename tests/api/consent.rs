//! Consent in force: changes recorded by the coordinator or the referrer, and their
//! effects on what each organisation sees and may do.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::fixtures::{self, set, today};
use crate::support::{TestApp, problem};

fn change(purpose: &str, decision: &str) -> Value {
    json!({"purpose": purpose, "decision": decision, "method": "verbal", "on": today(),
           "evidence_note": "Client phoned the IDVA service"})
}

fn eligible() -> Value {
    let mut body = fixtures::minimal();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    body
}

#[tokio::test]
async fn withdrawing_information_sharing_leaves_identifiable_data_to_the_coordinator() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(false).await;
    let mut body = change("information_sharing", "withdrawn");
    body["works_may_continue"] = json!(true);
    let (case, _) = app
        .act_ok(&w.harbour, "referrer", &id, "consents", Some(body))
        .await;
    // The referrer's own response is already the narrowed view.
    assert_eq!(case["view"], "status");
    assert!(case.get("referral").is_none(), "{case:#}");
    let (coordinator, _) = app.read(&w.council, "coordinator", &id).await;
    assert_eq!(coordinator["view"], "full");
    assert!(coordinator["referral"]["client"]["name"].is_string());
    let (assessor, _) = app.read(&w.assessor, "assessor", &id).await;
    assert_eq!(assessor["view"], "status");
    // The contractor finishes the works the client agreed to, seeing the property.
    let (contractor, _) = app.read(&w.contractor, "contractor", &id).await;
    assert_eq!(contractor["view"], "contractor");
    // The timeline has the change, not the evidence.
    let timeline: Value = app
        .get_as(
            &w.council,
            &["coordinator"],
            &format!("/api/v1/cases/{id}/timeline"),
        )
        .await
        .json()
        .await
        .unwrap();
    let last = timeline.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "record_consent");
    assert_eq!(last["data"]["purpose"], "information_sharing");
    assert_eq!(last["data"]["decision"], "withdrawn");
    assert!(!timeline.to_string().contains("phoned"));

    // Without the client's agreement to finish, the contractor loses the case.
    let again = app.case_with_works(false).await;
    app.act_ok(
        &w.council,
        "coordinator",
        &again,
        "consents",
        Some(change("information_sharing", "withdrawn")),
    )
    .await;
    let gone = app
        .get_as(
            &w.contractor,
            &["contractor"],
            &format!("/api/v1/cases/{again}"),
        )
        .await;
    problem(gone, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn withdrawing_installation_consent_withdraws_the_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &eligible()).await;
    let id = case["id"].as_str().unwrap();
    app.act_ok(&w.council, "coordinator", id, "accept", None)
        .await;
    let (case, _) = app
        .act_ok(
            &w.harbour,
            "referrer",
            id,
            "consents",
            Some(change("installation", "withdrawn")),
        )
        .await;
    assert_eq!(case["status"], "withdrawn");
    assert!(
        case["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["state"] != "running"),
        "{:#}",
        case["clocks"]
    );
    // Only a consent that was given can be withdrawn.
    let (_, etag) = app.read(&w.council, "coordinator", id).await;
    let response = app
        .act(
            &w.council,
            "coordinator",
            id,
            "consents",
            &etag,
            Some(change("installation", "withdrawn")),
        )
        .await;
    problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    // Other organisations cannot record consent.
    let response = app
        .act(
            &w.assessor,
            "assessor",
            id,
            "consents",
            &etag,
            Some(change("installation", "given")),
        )
        .await;
    assert!(
        [StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&response.status()),
        "{}",
        response.status()
    );
}

#[tokio::test]
async fn refused_follow_up_and_landlord_contact_refuse_their_actions() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // The client agrees to follow-up contact before the works are finished.
    let id = app.case_with_works(false).await;
    app.act_ok(
        &w.harbour,
        "referrer",
        &id,
        "consents",
        Some(change("follow_up_contact", "given")),
    )
    .await;
    let (works, _) = app.read(&w.contractor, "contractor", &id).await;
    let results: Vec<Value> = works["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| json!({"item_id": i["id"], "installed": true, "actual_cost_pence": 10_000}))
        .collect();
    let (case, _) = app
        .act_ok(
            &w.contractor,
            "contractor",
            &id,
            "complete-works",
            Some(json!({"results": results})),
        )
        .await;
    assert!(
        case.get("clocks").is_none(),
        "the contractor sees no clocks"
    );
    let (case, _) = app.read(&w.council, "coordinator", &id).await;
    assert!(
        case["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "follow_up_contact_3_months" && c["state"] == "running"),
        "{:#}",
        case["clocks"]
    );
    let (case, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            &id,
            "consents",
            Some(change("follow_up_contact", "withdrawn")),
        )
        .await;
    let follow_ups: Vec<&Value> = case["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"].as_str().unwrap().starts_with("follow_up_contact"))
        .collect();
    assert!(!follow_ups.is_empty());
    assert!(
        follow_ups.iter().all(|c| c["state"] == "cancelled"),
        "{follow_ups:#?}"
    );
    let (_, etag) = app.read(&w.council, "coordinator", &id).await;
    let contact = json!({"contacted_on": today(), "milestone_months": 3, "feels_safer": "yes"});
    let response = app
        .act(
            &w.council,
            "coordinator",
            &id,
            "record-follow-up-contact",
            &etag,
            Some(contact),
        )
        .await;
    let body = problem(response, StatusCode::CONFLICT).await;
    assert_eq!(body["code"], "follow_up_consent_required");

    let other = app.refer_ok(&w.harbour, &eligible()).await;
    let other = other["id"].as_str().unwrap();
    app.act_ok(
        &w.council,
        "coordinator",
        other,
        "consents",
        Some(change("landlord_contact", "refused")),
    )
    .await;
    let (_, etag) = app.read(&w.council, "coordinator", other).await;
    let hold = json!({"reason": "waiting_for_landlord"});
    let response = app
        .act(&w.council, "coordinator", other, "hold", &etag, Some(hold))
        .await;
    let body = problem(response, StatusCode::CONFLICT).await;
    assert_eq!(body["code"], "consent_required");
}

#[tokio::test]
async fn the_coordinator_exports_everything_held_about_the_client() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut body = fixtures::full();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    let case = app.refer_ok(&w.harbour, &body).await;
    let id = case["id"].as_str().unwrap();
    let contact = json!({"method": "phone", "outcome": "spoke_to_client",
                         "notes": "Client prefers calls after 6pm"});
    app.act_ok(
        &w.council,
        "coordinator",
        id,
        "record-contact",
        Some(contact),
    )
    .await;
    // A note the referrer wrote for itself and the coordinator: the client's export
    // holds every note, whoever it was written for.
    let written = app
        .post(&format!("/api/v1/cases/{id}/notes"))
        .bearer_auth(app.token(&w.harbour, &["referrer"]))
        .json(&json!({"kind": "case_note", "text": "Client asked us to speak to her sister"}))
        .send()
        .await
        .unwrap();
    assert_eq!(written.status(), StatusCode::CREATED);
    let document = app
        .post(&format!("/api/v1/cases/{id}/documents?kind=consent_form"))
        .bearer_auth(app.token(&w.harbour, &["referrer"]))
        .body("%PDF-1.7\n% consent form\n")
        .send()
        .await
        .unwrap();
    assert_eq!(document.status(), StatusCode::CREATED);
    app.act_ok(
        &w.harbour,
        "referrer",
        id,
        "consents",
        Some(change("landlord_contact", "withdrawn")),
    )
    .await;
    let path = format!("/api/v1/cases/{id}/export");
    let stranger = app.get_as(&w.stranger, &["coordinator"], &path).await;
    problem(stranger, StatusCode::NOT_FOUND).await;
    let referrer = app.get_as(&w.harbour, &["referrer"], &path).await;
    problem(referrer, StatusCode::FORBIDDEN).await;

    let response = app.get_as(&w.council, &["coordinator"], &path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let export: Value = response.json().await.unwrap();
    assert_eq!(export["case"]["referral"]["client"], body["client"]);
    let history = export["consent_history"].as_array().unwrap();
    assert_eq!(history.len(), 5, "{history:#?}");
    assert_eq!(history[4]["purpose"], "landlord_contact");
    assert_eq!(history[4]["decision"], "withdrawn");
    assert_eq!(history[4]["on"], json!(today()));
    assert_eq!(
        history[4]["recorded_by_organisation_id"],
        json!(w.harbour.id)
    );
    let notes: Vec<&str> = export["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        [
            "Client prefers calls after 6pm",
            "Client asked us to speak to her sister",
            "Client phoned the IDVA service"
        ]
    );
    // Every document is listed, and downloadable by the coordinator.
    let documents = export["documents"].as_array().unwrap();
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0]["kind"], "consent_form");
    let content = app
        .get_as(
            &w.council,
            &["coordinator"],
            documents[0]["href"].as_str().unwrap(),
        )
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&content[..], b"%PDF-1.7\n% consent form\n");
    let actions: Vec<&str> = export["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create_referral",
            "record_contact",
            "write_note",
            "add_document",
            "record_consent"
        ]
    );
    // Who accessed it: including the refused attempts and this export.
    let log: Vec<(String, String)> = export["access_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        log.contains(&("export_case".into(), "denied".into())),
        "{log:?}"
    );
    assert_eq!(log.first().unwrap().0, "create_referral");
    assert_eq!(
        log.last().unwrap(),
        &("export_case".to_owned(), "allowed".to_owned())
    );
}

/// Reported by an outside test: after information sharing was withdrawn, the referrer
/// still read the DASH score and MARAC date through the case's history.
#[tokio::test]
async fn withdrawn_sharing_closes_every_read_behind_the_status() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(true).await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "consents",
        Some(change("information_sharing", "withdrawn")),
    )
    .await;
    for path in ["timeline", "risk-assessments", "assessment"] {
        for (org, role) in [(&w.harbour, "referrer"), (&w.assessor, "assessor")] {
            let response = app
                .get_as(org, &[role], &format!("/api/v1/cases/{id}/{path}"))
                .await;
            let body = problem(response, StatusCode::FORBIDDEN).await;
            let text = body.to_string();
            assert!(!text.contains("dash") && !text.contains("marac"), "{text}");
        }
        let coordinator = app
            .get_as(
                &w.council,
                &["coordinator"],
                &format!("/api/v1/cases/{id}/{path}"),
            )
            .await;
        assert_eq!(coordinator.status(), StatusCode::OK, "{path}");
    }
    // The list shows the referrer the status only, as the case does.
    let list: Value = app
        .get_as(&w.harbour, &["referrer"], "/api/v1/cases?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id.as_str())
        .cloned()
        .unwrap();
    assert!(listed.get("referral").is_none(), "{listed:#}");
    assert!(!listed.to_string().contains("dash_score"), "{listed:#}");
}

/// Reported by an outside test: the referrer re-gave a consent the coordinator had
/// recorded as withdrawn.
#[tokio::test]
async fn a_withdrawn_consent_is_re_given_only_by_who_recorded_the_withdrawal_or_the_coordinator() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &eligible()).await;
    let id = case["id"].as_str().unwrap();
    app.act_ok(
        &w.council,
        "coordinator",
        id,
        "consents",
        Some(change("information_sharing", "withdrawn")),
    )
    .await;
    let (_, etag) = app.read(&w.harbour, "referrer", id).await;
    let response = app
        .act(
            &w.harbour,
            "referrer",
            id,
            "consents",
            &etag,
            Some(change("information_sharing", "given")),
        )
        .await;
    problem(response, StatusCode::FORBIDDEN).await;
    let (still, _) = app.read(&w.harbour, "referrer", id).await;
    assert_eq!(still["view"], "status");
    // The coordinator may; so may the referrer for a withdrawal it recorded itself.
    let (back, _) = app
        .act_ok(
            &w.council,
            "coordinator",
            id,
            "consents",
            Some(change("information_sharing", "given")),
        )
        .await;
    assert_eq!(back["view"], "full");
    app.act_ok(
        &w.harbour,
        "referrer",
        id,
        "consents",
        Some(change("information_sharing", "withdrawn")),
    )
    .await;
    let (again, _) = app
        .act_ok(
            &w.harbour,
            "referrer",
            id,
            "consents",
            Some(change("information_sharing", "given")),
        )
        .await;
    assert_eq!(again["view"], "full");
}

#[tokio::test]
async fn the_case_shows_the_consents_in_force_and_who_changed_them() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &eligible()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    assert_eq!(case["workflow"]["consents"]["information_sharing"], "given");
    assert_eq!(case["workflow"]["consents"]["landlord_contact"], "refused");

    // The referrer records a follow-up withdrawal; the coordinator a sharing withdrawal.
    app.act_ok(
        &w.harbour,
        "referrer",
        &id,
        "consents",
        Some(change("follow_up_contact", "withdrawn")),
    )
    .await;
    let mut body = change("information_sharing", "withdrawn");
    body["evidence_note"] = json!("CANARY-EVIDENCE client rang the council");
    let (case, _) = app
        .act_ok(&w.council, "coordinator", &id, "consents", Some(body))
        .await;
    let consents = &case["workflow"]["consents"];
    assert_eq!(consents["information_sharing"], "withdrawn");
    assert_eq!(consents["follow_up_contact"], "withdrawn");
    assert_eq!(consents["installation"], "given");
    // The form as given is kept apart, unchanged.
    assert_eq!(case["referral"]["consents"]["information_sharing"], "given");
    assert_eq!(
        case["blocked_by"],
        json!(["information_sharing_consent_refused"])
    );
    assert_eq!(case["can_progress"], false);

    let path = format!("/api/v1/cases/{id}/consents");
    let response = app.get_as(&w.council, &["coordinator"], &path).await;
    assert_eq!(response.status(), StatusCode::OK);
    let view: Value = response.json().await.unwrap();
    assert_eq!(view["in_force"], case["workflow"]["consents"]);
    let history = view["history"].as_array().unwrap();
    assert_eq!(
        history.len(),
        6,
        "four form answers and two changes: {history:#?}"
    );
    assert!(history[..4].iter().all(|h| h["recorded_at"].is_null()));
    assert_eq!(history[4]["purpose"], "follow_up_contact");
    assert_eq!(
        history[4]["recorded_by_organisation_id"],
        json!(w.harbour.id)
    );
    assert_eq!(
        history[4]["evidence_note"],
        "Client phoned the IDVA service"
    );
    assert_eq!(history[5]["purpose"], "information_sharing");
    assert_eq!(history[5]["decision"], "withdrawn");
    assert_eq!(
        history[5]["recorded_by_organisation_id"],
        json!(w.council.id)
    );
    assert_eq!(
        history[5]["evidence_note"],
        "CANARY-EVIDENCE client rang the council"
    );
    // With the status view left, the referrer does not read the history.
    let referrer = app.get_as(&w.harbour, &["referrer"], &path).await;
    problem(referrer, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn only_the_coordinator_reads_the_evidence_of_a_consent_change() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let case = app.refer_ok(&w.harbour, &eligible()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    app.act_ok(
        &w.harbour,
        "referrer",
        &id,
        "consents",
        Some(change("follow_up_contact", "withdrawn")),
    )
    .await;
    let path = format!("/api/v1/cases/{id}/consents");
    let text = app
        .get_as(&w.harbour, &["referrer"], &path)
        .await
        .text()
        .await
        .unwrap();
    let view: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(view["history"][4]["decision"], "withdrawn");
    assert!(view["history"][4]["evidence_note"].is_null());
    assert!(!text.contains("IDVA service"), "{text}");
}

/// Every read of a case in the contract (`GET /api/v1/cases/{id}…`), so a read path
/// added later is covered without being named here.
fn case_reads() -> Vec<String> {
    let spec = serde_json::to_value(sanctuary_http::openapi()).unwrap();
    spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, item)| path.starts_with("/api/v1/cases/{id}") && item.get("get").is_some())
        .map(|(path, _)| path.clone())
        .collect()
}

#[tokio::test]
async fn a_withdrawal_of_sharing_is_applied_on_every_read_of_the_case() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(false).await;
    // A document shown to every role, for the reads of one.
    let document: Value = app
        .post(&format!(
            "/api/v1/cases/{id}/documents?kind=other&audience=referrer,assessor,contractor,fire_service"
        ))
        .bearer_auth(app.token(&w.council, &["coordinator"]))
        .body("%PDF-1.7\n% for everyone\n")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let document = document["id"].as_str().unwrap().to_owned();
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "consents",
        Some(change("information_sharing", "withdrawn")),
    )
    .await;
    let reads = case_reads();
    assert!(reads.len() >= 6, "{reads:?}");
    for read in &reads {
        let mut path = read.replace("{id}", &id).replace("{document}", &document);
        let letter = read.ends_with("/evidence-letter");
        if letter {
            path.push_str("?purpose=housing_benefit");
        }
        // The coordinator still reads everything (the letter: past the policy, to the
        // rule that the works are not yet fitted).
        let response = app.get_as(&w.council, &["coordinator"], &path).await;
        if letter {
            let p = problem(response, StatusCode::CONFLICT).await;
            assert_eq!(p["code"], "no_measures_fitted");
        } else {
            assert_eq!(response.status(), StatusCode::OK, "coordinator {read}");
        }
        // The referrer and the assessor keep the case's status and nothing behind it.
        for (org, role) in [(&w.harbour, "referrer"), (&w.assessor, "assessor")] {
            let response = app.get_as(org, &[role], &path).await;
            if read == "/api/v1/cases/{id}" {
                assert_eq!(response.status(), StatusCode::OK);
                let case: Value = response.json().await.unwrap();
                assert_eq!(case["view"], "status", "{role}");
                assert!(case.get("referral").is_none() && case.get("property").is_none());
            } else {
                let status = response.status();
                assert!(
                    status == StatusCode::FORBIDDEN,
                    "{role} {read}: {status} {}",
                    response.text().await.unwrap()
                );
            }
        }
        // The contractor (no agreement to finish the works) and the fire service lose
        // the case altogether: it answers as a missing one.
        for (org, role) in [
            (&w.contractor, "contractor"),
            (&w.fire_service, "fire_service"),
        ] {
            let response = app.get_as(org, &[role], &path).await;
            problem(response, StatusCode::NOT_FOUND).await;
        }
    }
    // Lists agree, and no later event reaches those who lost the case.
    for (org, role) in [
        (&w.contractor, "contractor"),
        (&w.fire_service, "fire_service"),
    ] {
        let page: Value = app
            .get_as(org, &[role], "/api/v1/cases?limit=100")
            .await
            .json()
            .await
            .unwrap();
        assert!(
            page["items"].as_array().unwrap().is_empty(),
            "{role}: {page}"
        );
    }
    let before = app
        .get_as(
            &w.contractor,
            &["contractor"],
            "/api/v1/events?after=0&limit=100",
        )
        .await
        .text()
        .await
        .unwrap();
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "record-contact",
        Some(json!({"method": "phone", "outcome": "no_answer"})),
    )
    .await;
    let after = app
        .get_as(
            &w.contractor,
            &["contractor"],
            "/api/v1/events?after=0&limit=100",
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(before, after, "nothing more reaches the contractor");
    assert!(before.contains("case.consent_withdrawn"));
}

#[tokio::test]
async fn withdrawing_installation_stops_the_works_and_tells_the_contractor() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = app.case_with_works(false).await;
    let (case, _) = app.read(&w.contractor, "contractor", &id).await;
    assert_eq!(case["status"], "works_in_progress");
    let (case, _) = app
        .act_ok(
            &w.harbour,
            "referrer",
            &id,
            "consents",
            Some(change("installation", "withdrawn")),
        )
        .await;
    // DOMAIN: withdrawal stops the case.
    assert_eq!(case["status"], "withdrawn");
    let (_, etag) = app.read(&w.contractor, "contractor", &id).await;
    let results = json!({"results": []});
    let refused = app
        .act(
            &w.contractor,
            "contractor",
            &id,
            "complete-works",
            &etag,
            Some(results),
        )
        .await;
    problem(refused, StatusCode::CONFLICT).await;
    let (_, etag) = app.read(&w.contractor, "contractor", &id).await;
    let refused = app
        .act(&w.contractor, "contractor", &id, "start-works", &etag, None)
        .await;
    let p = problem(refused, StatusCode::CONFLICT).await;
    assert_eq!(p["code"], "consent_required");
    // The contractor was told (no detail of which consent).
    let feed = app
        .get_as(
            &w.contractor,
            &["contractor"],
            "/api/v1/events?after=0&limit=100",
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(feed.contains("case.consent_withdrawn"), "{feed}");
    assert!(!feed.contains("installation"), "{feed}");
}
