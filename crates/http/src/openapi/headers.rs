//! The response headers every client may meet, declared once in `components.headers`
//! and referenced from each response: the request budget (`RateLimit-Policy`,
//! `RateLimit`, `Retry-After`), CORS (`Access-Control-Allow-Origin`), and the `ETag`
//! and `Location` of the resources that have them.

use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{OpenApi as Doc, Ref, RefOr, Response};

use super::IF_MATCH_PATTERN;

fn string_header(description: &str, max_length: usize, pattern: Option<&str>) -> Header {
    let mut schema = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(max_length));
    if let Some(pattern) = pattern {
        schema = schema.pattern(Some(pattern));
    }
    HeaderBuilder::new()
        .schema(Some(schema))
        .description(Some(description))
        .build()
}

fn declared() -> Vec<(&'static str, Header)> {
    vec![
        (
            "RateLimit-Policy",
            string_header(
                "The budget this request was charged to (IETF httpapi rate-limit headers \
draft): `q` requests at once, refilled evenly over `w` seconds. `organisation` is the \
caller's organisation's budget; `address` the client address's, for requests that fail \
to authenticate.",
                100,
                Some(r#"^"(organisation|address)";q=[0-9]+;w=[0-9]+$"#),
            ),
        ),
        (
            "RateLimit",
            string_header(
                "What is left of that budget: `r` more requests may be sent now, and the \
whole budget is back in `t` seconds.",
                100,
                Some(r#"^"(organisation|address)";r=[0-9]+;t=[0-9]+$"#),
            ),
        ),
        (
            "Retry-After",
            HeaderBuilder::new()
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                        .minimum(Some(1))
                        // One request's share of the smallest budget (1 a minute).
                        .maximum(Some(60)),
                ))
                .description(Some("Seconds until the next request will be served."))
                .build(),
        ),
        (
            "Access-Control-Allow-Origin",
            string_header(
                "Present when the request's `Origin` is on the deployment's CORS \
allow-list (`SANCTUARY_CORS__ALLOWED_ORIGINS`, empty by default); it repeats that origin.",
                2048,
                Some("^https?://[^/]+$"),
            ),
        ),
        (
            "ETag",
            string_header(
                "The case's version, for `If-Match` on its next action.",
                22,
                Some(IF_MATCH_PATTERN),
            ),
        ),
        (
            "Location",
            string_header(
                "Where the created resource is.",
                200,
                Some("^/api/v1/[A-Za-z0-9/_-]+$"),
            ),
        ),
        (
            "Content-Disposition",
            string_header(
                "`attachment`, with a file name made of the document's kind and id (never a name anyone gave).",
                120,
                Some("^attachment; filename=\"[a-z_]+-[0-9a-f-]{36}\\.(pdf|jpg|png)\"$"),
            ),
        ),
    ]
}

/// Declares the shared headers and references them from every response that carries
/// them: the budget on the 2xx and 4xx answers of secured operations, CORS on every
/// answer with headers.
pub fn declare_response_headers(doc: &mut Doc) {
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, header) in declared() {
        components.headers.insert(name.to_owned(), RefOr::T(header));
    }
    for (name, response) in components.responses.iter_mut() {
        if let RefOr::T(response) = response {
            if name == "TooManyRequests" {
                add(response, "Retry-After");
            }
            if name != "InternalError" {
                add_budget(response);
            }
        }
    }
    for item in doc.paths.paths.values_mut() {
        for operation in super::operations(item) {
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                for name in ["ETag", "Location", "Content-Disposition"] {
                    if response.headers.contains_key(name) {
                        add(response, name);
                    }
                }
                if secured && (status.starts_with('2') || status.starts_with('4')) {
                    add_budget(response);
                }
            }
        }
    }
}

fn add_budget(response: &mut Response) {
    for name in [
        "RateLimit-Policy",
        "RateLimit",
        "Access-Control-Allow-Origin",
    ] {
        add(response, name);
    }
}

/// Sets `name` on `response` to the shared declaration (replacing an inline one).
fn add(response: &mut Response, name: &str) {
    response.headers.insert(
        name.to_owned(),
        RefOr::Ref(Ref::new(format!("#/components/headers/{name}"))),
    );
}
