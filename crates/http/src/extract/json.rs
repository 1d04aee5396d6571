//! `ContractJson<T>`: a JSON body checked against the contract, parsed into `T`.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{BytesMut, Data};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use std::cell::RefCell;
use std::fmt;

use futures_util::future::LocalBoxFuture;
use sanctuary_domain::violation::{ViolationCode, Violations};
use serde::de::{DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::contract::{Contract, normalise};
use crate::errors::{ApiError, ErrorCode};
use crate::idempotency::fingerprint;

/// The largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON body that was checked against the contract schema of `T`.
///
/// Structural violations are *carried*, not returned, so the handler can add the domain
/// rules' violations and answer once with all of them (see [`ContractJson::parse`]).
pub struct ContractJson<T> {
    /// The body as parsed, with anything that violated the schema pruned.
    pub body: T,
    /// What the schema check found.
    pub violations: Violations,
    /// Fingerprint of the body as sent (for idempotency).
    pub fingerprint: String,
}

impl<T> ContractJson<T> {
    /// Converts the body into its domain form with `parse`, answering 422 with the
    /// schema's and the domain's violations together if either found any. A field the
    /// schema already rejected is not reported twice.
    pub fn parse<D>(self, parse: impl FnOnce(T) -> Result<D, Violations>) -> Result<D, ApiError> {
        let mut all = self.violations;
        match parse(self.body) {
            Ok(domain) if all.is_empty() => return Ok(domain),
            Ok(_) => {}
            Err(domain_violations) => all.absorb_new(domain_violations),
        }
        Err(ApiError::validation(all))
    }
}

impl<T: DeserializeOwned + ToSchema + 'static> FromRequest for ContractJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let bytes = read_body(&req, &mut payload).await?;
            // No body at all means "nothing to say": an empty object. Anything else
            // must be JSON.
            let bytes: &[u8] = if bytes.is_empty() {
                b"{}"
            } else {
                check_content_type(&req)?;
                &bytes
            };
            let (original, duplicates) = parse_json(bytes).map_err(|e| {
                ApiError::new(
                    ErrorCode::MalformedJson,
                    format!(
                        "The body is not valid JSON (line {}, column {}).",
                        e.line(),
                        e.column()
                    ),
                )
            })?;
            // Parsers disagree on which of two equal keys wins (first, last, error), so a
            // body with one means different things to different readers: refuse it.
            if !duplicates.is_empty() {
                let mut violations = Violations::new();
                for pointer in duplicates {
                    violations.add(
                        pointer,
                        ViolationCode::DuplicateKey,
                        "is given more than once in its object",
                    );
                }
                return Err(ApiError::validation(violations));
            }
            let fingerprint = fingerprint(&original);
            let mut value = original;
            let mut violations = Violations::new();
            normalise(&mut value, &mut String::new(), &mut violations);
            let contract = req
                .app_data::<Data<Contract>>()
                .ok_or_else(|| ApiError::internal("the contract is not configured"))?;
            let found = contract.check(&T::name(), &mut value);
            violations.absorb_new(found);
            let body = serde_json::from_value::<T>(value).map_err(|_| {
                // Pruning makes the body parse whenever the schema describes `T`; if it
                // still does not, answer with what the schema found.
                if violations.is_empty() {
                    let mut v = Violations::new();
                    v.add(
                        "",
                        ViolationCode::Invalid,
                        "does not match the request schema",
                    );
                    ApiError::validation(v)
                } else {
                    ApiError::validation(violations.clone())
                }
            })?;
            Ok(ContractJson {
                body,
                violations,
                fingerprint,
            })
        })
    }
}

fn check_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if is_json {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::UnsupportedMediaType,
            "Send the body as application/json.",
        ))
    }
}

async fn read_body(req: &HttpRequest, payload: &mut Payload) -> Result<BytesMut, ApiError> {
    let too_large = || {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("The body must be at most {MAX_BODY_BYTES} bytes."),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(1024).min(MAX_BODY_BYTES));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::new(
                ErrorCode::MalformedJson,
                "The body could not be read completely.",
            )
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses `bytes` as one JSON value, in one pass, also returning the JSON pointer (RFC
/// 6901) of every object key that repeats an earlier key of the same object. (serde_json's
/// own `Value` keeps the last silently.) The first occurrence is kept.
fn parse_json(bytes: &[u8]) -> Result<(Value, Vec<String>), serde_json::Error> {
    let pointer = RefCell::new(String::new());
    let duplicates = RefCell::new(Vec::new());
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = Checked {
        pointer: &pointer,
        duplicates: &duplicates,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok((value, duplicates.into_inner()))
}

/// A `Value` deserializer that knows where it is (`pointer`, shared and extended in
/// place, so nesting costs no allocation per value) and notes repeated keys.
#[derive(Clone, Copy)]
struct Checked<'a> {
    pointer: &'a RefCell<String>,
    duplicates: &'a RefCell<Vec<String>>,
}

impl Checked<'_> {
    /// Deserializes the value at `pointer` + `/segment`.
    fn at<T>(self, segment: impl fmt::Display, next: impl FnOnce(Self) -> T) -> T {
        let len = self.pointer.borrow().len();
        {
            use std::fmt::Write;
            let mut pointer = self.pointer.borrow_mut();
            let _ = write!(pointer, "/{segment}");
        }
        let result = next(self);
        self.pointer.borrow_mut().truncate(len);
        result
    }
}

impl<'de> DeserializeSeed<'de> for Checked<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON has no NaN or infinity, so this is always a number.
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = self.at(items.len(), |seed| seq.next_element_seed(seed))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let segment = key.replace('~', "~0").replace('/', "~1");
            let value = self.at(&segment, |seed| map.next_value_seed(seed))?;
            if object.contains_key(&key) {
                let pointer = format!("{}/{segment}", self.pointer.borrow());
                let mut duplicates = self.duplicates.borrow_mut();
                if !duplicates.contains(&pointer) {
                    duplicates.push(pointer);
                }
            } else {
                object.insert(key, value);
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicates(json: &str) -> Vec<String> {
        parse_json(json.as_bytes()).expect("valid JSON").1
    }

    #[test]
    fn values_parse_as_serde_json_parses_them() {
        let text = r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": "\u00e9"}"#;
        let (value, dups) = parse_json(text.as_bytes()).unwrap();
        assert_eq!(value, serde_json::from_str::<Value>(text).unwrap());
        assert!(dups.is_empty());
    }

    #[test]
    fn repeated_keys_are_found_at_any_depth_with_their_pointer() {
        assert_eq!(duplicates(r#"{"a": 1, "a": 2}"#), ["/a"]);
        assert_eq!(
            duplicates(r#"{"x": [{"ok": 1}, {"b/c~": 1, "b/c~": 2, "b/c~": 3}]}"#),
            ["/x/1/b~1c~0"]
        );
        assert_eq!(
            duplicates(r#"{"p": {"q": 1, "q": {"r": 1}}, "s": {"r": 1}}"#),
            ["/p/q"]
        );
        // Equal keys in different objects are fine.
        assert!(
            duplicates(r#"{"a": {"k": 1}, "b": {"k": 1}, "c": [{"k": 1}, {"k": 2}]}"#).is_empty()
        );
        // Escapes are compared decoded.
        assert_eq!(duplicates(r#"{"k": 1, "\u006b": 2}"#), ["/k"]);
    }

    #[test]
    fn the_first_occurrence_is_kept_and_garbage_is_still_an_error() {
        let (value, _) = parse_json(br#"{"a": 1, "a": 2}"#).unwrap();
        assert_eq!(value, serde_json::json!({"a": 1}));
        assert!(parse_json(br#"{"a": 1} x"#).is_err());
        assert!(parse_json(format!("{}{}", "[".repeat(500), "]".repeat(500)).as_bytes()).is_err());
    }
}
