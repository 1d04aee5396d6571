//! Text in request bodies refuses control characters other than tab and line breaks
//! (`contract::normalise`: NUL cannot even be stored in PostgreSQL). The spec says so
//! with a `pattern` on every free-text string of a request body, so that a client — or
//! a fuzzer generating "valid" data from the spec — sends only what is accepted.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use utoipa::openapi::OpenApi as Doc;
use utoipa::openapi::schema::{Object, SchemaType, Type};

/// The characters refused: Unicode's Cc category (as `char::is_control`) less `\t`,
/// `\n` and `\r`.
const CONTROL: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";

/// Any text without refused characters.
pub fn plain_text() -> String {
    format!("^[^{CONTROL}]*$")
}

/// Text with something other than white space in it (the spec's `\S`).
fn not_blank() -> String {
    format!(r"^[^{CONTROL}]*[^\s{CONTROL}][^{CONTROL}]*$")
}

/// One word (the spec's `^\S+$`).
fn one_word() -> String {
    format!(r"^[^\s{CONTROL}]+$")
}

/// Adds the control-character rule to every free-text string of every schema a request
/// body uses.
pub fn declare_control_characters(mut doc: Doc) -> Doc {
    let value = serde_json::to_value(&doc).expect("the OpenAPI document serialises");
    let names = request_schemas(&value);
    if let Some(components) = doc.components.as_mut() {
        for name in names {
            if let Some(schema) = components.schemas.get_mut(&name) {
                super::walk::visit(schema, &mut restrict);
            }
        }
    }
    doc
}

/// The component schemas request bodies refer to, directly or through other schemas.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    let mut pending: Vec<String> = Vec::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for item in paths.values() {
            for operation in item.as_object().into_iter().flat_map(Map::values) {
                if let Some(body) = operation.get("requestBody") {
                    refs(body, &mut pending);
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if seen.insert(name.clone())
            && let Some(schema) = doc.pointer(&format!("/components/schemas/{name}"))
        {
            refs(schema, &mut pending);
        }
    }
    seen
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Gives a free-text string schema the pattern that refuses control characters.
fn restrict(object: &mut Object) {
    if !is_free_text(object) {
        return;
    }
    let pattern = match object.pattern.as_deref() {
        None => Some(plain_text()),
        Some(r"\S") => Some(not_blank()),
        Some(r"^\S+$") => Some(one_word()),
        // Anchored character classes (codes, dates): they admit no control characters
        // already (checked by a test).
        Some(_) => None,
    };
    if pattern.is_some() {
        object.pattern = pattern;
    }
}

/// A string schema with no format or fixed set of values.
fn is_free_text(object: &Object) -> bool {
    let string = match &object.schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    };
    string && object.format.is_none() && object.enum_values.is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, text: &str) -> bool {
        jsonschema::validator_for(&serde_json::json!({"type": "string", "pattern": pattern}))
            .expect("the pattern compiles")
            .is_valid(&Value::String(text.to_owned()))
    }

    #[test]
    fn the_patterns_refuse_control_characters_and_keep_their_own_rule() {
        for text in ["a\u{0}b", "\u{1b}", "x\u{7f}", "\u{85}", "\u{9f}y"] {
            assert!(!matches(&plain_text(), text), "{text:?}");
            assert!(!matches(&not_blank(), text), "{text:?}");
            assert!(!matches(&one_word(), text), "{text:?}");
        }
        for text in ["", "Flat 2\n14 Elm Road\tDL1", "Żółć ✓", "\u{a0}"] {
            assert!(matches(&plain_text(), text), "{text:?}");
        }
        assert!(matches(&not_blank(), " a\r\n"));
        assert!(!matches(&not_blank(), " \t\n"));
        assert!(matches(&one_word(), "jti-1"));
        assert!(!matches(&one_word(), "two words"));
    }

    #[test]
    fn every_pattern_left_alone_already_refuses_control_characters() {
        let doc = declare_control_characters(crate::app::openapi());
        let value = serde_json::to_value(&doc).unwrap();
        let mut patterns = Vec::new();
        for name in request_schemas(&value) {
            collect_patterns(&value["components"]["schemas"][&name], &mut patterns);
        }
        assert!(patterns.len() > 50, "{} patterns", patterns.len());
        let ours = [plain_text(), not_blank(), one_word()];
        for pattern in patterns.iter().filter(|p| !ours.contains(p)) {
            assert!(
                pattern.starts_with('^') && pattern.ends_with('$'),
                "unanchored pattern {pattern}"
            );
            for c in ['\u{0}', '\u{1f}', '\u{7f}'] {
                assert!(
                    !matches(pattern, &format!("{c}")) && !matches(pattern, &format!("a{c}")),
                    "{pattern} admits {c:?}"
                );
            }
        }
    }

    fn collect_patterns(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(p)) = map.get("pattern") {
                    out.push(p.clone());
                }
                map.values().for_each(|v| collect_patterns(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| collect_patterns(v, out)),
            _ => {}
        }
    }
}
