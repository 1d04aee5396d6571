//! The case timeline: one event per action, with who, when and what (never personal
//! values; free text goes to `case_notes`, linked to its event).

use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::consent::ConsentStatus;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::workflow::Note;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::StoreError;
use crate::codec::{parse, parse_opt};
use crate::crypto::{Keyring, NOTE_TEXT};
use crate::entities::{case_event, case_note, organisation};
use crate::outbox::{self, CaseChange};
use sanctuary_domain::events::EventType;

/// Who acted: the token's subject, for which organisation, in which role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub subject: String,
    pub organisation_id: Uuid,
    pub role: Role,
}

/// An event to append.
pub struct NewEvent<'a> {
    pub case_id: Uuid,
    pub at: OffsetDateTime,
    pub action: Action,
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
    pub actor: &'a Actor,
    pub data: &'a [(&'static str, String)],
    pub notes: &'a [Note],
    /// Who could read the case before the change (see [`outbox::append_case`]).
    pub readers_before: &'a [Uuid],
}

/// Key/value pairs as a JSON object; a repeated key becomes an array.
fn data_object(data: &[(&'static str, String)]) -> String {
    let mut map = Map::new();
    for (key, value) in data {
        let value = Value::String(value.clone());
        match map.get_mut(*key) {
            Some(Value::Array(items)) => items.push(value),
            Some(existing) => *existing = Value::Array(vec![existing.take(), value]),
            None => {
                map.insert((*key).to_owned(), value);
            }
        }
    }
    Value::Object(map).to_string()
}

/// Appends the timeline event and its notes, and the change's outbox event; returns
/// the timeline event's id. Call it after the change is written, in its transaction.
pub(crate) async fn append(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    e: NewEvent<'_>,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    case_event::ActiveModel {
        id: Set(id),
        case_id: Set(e.case_id),
        at: Set(e.at),
        action: Set(e.action.as_str().to_owned()),
        from_status: Set(e.from.map(|s| s.as_str().to_owned())),
        to_status: Set(e.to.as_str().to_owned()),
        actor_subject: Set(e.actor.subject.clone()),
        organisation_id: Set(e.actor.organisation_id),
        role: Set(e.actor.role.as_str().to_owned()),
        data: Set(data_object(e.data)),
    }
    .insert(db)
    .await
    .map_err(StoreError::db("recording an event"))?;
    for note in e.notes {
        let note_id = Uuid::now_v7();
        case_note::ActiveModel {
            id: Set(note_id),
            case_id: Set(e.case_id),
            event_id: Set(id),
            kind: Set(note.kind.as_str().to_owned()),
            text: Set(keys.seal(NOTE_TEXT, note_id, &note.text)),
            created_at: Set(e.at),
            author_organisation_id: Set(Some(e.actor.organisation_id)),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(StoreError::db("recording a note"))?;
    }
    let consent_withdrawn = e.action == Action::RecordConsent
        && e.data
            .iter()
            .any(|(k, v)| *k == "decision" && v == ConsentStatus::Withdrawn.as_str());
    let event_type = match consent_withdrawn {
        true => Some(EventType::of_consent_change(ConsentStatus::Withdrawn)),
        false => EventType::of_action(e.action),
    };
    // A register action's events are one per entry, to the register's readers: written
    // with the entries (`register::write`).
    if let Some(event_type) = event_type.filter(|t| !t.is_register()) {
        let change = CaseChange {
            event_type,
            at: e.at,
            from: e.from,
            to: e.to,
            acting_organisation: Some(e.actor.organisation_id),
            clock_kind: None,
        };
        outbox::append_case(db, e.case_id, change, e.readers_before).await?;
    }
    Ok(id)
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub id: Uuid,
    pub at: OffsetDateTime,
    pub action: Action,
    pub from_status: Option<CaseStatus>,
    pub to_status: CaseStatus,
    pub actor_subject: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub role: Role,
    pub data: Value,
}

/// The organisation that recorded the latest change of consent `purpose` on the case,
/// if that change was a withdrawal (from the timeline: a case has a handful of consent
/// changes, found by `idx` on the case).
pub async fn withdrawn_by(
    db: &impl ConnectionTrait,
    case_id: Uuid,
    purpose: sanctuary_domain::consent::ConsentPurpose,
) -> Result<Option<Uuid>, StoreError> {
    let rows = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .filter(case_event::Column::Action.eq(Action::RecordConsent.as_str()))
        .order_by_desc(case_event::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading consent changes"))?;
    for row in rows {
        let data: Value = serde_json::from_str(&row.data).map_err(|_| StoreError::Corrupt {
            column: "case_events.data",
        })?;
        if data["purpose"] == purpose.as_str() {
            let withdrawn = data["decision"] == "withdrawn";
            return Ok(withdrawn.then_some(row.organisation_id));
        }
    }
    Ok(None)
}

/// A case's timeline, oldest first.
pub async fn timeline(
    db: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<TimelineEntry>, StoreError> {
    let rows = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .order_by_asc(case_event::Column::Id)
        .find_also_related(organisation::Entity)
        .all(db)
        .await
        .map_err(StoreError::db("reading the timeline"))?;
    rows.into_iter()
        .map(|(e, org)| {
            Ok(TimelineEntry {
                id: e.id,
                at: e.at,
                action: parse(&e.action, "case_events.action")?,
                from_status: parse_opt(e.from_status.as_deref(), "case_events.from_status")?,
                to_status: parse(&e.to_status, "case_events.to_status")?,
                actor_subject: e.actor_subject,
                organisation_id: e.organisation_id,
                organisation_name: org.map(|o| o.name).unwrap_or_default(),
                role: parse(&e.role, "case_events.role")?,
                data: serde_json::from_str(&e.data).map_err(|_| StoreError::Corrupt {
                    column: "case_events.data",
                })?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_become_arrays() {
        let data = [
            ("approved", "a".to_owned()),
            ("approved", "b".to_owned()),
            ("total", "3".to_owned()),
        ];
        assert_eq!(data_object(&data), r#"{"approved":["a","b"],"total":"3"}"#);
    }
}

/// A free-text note, opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRecord {
    pub event_id: Uuid,
    pub kind: String,
    pub at: OffsetDateTime,
    pub text: String,
}

/// Every note of a case, oldest first, opened (for the client's subject access export).
pub async fn notes(store: &crate::Store, case_id: Uuid) -> Result<Vec<NoteRecord>, StoreError> {
    let keys = store.keys()?;
    case_note::Entity::find()
        .filter(case_note::Column::CaseId.eq(case_id))
        .order_by_asc(case_note::Column::Id)
        .all(store.connection())
        .await
        .map_err(StoreError::db("reading notes"))?
        .into_iter()
        .map(|n| {
            Ok(NoteRecord {
                event_id: n.event_id,
                kind: n.kind,
                at: n.created_at,
                text: keys.open(NOTE_TEXT, n.id, &n.text)?,
            })
        })
        .collect()
}
