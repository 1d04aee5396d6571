//! The OpenAPI contract: committed, complete, and what the server serves.

use std::path::Path;

use sanctuary_domain::case::{CaseFlag, CaseStatus, ProgressBlock};
use sanctuary_domain::consent::{ConsentDecision, ConsentMethod};
use sanctuary_domain::dash::DashAnswer;
use sanctuary_domain::organisation::ReferralSource;
use sanctuary_domain::referral::{
    AccommodationType, Disability, Ethnicity, Gender, SexualOrientation, Tenure, YesNo,
};
use sanctuary_domain::risk::RiskLevel;
use sanctuary_domain::violation::ViolationCode;
use sanctuary_http::errors::ErrorCode;
use serde_json::Value;

use crate::support::TestApp;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
const REGENERATE: &str = "cargo run -q -- openapi > openapi/openapi.json";

fn generated() -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(&sanctuary_http::openapi()).unwrap()
    )
}

fn spec() -> Value {
    serde_json::to_value(sanctuary_http::openapi()).unwrap()
}

#[test]
fn the_committed_openapi_document_is_up_to_date() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    let generated = generated();
    if committed != generated {
        let diff = similar::TextDiff::from_lines(&committed, &generated);
        let shown: String = diff
            .unified_diff()
            .context_radius(2)
            .to_string()
            .lines()
            .take(80)
            .collect::<Vec<_>>()
            .join("\n");
        panic!(
            "openapi/openapi.json is out of date. Regenerate it with:\n\n    {REGENERATE}\n\n{shown}"
        );
    }
}

#[tokio::test]
async fn the_server_serves_the_same_document() {
    let app = TestApp::spawn().await;
    let served: Value = app
        .get("/api-docs/openapi.json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(served, spec());
}

#[test]
fn the_committed_examples_are_the_shared_canonical_examples() {
    let shared = repository().join("../shared/examples");
    if !shared.exists() {
        eprintln!("../shared/examples is not beside the repository; skipping the comparison");
        return;
    }
    for name in ["referral-full.json", "referral-minimal.json"] {
        let ours =
            std::fs::read_to_string(repository().join("openapi/examples").join(name)).unwrap();
        let theirs = std::fs::read_to_string(shared.join(name)).unwrap();
        assert_eq!(
            ours, theirs,
            "openapi/examples/{name} differs from ../shared/examples/{name}"
        );
    }
}

/// The repository's root (the suite belongs to the `sanctuary-server` package).
fn repository() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn enum_values(spec: &Value, schema: &str) -> Vec<String> {
    let values = spec["components"]["schemas"][schema]["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{schema} is not an enum schema"));
    values
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn spellings<T: ToString>(all: &[T]) -> Vec<String> {
    all.iter().map(ToString::to_string).collect()
}

#[test]
fn the_spec_lists_every_enum_value_in_its_wire_spelling() {
    let spec = spec();
    let checks: Vec<(&str, Vec<String>)> = vec![
        ("Gender", spellings(Gender::ALL)),
        ("YesNo", spellings(YesNo::ALL)),
        ("SexualOrientation", spellings(SexualOrientation::ALL)),
        ("Ethnicity", spellings(Ethnicity::ALL)),
        ("Disability", spellings(Disability::ALL)),
        ("AccommodationType", spellings(AccommodationType::ALL)),
        ("Tenure", spellings(Tenure::ALL)),
        ("ConsentDecision", spellings(ConsentDecision::ALL)),
        ("ConsentMethod", spellings(ConsentMethod::ALL)),
        ("DashAnswer", spellings(DashAnswer::ALL)),
        ("CaseStatus", spellings(CaseStatus::ALL)),
        ("CaseFlag", spellings(CaseFlag::ALL)),
        ("ProgressBlock", spellings(ProgressBlock::ALL)),
        ("RiskLevel", spellings(RiskLevel::ALL)),
        ("ReferralSource", spellings(ReferralSource::ALL)),
        ("ViolationCode", spellings(ViolationCode::ALL)),
        (
            "ErrorCode",
            ErrorCode::ALL
                .iter()
                .map(|c| c.as_str().to_owned())
                .collect(),
        ),
    ];
    for (schema, expected) in checks {
        assert_eq!(enum_values(&spec, schema), expected, "{schema}");
    }
    let ethnicity = enum_values(&spec, "Ethnicity");
    assert_eq!(
        ethnicity.len(),
        21,
        "19 ONS categories, self-describe and prefer not to say"
    );
    for value in enum_values(&spec, "Ethnicity")
        .iter()
        .chain(&enum_values(&spec, "CaseStatus"))
    {
        assert!(
            value
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{value} is snake_case"
        );
    }
}

#[test]
fn the_spec_states_limits_and_requirements() {
    let spec = spec();
    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["ClientSection"]["properties"]["name"]["maxLength"],
        200
    );
    assert_eq!(
        schemas["ClientSection"]["properties"]["unsafe_contact_times"]["maxLength"],
        1000
    );
    assert_eq!(schemas["ReferralForm"]["additionalProperties"], false);
    let required: Vec<&str> = schemas["ReferralForm"]["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        required,
        [
            "scheme",
            "referrer",
            "client",
            "household",
            "safety",
            "consents"
        ]
    );
    let limit = spec["paths"]["/api/v1/cases"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!(limit["schema"]["maximum"], 100);
    assert_eq!(limit["schema"]["minimum"], 1);
}

#[test]
fn every_operation_is_tagged_summarised_and_documents_its_errors() {
    let spec = spec();
    let public = [
        "/health/live",
        "/health/ready",
        "/api/v1/dash-questions",
        "/problems/{code}",
    ];
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{method} {path}");
            assert!(
                !op["tags"].as_array().unwrap().is_empty(),
                "{name} has a tag"
            );
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has a summary"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{name} documents 500");
            if public.contains(&path.as_str()) {
                assert!(op.get("security").is_none(), "{name} is public");
            } else {
                // Administration has its own scheme (OWASP API5: admin security unique).
                let scheme = if path.starts_with("/api/v1/admin/") {
                    "admin_bearer"
                } else {
                    "bearer"
                };
                assert_eq!(
                    op["security"],
                    serde_json::json!([{ scheme: [] }]),
                    "{name} is secured"
                );
                assert!(responses.contains_key("401"), "{name} documents 401");
            }
            if op.get("requestBody").is_some() {
                for status in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(status), "{name} documents {status}");
                }
            }
        }
    }
    // Referrals, cases (list, read, timeline, consents, risk history, export, the
    // evidence letter, rectify, notes (2), documents (4)), 38 actions
    // (with consents, legal hold, the landlord's permission, reassignments, interim
    // measures, emergency accommodation, reopening, the register's review and removal,
    // remedial works, equipment reviews and removals, visits), measures (2), DASH
    // questions, health (2); holidays, scheme reads (3), administration (13), audit; the
    // register; the budget (2); referrers' feedback (2); the safe-accommodation return;
    // problem types.
    assert_eq!(operations, 95);
    for scheme in ["bearer", "admin_bearer"] {
        let declared = &spec["components"]["securitySchemes"][scheme];
        assert_eq!(declared["scheme"], "bearer");
        assert!(
            declared["description"]
                .as_str()
                .unwrap()
                .contains("RFC8725")
        );
    }
    let problem =
        &spec["components"]["responses"]["ValidationFailed"]["content"]["application/problem+json"];
    assert_eq!(problem["schema"]["$ref"], "#/components/schemas/Problem");
}

#[test]
fn the_referral_operation_shows_both_canonical_examples() {
    let spec = spec();
    let examples = &spec["paths"]["/api/v1/referrals"]["post"]["requestBody"]["content"]["application/json"]
        ["examples"];
    assert_eq!(examples["full"]["value"], crate::support::fixtures::full());
    assert_eq!(
        examples["minimal"]["value"],
        crate::support::fixtures::minimal()
    );
}

#[test]
fn every_request_body_has_an_example_the_api_itself_accepts() {
    let doc = sanctuary_http::openapi();
    let contract = sanctuary_http::contract::Contract::from_openapi(&doc).unwrap();
    let spec = serde_json::to_value(&doc).unwrap();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(content) = op.pointer("/requestBody/content/application~1json") else {
                continue;
            };
            let name = content["schema"]["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            let mut examples: Vec<Value> = content["examples"]
                .as_object()
                .map(|e| e.values().map(|x| x["value"].clone()).collect())
                .unwrap_or_default();
            if let Some(example) = spec["components"]["schemas"][name].get("example") {
                examples.push(example.clone());
            }
            assert!(!examples.is_empty(), "{method} {path} has no example");
            for mut example in examples {
                let violations = contract.check(name, &mut example);
                assert!(
                    violations.is_empty(),
                    "{method} {path}: the example breaks {name}: {violations:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "{checked} examples");
}

/// No personal data in any URL: no path or query parameter of the contract is named
/// for (or could carry) a personal value; such things travel in bodies only.
#[test]
fn no_parameter_of_any_operation_carries_personal_data() {
    let spec = spec();
    let personal = [
        "name",
        "dob",
        "birth",
        "postcode",
        "address",
        "phone",
        "email",
        "perpetrator",
        "client",
        "street",
        "town",
    ];
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap().to_ascii_lowercase();
                checked += 1;
                assert!(
                    !personal.iter().any(|p| name.contains(p)),
                    "{method} {path}: parameter `{name}`"
                );
            }
        }
    }
    assert!(checked > 20, "{checked} parameters");
}

/// Generated clients must survive a new status or reason: every enumeration says
/// whether it may grow (the README says how to treat an unknown value).
#[test]
fn every_enumeration_says_whether_it_may_grow() {
    let spec = serde_json::to_value(sanctuary_http::openapi()).unwrap();
    let mut open = 0;
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if schema.get("enum").is_none() {
            continue;
        }
        let description = schema["description"].as_str().unwrap_or("");
        let grows = description.contains("New values may be added within `/api/v1`");
        let closed = description.contains("This list is closed");
        assert!(grows != closed, "{name}: {description}");
        open += usize::from(grows);
    }
    assert!(open >= 30, "{open} open enumerations");
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains("### Unknown values"),
        "the README explains them"
    );
}
