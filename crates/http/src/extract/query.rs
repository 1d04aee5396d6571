//! `ValidQuery<T>`: query parameters parsed into `T` and checked with `validator`, with
//! every problem attributed to its parameter.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use sanctuary_domain::violation::ViolationCode;
use serde::de::DeserializeOwned;
use std::future::{Ready, ready};
use validator::{Validate, ValidationErrorsKind};

use crate::errors::ApiError;

pub struct ValidQuery<T>(pub T);

impl<T: DeserializeOwned + Validate> FromRequest for ValidQuery<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()))
    }
}

fn parse<T: DeserializeOwned + Validate>(query: &str) -> Result<ValidQuery<T>, ApiError> {
    let pairs = web::Query::<Vec<(String, String)>>::from_query(query)
        .map_err(|_| {
            ApiError::invalid_parameters(vec![(
                String::new(),
                ViolationCode::InvalidFormat,
                "the query string is malformed".into(),
            )])
        })?
        .into_inner();
    // Parse each parameter alone first: serde stops at the first error and does not say
    // which parameter it was, and we want all of them, by name.
    let mut errors = Vec::new();
    for (name, value) in &pairs {
        if pairs.iter().filter(|(n, _)| n == name).count() > 1 {
            if !errors.iter().any(|(n, _, _): &(String, _, _)| n == name) {
                errors.push((
                    name.clone(),
                    ViolationCode::Invalid,
                    "must be given at most once".into(),
                ));
            }
            continue;
        }
        let single = serde_urlencoded_pair(name, value);
        if let Err(e) = web::Query::<T>::from_query(&single) {
            let text = e.to_string();
            if text.contains("missing field") {
                // This parameter parsed; another (required) one is absent, reported below.
                continue;
            }
            let (code, message) = if text.contains("unknown field") {
                (
                    ViolationCode::UnknownField,
                    "is not a parameter of this operation".to_owned(),
                )
            } else if let Some(expected) = text.split_once("expected").map(|(_, rest)| rest.trim())
            {
                // serde's "unknown variant `x`, expected one of …": keep only the
                // expectation, not the value.
                (ViolationCode::InvalidValue, format!("must be {expected}"))
            } else {
                (
                    ViolationCode::InvalidFormat,
                    "does not have a valid value".to_owned(),
                )
            };
            errors.push((name.clone(), code, message));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::invalid_parameters(errors));
    }
    let parsed = web::Query::<T>::from_query(query)
        .map_err(|e| {
            let text = e.to_string();
            // serde: "missing field `nation`"
            let missing = text
                .split_once("missing field `")
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(name, _)| name.to_owned());
            ApiError::invalid_parameters(vec![match missing {
                Some(name) => (name, ViolationCode::Required, "is required".into()),
                None => (
                    String::new(),
                    ViolationCode::Invalid,
                    "the query parameters are not valid together".into(),
                ),
            }])
        })?
        .into_inner();
    if let Err(report) = parsed.validate() {
        let mut errors = Vec::new();
        for (field, kind) in report.errors() {
            if let ValidationErrorsKind::Field(list) = kind {
                for e in list {
                    let message = e
                        .message
                        .clone()
                        .map(|m| m.into_owned())
                        .unwrap_or_else(|| "is out of range".into());
                    errors.push((field.to_string(), ViolationCode::OutOfRange, message));
                }
            }
        }
        return Err(ApiError::invalid_parameters(errors));
    }
    Ok(ValidQuery(parsed))
}

fn serde_urlencoded_pair(name: &str, value: &str) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    format!("{}={}", encode(name), encode(value))
}
