//! `ContractJson<T>`: a JSON body checked against the contract, parsed into `T`.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{BytesMut, Data};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use sanctuary_domain::violation::{ViolationCode, Violations};
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::ToSchema;

use crate::contract::{Contract, fingerprint, normalise};
use crate::errors::{ApiError, ErrorCode};

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
            let original: Value = serde_json::from_slice(bytes).map_err(|e| {
                ApiError::new(
                    ErrorCode::MalformedJson,
                    format!(
                        "The body is not valid JSON (line {}, column {}).",
                        e.line(),
                        e.column()
                    ),
                )
            })?;
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
