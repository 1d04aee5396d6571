//! The recorded assessment of a case: its latest visit, who made it, and the findings
//! written with it (opened), for the assessment copy.

use sanctuary_domain::workflow::NoteKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::crypto::NOTE_TEXT;
use crate::entities::{case_note, case_record};
use crate::{Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentRecord {
    pub visit_date: Option<Date>,
    pub recorded_at: OffsetDateTime,
    pub assessed_by: Uuid,
    pub findings: Option<String>,
}

/// The case's latest assessment, if one was recorded.
pub async fn latest(store: &Store, case_id: Uuid) -> Result<Option<AssessmentRecord>, StoreError> {
    let db = store.connection();
    let Some(record) = case_record::Entity::find()
        .filter(case_record::Column::CaseId.eq(case_id))
        .filter(case_record::Column::Kind.eq("assessment"))
        .order_by_desc(case_record::Column::Id)
        .one(db)
        .await
        .map_err(StoreError::db("reading an assessment"))?
    else {
        return Ok(None);
    };
    let note = case_note::Entity::find()
        .filter(case_note::Column::EventId.eq(record.event_id))
        .filter(case_note::Column::Kind.eq(NoteKind::AssessmentFindings.as_str()))
        .one(db)
        .await
        .map_err(StoreError::db("reading an assessment"))?;
    let findings = match note {
        Some(n) => Some(store.keys()?.open(NOTE_TEXT, n.id, &n.text)?),
        None => None,
    };
    Ok(Some(AssessmentRecord {
        visit_date: record.occurred_on,
        recorded_at: record.at,
        assessed_by: record.organisation_id,
        findings,
    }))
}
