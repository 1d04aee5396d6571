//! Documents on the wire: uploading one, and what is shown of each (never its content
//! in a list, never a file name).

use sanctuary_domain::documents::{DocumentKind, MediaType};
use sanctuary_domain::notes::NoteReader;
use sanctuary_domain::violation::ViolationCode;
use sanctuary_persistence::documents::DocumentRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::errors::ApiError;
use crate::wire::case::OrganisationRef;

/// What is being uploaded, and for whom.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    pub kind: DocumentKind,
    /// Roles of the case that also read it, comma-separated (`assessor,contractor`),
    /// beyond the coordinator and the uploader's organisation (who always do). Only the
    /// coordinator names any but `coordinator`.
    #[param(
        max_length = 60,
        pattern = "^(coordinator|referrer|assessor|contractor|fire_service)(,(coordinator|referrer|assessor|contractor|fire_service)){0,4}$"
    )]
    pub audience: Option<String>,
}

impl UploadParams {
    /// The audience named, or the parameter's problem.
    pub fn readers(&self) -> Result<Vec<NoteReader>, ApiError> {
        let Some(list) = self.audience.as_deref() else {
            return Ok(Vec::new());
        };
        let readers: Option<Vec<NoteReader>> = list.split(',').map(|r| r.parse().ok()).collect();
        match readers {
            Some(readers) if readers.len() <= NoteReader::ALL.len() => Ok(readers),
            _ => Err(ApiError::invalid_parameters(vec![(
                "audience".into(),
                ViolationCode::InvalidValue,
                "must list roles of the case (coordinator, referrer, assessor, contractor, fire_service), comma-separated".into(),
            )])),
        }
    }
}

/// A document's content: a PDF, a JPEG, a PNG or an HEIC photo.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct DocumentContent(pub Vec<u8>);

/// A document sent as a form.
#[derive(ToSchema)]
pub struct DocumentForm {
    /// The file; its name and type in the form are ignored (the content decides).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A document attached to the case.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: Uuid,
    pub kind: DocumentKind,
    /// What the content is (by the content itself).
    #[serde(rename = "type")]
    pub media_type: MediaType,
    #[schema(example = "application/pdf", max_length = 20)]
    pub content_type: String,
    /// After metadata was removed from an image.
    pub size_bytes: u64,
    pub uploaded_by: OrganisationRef,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub uploaded_at: OffsetDateTime,
    /// The roles of the case that read it (the coordinator always; the uploader's
    /// organisation too).
    #[schema(max_items = 5)]
    pub audience: Vec<NoteReader>,
    /// Where to download it.
    #[schema(max_length = 120)]
    pub href: String,
}

impl From<DocumentRow> for DocumentView {
    fn from(d: DocumentRow) -> Self {
        DocumentView {
            href: format!("/api/v1/cases/{}/documents/{}", d.case_id, d.id),
            id: d.id,
            kind: d.kind,
            media_type: d.media_type,
            content_type: d.media_type.content_type().to_owned(),
            size_bytes: d.size_bytes,
            uploaded_by: OrganisationRef {
                id: d.author_organisation_id,
                name: d.author_organisation_name,
            },
            uploaded_at: d.uploaded_at,
            audience: d.audience.readers(),
        }
    }
}
