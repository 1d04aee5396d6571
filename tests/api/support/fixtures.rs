//! Referral bodies: the canonical examples and variants of them.

use serde_json::Value;

/// `../shared/examples/referral-full.json`, as committed in `openapi/examples`.
pub fn full() -> Value {
    serde_json::from_str(include_str!("../../../openapi/examples/referral-full.json")).unwrap()
}

/// `../shared/examples/referral-minimal.json`, as committed in `openapi/examples`.
pub fn minimal() -> Value {
    serde_json::from_str(include_str!(
        "../../../openapi/examples/referral-minimal.json"
    ))
    .unwrap()
}

/// A full referral with all 27 DASH answers instead of a score.
pub fn with_dash_answers() -> Value {
    serde_json::from_str(include_str!("../../fixtures/referral-dash-answers.json")).unwrap()
}

/// A referral whose installation and information-sharing consents were refused.
pub fn consent_refused() -> Value {
    serde_json::from_str(include_str!("../../fixtures/referral-consent-refused.json")).unwrap()
}

/// Sets `pointer` (which must exist up to its parent) to `value`.
pub fn set(body: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = body
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    target
        .as_object_mut()
        .unwrap()
        .insert(key.to_owned(), value);
}

/// Removes `pointer`.
pub fn remove(body: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    body.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key);
}

/// A copy of `body` with `pointer` set to `value`.
pub fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    set(&mut body, pointer, value);
    body
}
