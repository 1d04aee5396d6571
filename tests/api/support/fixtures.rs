//! Referral bodies: the canonical examples and variants of them.

use serde_json::{Value, json};

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

/// The full referral, eligible as it stands (the perpetrator has left, the client
/// wishes to stay), with its own external reference: accepted without an override.
pub fn eligible(reference: &str) -> Value {
    let mut body = full();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    set(&mut body, "/external_reference", json!(reference));
    body
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

/// The full referral with a unique, recognisable value in every personal field, to
/// search logs and storage for.
pub struct Canaries {
    pub body: Value,
    tag: String,
    /// (JSON pointer, value) of every canary in `body`.
    pub fields: Vec<(String, String)>,
}

impl Canaries {
    pub fn new() -> Self {
        // Short enough for every field's length limit (crime references: 50).
        let tag: String = uuid::Uuid::new_v4()
            .simple()
            .to_string()
            .chars()
            .take(12)
            .collect();
        let mut canaries = Canaries {
            body: full(),
            tag,
            fields: Vec::new(),
        };
        for pointer in [
            "/referrer/name",
            "/client/name",
            "/client/address/line1",
            "/client/address/town",
            "/client/unsafe_contact_times",
            "/safety/perpetrator_name",
            "/safety/perpetrator_whereabouts",
            "/safety/recent_incidents",
            "/safety/other_concerns",
            "/safety/police/details",
            "/safety/police/crime_reference",
            "/installation/requests",
            "/installation/concerns",
            "/demographics/adjustments",
            "/external_reference",
        ] {
            let value = canaries.value_for(pointer.rsplit('/').next().unwrap());
            canaries.put(pointer, value);
        }
        let email = format!("canary.{}@example.org", canaries.tag);
        canaries.put("/referrer/email", email);
        let digits: String = canaries
            .tag
            .chars()
            .filter(char::is_ascii_digit)
            .chain("0000000".chars())
            .take(6)
            .collect();
        canaries.put("/client/phone", format!("07700 9{digits}"));
        let tenant = canaries.value_for("tenant");
        set(
            &mut canaries.body,
            "/household/names_on_tenancy",
            json!([tenant]),
        );
        canaries
            .fields
            .push(("/household/names_on_tenancy/0".into(), tenant));
        canaries
    }

    fn put(&mut self, pointer: &str, value: String) {
        set(&mut self.body, pointer, json!(value));
        self.fields.push((pointer.to_owned(), value));
    }

    /// The canary for a field name (also for values added later, e.g. an invalid date).
    pub fn value_for(&self, field: &str) -> String {
        format!("Canary{field}{}", self.tag)
    }

    pub fn values(&self) -> Vec<String> {
        self.fields.iter().map(|(_, v)| v.clone()).collect()
    }
}

/// Today's date (UTC), as the API writes dates.
pub fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}
