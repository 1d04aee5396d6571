//! A document's own encryption: a fresh AES-256-GCM key per document, sealed by the
//! keyring (so rotating the keyring re-wraps keys, not files), and the content in
//! numbered chunks. Each chunk's nonce is its number (the key encrypts one document
//! once); its associated data binds it to the document, its place and whether it is the
//! last, so chunks cannot be reordered, moved to another document or cut off unnoticed.

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload, rand_core::RngCore};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use uuid::Uuid;

use crate::StoreError;
use crate::crypto::Keyring;

/// The sealed column holding each document's key.
pub const DOCUMENT_KEY: &str = "case_documents.data_key";
/// The plaintext in one chunk (the last may hold less).
pub const CHUNK_BYTES: usize = 256 * 1024;
/// What a chunk adds to its plaintext: the GCM tag.
pub const CHUNK_OVERHEAD: usize = 16;

/// The key of one document.
pub struct DocumentKey(Key<Aes256Gcm>);

impl DocumentKey {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        DocumentKey(bytes.into())
    }

    /// The key sealed by the keyring's current key, bound to `document`.
    pub fn seal(&self, keys: &Keyring, document: Uuid) -> String {
        keys.seal(DOCUMENT_KEY, document, &STANDARD.encode(self.0))
    }

    pub fn open(keys: &Keyring, document: Uuid, sealed: &str) -> Result<Self, StoreError> {
        let encoded = keys.open(DOCUMENT_KEY, document, sealed)?;
        let bytes: [u8; 32] = STANDARD
            .decode(encoded)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(StoreError::Corrupt {
                column: DOCUMENT_KEY,
            })?;
        Ok(DocumentKey(bytes.into()))
    }

    fn nonce(seq: u32) -> Nonce<aes_gcm::aead::consts::U12> {
        let mut nonce = [0u8; 12];
        nonce[8..].copy_from_slice(&seq.to_be_bytes());
        nonce.into()
    }

    fn associated(document: Uuid, seq: u32, last: bool) -> Vec<u8> {
        let mut aad = document.as_bytes().to_vec();
        aad.extend_from_slice(&seq.to_be_bytes());
        aad.push(u8::from(last));
        aad
    }

    pub fn encrypt(&self, document: Uuid, seq: u32, last: bool, plain: &[u8]) -> Vec<u8> {
        let aad = Self::associated(document, seq, last);
        Aes256Gcm::new(&self.0)
            .encrypt(
                &Self::nonce(seq),
                Payload {
                    msg: plain,
                    aad: &aad,
                },
            )
            .expect("AES-GCM encryption of an in-memory chunk cannot fail")
    }

    /// Chunk `seq` of `document` (the last one if `last`), or an error if it was
    /// changed, moved or is not where it claims to be.
    pub fn decrypt(
        &self,
        document: Uuid,
        seq: u32,
        last: bool,
        sealed: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        let aad = Self::associated(document, seq, last);
        Aes256Gcm::new(&self.0)
            .decrypt(
                &Self::nonce(seq),
                Payload {
                    msg: sealed,
                    aad: &aad,
                },
            )
            .map_err(|_| StoreError::Corrupt {
                column: "case_document_chunks.data",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_opens_only_in_its_place() {
        let key = DocumentKey::generate();
        let (doc, other) = (Uuid::now_v7(), Uuid::now_v7());
        let sealed = key.encrypt(doc, 3, false, b"page three");
        assert_eq!(key.decrypt(doc, 3, false, &sealed).unwrap(), b"page three");
        assert!(key.decrypt(doc, 4, false, &sealed).is_err());
        assert!(key.decrypt(doc, 3, true, &sealed).is_err());
        assert!(key.decrypt(other, 3, false, &sealed).is_err());
        assert!(
            DocumentKey::generate()
                .decrypt(doc, 3, false, &sealed)
                .is_err()
        );
        let mut tampered = sealed.clone();
        tampered[0] ^= 1;
        assert!(key.decrypt(doc, 3, false, &tampered).is_err());
    }
}
