//! Where a document's encrypted chunks go when not into the database: an object store
//! (`sanctuary-objects` implements this for S3-compatible stores). It is given
//! ciphertext only: the document keys stay in the database, sealed by the keyring, so a
//! leaked bucket holds nothing readable and destroying a key destroys the content.

use std::fmt::Debug;

use futures_util::future::BoxFuture;
use uuid::Uuid;

/// A failure of the object store. Its message names the operation and the store's
/// error kind, never a document's content.
#[derive(Debug, thiserror::Error)]
#[error("object store error while {context}: {message}")]
pub struct BlobError {
    pub context: &'static str,
    pub message: String,
}

/// Encrypted chunks, named by their document and place.
pub trait DocumentBlobs: Send + Sync + Debug {
    /// Stores chunk `seq` of `document` (replacing one of the same name).
    fn put(
        &self,
        document: Uuid,
        seq: u32,
        sealed: Vec<u8>,
    ) -> BoxFuture<'_, Result<(), BlobError>>;

    /// Chunk `seq` of `document`, if stored.
    fn get(&self, document: Uuid, seq: u32) -> BoxFuture<'_, Result<Option<Vec<u8>>, BlobError>>;

    /// Removes every chunk of `document` (none stored is not an error).
    fn remove(&self, document: Uuid) -> BoxFuture<'_, Result<(), BlobError>>;

    /// The documents that have chunks stored.
    fn documents(&self) -> BoxFuture<'_, Result<Vec<Uuid>, BlobError>>;
}

/// Where a document's chunks are, as its record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StoredIn {
    Database,
    ObjectStore,
}

impl StoredIn {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StoredIn::Database => "database",
            StoredIn::ObjectStore => "object_store",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<StoredIn> {
        match s {
            "database" => Some(StoredIn::Database),
            "object_store" => Some(StoredIn::ObjectStore),
            _ => None,
        }
    }
}
