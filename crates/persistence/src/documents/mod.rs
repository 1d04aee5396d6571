//! Documents attached to a case, stored in the database (so backups, transactions and
//! retention cover them), encrypted under a key of their own ([`cipher`]).
//!
//! An upload is encrypted as it arrives, a chunk at a time, by a [`Spool`]; its record
//! (with its key) is committed at the end with its timeline entry and audit record, so
//! until then nothing of it can be read. A download decrypts one chunk at a time. The
//! chunks are rows of `case_document_chunks`, or objects in an object store
//! ([`blobs`]) when the store is given one; each record says which.

pub mod blobs;
pub mod cipher;

use futures_util::Stream;
use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::documents::{DocumentKind, MediaType};
use sanctuary_domain::notes::{Audience, NoteAccess, NoteReader, ReadScope};
use sanctuary_domain::policy::Action;
use sanctuary_domain::quotas::Usage;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use std::sync::Arc;

use self::blobs::{BlobError, DocumentBlobs, StoredIn};
use self::cipher::{CHUNK_BYTES, DocumentKey};
use crate::audit::{self, NewAudit};
use crate::codec::parse;
use crate::entities::{case, case_document, case_document_chunk, organisation};
use crate::events::{self, Actor, NewEvent};
use crate::{Store, StoreError};

/// An upload being received: encrypted chunk by chunk, each chunk written in a short
/// transaction of its own (so a large upload never holds SQLite's single writer for
/// long, and memory holds one chunk). Until [`store`] commits the document's record,
/// with its key, the chunks belong to nothing and cannot be read: an upload refused or
/// cut off is removed ([`Spool::abandon`], or [`sweep`] after a crash).
pub struct Spool {
    store: Store,
    blobs: Option<Arc<dyn DocumentBlobs>>,
    id: Uuid,
    key: DocumentKey,
    pending: Vec<u8>,
    chunks: u32,
    size: u64,
}

impl Spool {
    pub fn new(store: &Store) -> Spool {
        Spool {
            store: store.clone(),
            blobs: store.blobs().cloned(),
            id: Uuid::now_v7(),
            key: DocumentKey::generate(),
            pending: Vec::with_capacity(CHUNK_BYTES),
            chunks: 0,
            size: 0,
        }
    }

    /// The bytes received so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Takes the next bytes of the file.
    pub async fn push(&mut self, bytes: &[u8]) -> Result<(), StoreError> {
        self.size += bytes.len() as u64;
        self.pending.extend_from_slice(bytes);
        // Strictly more than a chunk: the last chunk is written by `finish`, flagged.
        while self.pending.len() > CHUNK_BYTES {
            let rest = self.pending.split_off(CHUNK_BYTES);
            let chunk = std::mem::replace(&mut self.pending, rest);
            self.write(&chunk, false).await?;
        }
        Ok(())
    }

    async fn write(&mut self, plain: &[u8], last: bool) -> Result<(), StoreError> {
        let sealed = self.key.encrypt(self.id, self.chunks, last, plain);
        if let Some(blobs) = &self.blobs {
            blobs.put(self.id, self.chunks, sealed).await?;
            self.chunks += 1;
            return Ok(());
        }
        let tx = self.store.begin_write().await?;
        case_document_chunk::ActiveModel {
            document_id: Set(self.id),
            seq: Set(i32::try_from(self.chunks).unwrap_or(i32::MAX)),
            data: Set(sealed),
        }
        .insert(&*tx)
        .await
        .map_err(StoreError::db("storing a document"))?;
        tx.commit()
            .await
            .map_err(StoreError::db("storing a document"))?;
        self.chunks += 1;
        Ok(())
    }

    /// Removes what was written of an upload that will not be stored.
    pub async fn abandon(self) -> Result<(), StoreError> {
        if let Some(blobs) = &self.blobs {
            return Ok(blobs.remove(self.id).await?);
        }
        let tx = self.store.begin_write().await?;
        case_document_chunk::Entity::delete_many()
            .filter(case_document_chunk::Column::DocumentId.eq(self.id))
            .exec(&*tx)
            .await
            .map_err(StoreError::db("removing an abandoned upload"))?;
        tx.commit()
            .await
            .map_err(StoreError::db("removing an abandoned upload"))
    }
}

/// Removes the chunks of uploads that never became documents and were begun more than
/// `older_than` before `now` (a crash mid-upload); in the object store, those of
/// deleted and destroyed documents too (their keys went first, in the database's
/// transaction). Returns how many uploads or documents.
pub async fn sweep(
    store: &Store,
    now: OffsetDateTime,
    older_than: time::Duration,
) -> Result<u64, StoreError> {
    let swept = match store.blobs() {
        Some(blobs) => sweep_objects(store, blobs.as_ref(), now - older_than).await?,
        None => 0,
    };
    Ok(swept + sweep_rows(store, now, older_than).await?)
}

/// Begun before `cutoff`, by its UUIDv7 id.
fn begun_before(id: &Uuid, cutoff: OffsetDateTime) -> bool {
    id.get_timestamp().is_some_and(|t| {
        let (secs, _) = t.to_unix();
        i64::try_from(secs).is_ok_and(|s| s < cutoff.unix_timestamp())
    })
}

async fn sweep_objects(
    store: &Store,
    blobs: &dyn DocumentBlobs,
    cutoff: OffsetDateTime,
) -> Result<u64, StoreError> {
    let mut candidates = blobs.documents().await?;
    candidates.retain(|id| begun_before(id, cutoff));
    let mut swept = 0;
    for batch in candidates.chunks(500) {
        let live: Vec<Uuid> = case_document::Entity::find()
            .select_only()
            .column(case_document::Column::Id)
            .filter(case_document::Column::Id.is_in(batch.to_vec()))
            .filter(case_document::Column::DeletedAt.is_null())
            .into_tuple()
            .all(store.connection())
            .await
            .map_err(StoreError::db("finding documents' objects"))?;
        for id in batch.iter().filter(|id| !live.contains(id)) {
            blobs.remove(*id).await?;
            swept += 1;
        }
    }
    Ok(swept)
}

async fn sweep_rows(
    store: &Store,
    now: OffsetDateTime,
    older_than: time::Duration,
) -> Result<u64, StoreError> {
    let db = store.connection();
    let mut orphans: Vec<Uuid> = case_document_chunk::Entity::find()
        .select_only()
        .column(case_document_chunk::Column::DocumentId)
        .filter(
            case_document_chunk::Column::DocumentId.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(case_document::Column::Id)
                    .from(case_document::Entity)
                    .to_owned(),
            ),
        )
        .distinct()
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("finding abandoned uploads"))?;
    // An upload's id is a UUIDv7: when it began.
    let cutoff = now - older_than;
    orphans.retain(|id| begun_before(id, cutoff));
    if orphans.is_empty() {
        return Ok(0);
    }
    let tx = store.begin_write().await?;
    case_document_chunk::Entity::delete_many()
        .filter(case_document_chunk::Column::DocumentId.is_in(orphans.clone()))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("removing abandoned uploads"))?;
    tx.commit()
        .await
        .map_err(StoreError::db("removing abandoned uploads"))?;
    Ok(orphans.len() as u64)
}

/// A document to store.
pub struct NewDocument<'a> {
    pub case_id: Uuid,
    pub scheme_id: Uuid,
    pub status: CaseStatus,
    pub kind: DocumentKind,
    pub media_type: MediaType,
    pub audience: Audience,
    pub actor: &'a Actor,
    pub request_id: Option<&'a str>,
    pub at: OffsetDateTime,
}

/// A stored document's record (never its content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: DocumentKind,
    pub media_type: MediaType,
    pub size_bytes: u64,
    pub author_organisation_id: Uuid,
    pub author_organisation_name: String,
    pub audience: Audience,
    pub uploaded_at: OffsetDateTime,
    chunk_count: u32,
    data_key: Option<String>,
    stored_in: StoredIn,
}

impl DocumentRow {
    pub fn access(&self) -> NoteAccess {
        NoteAccess {
            author_organisation: self.author_organisation_id,
            audience: self.audience,
        }
    }
}

/// Writes the upload's last chunk and commits its record, with its key, timeline entry
/// (kind and id only) and audit record; returns its id. On failure the upload is
/// abandoned.
pub async fn store(
    store: &Store,
    n: NewDocument<'_>,
    mut spool: Spool,
) -> Result<Uuid, StoreError> {
    let last = std::mem::take(&mut spool.pending);
    let committed = match spool.write(&last, true).await {
        Ok(()) => commit(store, &n, &spool).await,
        Err(e) => Err(e),
    };
    match committed {
        Ok(id) => Ok(id),
        Err(e) => {
            // Best effort: what is left is unreadable, and swept later.
            let _ = spool.abandon().await;
            Err(e)
        }
    }
}

async fn commit(store: &Store, n: &NewDocument<'_>, spool: &Spool) -> Result<Uuid, StoreError> {
    let keys = store.keys()?;
    let id = spool.id;
    let tx = store.begin_write().await?;
    let data = [
        ("document_id", id.to_string()),
        ("kind", n.kind.as_str().to_owned()),
    ];
    let event_id = events::append(
        &*tx,
        keys,
        NewEvent {
            case_id: n.case_id,
            at: n.at,
            action: Action::AddDocument,
            from: Some(n.status),
            to: n.status,
            actor: n.actor,
            data: &data,
            notes: &[],
            readers_before: &[],
        },
    )
    .await?;
    case_document::ActiveModel {
        id: Set(id),
        case_id: Set(n.case_id),
        event_id: Set(event_id),
        kind: Set(n.kind.as_str().to_owned()),
        media_type: Set(n.media_type.as_str().to_owned()),
        size_bytes: Set(i64::try_from(spool.size).unwrap_or(i64::MAX)),
        chunk_count: Set(i32::try_from(spool.chunks).unwrap_or(i32::MAX)),
        data_key: Set(Some(spool.key.seal(keys, id))),
        stored_in: Set(match spool.blobs {
            Some(_) => StoredIn::ObjectStore,
            None => StoredIn::Database,
        }
        .as_str()
        .to_owned()),
        author_organisation_id: Set(n.actor.organisation_id),
        to_referrer: Set(n.audience.referrer),
        to_assessor: Set(n.audience.assessor),
        to_contractor: Set(n.audience.contractor),
        to_fire_service: Set(n.audience.fire_service),
        created_at: Set(n.at),
        deleted_at: Set(None),
    }
    .insert(&*tx)
    .await
    .map_err(StoreError::db("recording a document"))?;
    let access = NoteAccess {
        author_organisation: n.actor.organisation_id,
        audience: n.audience,
    };
    crate::outbox::append_document(&*tx, n.case_id, &access, n.at).await?;
    let record = NewAudit {
        actor_subject: &n.actor.subject,
        organisation_id: Some(n.actor.organisation_id),
        role: Some(n.actor.role),
        action: Action::AddDocument.as_str(),
        scheme_id: Some(n.scheme_id),
        case_id: Some(n.case_id),
        fields: vec![
            "document".into(),
            format!("kind:{}", n.kind),
            format!("type:{}", n.media_type),
        ],
        request_id: n.request_id,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(&*tx, keys, &record).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing a document"))?;
    Ok(id)
}

/// What the documents of case `case_id`, and those `organisation` uploaded to scheme
/// `scheme_id`'s cases, take now (not counting deleted ones).
pub async fn usage(
    store: &Store,
    case_id: Uuid,
    scheme_id: Uuid,
    organisation: Uuid,
) -> Result<Usage, StoreError> {
    let db = store.connection();
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
    let bytes = || Expr::cust("CAST(COALESCE(SUM(case_documents.size_bytes), 0) AS BIGINT)");
    let (documents, case_bytes): (i64, i64) = case_document::Entity::find()
        .select_only()
        .column_as(case_document::Column::Id.count(), "n")
        .column_as(bytes(), "bytes")
        .filter(case_document::Column::CaseId.eq(case_id))
        .filter(case_document::Column::DeletedAt.is_null())
        .into_tuple()
        .one(db)
        .await
        .map_err(StoreError::db("reading a case's documents' sizes"))?
        .unwrap_or((0, 0));
    let organisation_bytes: i64 = case_document::Entity::find()
        .select_only()
        .column_as(bytes(), "bytes")
        .join(
            sea_orm::JoinType::InnerJoin,
            case_document::Relation::Case.def(),
        )
        .filter(case::Column::SchemeId.eq(scheme_id))
        .filter(case_document::Column::AuthorOrganisationId.eq(organisation))
        .filter(case_document::Column::DeletedAt.is_null())
        .into_tuple()
        .one(db)
        .await
        .map_err(StoreError::db("reading an organisation's documents' sizes"))?
        .unwrap_or(0);
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Usage {
        case_documents: count(documents),
        case_bytes: count(case_bytes),
        organisation_bytes: count(organisation_bytes),
    })
}

fn document_flag(reader: NoteReader) -> Option<case_document::Column> {
    match reader {
        NoteReader::Coordinator => None,
        NoteReader::Referrer => Some(case_document::Column::ToReferrer),
        NoteReader::Assessor => Some(case_document::Column::ToAssessor),
        NoteReader::Contractor => Some(case_document::Column::ToContractor),
        NoteReader::FireService => Some(case_document::Column::ToFireService),
    }
}

/// The documents of case `case_id` that `scope` may read, newest first (not those
/// deleted).
pub async fn list(
    store: &Store,
    case_id: Uuid,
    scope: &ReadScope,
) -> Result<Vec<DocumentRow>, StoreError> {
    let rows = case_document::Entity::find()
        .filter(case_document::Column::CaseId.eq(case_id))
        .filter(case_document::Column::DeletedAt.is_null())
        .filter(crate::notes::readable(
            scope,
            case_document::Column::AuthorOrganisationId,
            document_flag,
        ))
        .order_by_desc(case_document::Column::Id)
        .all(store.connection())
        .await
        .map_err(StoreError::db("reading documents"))?;
    with_authors(store.connection(), rows).await
}

/// Document `id` of case `case_id`, unless deleted.
pub async fn find(
    store: &Store,
    case_id: Uuid,
    id: Uuid,
) -> Result<Option<DocumentRow>, StoreError> {
    let rows = case_document::Entity::find()
        .filter(case_document::Column::CaseId.eq(case_id))
        .filter(case_document::Column::Id.eq(id))
        .filter(case_document::Column::DeletedAt.is_null())
        .all(store.connection())
        .await
        .map_err(StoreError::db("reading a document"))?;
    Ok(with_authors(store.connection(), rows).await?.pop())
}

async fn with_authors(
    db: &impl ConnectionTrait,
    rows: Vec<case_document::Model>,
) -> Result<Vec<DocumentRow>, StoreError> {
    let mut ids: Vec<Uuid> = rows.iter().map(|r| r.author_organisation_id).collect();
    ids.sort();
    ids.dedup();
    let names: std::collections::HashMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(db)
        .await
        .map_err(StoreError::db("reading documents' authors"))?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    rows.into_iter()
        .map(|r| {
            Ok(DocumentRow {
                id: r.id,
                case_id: r.case_id,
                kind: parse(&r.kind, "case_documents.kind")?,
                media_type: parse(&r.media_type, "case_documents.media_type")?,
                size_bytes: u64::try_from(r.size_bytes).unwrap_or(0),
                author_organisation_name: names
                    .get(&r.author_organisation_id)
                    .cloned()
                    .unwrap_or_default(),
                author_organisation_id: r.author_organisation_id,
                audience: Audience {
                    referrer: r.to_referrer,
                    assessor: r.to_assessor,
                    contractor: r.to_contractor,
                    fire_service: r.to_fire_service,
                },
                uploaded_at: r.created_at,
                chunk_count: u32::try_from(r.chunk_count).unwrap_or(0),
                data_key: r.data_key,
                stored_in: StoredIn::parse(&r.stored_in).ok_or(StoreError::Corrupt {
                    column: "case_documents.stored_in",
                })?,
            })
        })
        .collect()
}

/// The content of `document`, decrypted a chunk at a time as it is read. A chunk that
/// fails to open (changed, moved, missing) ends the stream with an error.
pub fn content(
    store: &Store,
    document: &DocumentRow,
) -> Result<impl Stream<Item = Result<Vec<u8>, StoreError>> + use<>, StoreError> {
    let keys = store.keys()?;
    let sealed = document.data_key.as_deref().ok_or(StoreError::Corrupt {
        column: cipher::DOCUMENT_KEY,
    })?;
    let key = DocumentKey::open(keys, document.id, sealed)?;
    let blobs = match document.stored_in {
        StoredIn::Database => None,
        StoredIn::ObjectStore => Some(store.blobs().cloned().ok_or(BlobError {
            context: "reading a document",
            message: "the document is in an object store, and none is configured".into(),
        })?),
    };
    let (db, id, count) = (
        store.connection().clone(),
        document.id,
        document.chunk_count,
    );
    Ok(futures_util::stream::unfold(
        (0u32, Some(key)),
        move |(seq, key)| {
            let (db, blobs) = (db.clone(), blobs.clone());
            async move {
                let key = key?;
                if seq >= count {
                    return None;
                }
                let chunk = async {
                    let missing = StoreError::Corrupt {
                        column: "case_document_chunks.data",
                    };
                    if let Some(blobs) = blobs {
                        let sealed = blobs.get(id, seq).await?.ok_or(missing)?;
                        return key.decrypt(id, seq, seq + 1 == count, &sealed);
                    }
                    let row = case_document_chunk::Entity::find()
                        .filter(case_document_chunk::Column::DocumentId.eq(id))
                        .filter(
                            case_document_chunk::Column::Seq.eq(i32::try_from(seq).unwrap_or(-1)),
                        )
                        .one(&db)
                        .await
                        .map_err(StoreError::db("reading a document"))?
                        .ok_or(missing)?;
                    key.decrypt(id, seq, seq + 1 == count, &row.data)
                }
                .await;
                // After an error, nothing more.
                let next = chunk.is_ok().then_some(key);
                Some((chunk, (seq + 1, next)))
            }
        },
    ))
}

/// A document to delete.
pub struct Deletion<'a> {
    pub case_id: Uuid,
    pub scheme_id: Uuid,
    pub status: CaseStatus,
    pub id: Uuid,
    pub actor: &'a Actor,
    pub request_id: Option<&'a str>,
    pub at: OffsetDateTime,
}

/// Deletes document `id`'s content and key, keeping its record as a tombstone, with a
/// timeline entry and audit record. `false` if there was no such document.
pub async fn delete(store: &Store, d: Deletion<'_>) -> Result<bool, StoreError> {
    let Deletion {
        case_id,
        scheme_id,
        status,
        id,
        actor,
        request_id,
        at,
    } = d;
    let keys = store.keys()?;
    let tx = store.begin_write().await?;
    let marked = case_document::Entity::update_many()
        .col_expr(case_document::Column::DataKey, Expr::value(None::<String>))
        .col_expr(case_document::Column::DeletedAt, Expr::value(at))
        .filter(case_document::Column::Id.eq(id))
        .filter(case_document::Column::CaseId.eq(case_id))
        .filter(case_document::Column::DeletedAt.is_null())
        .exec(&*tx)
        .await
        .map_err(StoreError::db("deleting a document"))?;
    if marked.rows_affected == 0 {
        return Ok(false);
    }
    case_document_chunk::Entity::delete_many()
        .filter(case_document_chunk::Column::DocumentId.eq(id))
        .exec(&*tx)
        .await
        .map_err(StoreError::db("deleting a document"))?;
    let data = [("document_id", id.to_string())];
    events::append(
        &*tx,
        keys,
        NewEvent {
            case_id,
            at,
            action: Action::DeleteDocument,
            from: Some(status),
            to: status,
            actor,
            data: &data,
            notes: &[],
            readers_before: &[],
        },
    )
    .await?;
    let record = NewAudit {
        actor_subject: &actor.subject,
        organisation_id: Some(actor.organisation_id),
        role: Some(actor.role),
        action: Action::DeleteDocument.as_str(),
        scheme_id: Some(scheme_id),
        case_id: Some(case_id),
        fields: vec!["document".into()],
        request_id,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(&*tx, keys, &record).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing a deletion"))?;
    // The key is gone, so what an object store holds can no longer be read; removed
    // now, or by the next sweep if the store fails.
    if let Some(blobs) = store.blobs()
        && let Err(e) = blobs.remove(id).await
    {
        tracing::warn!(error = %e, document = %id, "a deleted document's objects remain until the next sweep");
    }
    Ok(true)
}

/// Destroys every document of case `case_id` (retention), in the caller's transaction.
pub(crate) async fn destroy_all(
    db: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = case_document::Entity::find()
        .select_only()
        .column(case_document::Column::Id)
        .filter(case_document::Column::CaseId.eq(case_id))
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("finding a case's documents"))?;
    case_document_chunk::Entity::delete_many()
        .filter(case_document_chunk::Column::DocumentId.is_in(ids))
        .exec(db)
        .await
        .map_err(StoreError::db("destroying documents"))?;
    case_document::Entity::delete_many()
        .filter(case_document::Column::CaseId.eq(case_id))
        .exec(db)
        .await
        .map_err(StoreError::db("destroying documents"))?;
    Ok(())
}
