//! A case's documents: uploaded as the request body, listed, downloaded as a stream,
//! deleted by the coordinator.

use actix_web::http::header;
use actix_web::web::{Bytes, Data, Json, Path, Payload};
use actix_web::{HttpRequest, HttpResponse, delete, get, post};
use futures_util::StreamExt;
use sanctuary_app::documents;
use sanctuary_domain::violation::{ViolationCode, Violations};
use uuid::Uuid;

use super::now_micros;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::state::AppState;
use crate::wire::documents::{DocumentContent, DocumentForm, DocumentView, UploadParams};

fn uuid(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::not_found())
}

/// Attach a document to a case.
///
/// The file is the request body, as it is, with any `Content-Type` (declared
/// `application/octet-stream`; the type is read from the content), or a
/// `multipart/form-data` form whose first part, `file`, is the file (its name and type
/// in the form are ignored). A PDF, a JPEG, a PNG or an HEIC photo, up to `documents.max_bytes` (10 MiB
/// by default; larger: 413); anything else 415. Images lose their metadata (EXIF with
/// its GPS position and camera, XMP, comments) before they are stored; PDFs are stored
/// as sent and never rendered. Stored encrypted under a key of its own. Read by the
/// coordinator, the uploader's organisation and the roles the coordinator names in
/// `audience`. Every upload is audited; the timeline records its kind, never a name.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id"), UploadParams),
    // Any `Content-Type` is taken (the content decides); declared as bytes, so that every
    // client generator can send a file.
    request_body(content(
        (DocumentContent = "application/octet-stream", example = json!("%PDF-1.7\n% The crime prevention officer's report\n%%EOF\n")),
        (DocumentForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "The document as stored.", body = DocumentView,
            headers(("Location" = String, description = "Where to download it"))),
        (status = 403, description = "Your role does not add documents to this case, or only the coordinator names that audience.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `documents.max_bytes`.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a PDF, JPEG, PNG or HEIC by its content, or an image that cannot be read.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/cases/{id}/documents")]
pub async fn add_document(
    state: Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: Path<String>,
    query: ValidQuery<UploadParams>,
    payload: Payload,
) -> Result<HttpResponse, ApiError> {
    let id = uuid(&id)?;
    let params = query.0;
    let headers = request.headers();
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("multipart/form-data"));
    // A form's length counts its boundaries too: only a raw body's is the file's.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|_| !form);
    // Nothing is read before the caller is known to be allowed.
    let permit =
        documents::may_upload(&state.app, &caller, id, &params.readers()?, declared).await?;
    let row = if form {
        // The file is the form's first part, named `file`; its own name and type are
        // ignored like the request's.
        let mut parts = actix_multipart::Multipart::new(headers, payload);
        let file = match parts.next().await {
            Some(Ok(part)) if part.name() == Some("file") => part,
            _ => {
                let mut v = Violations::new();
                v.add(
                    "/file",
                    ViolationCode::Required,
                    "send the file as the form's first part, named `file`",
                );
                return Err(ApiError::validation(v));
            }
        };
        documents::upload(&state.app, &caller, permit, params.kind, file, now_micros()).await?
    } else {
        documents::upload(
            &state.app,
            &caller,
            permit,
            params.kind,
            payload,
            now_micros(),
        )
        .await?
    };
    let view = DocumentView::from(row);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, view.href.clone()))
        .json(view))
}

/// A case's documents.
///
/// The documents the caller's organisation may read, newest first: what each is, its
/// type and size, who uploaded it and when, and for whom. Never the content, never a
/// file name. The read is audited.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id")),
    responses(
        (status = 200, body = Vec<DocumentView>),
        (status = 403, description = "Your role does not read this case's documents, or the consent in force no longer lets your organisation see the case's details.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/documents")]
pub async fn list_documents(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
) -> Result<Json<Vec<DocumentView>>, ApiError> {
    let rows = documents::list(&state.app, &caller, uuid(&id)?).await?;
    Ok(Json(rows.into_iter().map(DocumentView::from).collect()))
}

/// Download a document.
///
/// The content with its type, as an attachment (`Content-Disposition`), never to be
/// rendered in place (`X-Content-Type-Options: nosniff` and the API's
/// `Content-Security-Policy`), decrypted a chunk at a time as it is sent. A document the
/// caller may not read answers as a missing one. Every download is audited first.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = Uuid, Path, description = "The case id"),
        ("document" = Uuid, Path, description = "The document id"),
    ),
    responses(
        (status = 200, description = "The document.", content(
            (DocumentContent = "application/pdf"),
            (DocumentContent = "image/jpeg"),
            (DocumentContent = "image/png"),
            (DocumentContent = "image/heic"),
        ), headers(("Content-Disposition" = String, description = "`attachment`, with a file name made of the kind and id"))),
        (status = 403, description = "Your role does not read this case's documents.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/documents/{document}")]
pub async fn get_document(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document) = path.into_inner();
    let (row, content) =
        documents::download(&state.app, &caller, uuid(&id)?, uuid(&document)?).await?;
    let name = format!("{}-{}.{}", row.kind, row.id, row.media_type.extension());
    let body = content.map(|chunk| {
        chunk.map(Bytes::from).map_err(|e| {
            // The status is sent; a chunk that does not open cuts the response short.
            tracing::error!(error = %e, "a document chunk did not open");
            actix_web::error::ErrorInternalServerError("document unreadable")
        })
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, row.media_type.content_type()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .no_chunking(row.size_bytes)
        .streaming(body))
}

/// Delete a document.
///
/// The coordinator destroys a document's content and key; the timeline keeps the
/// record that it was uploaded and deleted (kind and id, never a name). Audited.
#[utoipa::path(
    tag = "cases",
    params(
        ("id" = Uuid, Path, description = "The case id"),
        ("document" = Uuid, Path, description = "The document id"),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Only the coordinator deletes a document.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[delete("/cases/{id}/documents/{document}")]
pub async fn delete_document(
    state: Data<AppState>,
    caller: Caller,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, document) = path.into_inner();
    documents::delete(
        &state.app,
        &caller,
        uuid(&id)?,
        uuid(&document)?,
        now_micros(),
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
