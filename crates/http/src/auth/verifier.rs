//! Token verification with every check explicit: jsonwebtoken's defaults require only
//! `exp`, skip `nbf`, check `aud` only when present and allow 60 s of leeway.

use std::collections::HashMap;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Validation, decode, decode_header};
use sanctuary_domain::organisation::Role;
use serde::Deserialize;
use uuid::Uuid;

use super::TrustedKey;

/// The most clock skew tolerated between us and an identity provider.
pub const MAX_LEEWAY_SECONDS: u64 = 30;

/// What a verified token says about its bearer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub subject: String,
    pub organisation_id: Uuid,
    /// Roles we know; unknown role names are ignored.
    pub roles: Vec<Role>,
    pub token_id: Option<String>,
}

#[derive(Deserialize)]
struct RawClaims {
    sub: String,
    org: Uuid,
    #[serde(default)]
    roles: Vec<String>,
    jti: Option<String>,
}

/// Why a token was refused (logged; the client gets a coarse 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("no bearer token")]
    Missing,
    #[error("token header is malformed or uses an unsupported algorithm")]
    Malformed,
    #[error("token names no trusted key")]
    UnknownKey,
    #[error("token has expired")]
    Expired,
    #[error("token is not yet valid")]
    NotYetValid,
    #[error("token signature, issuer, audience or claims are not valid")]
    Invalid,
    #[error("the key may not vouch for this organisation")]
    OrganisationNotAllowed,
}

pub struct Verifier {
    keys: HashMap<String, TrustedKey>,
    audience: String,
    leeway: u64,
}

impl Verifier {
    pub fn new(keys: Vec<TrustedKey>, audience: &str, leeway_seconds: u64) -> Result<Self, String> {
        if leeway_seconds > MAX_LEEWAY_SECONDS {
            return Err(format!(
                "the token leeway must be at most {MAX_LEEWAY_SECONDS} seconds"
            ));
        }
        let mut map = HashMap::new();
        for key in keys {
            let kid = key.kid.clone();
            if map.insert(kid.clone(), key).is_some() {
                return Err(format!("two trusted keys have the kid {kid}"));
            }
        }
        Ok(Self {
            keys: map,
            audience: audience.to_owned(),
            leeway: leeway_seconds,
        })
    }

    pub fn key_count(&self) -> usize {
        self.keys.len()
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = decode_header(token).map_err(|_| TokenError::Malformed)?;
        // Extensions we would have to understand (RFC 7515 §4.1.11): we understand none.
        if header.crit.is_some() {
            return Err(TokenError::Malformed);
        }
        if let Some(typ) = &header.typ
            && !typ.eq_ignore_ascii_case("JWT")
            && !typ.eq_ignore_ascii_case("at+jwt")
        {
            return Err(TokenError::Malformed);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.keys.get(kid))
            .ok_or(TokenError::UnknownKey)?;
        if header.alg != key.algorithm {
            return Err(TokenError::Invalid);
        }
        let mut validation = Validation::new(key.algorithm);
        validation.algorithms = vec![key.algorithm];
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.validate_aud = true;
        validation.leeway = self.leeway;
        validation.set_issuer(&[key.issuer.as_str()]);
        validation.set_audience(&[self.audience.as_str()]);
        let data =
            decode::<RawClaims>(token, &key.key, &validation).map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                _ => TokenError::Invalid,
            })?;
        let raw = data.claims;
        if raw.sub.trim().is_empty() {
            return Err(TokenError::Invalid);
        }
        if let Some(allowed) = &key.organisations
            && !allowed.contains(&raw.org)
        {
            return Err(TokenError::OrganisationNotAllowed);
        }
        Ok(Claims {
            subject: raw.sub,
            organisation_id: raw.org,
            roles: raw.roles.iter().filter_map(|r| r.parse().ok()).collect(),
            token_id: raw.jti,
        })
    }
}
