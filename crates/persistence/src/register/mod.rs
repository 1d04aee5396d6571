//! The emergency-services register's rows: entries written with the action that
//! changed them (in its transaction, with one event per entry to the register's
//! readers), the entries a case has, and the pages a control room reads
//! ([`list`](page::list)). The worker's removals after a case ended are in [`ending`].

pub mod ending;
mod page;

pub use page::{RegisterItem, RegisterQuery, RegisterReading, SafeRoom, list};

use sanctuary_domain::events::EventType;
use sanctuary_domain::register::{
    ActiveEntry, EmergencyService, RegisterBasis, RegisterChange, RegisterPresence, RemovalReason,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::{parse, parse_opt};
use crate::entities::{register_entry as entry, register_review as review};
use crate::{StoreError, outbox};

/// The case's column that says where it stands with `service`'s register.
pub(crate) fn presence_column(service: EmergencyService) -> crate::entities::case::Column {
    match service {
        EmergencyService::FireService => crate::entities::case::Column::FireRegister,
        EmergencyService::Police => crate::entities::case::Column::PoliceRegister,
    }
}

/// A register entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEntry {
    pub id: Uuid,
    pub case_id: Uuid,
    pub service: EmergencyService,
    pub basis: RegisterBasis,
    pub added_at: OffsetDateTime,
    pub review_due: OffsetDateTime,
    pub last_reviewed_at: Option<OffsetDateTime>,
    pub removed_at: Option<OffsetDateTime>,
    pub removal_reason: Option<RemovalReason>,
    pub updated_at: OffsetDateTime,
}

impl RegisterEntry {
    pub fn presence(&self) -> RegisterPresence {
        match self.removed_at {
            None => RegisterPresence::Active,
            Some(_) => RegisterPresence::Removed,
        }
    }
}

impl TryFrom<entry::Model> for RegisterEntry {
    type Error = StoreError;

    fn try_from(m: entry::Model) -> Result<Self, StoreError> {
        Ok(Self {
            id: m.id,
            case_id: m.case_id,
            service: parse(&m.service, "register_entries.service")?,
            basis: parse(&m.basis, "register_entries.basis")?,
            added_at: m.added_at,
            review_due: m.review_due,
            last_reviewed_at: m.last_reviewed_at,
            removed_at: m.removed_at,
            removal_reason: parse_opt(
                m.removal_reason.as_deref(),
                "register_entries.removal_reason",
            )?,
            updated_at: m.updated_at,
        })
    }
}

/// Every entry the case has had, oldest first.
pub async fn entries_of(
    db: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<RegisterEntry>, StoreError> {
    entry::Entity::find()
        .filter(entry::Column::CaseId.eq(case_id))
        .order_by_asc(entry::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading register entries"))?
        .into_iter()
        .map(RegisterEntry::try_from)
        .collect()
}

/// The case's entries standing now (what the workflow decides from).
pub(crate) async fn standing(
    db: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<ActiveEntry>, StoreError> {
    Ok(entries_of(db, case_id)
        .await?
        .into_iter()
        .filter(|e| e.removed_at.is_none())
        .map(|e| ActiveEntry {
            service: e.service,
            basis: e.basis,
        })
        .collect())
}

/// The standing entry of `service` for the case.
async fn standing_entry(
    db: &impl ConnectionTrait,
    case_id: Uuid,
    service: EmergencyService,
) -> Result<Option<entry::Model>, StoreError> {
    Ok(entry::Entity::find()
        .filter(entry::Column::CaseId.eq(case_id))
        .filter(entry::Column::Service.eq(service.as_str()))
        .filter(entry::Column::RemovedAt.is_null())
        .all(db)
        .await
        .map_err(StoreError::db("reading a register entry"))?
        .pop())
}

/// Who changed the register, and when.
pub(crate) struct Change<'a> {
    pub case_id: Uuid,
    pub scheme_id: Uuid,
    pub at: OffsetDateTime,
    /// The acting organisation (none: the service's own worker).
    pub organisation_id: Option<Uuid>,
    /// The review date of entries added or reviewed.
    pub review_due: Option<OffsetDateTime>,
    pub changes: &'a [RegisterChange],
}

/// Writes `c.changes` in the caller's transaction, each with its event to the
/// register's readers (a rebase changes no one's call-out system: no event).
pub(crate) async fn write(db: &impl ConnectionTrait, c: Change<'_>) -> Result<(), StoreError> {
    let corrupt = || StoreError::Corrupt {
        column: "register_entries",
    };
    for change in c.changes {
        let service = change.service();
        let (entry_id, event) = match *change {
            RegisterChange::Added { basis, .. } => {
                let id = Uuid::now_v7();
                entry::ActiveModel {
                    id: Set(id),
                    case_id: Set(c.case_id),
                    scheme_id: Set(c.scheme_id),
                    service: Set(service.as_str().to_owned()),
                    basis: Set(basis.as_str().to_owned()),
                    added_at: Set(c.at),
                    review_due: Set(c.review_due.ok_or_else(corrupt)?),
                    last_reviewed_at: Set(None),
                    removed_at: Set(None),
                    removal_reason: Set(None),
                    updated_at: Set(c.at),
                }
                .insert(db)
                .await
                .map_err(StoreError::db("adding a register entry"))?;
                (id, Some(EventType::RegisterEntryAdded))
            }
            RegisterChange::Rebased { basis, .. } => {
                let row = standing_entry(db, c.case_id, service)
                    .await?
                    .ok_or_else(corrupt)?;
                entry::ActiveModel {
                    id: Set(row.id),
                    basis: Set(basis.as_str().to_owned()),
                    updated_at: Set(c.at),
                    ..Default::default()
                }
                .update(db)
                .await
                .map_err(StoreError::db("rebasing a register entry"))?;
                (row.id, None)
            }
            RegisterChange::Reviewed { .. } => {
                let row = standing_entry(db, c.case_id, service)
                    .await?
                    .ok_or_else(corrupt)?;
                let next = c.review_due.ok_or_else(corrupt)?;
                review::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    entry_id: Set(row.id),
                    reviewed_at: Set(c.at),
                    organisation_id: Set(c.organisation_id.ok_or_else(corrupt)?),
                    was_due: Set(row.review_due),
                    next_due: Set(next),
                }
                .insert(db)
                .await
                .map_err(StoreError::db("recording a register review"))?;
                entry::ActiveModel {
                    id: Set(row.id),
                    review_due: Set(next),
                    last_reviewed_at: Set(Some(c.at)),
                    updated_at: Set(c.at),
                    ..Default::default()
                }
                .update(db)
                .await
                .map_err(StoreError::db("reviewing a register entry"))?;
                (row.id, Some(EventType::RegisterEntryReviewed))
            }
            RegisterChange::Updated { .. } => {
                let row = standing_entry(db, c.case_id, service)
                    .await?
                    .ok_or_else(corrupt)?;
                entry::ActiveModel {
                    id: Set(row.id),
                    updated_at: Set(c.at),
                    ..Default::default()
                }
                .update(db)
                .await
                .map_err(StoreError::db("updating a register entry"))?;
                (row.id, Some(EventType::RegisterEntryUpdated))
            }
            RegisterChange::Removed { reason, .. } => {
                let row = standing_entry(db, c.case_id, service)
                    .await?
                    .ok_or_else(corrupt)?;
                entry::ActiveModel {
                    id: Set(row.id),
                    removed_at: Set(Some(c.at)),
                    removal_reason: Set(Some(reason.as_str().to_owned())),
                    updated_at: Set(c.at),
                    ..Default::default()
                }
                .update(db)
                .await
                .map_err(StoreError::db("removing a register entry"))?;
                (row.id, Some(EventType::RegisterEntryRemoved))
            }
        };
        if let Some(event_type) = event {
            outbox::append_register(
                db,
                outbox::RegisterNotice {
                    case_id: c.case_id,
                    entry_id,
                    service,
                    event_type,
                    at: c.at,
                    acting_organisation: c.organisation_id,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// A review of an entry: when, by which organisation, the date it was due and the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterReview {
    pub reviewed_at: OffsetDateTime,
    pub organisation_id: Uuid,
    pub was_due: OffsetDateTime,
    pub next_due: OffsetDateTime,
}

/// Every entry the case has had, oldest first, each with its reviews (two queries).
pub async fn history_of(
    db: &impl ConnectionTrait,
    case_id: Uuid,
) -> Result<Vec<(RegisterEntry, Vec<RegisterReview>)>, StoreError> {
    let entries = entries_of(db, case_id).await?;
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let reviews = review::Entity::find()
        .filter(review::Column::EntryId.is_in(entries.iter().map(|e| e.id)))
        .order_by_asc(review::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading register reviews"))?;
    Ok(entries
        .into_iter()
        .map(|e| {
            let of_entry = reviews
                .iter()
                .filter(|r| r.entry_id == e.id)
                .map(|r| RegisterReview {
                    reviewed_at: r.reviewed_at,
                    organisation_id: r.organisation_id,
                    was_due: r.was_due,
                    next_due: r.next_due,
                })
                .collect();
            (e, of_entry)
        })
        .collect())
}
