//! The access matrix, generated from the OpenAPI document: every operation × every caller
//! role × {its own, another organisation's, another scheme's, a nonexistent} target.
//!
//! Who may do what is declared here by hand from docs/domain.md, not read from the policy
//! under test. Everything not declared must be refused without a 2xx; a refusal for
//! something the caller cannot see must be byte-identical (apart from the request id) to
//! the answer for something that does not exist; and an operation in the spec but not in
//! this file fails the test.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::fixtures::{self, set, today};
use crate::support::http::without_request_id;
use crate::support::{Org, TestApp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Target {
    /// The caller's own: a case it is related to, its scheme, its organisation.
    Own,
    /// Another organisation's case in the same scheme (or another organisation).
    OtherOrg,
    /// A case (or the scheme) of another scheme.
    OtherScheme,
    /// An id or code that does not exist.
    Missing,
    /// Operations on a collection, with no target in the path.
    Collection,
}
use Target::*;

/// The callers: a label, the organisation and the roles in its token.
const CALLERS: &[(&str, &[&str])] = &[
    ("referrer", &["referrer"]),
    ("coordinator", &["coordinator"]),
    ("assessor", &["assessor"]),
    ("contractor", &["contractor"]),
    ("fire_service", &["fire_service"]),
    ("police", &["police"]),
    ("auditor", &["auditor"]),
    ("funder", &["funder"]),
    ("admin", &["admin"]),
    // A member of no scheme whose token claims every role but admin.
    (
        "outsider",
        &[
            "referrer",
            "coordinator",
            "assessor",
            "contractor",
            "fire_service",
            "police",
            "funder",
            "auditor",
        ],
    ),
    // An ordinary organisation's token claiming the admin role.
    ("council_admin", &["admin"]),
    // Organisations that referred, assessed and fitted a case, then left the scheme.
    ("removed_referrer", &["referrer"]),
    ("removed_assessor", &["assessor"]),
    ("removed_contractor", &["contractor"]),
    // Referred a case, then kept only the funder role in the scheme.
    ("demoted_referrer", &["referrer"]),
    // Assessed a case, and held its works order, then were replaced on it (still
    // members of the scheme).
    ("replaced_assessor", &["assessor"]),
    ("replaced_contractor", &["contractor"]),
    // Referred a case, then was deactivated: its tokens are refused outright.
    ("deactivated", &["referrer"]),
];

/// The callers whose ties to a case outlived their membership, and their cases.
struct Former {
    referrer: Org,
    assessor: Org,
    contractor: Org,
    demoted: Org,
    replaced_assessor: Org,
    replaced_contractor: Org,
    /// Assessed and ordered by the replaced ones, then given to others.
    replaced_case: String,
    /// Referred, assessed and fitted by the three removed organisations.
    case: String,
    /// Referred by the demoted referrer.
    demoted_case: String,
    /// Referred by the deactivated organisation while it was active.
    deactivated_case: String,
}

impl Former {
    async fn create(app: &TestApp) -> Former {
        use sanctuary_domain::organisation::{OrganisationKind, Role};
        use sanctuary_persistence::{organisations, schemes};
        let db = app.store.connection();
        let darlington = schemes::find_by_code(db, "darlington")
            .await
            .unwrap()
            .unwrap()
            .id;
        let member = |name: &'static str, kind, role| async move {
            let o = organisations::create(db, name, kind).await.unwrap();
            schemes::add_member(db, darlington, o.id, role)
                .await
                .unwrap();
            Org {
                id: o.id,
                name: o.name,
            }
        };
        let referrer = member(
            "Matrix Former Referrer",
            OrganisationKind::Other,
            Role::Referrer,
        )
        .await;
        let assessor = member(
            "Matrix Former Assessor",
            OrganisationKind::Police,
            Role::Assessor,
        )
        .await;
        let contractor = member(
            "Matrix Former Contractor",
            OrganisationKind::Contractor,
            Role::Contractor,
        )
        .await;
        let demoted = member(
            "Matrix Demoted Referrer",
            OrganisationKind::Other,
            Role::Referrer,
        )
        .await;
        let w = &app.world;
        let refer = |org: &Org| {
            let body = fixtures::eligible(&format!("F-{}", Uuid::now_v7().simple()));
            let org = org.clone();
            async move {
                app.refer_ok(&org, &body).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let case = refer(&referrer).await;
        let council = |action: &'static str, body: Option<Value>| {
            app.act_ok(&w.council, "coordinator", &case, action, body)
        };
        council("accept", None).await;
        council(
            "assign-assessor",
            Some(json!({"organisation_id": assessor.id})),
        )
        .await;
        let assessment = json!({"visit_date": today(), "recommended_measures": [
            {"measure_code": "deadlock", "quantity": 1, "location": "back door"}]});
        let (assessed, _) = app
            .act_ok(
                &assessor,
                "assessor",
                &case,
                "record-assessment",
                Some(assessment),
            )
            .await;
        let item = assessed["works"]["items"][0]["id"].clone();
        council("approve-works", None).await;
        council("record-landlord-permission", Some(landlord_agrees())).await;
        council(
            "order-works",
            Some(json!({"organisation_id": contractor.id})),
        )
        .await;
        app.act_ok(&contractor, "contractor", &case, "start-works", None)
            .await;
        let done =
            json!({"results": [{"item_id": item, "installed": true, "actual_cost_pence": 9_000}]});
        app.act_ok(
            &contractor,
            "contractor",
            &case,
            "complete-works",
            Some(done),
        )
        .await;
        let demoted_case = refer(&demoted).await;
        let replaced_assessor = member(
            "Matrix Replaced Assessor",
            OrganisationKind::Council,
            Role::Assessor,
        )
        .await;
        let replaced_contractor = member(
            "Matrix Replaced Contractor",
            OrganisationKind::Contractor,
            Role::Contractor,
        )
        .await;
        let replaced_case = refer(&w.harbour).await;
        let on_replaced = |action: &'static str, body: Option<Value>| {
            app.act_ok(&w.council, "coordinator", &replaced_case, action, body)
        };
        on_replaced("accept", None).await;
        on_replaced(
            "assign-assessor",
            Some(json!({"organisation_id": replaced_assessor.id})),
        )
        .await;
        let assessment = json!({"visit_date": today(), "recommended_measures": [
            {"measure_code": "deadlock", "quantity": 1, "location": "back door"}]});
        app.act_ok(
            &replaced_assessor,
            "assessor",
            &replaced_case,
            "record-assessment",
            Some(assessment),
        )
        .await;
        on_replaced("approve-works", None).await;
        on_replaced("record-landlord-permission", Some(landlord_agrees())).await;
        on_replaced(
            "order-works",
            Some(json!({"organisation_id": replaced_contractor.id})),
        )
        .await;
        on_replaced(
            "reassign-assessor",
            Some(json!({"organisation_id": w.assessor.id, "reason": "leave"})),
        )
        .await;
        on_replaced(
            "reassign-contractor",
            Some(json!({"organisation_id": w.contractor.id, "reason": "closed"})),
        )
        .await;
        organisations::set_active(db, w.inactive.id, true)
            .await
            .unwrap();
        let deactivated_case = refer(&w.inactive).await;
        organisations::set_active(db, w.inactive.id, false)
            .await
            .unwrap();
        for org in [&referrer, &assessor, &contractor] {
            schemes::set_roles(db, darlington, org.id, &[])
                .await
                .unwrap();
        }
        schemes::set_roles(db, darlington, demoted.id, &[Role::Funder])
            .await
            .unwrap();
        Former {
            referrer,
            assessor,
            contractor,
            demoted,
            replaced_assessor,
            replaced_contractor,
            replaced_case,
            case,
            demoted_case,
            deactivated_case,
        }
    }

    /// The case a former caller was tied to.
    fn case_of(&self, caller: &str) -> Option<&str> {
        match caller {
            "removed_referrer" | "removed_assessor" | "removed_contractor" => Some(&self.case),
            "demoted_referrer" => Some(&self.demoted_case),
            "replaced_assessor" | "replaced_contractor" => Some(&self.replaced_case),
            "deactivated" => Some(&self.deactivated_case),
            _ => None,
        }
    }
}

fn organisation<'w>(app: &'w TestApp, former: &'w Former, caller: &str) -> &'w Org {
    let w = &app.world;
    match caller {
        "removed_referrer" => &former.referrer,
        "removed_assessor" => &former.assessor,
        "removed_contractor" => &former.contractor,
        "demoted_referrer" => &former.demoted,
        "replaced_assessor" => &former.replaced_assessor,
        "replaced_contractor" => &former.replaced_contractor,
        "deactivated" => &w.inactive,
        "referrer" => &w.harbour,
        "coordinator" | "council_admin" => &w.council,
        "assessor" => &w.assessor,
        "contractor" => &w.contractor,
        "fire_service" => &w.fire_service,
        "police" => &w.police,
        "auditor" => &w.auditor,
        "funder" => &w.funder,
        "admin" => &w.operator,
        "outsider" => &w.stranger,
        other => panic!("unknown caller {other}"),
    }
}

/// The landlord's permission granted (the fixtures' homes are rented).
fn landlord_agrees() -> Value {
    json!({"step": "granted", "on": today(), "granted_by": "Letting agent"})
}

/// Who may call an operation: everyone, or these callers on these targets.
enum Allowed {
    Everyone,
    Only(&'static [(&'static str, &'static [Target])]),
}

const COORDINATOR: Allowed = Allowed::Only(&[("coordinator", &[Own, OtherOrg])]);
const FOLLOWERS: Allowed = Allowed::Only(&[
    ("referrer", &[Own]),
    ("coordinator", &[Own, OtherOrg]),
    ("assessor", &[Own]),
]);
const REFERRER_OR_COORDINATOR: Allowed =
    Allowed::Only(&[("referrer", &[Own]), ("coordinator", &[Own, OtherOrg])]);
const ADMIN: Allowed = Allowed::Only(&[("admin", &[Own, OtherOrg, OtherScheme, Collection])]);

/// The declared matrix (docs/domain.md, "Who sees what"). `None`: not declared.
fn allowed(operation: &str) -> Option<Allowed> {
    Some(match operation {
        "create_referral" => Allowed::Only(&[("referrer", &[Collection])]),
        // Lists are filtered to what the caller may read (checked below).
        "list_cases" => Allowed::Everyone,
        "get_case" => Allowed::Only(&[
            ("referrer", &[Own]),
            ("coordinator", &[Own, OtherOrg]),
            ("assessor", &[Own]),
            ("contractor", &[Own]),
            // Only once works are completed (the own case is).
            ("fire_service", &[Own]),
        ]),
        "timeline" | "risk_assessments" | "record_risk_assessment" | "case_consents" => FOLLOWERS,
        // Everyone with a part in the case writes notes and adds documents, and reads
        // those meant for it (which ones: tests/api/notes.rs, tests/api/documents.rs;
        // the matrix's document is shown to every role).
        "write_note" | "list_notes" | "add_document" | "list_documents" | "get_document" => Allowed::Only(&[
            ("referrer", &[Own]),
            ("coordinator", &[Own, OtherOrg]),
            ("assessor", &[Own]),
            ("contractor", &[Own]),
            ("fire_service", &[Own]),
        ]),
        // Only a case with an assessment has a copy (the other organisation's has none).
        "get_assessment" => Allowed::Only(&[
            ("referrer", &[Own]),
            ("coordinator", &[Own]),
            ("assessor", &[Own]),
            ("contractor", &[Own]),
        ]),
        // The letter names the client and their address: the coordinator's alone.
        "export_case"
        | "evidence_letter"
        | "accept"
        | "decline"
        | "assign_assessor"
        | "approve_works"
        | "order_works"
        | "record_contact"
        | "record_follow_up_visit"
        | "record_follow_up_contact"
        | "close"
        | "cancel"
        | "hold"
        | "resume"
        | "set_legal_hold"
        | "record_safeguarding_decision"
        | "review_register_entry"
        | "remove_register_entry"
        | "reassign_assessor"
        | "reassign_contractor"
        | "record_landlord_permission"
        | "order_interim_measures"
        | "record_emergency_accommodation"
        | "order_remedial_works"
        | "record_equipment_review"
        | "order_removal"
        // The matrix books a follow-up visit, which only the coordinator books (the
        // assessor's and contractor's own kinds: tests/api/visits.rs).
        | "book_visit"
        | "delete_document"
        | "reopen" => COORDINATOR,
        "record_visit_outcome" => Allowed::Only(&[
            ("coordinator", &[Own, OtherOrg]),
            ("assessor", &[Own]),
            ("contractor", &[Own]),
        ]),
        "record_interim_measures_fitted" | "complete_remedial_works" | "record_removal" => {
            Allowed::Only(&[("contractor", &[Own])])
        }
        "rectify_referral" | "withdraw" | "record_consent" | "record_referral_made" => {
            REFERRER_OR_COORDINATOR
        }
        "record_assessment" => Allowed::Only(&[("assessor", &[Own])]),
        "start_works" | "complete_works" => Allowed::Only(&[("contractor", &[Own])]),
        "record_fire_check" => {
            Allowed::Only(&[("coordinator", &[Own, OtherOrg]), ("fire_service", &[Own])])
        }
        // Reference data: no case, no personal data.
        "list_measures" | "dash_questions" | "list_holidays" | "problem_type" | "live"
        | "ready" => Allowed::Everyone,
        "put_measure" => Allowed::Only(&[("coordinator", &[Own])]),
        "get_scheme" => Allowed::Only(&[
            ("referrer", &[Own]),
            ("coordinator", &[Own]),
            ("assessor", &[Own]),
            ("contractor", &[Own]),
            ("fire_service", &[Own]),
            ("police", &[Own]),
            ("auditor", &[Own]),
            ("funder", &[Own]),
            ("admin", &[Own, OtherScheme]),
            // Still a member (as funder): a scheme's basics are for every member.
            ("demoted_referrer", &[Own]),
            ("replaced_assessor", &[Own]),
            ("replaced_contractor", &[Own]),
        ]),
        "settings_versions" | "list_members" => {
            Allowed::Only(&[("coordinator", &[Own]), ("admin", &[Own, OtherScheme])])
        }
        "list_schemes"
        | "create_scheme"
        | "update_scheme"
        | "put_settings"
        | "list_organisations"
        | "create_organisation"
        | "get_organisation"
        | "update_organisation"
        | "put_member"
        | "remove_member"
        | "add_holiday"
        | "revoke_token"
        | "events" => ADMIN,
        "get_webhook"
        | "update_webhook"
        | "delete_webhook"
        | "rotate_webhook_secret"
        | "list_deliveries"
        | "retry_delivery" => Allowed::Only(&[
            ("referrer", &[Own]),
            ("coordinator", &[Own]),
            ("assessor", &[Own]),
            ("contractor", &[Own]),
            ("fire_service", &[Own]),
            ("police", &[Own]),
            ("outsider", &[Own]),
            ("removed_referrer", &[Own]),
            ("removed_assessor", &[Own]),
            ("removed_contractor", &[Own]),
            ("demoted_referrer", &[Own]),
            ("replaced_assessor", &[Own]),
            ("replaced_contractor", &[Own]),
        ]),
        "list_audit" => Allowed::Only(&[("auditor", &[Collection])]),
        // Each organisation reads its own events (filtered, checked in events.rs) and
        // manages its own webhooks; the roles that work on no case are refused.
        "list_events" | "create_webhook" | "list_webhooks" => Allowed::Only(&[
            ("referrer", &[Collection]),
            ("coordinator", &[Collection]),
            ("assessor", &[Collection]),
            ("contractor", &[Collection]),
            ("fire_service", &[Collection]),
            ("police", &[Collection]),
            ("outsider", &[Collection]),
            ("removed_referrer", &[Collection]),
            ("removed_assessor", &[Collection]),
            ("removed_contractor", &[Collection]),
            ("demoted_referrer", &[Collection]),
            ("replaced_assessor", &[Collection]),
            ("replaced_contractor", &[Collection]),
        ]),
        // Aggregates only: the coordinator, and its funders (anonymised).
        "monitoring_report" | "safe_accommodation_return" => {
            Allowed::Only(&[("coordinator", &[Collection]), ("funder", &[Collection])])
        }
        // Feedback: given by the scheme's referring agencies, read by its coordinator.
        "give_feedback" => Allowed::Only(&[("referrer", &[Own])]),
        "list_feedback" => Allowed::Only(&[("coordinator", &[Own])]),
        "put_report_note" | "put_budget" => Allowed::Only(&[("coordinator", &[Own])]),
        // The budget: the coordinator, and its funders (their own streams).
        "get_budget" => Allowed::Only(&[("coordinator", &[Own]), ("funder", &[Own])]),
        // The register: the coordinator whole, each emergency service its own entries.
        "list_register" => Allowed::Only(&[
            ("coordinator", &[Collection]),
            ("fire_service", &[Collection]),
            ("police", &[Collection]),
        ]),
        _ => return None,
    })
}

/// A valid body for each operation that takes one; `reference` is the target case's
/// external reference (a rectification keeps it), or a fresh unique value.
fn body(operation: &str, app: &TestApp, unique: &str, reference: &str) -> Option<Value> {
    let w = &app.world;
    let today = today();
    Some(match operation {
        "create_referral" => {
            let mut body = fixtures::minimal();
            set(&mut body, "/external_reference", json!(unique));
            body
        }
        "rectify_referral" => fixtures::eligible(reference),
        "record_risk_assessment" => json!({"dash": {"completed": true, "score": 20}}),
        "record_referral_made" => json!({"type": "idva", "referred_on": "2026-01-05"}),
        "review_register_entry" => json!({}),
        "remove_register_entry" => json!({"reason": "client_moved"}),
        "record_safeguarding_decision" => json!({
            "purpose": "landlord_contact",
            "lawful_basis": "uk_gdpr_6_1_e_public_task",
            "reason": "Landlord must fit the door; client at risk",
            "deciding_officer": "Safeguarding lead",
            "review_on": "2099-01-01"
        }),
        "accept" => json!({}),
        "decline" => json!({"reason": "out_of_area"}),
        "assign_assessor" => json!({"organisation_id": w.assessor.id}),
        "record_assessment" => json!({"visit_date": today, "recommended_measures": [
            {"measure_code": "deadlock", "quantity": 1, "location": "back door"}]}),
        "approve_works" => json!({}),
        "record_landlord_permission" => landlord_agrees(),
        "order_interim_measures" => json!({"organisation_id": w.contractor.id,
            "items": [{"measure_code": "emergency_lock_change", "quantity": 1}]}),
        "record_interim_measures_fitted" => json!({"results": []}),
        "order_remedial_works" => json!({"organisation_id": w.contractor.id}),
        "complete_remedial_works" => json!({"results": []}),
        "record_equipment_review" => json!({"reviewed_on": today,
            "items": [{"measure_code": "safe_room", "condition": "working"}]}),
        "order_removal" => json!({"organisation_id": w.contractor.id,
            "items": [{"measure_code": "safe_room"}], "reason": "client_moved"}),
        "record_removal" => json!({"results": []}),
        "book_visit" => json!({"kind": "follow_up", "on": today, "from": "09:00", "to": "10:00"}),
        "record_visit_outcome" => json!({"kind": "follow_up", "outcome": "client_cancelled"}),
        "reopen" => json!({"reason": "new_incident"}),
        "record_emergency_accommodation" => {
            json!({"placed": true, "kind": "refuge", "on": today})
        }
        "order_works" => json!({"organisation_id": w.contractor.id}),
        "reassign_assessor" => {
            json!({"organisation_id": w.other_assessor.id, "reason": "On leave"})
        }
        "reassign_contractor" => {
            json!({"organisation_id": w.other_contractor.id, "reason": "Closed"})
        }
        "complete_works" => json!({"results": []}),
        "record_contact" => json!({"method": "phone", "outcome": "no_answer"}),
        "record_fire_check" => json!({"checked_on": today, "outcome": "satisfactory"}),
        "record_follow_up_visit" => json!({"visited_on": today}),
        "record_follow_up_contact" => {
            json!({"contacted_on": today, "milestone_months": 3, "feels_safer": "yes"})
        }
        "close" => json!({"reason": "completed"}),
        "cancel" => json!({"reason": "client_moved"}),
        "hold" => json!({"reason": "waiting_for_client"}),
        "withdraw" => json!({}),
        "record_consent" => json!({"purpose": "landlord_contact", "decision": "given",
                                   "method": "verbal", "on": today}),
        "set_legal_hold" => json!({"held": true, "reason": "Solicitor's preservation request"}),
        "put_measure" => json!({"name": "Side gate lock", "report_row": "other",
                                "unit_cost_pence": 4500, "requires_fire_check": false}),
        "create_scheme" => {
            let code = format!("m{}", &unique[unique.len() - 8..]);
            // Letters only, from the unique suffix.
            let prefix: String = unique[unique.len() - 3..]
                .bytes()
                .map(|b| char::from(b'A' + b % 26))
                .collect();
            json!({"code": code, "name": unique, "nation": "scotland", "reference_prefix": prefix})
        }
        "update_scheme" => json!({"name": unique}),
        "put_settings" => json!({}),
        "create_organisation" => json!({"name": unique, "kind": "other"}),
        "update_organisation" => json!({"name": unique}),
        "put_member" => json!({"roles": ["referrer"]}),
        "add_holiday" => {
            json!({"nation": "scotland", "date": "2031-06-14", "name": "One-off bank holiday"})
        }
        "revoke_token" => json!({"jti": Uuid::now_v7()}),
        "put_report_note" => json!({"text": "Working group met"}),
        "put_budget" => json!({"streams": [{"name": "Matrix fund", "amount_pence": 100_000}]}),
        "give_feedback" => json!({"speed": 4, "communication": 4, "outcome": 5}),
        "write_note" => json!({"kind": "case_note", "text": "Matrix note"}),
        // Sent as the raw body (`with_body`).
        "add_document" => json!(MATRIX_PDF),
        "create_webhook" => json!({"url": "http://127.0.0.1:9/hooks"}),
        "update_webhook" => json!({"description": unique}),
        _ => return None,
    })
}

/// The document the matrix uploads.
const MATRIX_PDF: &str = "%PDF-1.7\n% matrix\n";

/// `body` on `request`: JSON, or for an upload the raw file.
fn with_body(
    request: reqwest::RequestBuilder,
    operation: &str,
    body: &Value,
) -> reqwest::RequestBuilder {
    match operation {
        "add_document" => request
            .header("Content-Type", "application/pdf")
            .body(body.as_str().unwrap().to_owned()),
        _ => request.json(body),
    }
}

/// A document on case `id`, uploaded by `coordinator` and shown to every role.
async fn document_on(app: &TestApp, coordinator: &Org, id: &str) -> String {
    let response = app
        .post(&format!(
            "/api/v1/cases/{id}/documents?kind=other&audience=referrer,assessor,contractor,fire_service"
        ))
        .bearer_auth(app.token(coordinator, &["coordinator"]))
        .body(MATRIX_PDF)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let document: Value = response.json().await.unwrap();
    document["id"].as_str().unwrap().to_owned()
}

/// Required query parameters.
fn query(operation: &str) -> &'static str {
    match operation {
        "add_document" => "?kind=other",
        "list_holidays" => "?nation=england_and_wales",
        "list_cases" => "?limit=100",
        "monitoring_report" | "list_register" | "safe_accommodation_return" => "?scheme=darlington",
        "evidence_letter" => "?purpose=housing_benefit",
        _ => "",
    }
}

/// Operations no allowed caller can complete on these cases (the own case has its works
/// completed, no fire check asking for remedial works and nothing ordered out; the
/// other organisation's is just received): they answer 409, which shows the caller got
/// past the policy.
const STATE_BOUND: &[&str] = &[
    "approve_works",
    "assign_assessor",
    "cancel",
    "close",
    "complete_remedial_works",
    "complete_works",
    "order_remedial_works",
    "order_works",
    "reassign_contractor",
    "record_assessment",
    "record_interim_measures_fitted",
    "record_removal",
    "record_visit_outcome",
    "reopen",
    "resume",
    "start_works",
];

struct Operation {
    id: String,
    method: Method,
    path: String,
    if_match: bool,
    has_body: bool,
}

fn operations() -> Vec<Operation> {
    let spec = serde_json::to_value(sanctuary_http::openapi()).unwrap();
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let parameters = operation["parameters"].as_array().cloned();
            operations.push(Operation {
                id: operation["operationId"].as_str().unwrap().to_owned(),
                method,
                path: path.clone(),
                if_match: parameters
                    .unwrap_or_default()
                    .iter()
                    .any(|p| p["in"] == "header" && p["name"] == "If-Match"),
                has_body: operation.get("requestBody").is_some(),
            });
        }
    }
    operations
}

impl Operation {
    fn on_case(&self) -> bool {
        self.path.contains("/cases/{id}")
    }

    fn targets(&self) -> &'static [Target] {
        if self.path.starts_with("/api/v1/webhooks/{id}") {
            &[Own, OtherOrg, Missing]
        } else if self.on_case() {
            &[Own, OtherOrg, OtherScheme, Missing]
        } else if self.path.contains("{organisation_id}")
            || self.path.contains("/schemes/{code}")
            || self.path.contains("{scheme}")
        {
            &[Own, OtherScheme, Missing]
        } else if self.path.contains("/organisations/{id}") {
            &[Own, OtherOrg, Missing]
        } else {
            &[Collection]
        }
    }
}

/// The cases an operation is tried on.
struct Cases {
    /// Referred by the referrer, assessed by the assessor, works completed by the
    /// contractor, in the coordinator's (and fire service's) scheme.
    own: String,
    /// Referred by another referrer in the same scheme; nobody assigned yet.
    other_org: String,
    /// In the other scheme.
    other_scheme: String,
}

impl Cases {
    async fn create(app: &TestApp, other_scheme: &str) -> Cases {
        let own = app.case_with_works(true).await;
        let body = fixtures::eligible(&format!("M-{}", Uuid::now_v7().simple()));
        let other_org = app.refer_ok(&app.world.housing, &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        Cases {
            own,
            other_org,
            other_scheme: other_scheme.to_owned(),
        }
    }
}

/// A path and an If-Match value for `operation` on `target` as `caller`.
async fn resolve(
    app: &TestApp,
    operation: &Operation,
    target: Target,
    caller: &Org,
    cases: &Cases,
    own_case: Option<&str>,
    spare: &Org,
) -> (String, String, String) {
    let w = &app.world;
    let missing = Uuid::now_v7().to_string();
    // A problem type page describes a code, not a resource anyone owns.
    let mut path = operation
        .path
        .replace("/problems/{code}", "/problems/not_found");
    let mut etag = "\"1\"".to_owned();
    let mut reference = format!("R-{}", Uuid::now_v7().simple());
    if operation.on_case() {
        let (id, reader) = match target {
            Own => (own_case.unwrap_or(&cases.own).to_owned(), Some(&w.council)),
            OtherOrg => (cases.other_org.clone(), Some(&w.council)),
            OtherScheme => (cases.other_scheme.clone(), Some(&w.tees_council)),
            _ => (missing, None),
        };
        if let Some(reader) = reader {
            // The current ETag, so a missing check would show as a 2xx, not a 412.
            let response = app
                .get_as(reader, &["coordinator"], &format!("/api/v1/cases/{id}"))
                .await;
            assert_eq!(response.status(), StatusCode::OK);
            etag = response.headers()["etag"].to_str().unwrap().to_owned();
            let case: Value = response.json().await.unwrap();
            if let Some(own) = case["referral"]["external_reference"].as_str() {
                reference = own.to_owned();
            }
        }
        if path.contains("{document}") {
            // A fresh one (a delete removes it), on the target case if there is one.
            let document = match reader {
                Some(coordinator) => document_on(app, coordinator, &id).await,
                None => Uuid::now_v7().to_string(),
            };
            path = path.replace("{document}", &document);
        }
        path = path.replace("{id}", &id);
    } else if operation.path.starts_with("/api/v1/webhooks/{id}") {
        // A fresh endpoint (a delete removes it): the caller's own, or another's.
        let owner = match target {
            Own => Some(caller.id),
            OtherOrg => Some(spare.id),
            _ => None,
        };
        let (endpoint, delivery) = match owner {
            Some(owner) => webhook_with_delivery(app, owner).await,
            None => (Uuid::now_v7(), Uuid::now_v7()),
        };
        path = path
            .replace("{id}", &endpoint.to_string())
            .replace("{delivery}", &delivery.to_string());
    } else if operation.path.contains("/organisations/{id}") {
        let id = match target {
            Own => caller.id.to_string(),
            OtherOrg => spare.id.to_string(),
            _ => missing,
        };
        if target != Missing {
            etag = current_etag(
                app,
                &w.operator,
                &["admin"],
                &format!("/api/v1/admin/organisations/{id}"),
            )
            .await;
        }
        path = path.replace("{id}", &id);
    } else if operation.targets().contains(&OtherScheme) {
        let scheme = match target {
            Own => "darlington",
            OtherScheme => "teesside",
            _ => "nowhere",
        };
        if target != Missing && operation.if_match {
            etag = if operation.path.contains("/budgets/") {
                // The budget's own version (0 before the first).
                let coordinator = match target {
                    Own => &w.council,
                    _ => &w.tees_council,
                };
                current_etag(
                    app,
                    coordinator,
                    &["coordinator"],
                    &format!("/api/v1/schemes/{scheme}/budget?year=2026"),
                )
                .await
            } else {
                current_etag(
                    app,
                    &w.operator,
                    &["admin"],
                    &format!("/api/v1/schemes/{scheme}"),
                )
                .await
            };
        }
        path = if operation.path.contains("{scheme}") {
            path.replace("{scheme}", scheme)
                .replace("{code}", "side_gate_lock")
        } else {
            path.replace("{code}", scheme)
        }
        .replace("{organisation_id}", &spare.id.to_string())
        .replace("{year_start}", "2026-04-01")
        .replace("{year}", "2026")
        .replace("{quarter}", "1");
    }
    assert!(!path.contains('{'), "unresolved path {path}");
    (path, etag, reference)
}

/// A new endpoint of `owner` with one delivery (of the first event).
async fn webhook_with_delivery(app: &TestApp, owner: Uuid) -> (Uuid, Uuid) {
    use sanctuary_persistence::entities::webhook_delivery;
    use sanctuary_persistence::webhooks::{self, NewEndpoint};
    use sea_orm::{ActiveModelTrait, Set};
    let now = time::OffsetDateTime::now_utc();
    let endpoint = webhooks::create(
        &app.store,
        NewEndpoint {
            organisation_id: owner,
            url: "http://127.0.0.1:9/hooks",
            description: None,
            event_types: &[],
            secret: &sanctuary_webhooks::sign::new_secret(),
            at: now,
        },
    )
    .await
    .unwrap();
    let delivery = Uuid::now_v7();
    webhook_delivery::ActiveModel {
        id: Set(delivery),
        endpoint_id: Set(endpoint.id),
        event_seq: Set(1),
        status: Set("failed".into()),
        attempts: Set(1),
        next_attempt_at: Set(now),
        claimed_until: Set(None),
        last_attempt_at: Set(Some(now)),
        last_status: Set(Some(500)),
        last_error: Set(Some("answered 500".into())),
        last_latency_ms: Set(Some(3)),
        delivered_at: Set(None),
        created_at: Set(now),
    }
    .insert(app.store.connection())
    .await
    .unwrap();
    (endpoint.id, delivery)
}

async fn current_etag(app: &TestApp, org: &Org, roles: &[&str], path: &str) -> String {
    let response = app.get_as(org, roles, path).await;
    assert_eq!(response.status(), StatusCode::OK, "reading {path}");
    response.headers()["etag"].to_str().unwrap().to_owned()
}

/// A response with its request id taken out, for byte comparison.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: StatusCode,
    content_type: String,
    body: String,
}

#[tokio::test]
async fn every_operation_for_every_role_and_relation_follows_the_declared_matrix() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let operations = operations();

    // A spec operation without a declaration fails, and so does a declaration without
    // an operation, so the matrix and the contract cannot drift apart.
    let mut undeclared: Vec<&str> = operations
        .iter()
        .filter(|op| allowed(&op.id).is_none())
        .map(|op| op.id.as_str())
        .collect();
    undeclared.sort();
    assert!(
        undeclared.is_empty(),
        "operations missing from the access matrix: {undeclared:?}"
    );
    for op in &operations {
        assert_eq!(
            body(&op.id, &app, "x-00000000", "R-1").is_some(),
            op.has_body,
            "{}: a body is declared exactly when the spec takes one",
            op.id
        );
    }

    let mut tees = fixtures::minimal();
    set(&mut tees, "/scheme", json!("teesside"));
    let other_scheme = app.refer_ok(&w.tees_referrer, &tees).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let spare = {
        let o = sanctuary_persistence::organisations::create(
            app.store.connection(),
            "Matrix Spare Organisation",
            sanctuary_domain::organisation::OrganisationKind::Other,
        )
        .await
        .unwrap();
        Org {
            id: o.id,
            name: o.name,
        }
    };

    let former = Former::create(&app).await;

    let mut cells = 0usize;
    let mut allowed_cells = 0usize;
    let mut succeeded: BTreeSet<String> = BTreeSet::new();
    let mut failures: Vec<String> = Vec::new();
    for op in &operations {
        let cases = if op.on_case() {
            Some(Cases::create(&app, &other_scheme).await)
        } else {
            None
        };
        let declared = allowed(&op.id).unwrap();
        for (label, roles) in CALLERS {
            let org = organisation(&app, &former, label);
            // A deactivated organisation's token is refused before anything else.
            let refused_outright = *label == "deactivated";
            let token = app.token(org, roles);
            let mut answers: BTreeMap<Target, Answer> = BTreeMap::new();
            let mut visible: BTreeMap<Target, bool> = BTreeMap::new();
            for &target in op.targets() {
                let permitted = match &declared {
                    Allowed::Everyone => true,
                    Allowed::Only(list) => list
                        .iter()
                        .any(|(who, targets)| who == label && targets.contains(&target)),
                };
                let dummy = Cases {
                    own: String::new(),
                    other_org: String::new(),
                    other_scheme: String::new(),
                };
                let (path, etag, reference) = resolve(
                    &app,
                    op,
                    target,
                    org,
                    cases.as_ref().unwrap_or(&dummy),
                    former.case_of(label),
                    &spare,
                )
                .await;
                if op.on_case() {
                    let id = path.split('/').nth(4).unwrap();
                    let probe = app.get_as(org, roles, &format!("/api/v1/cases/{id}")).await;
                    visible.insert(target, probe.status() == StatusCode::OK);
                }
                let unique = format!("matrix-{}", Uuid::now_v7().simple());
                let mut request = app
                    .client
                    .request(
                        op.method.clone(),
                        app.url(&format!("{path}{}", query(&op.id))),
                    )
                    .bearer_auth(&token);
                if op.if_match {
                    request = request.header("If-Match", &etag);
                }
                if let Some(body) = body(&op.id, &app, &unique, &reference) {
                    request = with_body(request, &op.id, &body);
                }
                let response = request.send().await.expect("request sent");
                let status = response.status();
                let content_type = response
                    .headers()
                    .get("content-type")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                let text = response.text().await.unwrap();
                cells += 1;
                let cell = format!("{} {} as {label} on {target:?}", op.method, op.id);
                if permitted {
                    allowed_cells += 1;
                    if status.is_success() {
                        succeeded.insert(op.id.clone());
                    } else if refused_outright && status == StatusCode::UNAUTHORIZED {
                        // Reference data may be open; nothing else is.
                    } else if status != StatusCode::CONFLICT {
                        // A 409 is a state rule, checked after the policy let it through.
                        failures.push(format!("{cell}: allowed, but {status}: {text}"));
                    }
                    if op.id == "list_cases" && status.is_success() {
                        check_list(&app, org, roles, &text, &other_scheme, &cell, &mut failures)
                            .await;
                    }
                } else if !refused(status, refused_outright) {
                    failures.push(format!("{cell}: not allowed, but {status}: {text}"));
                }
                answers.insert(
                    target,
                    Answer {
                        status,
                        content_type,
                        body: without_request_id(&text),
                    },
                );
            }
            // What the caller cannot see must look exactly like what does not exist.
            if op.on_case() {
                let missing = &answers[&Missing];
                for target in [Own, OtherOrg, OtherScheme] {
                    if !visible[&target] && answers[&target] != *missing {
                        failures.push(format!(
                            "{} {} as {label}: {target:?} (not visible) answered {:?}, a nonexistent id {:?}",
                            op.method, op.id, answers[&target], missing
                        ));
                    }
                }
                if visible[&OtherScheme] {
                    failures.push(format!(
                        "{} as {label}: another scheme's case is visible",
                        op.id
                    ));
                }
            }
        }
    }
    let never: Vec<&str> = operations
        .iter()
        .map(|op| op.id.as_str())
        .filter(|id| !succeeded.contains(*id))
        .collect();
    eprintln!(
        "access matrix: {} operations × {} callers → {cells} cells ({allowed_cells} allowed); \
         operations never 2xx for an allowed caller in this run: {never:?}",
        operations.len(),
        CALLERS.len(),
    );
    assert!(
        failures.is_empty(),
        "{} of {cells} cells broke the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The bodies are real: everything else succeeded for someone allowed.
    assert_eq!(never, STATE_BOUND, "operations that never got a 2xx");
}

/// A refusal: 403 or 404, or 401 for a caller whose tokens are refused outright.
fn refused(status: StatusCode, outright: bool) -> bool {
    matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND)
        || (outright && status == StatusCode::UNAUTHORIZED)
}

/// Every case a list shows, the caller can read; another scheme's never.
async fn check_list(
    app: &TestApp,
    org: &Org,
    roles: &[&str],
    text: &str,
    other_scheme: &str,
    cell: &str,
    failures: &mut Vec<String>,
) {
    let page: Value = serde_json::from_str(text).unwrap();
    for item in page["items"].as_array().unwrap() {
        let id = item["id"].as_str().unwrap();
        if id == other_scheme {
            failures.push(format!("{cell}: lists another scheme's case"));
        }
        let read = app.get_as(org, roles, &format!("/api/v1/cases/{id}")).await;
        if read.status() != StatusCode::OK {
            failures.push(format!(
                "{cell}: lists a case it cannot read ({})",
                read.status()
            ));
        }
    }
}

/// What a caller gets on a case whose client withdrew consent to share information.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Withdrawn {
    /// Let through (2xx, or a 409 from a state rule), seeing the case's status at most.
    Allowed,
    /// 403: the caller still sees the status, and nothing behind it.
    Forbidden,
    /// 404, exactly as a missing case.
    Hidden,
}

/// Who may do what to a case once the client withdrew consent to share information
/// (works in progress, no agreement to finish them), declared by hand from "Who sees
/// what": the coordinator keeps everything; the referrer and the assessor keep the
/// status and the writes their role allows (recording what the client says, a
/// reassessment, a correction), nothing behind the status; the contractor, the fire
/// service and the police lose the case altogether.
fn when_withdrawn(operation: &str, caller: &str) -> Withdrawn {
    let before = match allowed(operation) {
        Some(Allowed::Everyone) => true,
        Some(Allowed::Only(list)) => list
            .iter()
            .any(|(who, targets)| *who == caller && targets.contains(&Own)),
        None => false,
    };
    let behind_the_status = matches!(
        operation,
        "timeline"
            | "risk_assessments"
            | "get_assessment"
            | "export_case"
            | "evidence_letter"
            | "case_consents"
            | "list_notes"
            | "list_documents"
            | "get_document"
    );
    match caller {
        "coordinator" if before => Withdrawn::Allowed,
        "coordinator" => Withdrawn::Forbidden,
        // A status view: the case, its writes, nothing behind it.
        "referrer" | "assessor" if before && !behind_the_status => Withdrawn::Allowed,
        "referrer" | "assessor" => Withdrawn::Forbidden,
        _ => Withdrawn::Hidden,
    }
}

#[tokio::test]
async fn with_consent_to_share_withdrawn_every_case_operation_follows_the_declared_matrix() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    // The coordinator last: its writes (a reassignment, a closure) change who else is
    // on the case.
    let callers: [(&str, &Org); 6] = [
        ("referrer", &w.harbour),
        ("assessor", &w.assessor),
        ("contractor", &w.contractor),
        ("fire_service", &w.fire_service),
        ("police", &w.police),
        ("coordinator", &w.council),
    ];
    let spare = Org {
        id: Uuid::now_v7(),
        name: "unused".into(),
    };
    let mut cells = 0usize;
    let mut failures = Vec::new();
    for op in operations().iter().filter(|op| op.on_case()) {
        // A fresh case per operation (a write may end it): works under way, the fire
        // service in (an arson risk), then the client withdraws consent to share.
        let own = app.case_with_works(false).await;
        let withdrawal = json!({"purpose": "information_sharing", "decision": "withdrawn",
                                "method": "verbal", "on": today()});
        app.act_ok(
            &w.council,
            "coordinator",
            &own,
            "consents",
            Some(withdrawal),
        )
        .await;
        let cases = Cases {
            own: own.clone(),
            other_org: String::new(),
            other_scheme: String::new(),
        };
        for (label, org) in callers {
            let expected = when_withdrawn(&op.id, label);
            let token = app.token(org, &[label]);
            let mut answers = Vec::new();
            for target in [Own, Missing] {
                let (path, etag, reference) =
                    resolve(&app, op, target, org, &cases, None, &spare).await;
                let unique = format!("withdrawn-{}", Uuid::now_v7().simple());
                let mut request = app
                    .client
                    .request(
                        op.method.clone(),
                        app.url(&format!("{path}{}", query(&op.id))),
                    )
                    .bearer_auth(&token);
                if op.if_match {
                    request = request.header("If-Match", &etag);
                }
                if let Some(body) = body(&op.id, &app, &unique, &reference) {
                    request = with_body(request, &op.id, &body);
                }
                let response = request.send().await.expect("request sent");
                let status = response.status();
                let text = response.text().await.unwrap();
                cells += 1;
                let cell = format!("{} {} as {label} on {target:?}", op.method, op.id);
                let ok = match (target, expected) {
                    (Missing, _) => status == StatusCode::NOT_FOUND,
                    (_, Withdrawn::Allowed) => {
                        status.is_success() || status == StatusCode::CONFLICT
                    }
                    (_, Withdrawn::Forbidden) => status == StatusCode::FORBIDDEN,
                    (_, Withdrawn::Hidden) => status == StatusCode::NOT_FOUND,
                };
                if !ok {
                    failures.push(format!(
                        "{cell}: expected {expected:?}, got {status}: {text}"
                    ));
                }
                // Whatever it may still do, a status view shows nothing identifying.
                if target == Own && status.is_success() && label != "coordinator" {
                    for part in ["\"referral\"", "\"property\"", "\"works\"", "\"clocks\""] {
                        if text.contains(part) {
                            failures.push(format!("{cell}: the answer shows {part}"));
                        }
                    }
                }
                answers.push(without_request_id(&text));
            }
            if expected == Withdrawn::Hidden && answers[0] != answers[1] {
                failures.push(format!(
                    "{} {} as {label}: the withdrawn case answers unlike a missing one",
                    op.method, op.id
                ));
            }
        }
    }
    eprintln!("access matrix with consent to share withdrawn: {cells} cells");
    assert!(
        failures.is_empty(),
        "{} of {cells} cells broke the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
