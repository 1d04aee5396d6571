//! Attaching, listing, downloading and deleting a case's documents. Who may is the
//! policy's; which documents a reader sees follows the notes' rule (`notes::ReadScope`);
//! what a file is, its content's (`documents::MediaType::sniff`). An upload is
//! authorised before a byte of it is read, and images lose their metadata before they
//! are stored.

use futures_util::{Stream, StreamExt};
use sanctuary_domain::documents::{DocumentKind, MediaType};
use sanctuary_domain::notes::{self, Audience, NoteReader, ReadScope};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::{Action, Relation};
use sanctuary_domain::quotas::QuotaReached;
use sanctuary_persistence::cases::CaseSummary;
use sanctuary_persistence::documents::{self as stored, Deletion, DocumentRow, NewDocument, Spool};
use sanctuary_persistence::events::Actor;
use sanctuary_persistence::{StoreError, schemes};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::actions::{Authorised, authorise};
use crate::audit::{self, refuse};
use crate::{Acting, App, AppError};

mod heif;
mod metadata;

pub use metadata::{UnreadableImage, without_metadata};

/// The largest document, by default (`documents.max_bytes`).
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// A case the caller may attach a document to, the document's audience, and how large
/// it may be (and which limit says so).
pub struct UploadPermit {
    summary: CaseSummary,
    role: Role,
    audience: Audience,
    limit: u64,
    limited_by: Option<QuotaReached>,
}

impl UploadPermit {
    /// The refusal of an upload that passes the limit.
    fn too_large(&self) -> AppError {
        match self.limited_by {
            Some(quota) => AppError::QuotaReached(quota),
            None => AppError::TooLarge { max: self.limit },
        }
    }
}

/// `caller` may attach a document to case `id`, shown to `audience` (only the
/// coordinator names roles beyond itself). Asked before the upload is read.
pub async fn may_upload(
    app: &App,
    caller: &Acting,
    id: Uuid,
    audience: &[NoteReader],
    declared_length: Option<u64>,
) -> Result<UploadPermit, AppError> {
    let Authorised {
        summary,
        scope,
        role,
        ..
    } = authorise(app, caller, id, Action::AddDocument, || {
        "Your role on this case does not add documents.".into()
    })
    .await?;
    let relations = scope.relations_for(&summary, Action::AddDocument);
    let as_coordinator = relations.contains(&Relation::SchemeCoordinator);
    let audience = match notes::audience_for(audience, as_coordinator) {
        Ok(audience) => audience,
        Err(reader) => {
            let refusal = AppError::Forbidden(
                format!(
                    "Only the coordinator shows a document to the {reader}; your organisation and the coordinator always read your documents."
                )
                .into(),
            );
            return Err(refuse(app, caller, Action::AddDocument, &summary, refusal).await);
        }
    };
    // The scheme's quotas, as they stand now, may leave less room than the deployment's
    // largest document.
    let quotas = schemes::find(app.store().connection(), summary.scheme_id)
        .await?
        .ok_or(AppError::NotFound)?
        .settings
        .documents;
    let used = stored::usage(app.store(), id, summary.scheme_id, caller.organisation.id).await?;
    let (room, quota) = quotas.room(used).map_err(AppError::QuotaReached)?;
    let max = app.document_max_bytes();
    let permit = UploadPermit {
        summary,
        role,
        audience,
        limit: room.min(max),
        limited_by: (room < max).then_some(quota),
    };
    if declared_length.is_some_and(|n| n > permit.limit) {
        return Err(permit.too_large());
    }
    Ok(permit)
}

/// Receives `body` (the file, in pieces as they arrive) and stores it as a `kind`
/// document of the permitted case: its type read from its first bytes, an image held
/// whole (at most `documents.max_bytes`) and stripped of its metadata, anything else
/// encrypted into storage as it arrives. A refused or interrupted upload leaves nothing
/// readable (and what was written is removed).
pub async fn upload<S, B, E>(
    app: &App,
    caller: &Acting,
    permit: UploadPermit,
    kind: DocumentKind,
    body: S,
    at: OffsetDateTime,
) -> Result<DocumentRow, AppError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    let mut spool = Spool::new(app.store());
    match receive(body, &mut spool, permit.limit).await {
        Ok(media_type) => store(app, caller, permit, kind, media_type, spool, at).await,
        Err(refusal) => {
            // Best effort: what is left is unreadable, and swept later.
            let _ = spool.abandon().await;
            match refusal {
                AppError::TooLarge { .. } => Err(permit.too_large()),
                other => Err(other),
            }
        }
    }
}

async fn receive<S, B, E>(mut body: S, spool: &mut Spool, max: u64) -> Result<MediaType, AppError>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    let mut head: Vec<u8> = Vec::with_capacity(MediaType::SNIFF_LEN);
    let mut media_type = None;
    let mut image: Vec<u8> = Vec::new();
    let mut received: u64 = 0;
    while let Some(piece) = body.next().await {
        let piece = piece.map_err(|_| AppError::Interrupted)?;
        let piece = piece.as_ref();
        received += piece.len() as u64;
        if received > max {
            return Err(AppError::TooLarge { max });
        }
        let piece: &[u8] = if media_type.is_none() {
            head.extend_from_slice(piece);
            if head.len() < MediaType::SNIFF_LEN {
                continue;
            }
            media_type = Some(sniff(&head)?);
            &std::mem::take(&mut head)
        } else {
            piece
        };
        match media_type {
            Some(t) if t.is_image() => image.extend_from_slice(piece),
            _ => spool.push(piece).await?,
        }
    }
    let media_type = match media_type {
        Some(t) => t,
        // A file shorter than the signature: the whole of it decides.
        None => {
            let t = sniff(&head)?;
            match t.is_image() {
                true => image = head,
                false => spool.push(&head).await?,
            }
            t
        }
    };
    if media_type.is_image() {
        let stripped = without_metadata(media_type, image)
            .map_err(|_| AppError::UnsupportedDocument("The image cannot be read."))?;
        spool.push(&stripped).await?;
    }
    Ok(media_type)
}

fn sniff(head: &[u8]) -> Result<MediaType, AppError> {
    MediaType::sniff(head).ok_or(AppError::UnsupportedDocument(
        "The file is not a type the service takes.",
    ))
}

/// Stores the upload `spool` (of type `media_type`, already stripped of metadata if an
/// image) as a `kind` document of the permitted case.
async fn store(
    app: &App,
    caller: &Acting,
    permit: UploadPermit,
    kind: DocumentKind,
    media_type: MediaType,
    spool: Spool,
    at: OffsetDateTime,
) -> Result<DocumentRow, AppError> {
    let actor = Actor {
        subject: caller.subject.clone(),
        organisation_id: caller.organisation.id,
        role: permit.role,
    };
    let summary = &permit.summary;
    let document = NewDocument {
        case_id: summary.id,
        scheme_id: summary.scheme_id,
        status: summary.status,
        kind,
        media_type,
        audience: permit.audience,
        actor: &actor,
        request_id: caller.request_id.as_deref(),
        at,
    };
    let id = stored::store(app.store(), document, spool).await?;
    stored::find(app.store(), summary.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The documents of case `id` that `caller` may read, newest first; the read is audited.
pub async fn list(app: &App, caller: &Acting, id: Uuid) -> Result<Vec<DocumentRow>, AppError> {
    let (summary, read_scope, role, view) = readable(app, caller, id).await?;
    let fields = vec!["documents".to_owned(), format!("view:{view}")];
    audit::read(
        app,
        caller,
        Some(role),
        Action::ReadDocuments,
        &summary,
        fields,
    )
    .await?;
    Ok(stored::list(app.store(), id, &read_scope).await?)
}

/// Document `document` of case `id`, if `caller` may read it (one it may not read is
/// answered as a missing one); the download is audited before any of it is returned.
pub async fn download(
    app: &App,
    caller: &Acting,
    id: Uuid,
    document: Uuid,
) -> Result<
    (
        DocumentRow,
        impl Stream<Item = Result<Vec<u8>, StoreError>> + use<>,
    ),
    AppError,
> {
    let (summary, read_scope, role, view) = readable(app, caller, id).await?;
    let row = stored::find(app.store(), id, document)
        .await?
        .filter(|d| read_scope.may_read(&d.access()))
        .ok_or(AppError::NotFound)?;
    let fields = vec![format!("document:{document}"), format!("view:{view}")];
    audit::read(
        app,
        caller,
        Some(role),
        Action::ReadDocuments,
        &summary,
        fields,
    )
    .await?;
    let content = stored::content(app.store(), &row)?;
    Ok((row, content))
}

async fn readable(
    app: &App,
    caller: &Acting,
    id: Uuid,
) -> Result<(CaseSummary, ReadScope, Role, sanctuary_domain::policy::View), AppError> {
    let Authorised {
        summary,
        scope,
        role,
        view,
    } = authorise(app, caller, id, Action::ReadDocuments, || {
        "Your role on this case does not read its documents.".into()
    })
    .await?;
    let relations = scope.relations_for(&summary, Action::ReadDocuments);
    let read_scope = ReadScope::of(caller.organisation.id, &relations);
    Ok((summary, read_scope, role, view))
}

/// The coordinator deletes document `document` of case `id`: its content and key are
/// destroyed, its record stays on the timeline.
pub async fn delete(
    app: &App,
    caller: &Acting,
    id: Uuid,
    document: Uuid,
    at: OffsetDateTime,
) -> Result<(), AppError> {
    let Authorised { summary, role, .. } =
        authorise(app, caller, id, Action::DeleteDocument, || {
            "Only the coordinator deletes a document.".into()
        })
        .await?;
    let actor = Actor {
        subject: caller.subject.clone(),
        organisation_id: caller.organisation.id,
        role,
    };
    let deleted = stored::delete(
        app.store(),
        Deletion {
            case_id: summary.id,
            scheme_id: summary.scheme_id,
            status: summary.status,
            id: document,
            actor: &actor,
            request_id: caller.request_id.as_deref(),
            at,
        },
    )
    .await?;
    if deleted {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
