//! Test signing keys (generated once per process) and token minting.

use std::sync::OnceLock;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

pub const ISSUER: &str = "https://idp.test.example";
pub const AUDIENCE: &str = "sanctuary-api";

pub struct TestKey {
    pub kid: &'static str,
    pub algorithm: Algorithm,
    pub encoding: EncodingKey,
    /// SubjectPublicKeyInfo PEM.
    pub public_pem: String,
    /// The key in JWK form (public parts).
    pub jwk: Value,
}

pub struct TestKeys {
    pub ed25519: TestKey,
    pub es256: TestKey,
    pub rs256: TestKey,
    /// Trusted by nobody: same kid as `ed25519`, different key.
    pub impostor: TestKey,
}

static KEYS: OnceLock<TestKeys> = OnceLock::new();

fn spki_pem(der: &[u8]) -> String {
    pem::encode(&pem::Pem::new("PUBLIC KEY", der.to_vec()))
}

fn ed25519(kid: &'static str) -> TestKey {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    let spki = pair.public_key().as_der().unwrap();
    let x = URL_SAFE_NO_PAD.encode(pair.public_key().as_ref());
    TestKey {
        kid,
        algorithm: Algorithm::EdDSA,
        encoding: EncodingKey::from_ed_der(pkcs8.as_ref()),
        public_pem: spki_pem(spki.as_ref()),
        jwk: json!({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": kid}),
    }
}

impl TestKeys {
    pub fn get() -> &'static TestKeys {
        KEYS.get_or_init(|| {
            let rng = SystemRandom::new();
            let es_pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
            let es_pair =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, es_pkcs8.as_ref())
                    .unwrap();
            let es_public = es_pair.public_key();
            let point = es_public.as_ref(); // 0x04 || x || y
            let rsa = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
            let rsa_pkcs8 = rsa.as_der().unwrap();
            let rsa_spki = rsa.public_key().as_der().unwrap();
            TestKeys {
                ed25519: ed25519("test-ed25519"),
                es256: TestKey {
                    kid: "test-es256",
                    algorithm: Algorithm::ES256,
                    encoding: EncodingKey::from_ec_der(es_pkcs8.as_ref()),
                    public_pem: spki_pem(es_public.as_der().unwrap().as_ref()),
                    jwk: json!({
                        "kty": "EC", "crv": "P-256", "kid": "test-es256",
                        "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                        "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
                    }),
                },
                rs256: TestKey {
                    kid: "test-rs256",
                    algorithm: Algorithm::RS256,
                    // jsonwebtoken signs with PKCS#1; its PEM reader unwraps PKCS#8.
                    encoding: EncodingKey::from_rsa_pem(
                        pem::encode(&pem::Pem::new("PRIVATE KEY", rsa_pkcs8.as_ref().to_vec()))
                            .as_bytes(),
                    )
                    .unwrap(),
                    public_pem: spki_pem(rsa_spki.as_ref()),
                    jwk: Value::Null,
                },
                impostor: ed25519("test-ed25519"),
            }
        })
    }

    /// `(kid, algorithm, pem)` of every trusted key, for the server's configuration.
    pub fn public_keys(&self) -> Vec<(String, String, String)> {
        [&self.ed25519, &self.es256, &self.rs256]
            .into_iter()
            .map(|k| {
                (
                    k.kid.to_owned(),
                    format!("{:?}", k.algorithm),
                    k.public_pem.clone(),
                )
            })
            .collect()
    }

    /// Standard claims for `org` with `roles`, valid now for an hour.
    pub fn claims(org: Uuid, roles: &[&str]) -> Value {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        json!({
            "iss": ISSUER, "aud": AUDIENCE, "sub": "user-1234",
            "org": org, "roles": roles,
            "iat": now, "nbf": now, "exp": now + 3600,
            "jti": Uuid::now_v7(),
        })
    }

    pub fn token(&self, org: Uuid, roles: &[&str]) -> String {
        self.sign(&self.ed25519, &Self::claims(org, roles))
    }

    /// Signs arbitrary claims with `key` (its kid in the header).
    pub fn sign(&self, key: &TestKey, claims: &Value) -> String {
        let mut header = Header::new(key.algorithm);
        header.kid = Some(key.kid.to_owned());
        jsonwebtoken::encode(&header, claims, &key.encoding).unwrap()
    }
}
