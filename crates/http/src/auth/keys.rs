//! Trusted verification keys, from PEM files or a JWKS document. Each key is bound to
//! one issuer and one algorithm; symmetric (HMAC) keys are refused outright, so a token
//! "signed" with a public key as an HMAC secret can never verify.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey};
use uuid::Uuid;

/// A key that may sign access tokens.
#[derive(Clone)]
pub struct TrustedKey {
    /// The `kid` tokens name in their header.
    pub kid: String,
    /// The only `iss` this key may sign for.
    pub issuer: String,
    /// The only algorithm accepted with this key.
    pub algorithm: Algorithm,
    pub key: DecodingKey,
    /// If set, the only organisations this key may vouch for (an IdP speaks for its own).
    pub organisations: Option<Vec<Uuid>>,
}

impl std::fmt::Debug for TrustedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustedKey")
            .field("kid", &self.kid)
            .field("issuer", &self.issuer)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

fn asymmetric(algorithm: Algorithm) -> Result<Algorithm, String> {
    match algorithm {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Err(format!(
            "{algorithm:?} is symmetric; only public-key algorithms are accepted"
        )),
        other => Ok(other),
    }
}

/// A public key in PEM (SubjectPublicKeyInfo) for `algorithm`.
pub fn key_from_pem(
    kid: &str,
    issuer: &str,
    algorithm: Algorithm,
    pem: &[u8],
    organisations: Option<Vec<Uuid>>,
) -> Result<TrustedKey, String> {
    let algorithm = asymmetric(algorithm)?;
    let key = match algorithm {
        Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(pem),
        Algorithm::EdDSA => DecodingKey::from_ed_pem(pem),
        _ => DecodingKey::from_rsa_pem(pem),
    }
    .map_err(|e| format!("key {kid}: not a {algorithm:?} public key in PEM: {e}"))?;
    Ok(TrustedKey {
        kid: kid.to_owned(),
        issuer: issuer.to_owned(),
        algorithm,
        key,
        organisations,
    })
}

/// Every key of a JWKS document. A key's algorithm is its `alg`, or else follows from
/// its type (EC P-256 → ES256, Ed25519 → EdDSA, RSA → RS256); each key needs a `kid`.
pub fn keys_from_jwks(
    issuer: &str,
    jwks: &str,
    organisations: Option<Vec<Uuid>>,
) -> Result<Vec<TrustedKey>, String> {
    let set: JwkSet =
        serde_json::from_str(jwks).map_err(|e| format!("not a JWKS document: {e}"))?;
    set.keys
        .iter()
        .map(|jwk| {
            let kid = jwk
                .common
                .key_id
                .clone()
                .ok_or("every JWKS key needs a kid")?;
            let algorithm = match (&jwk.common.key_algorithm, &jwk.algorithm) {
                (Some(alg), _) => {
                    Algorithm::try_from(*alg).map_err(|e| format!("key {kid}: {e}"))?
                }
                (None, AlgorithmParameters::EllipticCurve(p)) if p.curve == EllipticCurve::P256 => {
                    Algorithm::ES256
                }
                (None, AlgorithmParameters::EllipticCurve(p)) if p.curve == EllipticCurve::P384 => {
                    Algorithm::ES384
                }
                (None, AlgorithmParameters::OctetKeyPair(p))
                    if p.curve == EllipticCurve::Ed25519 =>
                {
                    Algorithm::EdDSA
                }
                (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
                _ => return Err(format!("key {kid}: unsupported key type")),
            };
            let algorithm = asymmetric(algorithm).map_err(|e| format!("key {kid}: {e}"))?;
            let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("key {kid}: {e}"))?;
            Ok(TrustedKey {
                kid,
                issuer: issuer.to_owned(),
                algorithm,
                key,
                organisations: organisations.clone(),
            })
        })
        .collect()
}
