//! Encryption at rest and blind indexes.
//!
//! Direct identifiers and free text are stored sealed with AES-256-GCM: a fresh random
//! 96-bit nonce per value, and the column and row as associated data, so a sealed value
//! cannot be moved to another row or column unnoticed. A sealed value reads
//! `enc1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`; the key id lets old keys be
//! rotated out (`sanctuary keys rotate`). Opening a tampered value fails — it never
//! yields wrong data. Repeat-referral matching uses HMAC-SHA256 blind indexes under a
//! separate key, so matching never needs plaintext and a list of names cannot be hashed
//! to find clients.
//!
//! The audit chain's links are HMAC-SHA256 under a MAC key derived from each data key
//! (an HMAC of a fixed label under it), so the MAC key is never stored anywhere, has the
//! data key's id, and rotates with it: new records use the current key's, and records
//! made under an older key verify for as long as that key id stays in the keyring.

use std::collections::BTreeMap;
use std::fmt;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload, rand_core::RngCore};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::StoreError;

const PREFIX: &str = "enc1";

/// The sealed columns (also the associated data binding each value to its column).
pub const REFERRAL_DETAILS: &str = "case_referrals.details";
pub const NOTE_TEXT: &str = "case_notes.text";
pub const WORKS_LOCATION: &str = "works_items.location";
/// Referring agencies' comments on the scheme (the coordinator's to read).
pub const FEEDBACK_COMMENT: &str = "scheme_feedback.comment";
/// Webhook signing secrets: whoever holds one can forge the service's deliveries.
pub const WEBHOOK_SECRET: &str = "webhook_endpoints.secret";
pub const WEBHOOK_PREVIOUS_SECRET: &str = "webhook_endpoints.previous_secret";
const NONCE_LEN: usize = 12;
/// The label a data key's audit MAC key is derived with (never used for anything else).
const AUDIT_MAC_LABEL: &[u8] = b"sanctuary audit chain MAC key v1";

/// The data keys (by id), which one seals new values, and the blind-index key.
#[derive(Clone)]
pub struct Keyring {
    current: String,
    keys: BTreeMap<String, Key<Aes256Gcm>>,
    index_key: [u8; 32],
    /// The audit MAC key derived from each data key, by the data key's id.
    audit_keys: BTreeMap<String, [u8; 32]>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current)
            .field("key_ids", &self.keys.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The keyring as configured: JSON with base64 keys.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyringFile {
    current: String,
    keys: BTreeMap<String, String>,
    blind_index_key: String,
}

/// Why a keyring or a sealed value was refused. Never contains key material or data.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the keyring is not valid JSON of the expected shape")]
    Malformed,
    #[error("key `{0}` is not 32 bytes of base64")]
    BadKey(String),
    #[error("the current key `{0}` is not in the keyring")]
    NoCurrentKey(String),
    #[error("key ids are 1 to 32 letters, digits, `-` or `_`")]
    BadKeyId,
}

fn decode_key(id: &str, text: &str) -> Result<[u8; 32], KeyError> {
    STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| KeyError::BadKey(id.to_owned()))
}

fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    key
}

impl Keyring {
    pub fn from_json(text: &str) -> Result<Self, KeyError> {
        let file: KeyringFile = serde_json::from_str(text).map_err(|_| KeyError::Malformed)?;
        let mut keys = BTreeMap::new();
        let mut audit_keys = BTreeMap::new();
        for (id, text) in &file.keys {
            if !valid_id(id) {
                return Err(KeyError::BadKeyId);
            }
            let key = decode_key(id, text)?;
            audit_keys.insert(id.clone(), hmac(&key, AUDIT_MAC_LABEL));
            keys.insert(id.clone(), Key::<Aes256Gcm>::from(key));
        }
        if !keys.contains_key(&file.current) {
            return Err(KeyError::NoCurrentKey(file.current));
        }
        Ok(Self {
            current: file.current,
            keys,
            index_key: decode_key("blind_index_key", &file.blind_index_key)?,
            audit_keys,
        })
    }

    /// A new keyring with one random data key `key_id` and a random blind-index key, as
    /// the JSON to keep (it holds the secrets: store it readable by the service only).
    pub fn generate_json(key_id: &str) -> Result<String, KeyError> {
        if !valid_id(key_id) {
            return Err(KeyError::BadKeyId);
        }
        let file = KeyringFile {
            current: key_id.to_owned(),
            keys: BTreeMap::from([(key_id.to_owned(), STANDARD.encode(random_key()))]),
            blind_index_key: STANDARD.encode(random_key()),
        };
        serde_json::to_string_pretty(&file).map_err(|_| KeyError::Malformed)
    }

    /// The id of the key new values are sealed with.
    pub fn current_key_id(&self) -> &str {
        &self.current
    }

    fn associated(column: &str, row: Uuid) -> Vec<u8> {
        format!("{column}\0{row}").into_bytes()
    }

    /// Seals `plaintext` for `column` of row `row` under the current key.
    pub fn seal(&self, column: &str, row: Uuid, plaintext: &str) -> String {
        let key = &self.keys[&self.current];
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = Self::associated(column, row);
        let sealed = Aes256Gcm::new(key)
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: &aad,
                },
            )
            .expect("AES-GCM encryption of an in-memory value cannot fail");
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        format!(
            "{PREFIX}:{}:{}",
            self.current,
            URL_SAFE_NO_PAD.encode(bytes)
        )
    }

    /// Opens a value sealed for `column` of row `row`. Any change to it, or a key not in
    /// the keyring, is an error (reported without the value).
    pub fn open(
        &self,
        column: &'static str,
        row: Uuid,
        sealed: &str,
    ) -> Result<String, StoreError> {
        let corrupt = || StoreError::Corrupt { column };
        let mut parts = sealed.splitn(3, ':');
        let (Some(PREFIX), Some(id), Some(body)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(corrupt());
        };
        let key = self.keys.get(id).ok_or(StoreError::UnknownKey {
            column,
            key_id: id.chars().take(32).collect(),
        })?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| corrupt())?;
        if bytes.len() < NONCE_LEN {
            return Err(corrupt());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| corrupt())?;
        let aad = Self::associated(column, row);
        let plain = Aes256Gcm::new(key)
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| corrupt())?;
        String::from_utf8(plain).map_err(|_| corrupt())
    }

    /// The id of the key `sealed` was sealed with (`None`: not a sealed value).
    pub fn key_id_of(sealed: &str) -> Option<&str> {
        let mut parts = sealed.splitn(3, ':');
        match (parts.next(), parts.next()) {
            (Some(PREFIX), Some(id)) => Some(id),
            _ => None,
        }
    }

    /// The keyed blind index of a canonical value (hex HMAC-SHA256).
    pub fn blind_index(&self, canonical: &str) -> String {
        hmac(&self.index_key, canonical.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The audit MAC key new records are linked with, and its id (the current key's).
    pub fn current_audit_key(&self) -> (&str, &[u8; 32]) {
        (&self.current, &self.audit_keys[&self.current])
    }

    /// The audit MAC key of key id `id`, if the keyring holds it.
    pub fn audit_key(&self, id: &str) -> Option<&[u8; 32]> {
        self.audit_keys.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> Keyring {
        Keyring::from_json(&Keyring::generate_json("k1").unwrap()).unwrap()
    }

    #[test]
    fn a_sealed_value_opens_only_where_it_was_sealed() {
        let keys = ring();
        let row = Uuid::now_v7();
        let sealed = keys.seal("case_notes.text", row, "Jane Example, 1 High Street");
        assert!(sealed.starts_with("enc1:k1:"));
        assert!(!sealed.contains("Jane"));
        assert_eq!(
            keys.open("case_notes.text", row, &sealed).unwrap(),
            "Jane Example, 1 High Street"
        );
        // Another row or column: refused.
        assert!(
            keys.open("case_notes.text", Uuid::now_v7(), &sealed)
                .is_err()
        );
        assert!(keys.open("works_items.location", row, &sealed).is_err());
        // Fresh nonce every time.
        assert_ne!(
            sealed,
            keys.seal("case_notes.text", row, "Jane Example, 1 High Street")
        );
    }

    #[test]
    fn every_flipped_bit_is_an_error_never_wrong_data() {
        let keys = ring();
        let row = Uuid::now_v7();
        let sealed = keys.seal("c", row, "secret");
        let (head, body) = sealed.rsplit_once(':').unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(body).unwrap();
        for i in 0..bytes.len() * 8 {
            let mut flipped = bytes.clone();
            flipped[i / 8] ^= 1 << (i % 8);
            let tampered = format!("{head}:{}", URL_SAFE_NO_PAD.encode(flipped));
            assert!(keys.open("c", row, &tampered).is_err(), "bit {i}");
        }
    }

    #[test]
    fn a_value_needs_its_key_and_another_keyring_cannot_open_it() {
        let keys = ring();
        let row = Uuid::now_v7();
        let sealed = keys.seal("c", row, "secret");
        let other = ring();
        assert!(other.open("c", row, &sealed).is_err());
        assert_eq!(Keyring::key_id_of(&sealed), Some("k1"));
        assert_eq!(Keyring::key_id_of("plain text"), None);
    }

    #[test]
    fn blind_indexes_are_keyed() {
        let (a, b) = (ring(), ring());
        assert_eq!(a.blind_index("x"), a.blind_index("x"));
        assert_ne!(a.blind_index("x"), b.blind_index("x"));
        assert_eq!(a.blind_index("x").len(), 64);
    }

    #[test]
    fn audit_mac_keys_come_from_the_data_keys_and_rotate_with_them() {
        let keys = ring();
        let (id, key) = keys.current_audit_key();
        assert_eq!(id, "k1");
        assert_eq!(keys.audit_key("k1"), Some(key));
        assert_eq!(keys.audit_key("k2"), None);
        // Not the data key, nor the blind-index key, nor another keyring's.
        assert_ne!(&key[..], &keys.keys["k1"][..]);
        assert_ne!(key, &keys.index_key);
        assert_ne!(ring().current_audit_key().1, key);
        // A keyring with a new current key: new records use it, old ids still verify.
        let mut rotated = keys.clone();
        rotated
            .keys
            .insert("k2".into(), Key::<Aes256Gcm>::from(random_key()));
        let json = serde_json::to_string(&KeyringFile {
            current: "k2".into(),
            keys: rotated
                .keys
                .iter()
                .map(|(id, k)| (id.clone(), STANDARD.encode(k)))
                .collect(),
            blind_index_key: STANDARD.encode(keys.index_key),
        })
        .unwrap();
        let rotated = Keyring::from_json(&json).unwrap();
        assert_eq!(rotated.current_audit_key().0, "k2");
        assert_ne!(rotated.current_audit_key().1, key);
        assert_eq!(rotated.audit_key("k1"), Some(key));
        assert!(!format!("{rotated:?}").contains(&format!("{:?}", key)));
    }

    #[test]
    fn bad_keyrings_are_refused_without_echoing_secrets() {
        assert_eq!(Keyring::from_json("{").unwrap_err(), KeyError::Malformed);
        let short = r#"{"current":"k","keys":{"k":"c2hvcnQ="},"blind_index_key":"c2hvcnQ="}"#;
        assert_eq!(
            Keyring::from_json(short).unwrap_err(),
            KeyError::BadKey("k".into())
        );
        let json = Keyring::generate_json("k1")
            .unwrap()
            .replace("\"current\": \"k1\"", "\"current\": \"k2\"");
        assert_eq!(
            Keyring::from_json(&json).unwrap_err(),
            KeyError::NoCurrentKey("k2".into())
        );
        assert!(format!("{:?}", ring()).contains("k1"));
    }
}
