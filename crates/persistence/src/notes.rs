//! A case's notes: those written as notes and those recorded with actions, in one
//! table, sealed like the referral (bound to their row). The reader's scope
//! (`notes::ReadScope`) becomes SQL, so a page holds only notes the reader may read.

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::notes::{Audience, NoteAccess, NoteReader, ReadScope};
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::workflow::NoteKind;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::codec::parse;
use crate::crypto::{Keyring, NOTE_TEXT};
use crate::entities::{case_event, case_note, organisation};
use crate::events::{self, Actor, NewEvent};
use crate::{Store, StoreError};

/// A note, opened, with who wrote it and the action it was recorded with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRow {
    pub id: Uuid,
    pub kind: NoteKind,
    pub text: String,
    pub at: OffsetDateTime,
    pub author_organisation_id: Uuid,
    pub author_organisation_name: String,
    pub author_role: Role,
    pub author_subject: String,
    /// The action it was recorded with (`write_note` for a written note).
    pub action: Action,
    pub audience: Audience,
    pub supersedes: Option<Uuid>,
    pub superseded_by: Option<Uuid>,
}

impl NoteRow {
    pub fn access(&self) -> NoteAccess {
        NoteAccess {
            author_organisation: self.author_organisation_id,
            audience: self.audience,
        }
    }
}

/// A note to write.
pub struct NewNote<'a> {
    pub case_id: Uuid,
    pub scheme_id: Uuid,
    /// The case's status (the timeline entry neither leaves nor enters another).
    pub status: CaseStatus,
    pub kind: NoteKind,
    pub text: &'a str,
    pub audience: Audience,
    pub supersedes: Option<Uuid>,
    pub actor: &'a Actor,
    pub request_id: Option<&'a str>,
    pub at: OffsetDateTime,
}

/// Why a note was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Another correction of the same note was written first.
    #[error("the note was already corrected")]
    AlreadySuperseded,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes `n` with its timeline entry (which names the note, never its text or kind) and
/// audit record, and marks the note it corrects — all or nothing.
pub async fn write(store: &Store, n: NewNote<'_>) -> Result<Uuid, WriteError> {
    let keys = store.keys()?;
    let id = Uuid::now_v7();
    let tx = store.begin_write().await?;
    if let Some(corrected) = n.supersedes {
        // Conditional, so two corrections of one note cannot both land.
        let marked = case_note::Entity::update_many()
            .col_expr(case_note::Column::SupersededById, Expr::value(id))
            .filter(case_note::Column::Id.eq(corrected))
            .filter(case_note::Column::CaseId.eq(n.case_id))
            .filter(case_note::Column::SupersededById.is_null())
            .exec(&*tx)
            .await
            .map_err(StoreError::db("correcting a note"))?;
        if marked.rows_affected == 0 {
            return Err(WriteError::AlreadySuperseded);
        }
    }
    let data = [("note_id", id.to_string())];
    let event_id = events::append(
        &*tx,
        keys,
        NewEvent {
            case_id: n.case_id,
            at: n.at,
            action: Action::WriteNote,
            from: Some(n.status),
            to: n.status,
            actor: n.actor,
            data: &data,
            notes: &[],
            readers_before: &[],
        },
    )
    .await?;
    case_note::ActiveModel {
        id: Set(id),
        case_id: Set(n.case_id),
        event_id: Set(event_id),
        kind: Set(n.kind.as_str().to_owned()),
        text: Set(keys.seal(NOTE_TEXT, id, n.text)),
        created_at: Set(n.at),
        author_organisation_id: Set(Some(n.actor.organisation_id)),
        to_referrer: Set(n.audience.referrer),
        to_assessor: Set(n.audience.assessor),
        to_contractor: Set(n.audience.contractor),
        to_fire_service: Set(n.audience.fire_service),
        supersedes_id: Set(n.supersedes),
        superseded_by_id: Set(None),
    }
    .insert(&*tx)
    .await
    .map_err(StoreError::db("writing a note"))?;
    let record = NewAudit {
        actor_subject: &n.actor.subject,
        organisation_id: Some(n.actor.organisation_id),
        role: Some(n.actor.role),
        action: Action::WriteNote.as_str(),
        scheme_id: Some(n.scheme_id),
        case_id: Some(n.case_id),
        fields: vec!["note".into(), format!("kind:{}", n.kind)],
        request_id: n.request_id,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(&*tx, keys, &record).await?;
    tx.commit()
        .await
        .map_err(StoreError::db("committing a note"))?;
    Ok(id)
}

/// Note `id` of case `case_id`, opened.
pub async fn find(store: &Store, case_id: Uuid, id: Uuid) -> Result<Option<NoteRow>, StoreError> {
    let rows = case_note::Entity::find()
        .filter(case_note::Column::CaseId.eq(case_id))
        .filter(case_note::Column::Id.eq(id))
        .all(store.connection())
        .await
        .map_err(StoreError::db("reading a note"))?;
    Ok(open(store, rows).await?.pop())
}

/// A page of case `case_id`'s notes that `scope` may read, newest first, older than
/// `before`; and whether there are more.
pub async fn page(
    store: &Store,
    case_id: Uuid,
    scope: &ReadScope,
    before: Option<Uuid>,
    limit: u64,
) -> Result<(Vec<NoteRow>, bool), StoreError> {
    let mut query = case_note::Entity::find()
        .filter(case_note::Column::CaseId.eq(case_id))
        .filter(readable(
            scope,
            case_note::Column::AuthorOrganisationId,
            note_flag,
        ));
    if let Some(before) = before {
        query = query.filter(case_note::Column::Id.lt(before));
    }
    let mut rows = query
        .order_by_desc(case_note::Column::Id)
        .limit(limit + 1)
        .all(store.connection())
        .await
        .map_err(StoreError::db("reading notes"))?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    Ok((open(store, rows).await?, more))
}

/// `scope` as SQL over a table with an author and one flag per reader (notes,
/// documents): every row, or the reader's own and those whose audience names a role it
/// holds. `flag` names the flag column of each reader but the coordinator.
pub(crate) fn readable<C: ColumnTrait>(
    scope: &ReadScope,
    author: C,
    flag: impl Fn(NoteReader) -> Option<C>,
) -> Condition {
    let ReadScope::Some {
        organisation,
        readers,
    } = scope
    else {
        return Condition::all();
    };
    let mut any = Condition::any().add(author.eq(*organisation));
    for reader in readers {
        match flag(*reader) {
            Some(column) => any = any.add(column.eq(true)),
            // The coordinator reads every row.
            None => return Condition::all(),
        }
    }
    any
}

fn note_flag(reader: NoteReader) -> Option<case_note::Column> {
    match reader {
        NoteReader::Coordinator => None,
        NoteReader::Referrer => Some(case_note::Column::ToReferrer),
        NoteReader::Assessor => Some(case_note::Column::ToAssessor),
        NoteReader::Contractor => Some(case_note::Column::ToContractor),
        NoteReader::FireService => Some(case_note::Column::ToFireService),
    }
}

/// Opens `rows` and adds who wrote each and with which action (two queries, whatever
/// the number of rows).
async fn open(store: &Store, rows: Vec<case_note::Model>) -> Result<Vec<NoteRow>, StoreError> {
    let keys = store.keys()?;
    let db = store.connection();
    let event_ids: Vec<Uuid> = rows.iter().map(|r| r.event_id).collect();
    let events: HashMap<Uuid, case_event::Model> = case_event::Entity::find()
        .filter(case_event::Column::Id.is_in(event_ids))
        .all(db)
        .await
        .map_err(StoreError::db("reading notes' events"))?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let mut organisation_ids: Vec<Uuid> = events.values().map(|e| e.organisation_id).collect();
    organisation_ids.sort();
    organisation_ids.dedup();
    let names: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(organisation_ids))
        .all(db)
        .await
        .map_err(StoreError::db("reading notes' authors"))?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    rows.into_iter()
        .map(|row| opened(keys, row, &events, &names))
        .collect()
}

fn opened(
    keys: &Keyring,
    row: case_note::Model,
    events: &HashMap<Uuid, case_event::Model>,
    names: &HashMap<Uuid, String>,
) -> Result<NoteRow, StoreError> {
    let event = events.get(&row.event_id).ok_or(StoreError::Corrupt {
        column: "case_notes.event_id",
    })?;
    let author = row.author_organisation_id.unwrap_or(event.organisation_id);
    Ok(NoteRow {
        id: row.id,
        kind: parse(&row.kind, "case_notes.kind")?,
        text: keys.open(NOTE_TEXT, row.id, &row.text)?,
        at: row.created_at,
        author_organisation_id: author,
        author_organisation_name: names.get(&author).cloned().unwrap_or_default(),
        author_role: parse(&event.role, "case_events.role")?,
        author_subject: event.actor_subject.clone(),
        action: parse(&event.action, "case_events.action")?,
        audience: Audience {
            referrer: row.to_referrer,
            assessor: row.to_assessor,
            contractor: row.to_contractor,
            fire_service: row.to_fire_service,
        },
        supersedes: row.supersedes_id,
        superseded_by: row.superseded_by_id,
    })
}
