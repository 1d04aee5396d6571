//! Demo mode: a local signing key, the Darlington demo scheme with one organisation per
//! role, and a ready-to-paste token for each. Only ever on the embedded SQLite database.

use std::fs;
use std::path::Path;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use sanctuary_domain::organisation::Role;
use sanctuary_http::auth::TrustedKey;
use sanctuary_persistence::Store;
use sanctuary_persistence::organisations::{self, Organisation};
use sanctuary_persistence::schemes;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::files::{create_private_dir, write_private};
use crate::setup::{self, SetupFile};

pub const DEMO_SCHEME: &str = "darlington";
const KEY_FILE: &str = "demo-signing-key.pem";
pub const TOKEN_LIFETIME: Duration = Duration::hours(12);

/// The demo's set-up: the shipped example for Darlington.
const DEMO_SETUP: &str = include_str!("../../../deploy/darlington.toml");

/// The demo organisations' fixed ids, so the contract's examples (an assessor to
/// assign, a contractor to order works from) name organisations that exist in every
/// demo. Listed in the README.
pub const DEMO_ORGANISATION_IDS: [(&str, &str); 11] = [
    (
        "Sanctuary Platform Operators",
        "01a20ab8-29b0-7a01-9c3e-5d2f10a4b001",
    ),
    (
        "Harbour Support Services",
        "01a20ab8-29b4-7b52-8e61-0c9d3f7a2b14",
    ),
    (
        "Darlington Borough Council Sanctuary Team",
        "01a20ab8-29b8-7c13-a4d2-6e0f91b3c5a7",
    ),
    (
        "Durham Constabulary Crime Prevention Unit",
        "01a20ab8-29c0-73a6-aa80-239f293b7768",
    ),
    (
        "SecureHome Installations Ltd",
        "01a20ab8-29c2-7d11-b6f1-53d0c0e4b1a2",
    ),
    (
        "County Durham and Darlington Fire and Rescue Service",
        "01a20ab8-29c4-7e08-9f27-4b1c6d8e0a35",
    ),
    (
        "Office of the Durham Police and Crime Commissioner",
        "01a20ab8-29c6-7f4a-8b90-7a2e5c1d3f46",
    ),
    (
        "Darlington Borough Council Information Governance",
        "01a20ab8-29c8-7012-a5b7-1f3e9d2c4b68",
    ),
    (
        "Durham Constabulary Force Control Room",
        "01a20ab8-29ca-7b3e-8d14-6c2f0e9a5d71",
    ),
    (
        "Darlington Borough Council Building Surveyors",
        "01a20ab8-29cc-7d5f-9a21-3b8e6f0c2d94",
    ),
    (
        "Northgate Locksmiths Ltd",
        "01a20ab8-29ce-7e6a-8b32-4c9f7a1d3ea5",
    ),
];

/// The fixed id of the demo organisation named `name`.
pub fn demo_organisation_id(name: &str) -> Option<Uuid> {
    DEMO_ORGANISATION_IDS
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, id)| Uuid::parse_str(id).ok())
}

/// An Ed25519 key kept beside the database (PKCS#8 PEM, readable by its owner only).
pub struct SigningKey {
    pub kid: String,
    encoding: EncodingKey,
    public: Vec<u8>,
}

impl SigningKey {
    /// Loads the key from `dir`, creating it on first start.
    pub fn load_or_create(dir: &Path) -> Result<Self, String> {
        let path = dir.join(KEY_FILE);
        if !path.exists() {
            create_private_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let document = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                .map_err(|_| "cannot generate a key")?;
            let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", document.as_ref().to_vec()));
            write_private(&path, pem.as_bytes())?;
        }
        let text = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let der = pem::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let pair = Ed25519KeyPair::from_pkcs8(der.contents())
            .map_err(|_| format!("{} is not an Ed25519 key", path.display()))?;
        let public = pair.public_key().as_ref().to_vec();
        let kid = format!(
            "demo-{}",
            &URL_SAFE_NO_PAD.encode(Sha256::digest(&public))[..16]
        );
        let encoding = EncodingKey::from_ed_der(der.contents());
        Ok(Self {
            kid,
            encoding,
            public,
        })
    }

    /// The verification key for this signing key.
    pub fn trusted_key(&self, issuer: &str) -> TrustedKey {
        TrustedKey {
            kid: self.kid.clone(),
            issuer: issuer.to_owned(),
            algorithm: Algorithm::EdDSA,
            key: DecodingKey::from_ed_der(&self.public),
            organisations: None,
        }
    }

    /// A token for `organisation` acting as `role`, valid for `lifetime`.
    pub fn mint(
        &self,
        issuer: &str,
        audience: &str,
        organisation: Uuid,
        role: Role,
        lifetime: Duration,
    ) -> Result<String, String> {
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            aud: &'a str,
            sub: String,
            org: Uuid,
            roles: [Role; 1],
            iat: i64,
            nbf: i64,
            exp: i64,
            jti: String,
        }
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let claims = Claims {
            iss: issuer,
            aud: audience,
            sub: format!("demo-{}", role.as_str()),
            org: organisation,
            roles: [role],
            iat: now,
            nbf: now,
            exp: now + lifetime.whole_seconds(),
            jti: Uuid::now_v7().to_string(),
        };
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| format!("cannot sign a token: {e}"))
    }
}

/// Applies the shipped Darlington set-up, once: only to a fresh database (no
/// organisations and no schemes yet). Later starts change nothing, so what an
/// administrator did since (organisations deactivated, memberships removed, settings
/// changed) stays done. Returns whether it seeded.
pub async fn seed_if_fresh(store: &Store) -> Result<bool, String> {
    let db = store.connection();
    let fresh = organisations::list(db)
        .await
        .map_err(|e| e.to_string())?
        .is_empty()
        && schemes::list(db)
            .await
            .map_err(|e| e.to_string())?
            .is_empty();
    if !fresh {
        return Ok(false);
    }
    let mut file = SetupFile::parse(DEMO_SETUP).map_err(|e| e.to_string())?;
    for entry in &mut file.organisations {
        entry.id = entry.id.or_else(|| demo_organisation_id(&entry.name));
    }
    let app = sanctuary_app::App::new(store.clone());
    setup::apply(&app, &file, &sanctuary_app::admin::system("demo"))
        .await
        .map_err(|e| e.to_string())?;
    Ok(true)
}

/// Who gets a demo token, as the database stands: every active member of the demo
/// scheme (if it exists) with its role, and the active administrators.
pub async fn token_holders(store: &Store) -> Result<Vec<(Organisation, Role)>, String> {
    let db = store.connection();
    let mut people = Vec::new();
    if let Some(scheme) = schemes::find_by_code(db, DEMO_SCHEME)
        .await
        .map_err(|e| e.to_string())?
    {
        people = schemes::members(db, scheme.id)
            .await
            .map_err(|e| e.to_string())?;
        people.retain(|(org, _)| org.active);
    }
    for org in organisations::list(db).await.map_err(|e| e.to_string())? {
        if org.is_administrator && org.active {
            people.push((org, Role::Admin));
        }
    }
    Ok(people)
}
