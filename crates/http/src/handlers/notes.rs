//! A case's notes: what people write about a case, read by those it is meant for.

use actix_web::web::{Data, Json, Path};
use actix_web::{HttpResponse, get, post};
use sanctuary_app::notes;
use uuid::Uuid;

use super::now_micros;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::{ContractJson, ValidQuery};
use crate::state::AppState;
use crate::wire::notes::{
    CaseNoteView, DEFAULT_NOTE_PAGE, NotePage, NoteQueryParams, WriteNoteBody,
};

fn case_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::not_found())
}

/// Write a note on a case.
///
/// Anyone with a part in the case (the coordinator, the referring organisation, the
/// assigned assessor, the contractor holding the works, the fire service while it has a
/// part) writes notes: a contact attempt, a case note, a safety concern, a management
/// decision. A note is read by the coordinator and the writer's organisation; the
/// coordinator may show it to more roles of the case (`audience`). A note is never
/// edited: a correction names the note it `supersedes`, and both are kept. The text is
/// sealed at rest and never appears in the timeline (which records only that a note was
/// written), an event or a log.
#[utoipa::path(
    tag = "cases",
    request_body = WriteNoteBody,
    params(("id" = Uuid, Path, description = "The case id")),
    responses(
        (status = 201, description = "The note as written.", body = CaseNoteView,
            headers(("Location" = String, description = "The case's notes"))),
        (status = 403, description = "Your role does not write notes on this case, or only the coordinator names that audience, or only the note's author or the coordinator corrects it.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The note named in `supersedes` was already corrected (`note_already_superseded`) or was recorded with an action (`note_recorded_with_action`).", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[post("/cases/{id}/notes")]
pub async fn write_note(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    body: ContractJson<WriteNoteBody>,
) -> Result<HttpResponse, ApiError> {
    let id = case_id(&id)?;
    let writing = body.parse(WriteNoteBody::writing)?;
    let note = notes::write(&state.app, &caller, id, writing, now_micros()).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/cases/{id}/notes")))
        .json(CaseNoteView::from(note)))
}

/// A case's notes.
///
/// The notes the caller's organisation may read, newest first: those it wrote, those
/// whose audience names its role on the case, and (for the coordinator) all; written
/// notes and those recorded with actions (override reasons, findings, hold and cancel
/// texts) alike, each with its action. Every read is audited. Follow `next_cursor`.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id"), NoteQueryParams),
    responses(
        (status = 200, body = NotePage),
        (status = 403, description = "Your role does not read this case's notes, or the consent in force no longer lets your organisation see the case's details.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/notes")]
pub async fn list_notes(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    query: ValidQuery<NoteQueryParams>,
) -> Result<Json<NotePage>, ApiError> {
    let id = case_id(&id)?;
    let q = query.0;
    let limit = q.limit.unwrap_or(DEFAULT_NOTE_PAGE);
    let (rows, next) = notes::page(&state.app, &caller, id, q.cursor, limit).await?;
    Ok(Json(NotePage {
        items: rows.into_iter().map(CaseNoteView::from).collect(),
        next_cursor: next,
    }))
}
