//! Writing and reading a case's notes. Who may write and read is the policy's; which
//! notes a reader sees, and who may widen an audience or correct a note, the domain's
//! (`notes`). Every read is audited before anything is returned.

use sanctuary_domain::notes::{
    self, Correctable, CorrectionRefusal, NoteReader, ReadScope, WrittenNoteKind,
};
use sanctuary_domain::policy::{Action, Relation};
use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_domain::workflow::{ActionError, Conflict};
use sanctuary_persistence::events::Actor;
use sanctuary_persistence::notes::{self as stored, NewNote, NoteRow, WriteError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::actions::{Authorised, authorise};
use crate::audit::{self, refuse};
use crate::{Acting, App, AppError};

/// The most notes in one page.
pub const MAX_PAGE: u64 = 100;

/// A note to write.
pub struct Writing {
    pub kind: WrittenNoteKind,
    pub text: String,
    /// Roles of the case to show it to, beyond the coordinator and the writer.
    pub audience: Vec<NoteReader>,
    /// The note it corrects.
    pub supersedes: Option<Uuid>,
}

/// `caller` writes a note on case `id` at `at`; returns the note as stored.
pub async fn write(
    app: &App,
    caller: &Acting,
    id: Uuid,
    writing: Writing,
    at: OffsetDateTime,
) -> Result<NoteRow, AppError> {
    let Authorised {
        summary,
        scope,
        role,
        ..
    } = authorise(app, caller, id, Action::WriteNote, || {
        "Your role on this case does not write notes.".into()
    })
    .await?;
    let relations = scope.relations_for(&summary, Action::WriteNote);
    let as_coordinator = relations.contains(&Relation::SchemeCoordinator);
    let mut audience = match notes::audience_for(&writing.audience, as_coordinator) {
        Ok(audience) => audience,
        Err(reader) => {
            let refusal = AppError::Forbidden(
                format!(
                    "Only the coordinator shows a note to the {reader}; your organisation and the coordinator always read your notes."
                )
                .into(),
            );
            return Err(refuse(app, caller, Action::WriteNote, &summary, refusal).await);
        }
    };
    let store = app.store();
    if let Some(corrected) = writing.supersedes {
        let read_scope = ReadScope::of(caller.organisation.id, &relations);
        // A note the caller cannot read is answered as one that does not exist.
        let original = stored::find(store, id, corrected)
            .await?
            .filter(|n| read_scope.may_read(&n.access()))
            .ok_or_else(|| {
                let mut v = Violations::new();
                v.add(
                    "/supersedes",
                    ViolationCode::InvalidValue,
                    "is not a note of this case that you can read",
                );
                AppError::Invalid(v)
            })?;
        let correctable = Correctable {
            kind: original.kind,
            access: original.access(),
            superseded: original.superseded_by.is_some(),
        };
        if let Err(refusal) =
            notes::may_correct(&correctable, caller.organisation.id, as_coordinator)
        {
            return Err(correction_refused(app, caller, &summary, refusal).await);
        }
        // The correction reaches everyone the note it corrects reached.
        audience = notes::correction_audience(audience, original.audience, original.author_role);
    }
    let actor = Actor {
        subject: caller.subject.clone(),
        organisation_id: caller.organisation.id,
        role,
    };
    let note = NewNote {
        case_id: id,
        scheme_id: summary.scheme_id,
        status: summary.status,
        kind: writing.kind.into(),
        text: &writing.text,
        audience,
        supersedes: writing.supersedes,
        actor: &actor,
        request_id: caller.request_id.as_deref(),
        at,
    };
    let written = match stored::write(store, note).await {
        Ok(written) => written,
        Err(WriteError::AlreadySuperseded) => {
            return Err(conflict(&summary.id, Conflict::NoteAlreadySuperseded));
        }
        Err(WriteError::Store(e)) => return Err(e.into()),
    };
    stored::find(store, id, written)
        .await?
        .ok_or(AppError::NotFound)
}

async fn correction_refused(
    app: &App,
    caller: &Acting,
    summary: &sanctuary_persistence::cases::CaseSummary,
    refusal: CorrectionRefusal,
) -> AppError {
    match refusal {
        CorrectionRefusal::NotTheAuthor => {
            let refusal = AppError::Forbidden(
                "Only the organisation that wrote a note, or the coordinator, corrects it.".into(),
            );
            refuse(app, caller, Action::WriteNote, summary, refusal).await
        }
        CorrectionRefusal::AlreadySuperseded => {
            conflict(&summary.id, Conflict::NoteAlreadySuperseded)
        }
        CorrectionRefusal::RecordedWithAction => {
            conflict(&summary.id, Conflict::NoteRecordedWithAction)
        }
    }
}

fn conflict(case: &Uuid, code: Conflict) -> AppError {
    let message = match code {
        Conflict::NoteAlreadySuperseded => {
            "A later note already corrects this one: correct that one."
        }
        _ => {
            "A note recorded with an action is not corrected: write a note that says what was wrong."
        }
    };
    AppError::Refused {
        error: ActionError::Conflict {
            code,
            message: message.into(),
        },
        case: *case,
        allowed: Vec::new(),
    }
}

/// A page of case `id`'s notes that `caller` may read, newest first, older than
/// `before`; and the cursor of the next page.
pub async fn page(
    app: &App,
    caller: &Acting,
    id: Uuid,
    before: Option<Uuid>,
    limit: u64,
) -> Result<(Vec<NoteRow>, Option<Uuid>), AppError> {
    let Authorised {
        summary,
        scope,
        role,
        view,
    } = authorise(app, caller, id, Action::ReadNotes, || {
        "Your role on this case does not read its notes.".into()
    })
    .await?;
    let relations = scope.relations_for(&summary, Action::ReadNotes);
    let read_scope = ReadScope::of(caller.organisation.id, &relations);
    let fields = vec!["notes".to_owned(), format!("view:{view}")];
    audit::read(app, caller, Some(role), Action::ReadNotes, &summary, fields).await?;
    let (rows, more) =
        stored::page(app.store(), id, &read_scope, before, limit.min(MAX_PAGE)).await?;
    let next = more.then(|| rows.last().map(|n| n.id)).flatten();
    Ok((rows, next))
}
