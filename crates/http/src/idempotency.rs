//! Idempotency: the `Idempotency-Key` header, and the fingerprint of the body it is
//! used with (a retry must send the same body, whatever its key order or whitespace).

use actix_web::HttpRequest;
use sanctuary_persistence::idempotency::IdempotencyKey;
use serde_json::Value;

use crate::auth::Caller;
use crate::errors::{ApiError, ErrorCode};

const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// Parses the `Idempotency-Key` header (a plain token or an RFC 8941 string).
pub fn idempotency_key(
    request: &HttpRequest,
    caller: &Caller,
    fingerprint: &str,
) -> Result<Option<IdempotencyKey>, ApiError> {
    let Some(value) = request.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::new(
            ErrorCode::InvalidHeader,
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
        )
    };
    let raw = value.to_str().map_err(|_| invalid())?.trim();
    let key = raw
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .unwrap_or(raw);
    if key.is_empty()
        || key.len() > MAX_IDEMPOTENCY_KEY_LEN
        || !key.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(invalid());
    }
    Ok(Some(IdempotencyKey {
        organisation_id: caller.organisation.id,
        key: key.to_owned(),
        fingerprint: fingerprint.to_owned(),
    }))
}

/// SHA-256 (hex) of the body with object keys sorted: the same JSON gives the same
/// fingerprint whatever its key order or whitespace.
pub fn fingerprint(value: &Value) -> String {
    use sha2::{Digest, Sha256};
    fn write(value: &Value, out: &mut Vec<u8>) {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                out.push(b'{');
                for (i, key) in keys.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.extend(serde_json::to_vec(key).unwrap_or_default());
                    out.push(b':');
                    write(&map[key], out);
                }
                out.push(b'}');
            }
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write(item, out);
                }
                out.push(b']');
            }
            other => out.extend(serde_json::to_vec(other).unwrap_or_default()),
        }
    }
    let mut canonical = Vec::new();
    write(value, &mut canonical);
    Sha256::digest(&canonical)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fingerprints_ignore_key_order_but_not_values() {
        let a = fingerprint(&json!({"x": 1, "y": {"b": [1, 2], "a": "s"}}));
        let b = fingerprint(&json!({"y": {"a": "s", "b": [1, 2]}, "x": 1}));
        let c = fingerprint(&json!({"y": {"a": "s", "b": [2, 1]}, "x": 1}));
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
