//! Token verification with every check explicit: jsonwebtoken's defaults require only
//! `exp`, skip `nbf`, check `aud` only when present and allow 60 s of leeway. Beyond what
//! jsonwebtoken checks: a maximum lifetime, no `iat` in the future, and a `jti` (so the
//! token can be revoked) unless its issuer is configured to omit it.

use std::collections::{HashMap, HashSet};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Validation, decode, decode_header};
use sanctuary_domain::organisation::Role;
use serde::Deserialize;
use uuid::Uuid;

use super::TrustedKey;

/// The most clock skew tolerated between us and an identity provider.
pub const MAX_LEEWAY_SECONDS: u64 = 30;
/// The longest `sub` claim accepted (identity providers' ids are far shorter).
pub const MAX_SUBJECT_CHARS: usize = 255;

/// The longest token lifetime accepted unless configured otherwise: 12 hours.
pub const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS: u64 = 12 * 60 * 60;

/// Rules on a token's claims beyond signature, issuer, audience and validity window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRules {
    /// The longest lifetime accepted: `exp - iat`, or `exp - now` (less the leeway) when
    /// the token has no `iat`.
    pub max_lifetime_seconds: u64,
    /// Issuers (`iss`) whose tokens may lack a `jti`. Such tokens cannot be revoked one
    /// by one; every other token without one is refused.
    pub issuers_without_jti: HashSet<String>,
}

impl Default for TokenRules {
    fn default() -> Self {
        Self {
            max_lifetime_seconds: DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
            issuers_without_jti: HashSet::new(),
        }
    }
}

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
    /// Required (jsonwebtoken checks it is there); numbers, possibly fractional.
    exp: f64,
    iat: Option<f64>,
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
    #[error("token was issued in the future")]
    IssuedInFuture,
    #[error("token lifetime is longer than allowed")]
    LifetimeTooLong,
    #[error("token has no jti and its issuer is not allowed to omit it")]
    MissingTokenId,
}

pub struct Verifier {
    keys: HashMap<String, TrustedKey>,
    audience: String,
    leeway: u64,
    rules: TokenRules,
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
            rules: TokenRules::default(),
        })
    }

    /// Replaces the default [`TokenRules`].
    pub fn with_rules(mut self, rules: TokenRules) -> Self {
        self.rules = rules;
        self
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
        // Audit records and settings versions name the subject; the contract bounds it.
        if raw.sub.trim().is_empty() || raw.sub.chars().count() > MAX_SUBJECT_CHARS {
            return Err(TokenError::Invalid);
        }
        if let Some(allowed) = &key.organisations
            && !allowed.contains(&raw.org)
        {
            return Err(TokenError::OrganisationNotAllowed);
        }
        // Seconds, as floats: claims may be fractional, and f64 holds any plausible time.
        let now = jsonwebtoken::get_current_timestamp() as f64;
        let leeway = self.leeway as f64;
        if raw.iat.is_some_and(|iat| iat > now + leeway) {
            return Err(TokenError::IssuedInFuture);
        }
        let lifetime = match raw.iat {
            Some(iat) => raw.exp - iat,
            None => raw.exp - now - leeway,
        };
        if lifetime > self.rules.max_lifetime_seconds as f64 {
            return Err(TokenError::LifetimeTooLong);
        }
        let has_jti = raw.jti.as_deref().is_some_and(|jti| !jti.trim().is_empty());
        if !has_jti && !self.rules.issuers_without_jti.contains(&key.issuer) {
            return Err(TokenError::MissingTokenId);
        }
        Ok(Claims {
            subject: raw.sub,
            organisation_id: raw.org,
            roles: raw.roles.iter().filter_map(|r| r.parse().ok()).collect(),
            token_id: raw.jti.filter(|_| has_jti),
        })
    }
}
