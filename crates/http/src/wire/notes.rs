//! A case's notes on the wire: writing one, and a page of those the reader may read.

use sanctuary_app::notes::Writing;
use sanctuary_domain::notes::{NoteReader, WrittenNoteKind};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::violation::Violations;
use sanctuary_domain::workflow::NoteKind;
use sanctuary_persistence::notes::NoteRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::wire::case::OrganisationRef;

/// Write a note on the case. (The example is the coordinator's, shown to the assessor;
/// a partner leaves `audience` out: its notes are for the coordinator and itself.)
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "safety_concern", "text": "Client reports the perpetrator was seen in the street on Tuesday evening; the assessor should visit in daylight only.", "audience": ["assessor"]}))]
pub struct WriteNoteBody {
    pub kind: WrittenNoteKind,
    /// Sealed at rest; never in the timeline, an event or a log.
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
    /// Roles of the case that also read it, beyond the coordinator and the writer's
    /// organisation (who always do). Only the coordinator names any but `coordinator`.
    #[schema(max_items = 5)]
    pub audience: Option<Vec<NoteReader>>,
    /// The note this one corrects (its author's organisation or the coordinator; both
    /// are kept, and the correction reaches at least the corrected note's audience).
    pub supersedes: Option<Uuid>,
}

impl WriteNoteBody {
    /// The note to write (its text's length and the vocabularies are the contract's
    /// checks; blank text is refused there as missing).
    pub fn writing(self) -> Result<Writing, Violations> {
        Ok(Writing {
            kind: self.kind,
            text: self.text,
            audience: self.audience.unwrap_or_default(),
            supersedes: self.supersedes,
        })
    }
}

/// Who wrote a note: the token's subject, for which organisation, in which role.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoteAuthorView {
    /// The identity provider's user id (pseudonymous).
    #[schema(max_length = 255)]
    pub subject: String,
    pub organisation: OrganisationRef,
    pub role: Role,
}

/// A note on the case: written as a note, or recorded with an action.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseNoteView {
    pub id: Uuid,
    /// A written note's kind (`contact_attempt`, `case_note`, `safety_concern`,
    /// `management_decision`), or what an action recorded (`hold_detail`,
    /// `assessment_findings`, ...).
    pub kind: NoteKind,
    #[schema(max_length = 10000)]
    pub text: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub written_at: OffsetDateTime,
    pub author: NoteAuthorView,
    /// `write_note` for a written note; otherwise the action it was recorded with.
    pub action: Action,
    /// The roles of the case that read it (the coordinator always; the writer's
    /// organisation too, whatever its role).
    #[schema(max_items = 5)]
    pub audience: Vec<NoteReader>,
    /// The note this one corrects.
    pub supersedes: Option<Uuid>,
    /// The note that corrects this one.
    pub superseded_by: Option<Uuid>,
}

impl From<NoteRow> for CaseNoteView {
    fn from(n: NoteRow) -> Self {
        CaseNoteView {
            id: n.id,
            kind: n.kind,
            text: n.text,
            written_at: n.at,
            author: NoteAuthorView {
                subject: n.author_subject,
                organisation: OrganisationRef {
                    id: n.author_organisation_id,
                    name: n.author_organisation_name,
                },
                role: n.author_role,
            },
            action: n.action,
            audience: n.audience.readers(),
            supersedes: n.supersedes,
            superseded_by: n.superseded_by,
        }
    }
}

/// A page of notes, newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotePage {
    pub items: Vec<CaseNoteView>,
    /// Pass as `cursor` for the next (older) page; null on the last page.
    pub next_cursor: Option<Uuid>,
}

pub const DEFAULT_NOTE_PAGE: u64 = 50;

/// Which page of notes.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct NoteQueryParams {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<Uuid>,
    /// Notes per page (default 50, at most 100).
    #[param(minimum = 1, maximum = 100)]
    #[validate(range(min = 1, max = sanctuary_app::notes::MAX_PAGE))]
    pub limit: Option<u64>,
}
