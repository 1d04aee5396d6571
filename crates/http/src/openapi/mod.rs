//! The OpenAPI contract, generated from the same declarations that route requests.

use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Doc, Ref, RefOr};
use utoipa::{Modify, OpenApi};

use sanctuary_domain::settings::SchemeSettings;
use serde_json::Value;

use crate::errors::Problem;

mod bounds;
mod enums;
mod headers;
mod integers;
mod text;
mod walk;
pub use bounds::{MAX_DATE_TIME_CHARS, declare_bounds};
pub use enums::describe_enum_growth;
pub use headers::declare_response_headers;
pub use integers::declare_integer_ranges;
pub use text::declare_control_characters;

/// The canonical request examples, committed beside the spec (copies of
/// `../shared/examples`, kept identical by a test).
pub mod examples {
    use serde_json::Value;

    pub fn referral_full() -> Value {
        serde_json::from_str(include_str!(
            "../../../../openapi/examples/referral-full.json"
        ))
        .expect("valid example")
    }

    pub fn referral_minimal() -> Value {
        serde_json::from_str(include_str!(
            "../../../../openapi/examples/referral-minimal.json"
        ))
        .expect("valid example")
    }

    /// A client who phoned the scheme: the coordinator's officer enters the minimal form.
    pub fn referral_self() -> Value {
        let mut form = referral_minimal();
        form["self_referral"] = true.into();
        form["referrer"] = serde_json::json!({
            "name": "Jo Patel",
            "job_title": "Sanctuary Scheme officer",
            "organisation_name": "Darlington Borough Council Sanctuary Team",
            "phone": "01632 960 404"
        });
        form["client"]["name"] = "Robin Taylor".into();
        form["client"]["date_of_birth"] = "1990-02-14".into();
        form["client"]["address"] = serde_json::json!({"line1": "8 Example Terrace", "town": "Darlington", "postcode": "DL1 3XY"});
        form["client"]["phone"] = "07700 900789".into();
        form
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sanctuary Scheme API",
        description = "Runs a Sanctuary Scheme: partner agencies refer survivors of domestic abuse, \
the scheme coordinates assessment and security works, funders see anonymised figures.\n\n\
Every error is `application/problem+json` (RFC 9457) with a stable `code` and the `request_id`. \
Validation errors list every invalid field at once in `errors`, by JSON pointer.",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only"),
        contact(name = "The Sanctuary Scheme API team (see the README for support and security reports)"),
    ),
    servers(
        (url = "/", description = "The server this contract is served from: a scheme's production deployment, or a local one in demo mode (http://127.0.0.1:8080)."),
    ),
    tags(
        (name = "referrals", description = "Partner agencies refer a client into a scheme: every field of the referral form, validated at once. Start here."),
        (name = "cases", description = "The cases opened from referrals, as each organisation may see them: lists and queues, a case, its timeline, risk history and export."),
        (name = "case actions", description = "Moves a case along the pathway (contact, accept, assess, approve, order, works, fire check, follow-up, close) or off it (hold, decline, cancel, withdraw). Each needs `If-Match` with the case's ETag; a case lists the actions its reader can take now in `allowed_actions`."),
        (name = "register", description = "The emergency-services register: the homes the scheme's fire service and police flag on their call-out systems, with what an emergency call needs of each and nothing more."),
        (name = "reports", description = "The quarterly monitoring report (JSON, CSV, HTML): in full for the coordinator, disclosure-controlled for funders."),
        (name = "reference", description = "Reference data for building requests: the measures catalogue, DASH questions, bank holidays."),
        (name = "schemes", description = "A scheme as its members see it: members and roles, settings and their versions."),
        (name = "administration", description = "Schemes, settings, organisations, memberships, holidays and token revocation: the admin role of an organisation operating the deployment."),
        (name = "events", description = "What changed on the cases your organisation works on, as events with no personal data: a feed to page through or long-poll."),
        (name = "webhooks", description = "Your organisation's events pushed to your own endpoints, signed as Standard Webhooks say, with their delivery history."),
        (name = "audit", description = "The tamper-evident audit trail, for auditors."),
        (name = "health", description = "Liveness and readiness, for probes; no token."),
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

/// What both schemes say about the tokens themselves.
const TOKEN_RULES: &str = "Signed JWTs verified as RFC8725 (JSON Web Token Best Current \
Practices) asks: the algorithm is fixed by the issuer's key and asymmetric (EdDSA, ECDSA \
or RSA; never `none` or HMAC), `iss`, `aud`, `exp` and `sub` are required, and a token \
lives at most 12 hours unless the deployment sets less.";

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut Doc) {
        let components = doc.components.get_or_insert_with(Default::default);
        let scheme = |description: String| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme(
            "bearer",
            scheme(format!(
                "A JWT from your organisation's identity provider (claims: sub, org, roles). \
In demo mode the server prints one per role at start-up. {TOKEN_RULES}"
            )),
        );
        // Administration is its own scheme: the same kind of token, but only with the
        // `admin` role of an organisation that operates the deployment.
        components.add_security_scheme(
            "admin_bearer",
            scheme(format!(
                "A JWT with the `admin` role, from an organisation that operates this \
deployment; other tokens get 403 here. {TOKEN_RULES}"
            )),
        );
    }
}

/// Marks the one server as public (OWASP API9: declare each server's audience).
pub fn declare_server_audience(doc: &mut Doc) {
    for server in doc.servers.iter_mut().flatten() {
        let mut extensions = utoipa::openapi::extensions::Extensions::default();
        extensions.insert("x-internal".to_owned(), serde_json::json!(false));
        server.extensions = Some(extensions);
    }
}

/// Adds the problem responses operations share, declared once here so each handler
/// declares only its own: 401 and 429 when secured, 400/413/415/422 when it takes a
/// body, 403 for administration, 404 for a case it cannot see, 412/428 when it takes
/// `If-Match`, 500 always.
pub fn add_standard_responses(doc: &mut Doc) {
    let standard = [
        (
            "Unauthorized",
            "No valid bearer token (see `WWW-Authenticate`).",
        ),
        ("BadRequest", "Malformed JSON or header."),
        ("PayloadTooLarge", "The body is over 64 KiB."),
        ("UnsupportedMediaType", "The body is not application/json."),
        (
            "ValidationFailed",
            "Invalid fields; `errors` lists every one.",
        ),
        ("InternalError", "Unexpected failure; quote the request id."),
        (
            "TooManyRequests",
            "The organisation has used its request budget; wait `Retry-After` seconds.",
        ),
        (
            "NotAdministrator",
            "Not an administrator of an organisation that operates this deployment.",
        ),
        (
            "CaseNotFound",
            "No such case, or not yours to see (the same answer for both).",
        ),
        (
            "Stale",
            "It changed since that ETag: read it again and retry with the new one.",
        ),
        (
            "IfMatchMissing",
            "`If-Match` is missing: send the ETag you read.",
        ),
    ];
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, description) in standard {
        let response = ResponseBuilder::new().description(description).content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        );
        let response = response.build();
        components
            .responses
            .insert(name.to_owned(), RefOr::T(response));
    }
    for (path, item) in doc.paths.paths.iter_mut() {
        let administration = path.starts_with("/api/v1/admin/");
        let on_case = path.starts_with("/api/v1/cases/{id}");
        for operation in operations(item) {
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let if_match = operation.parameters.as_ref().is_some_and(|ps| {
                ps.iter().any(|p| {
                    matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Header)
                        && p.name.eq_ignore_ascii_case("if-match"))
                })
            });
            let has_body = operation.request_body.is_some();
            let has_query = operation.parameters.as_ref().is_some_and(|ps| {
                ps.iter().any(
                    |p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Query)),
                )
            });
            let mut add = |status: &str, name: &str| {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
            };
            if secured {
                add("401", "Unauthorized");
                add("429", "TooManyRequests");
            }
            if has_body {
                add("400", "BadRequest");
                add("413", "PayloadTooLarge");
                add("415", "UnsupportedMediaType");
            }
            if has_body || has_query {
                add("422", "ValidationFailed");
            }
            if administration {
                add("403", "NotAdministrator");
            }
            if on_case {
                add("404", "CaseNotFound");
            }
            if if_match {
                add("412", "Stale");
                add("428", "IfMatchMissing");
            }
            add("500", "InternalError");
            // OpenAPI 3.1 requires a description on every response; success answers
            // declared with only a body get a plain one.
            for (status, response) in operation.responses.responses.iter_mut() {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    response.description = match status.as_str() {
                        "201" => "Created.",
                        "204" => "Done; no content.",
                        _ => "Success.",
                    }
                    .to_owned();
                }
            }
        }
    }
}

/// The shape `If-Match` must have: one strong ETag of this API (see
/// `handlers::if_match`).
pub const IF_MATCH_PATTERN: &str = r#"^"[0-9]+"$"#;

/// Gives every `If-Match` header parameter its pattern.
pub fn describe_if_match(doc: &mut Doc) {
    for item in doc.paths.paths.values_mut() {
        for operation in operations(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                if let RefOr::T(p) = parameter
                    && matches!(p.parameter_in, ParameterIn::Header)
                    && p.name.eq_ignore_ascii_case("if-match")
                    && let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(schema))) =
                        p.schema.as_mut()
                {
                    schema.pattern = Some(IF_MATCH_PATTERN.to_owned());
                    // Quotes around a u64's at most 20 digits.
                    schema.max_length = Some(22);
                }
            }
        }
    }
}

/// Marks as optional every JSON request body whose schema requires no property: the
/// server reads a missing body as `{}` (`extract::ContractJson`), so such a body may be
/// left out.
pub fn mark_optional_bodies(doc: &mut Doc) {
    use utoipa::openapi::Required;
    use utoipa::openapi::schema::Schema;
    let needs_nothing = |name: &str| {
        doc.components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .is_some_and(|s| matches!(s, RefOr::T(Schema::Object(o)) if o.required.is_empty()))
    };
    let mut optional = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, operation) in [
            ("put", &item.put),
            ("post", &item.post),
            ("patch", &item.patch),
        ] {
            let schema = operation
                .as_ref()
                .and_then(|o| match o.request_body.as_ref() {
                    Some(RefOr::T(body)) => body.content.get("application/json"),
                    _ => None,
                })
                .and_then(|c| match c {
                    RefOr::T(c) => c.schema.as_ref(),
                    RefOr::Ref(_) => None,
                });
            if let Some(RefOr::Ref(r)) = schema
                && let Some(name) = r.ref_location.strip_prefix("#/components/schemas/")
                && needs_nothing(name)
            {
                optional.push((path.clone(), method));
            }
        }
    }
    for (path, method) in optional {
        let item = doc.paths.paths.get_mut(&path).expect("listed above");
        let operation = match method {
            "put" => item.put.as_mut(),
            "post" => item.post.as_mut(),
            _ => item.patch.as_mut(),
        };
        if let Some(RefOr::T(body)) = operation.and_then(|o| o.request_body.as_mut()) {
            body.required = Some(Required::False);
        }
    }
}

/// The JSON request body of `method path`, if it has one.
fn json_body<'a>(
    doc: &'a mut Doc,
    path: &str,
    method: &str,
) -> Option<&'a mut utoipa::openapi::Content> {
    let item = doc.paths.paths.get_mut(path)?;
    let operation = match method {
        "post" => item.post.as_mut(),
        "put" => item.put.as_mut(),
        _ => None,
    }?;
    match operation.request_body.as_mut()? {
        RefOr::T(body) => match body.content.get_mut("application/json")? {
            RefOr::T(content) => Some(content),
            RefOr::Ref(_) => None,
        },
        RefOr::Ref(_) => None,
    }
}

fn add_examples(doc: &mut Doc, path: &str, method: &str, list: Vec<(&str, &str, Value)>) {
    if let Some(content) = json_body(doc, path, method) {
        for (name, summary, value) in list {
            let example = ExampleBuilder::new()
                .summary(summary)
                .value(Some(value))
                .build();
            content.examples.insert(name.to_owned(), RefOr::T(example));
        }
    }
}

/// Attaches the canonical referral examples (the committed copies of the shared
/// examples) to `POST /api/v1/referrals`, and settings examples built from the
/// defaults themselves (so they cannot drift).
pub fn add_request_examples(doc: &mut Doc) {
    add_examples(
        doc,
        "/api/v1/referrals",
        "post",
        vec![
            (
                "full",
                "Every field of the referral form",
                examples::referral_full(),
            ),
            (
                "minimal",
                "Only the mandatory fields",
                examples::referral_minimal(),
            ),
            (
                "self_referral",
                "A client who came to the scheme directly, entered by the coordinator",
                examples::referral_self(),
            ),
        ],
    );
    let defaults = SchemeSettings::default();
    let mut stricter = defaults.clone();
    stricter.household_budget_limit_pence = 150_000;
    stricter.disclosure_threshold = 10;
    stricter.retention_years = 7;
    let json = |s: &SchemeSettings| serde_json::to_value(s).expect("settings serialise");
    add_examples(
        doc,
        "/api/v1/admin/schemes/{code}/settings",
        "put",
        vec![
            ("defaults", "The product's defaults", json(&defaults)),
            (
                "stricter",
                "A lower budget limit, stricter disclosure control, 7 years' retention",
                json(&stricter),
            ),
        ],
    );
}

fn operations(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}
