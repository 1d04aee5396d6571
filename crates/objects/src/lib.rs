//! Documents' encrypted chunks in an S3-compatible object store (AWS S3, MinIO, Ceph,
//! Garage…), through `object_store`. Each chunk is one object,
//! `{prefix}documents/{document id}/{chunk number}`, holding ciphertext only: the keys
//! that open it stay in the database, sealed by the keyring.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sanctuary_persistence::documents::blobs::{BlobError, DocumentBlobs};
use uuid::Uuid;

/// Where the store is and how to sign in to it.
#[derive(Debug, Clone, Default)]
pub struct S3Config {
    pub bucket: String,
    /// The service's URL (MinIO, Ceph, another provider); unset means AWS.
    pub endpoint: Option<String>,
    pub region: String,
    /// Credentials; unset, the usual AWS sources (environment, instance profile).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Plain `http://` endpoints (a store on the same host or in tests).
    pub allow_http: bool,
    /// Put in front of every object's name (e.g. `sanctuary/`), to share a bucket.
    pub prefix: String,
}

/// The documents' chunks in an S3-compatible bucket.
#[derive(Debug)]
pub struct S3Blobs {
    store: Arc<dyn ObjectStore>,
    root: Path,
}

impl S3Blobs {
    pub fn new(config: &S3Config) -> Result<S3Blobs, BlobError> {
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_allow_http(config.allow_http);
        if let Some(endpoint) = &config.endpoint {
            // Path-style requests: what MinIO and most S3-compatible stores expect.
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false);
        }
        if let Some(id) = &config.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &config.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder
            .build()
            .map_err(failed("configuring the object store"))?;
        let root = Path::from(format!("{}documents", config.prefix));
        Ok(S3Blobs {
            store: Arc::new(store),
            root,
        })
    }

    fn document(&self, document: Uuid) -> Path {
        self.root.clone().join(document.to_string())
    }

    fn chunk(&self, document: Uuid, seq: u32) -> Path {
        self.document(document).join(format!("{seq:08}"))
    }
}

/// The error's kind and the store's message: object names hold only ids, never content.
fn failed(context: &'static str) -> impl Fn(object_store::Error) -> BlobError {
    move |e| BlobError {
        context,
        message: e.to_string(),
    }
}

impl DocumentBlobs for S3Blobs {
    fn put(
        &self,
        document: Uuid,
        seq: u32,
        sealed: Vec<u8>,
    ) -> BoxFuture<'_, Result<(), BlobError>> {
        let path = self.chunk(document, seq);
        Box::pin(async move {
            self.store
                .put(&path, PutPayload::from(sealed))
                .await
                .map_err(failed("storing a document chunk"))?;
            Ok(())
        })
    }

    fn get(&self, document: Uuid, seq: u32) -> BoxFuture<'_, Result<Option<Vec<u8>>, BlobError>> {
        let path = self.chunk(document, seq);
        Box::pin(async move {
            match self.store.get(&path).await {
                Ok(found) => {
                    let bytes = found
                        .bytes()
                        .await
                        .map_err(failed("reading a document chunk"))?;
                    Ok(Some(bytes.to_vec()))
                }
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(failed("reading a document chunk")(e)),
            }
        })
    }

    fn remove(&self, document: Uuid) -> BoxFuture<'_, Result<(), BlobError>> {
        let prefix = self.document(document);
        Box::pin(async move {
            let chunks: Vec<Path> = self
                .store
                .list(Some(&prefix))
                .map_ok(|meta| meta.location)
                .try_collect()
                .await
                .map_err(failed("listing a document's chunks"))?;
            let mut removed = self
                .store
                .delete_stream(futures_util::stream::iter(chunks.into_iter().map(Ok)).boxed());
            while let Some(done) = removed.next().await {
                match done {
                    Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                    Err(e) => return Err(failed("removing a document's chunks")(e)),
                }
            }
            Ok(())
        })
    }

    fn documents(&self) -> BoxFuture<'_, Result<Vec<Uuid>, BlobError>> {
        Box::pin(async move {
            let listed = self
                .store
                .list_with_delimiter(Some(&self.root))
                .await
                .map_err(failed("listing documents"))?;
            Ok(listed
                .common_prefixes
                .iter()
                .filter_map(|p| p.filename().and_then(|name| Uuid::parse_str(name).ok()))
                .collect())
        })
    }
}
