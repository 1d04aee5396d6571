//! Pages of the register for a control room: the entries of some services of a scheme,
//! in the order they last changed (a stable cursor, to keep another system in step),
//! with what an emergency call needs of each standing entry — the address, the safe
//! room, the household's needs — and nothing else: no names, no risk answers, no free
//! text but the safe room's location.

use sanctuary_domain::consent::ConsentStatus;
use sanctuary_domain::referral::{Address, Referral};
use sanctuary_domain::register::{self, EmergencyService, RegisterPresence, SafeRoomStatus};
use sanctuary_domain::safeguarding::SharingRole;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::RegisterEntry;
use crate::StoreError;
use crate::codec::split;
use crate::crypto::{Keyring, REFERRAL_DETAILS, WORKS_LOCATION};
use crate::entities::{case, case_referral, register_entry as entry, works_item};

/// Which entries to read.
#[derive(Debug, Clone)]
pub struct RegisterQuery {
    pub scheme_id: Uuid,
    /// The services whose entries the reader may see (at least one).
    pub services: Vec<EmergencyService>,
    /// Only standing (`active`) or only removed entries; `None`: both.
    pub status: Option<RegisterPresence>,
    /// Only entries changed at or after this instant.
    pub changed_since: Option<OffsetDateTime>,
    /// Continue after this (updated_at, id).
    pub after: Option<(OffsetDateTime, Uuid)>,
    pub limit: u64,
}

/// An entry of the page, with what it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterItem {
    pub entry: RegisterEntry,
    pub reference: String,
    /// What a call needs of the home: only while the entry stands.
    pub reading: Option<RegisterReading>,
}

/// What an emergency call needs of a home on the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterReading {
    pub address: Address,
    pub safe_room: Option<SafeRoom>,
    /// The measures taken out of the home (their catalogue codes), e.g. window grilles.
    pub removed_measures: Vec<String>,
    pub arson_risk: bool,
    /// Dependent children in the household (none: not given).
    pub children: Option<u32>,
    /// Whether the client may need help to leave (`register::needs_help_to_leave`).
    pub needs_help_to_leave: Option<bool>,
    pub interpreter_needed: Option<bool>,
}

/// A safe room recommended, approved or fitted, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeRoom {
    pub status: SafeRoomStatus,
    pub location: Option<String>,
}

#[derive(Debug, FromQueryResult)]
struct Row {
    id: Uuid,
    case_id: Uuid,
    scheme_id: Uuid,
    service: String,
    basis: String,
    added_at: OffsetDateTime,
    review_due: OffsetDateTime,
    last_reviewed_at: Option<OffsetDateTime>,
    removed_at: Option<OffsetDateTime>,
    removal_reason: Option<String>,
    updated_at: OffsetDateTime,
    reference: String,
    anonymised_at: Option<OffsetDateTime>,
    consent_information_sharing: String,
    safeguarding_sharing_with: String,
}

/// The measure whose room and location the register shows.
const SAFE_ROOM: &str = "safe_room";
/// A works item's `removal` once taken out.
const REMOVED: &str = "removed";

/// A page of entries, oldest change first.
pub async fn list(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    q: &RegisterQuery,
) -> Result<Vec<RegisterItem>, StoreError> {
    use entry::Column as E;
    let mut select = entry::Entity::find()
        .select_only()
        .columns([
            E::Id,
            E::CaseId,
            E::SchemeId,
            E::Service,
            E::Basis,
            E::AddedAt,
            E::ReviewDue,
            E::LastReviewedAt,
            E::RemovedAt,
            E::RemovalReason,
            E::UpdatedAt,
        ])
        .column(case::Column::Reference)
        .column(case::Column::AnonymisedAt)
        .column(case::Column::ConsentInformationSharing)
        .column(case::Column::SafeguardingSharingWith)
        .join(JoinType::InnerJoin, entry::Relation::Case.def())
        .filter(E::SchemeId.eq(q.scheme_id))
        .filter(E::Service.is_in(q.services.iter().map(|s| s.as_str())));
    select = match q.status {
        Some(RegisterPresence::Active) => select.filter(E::RemovedAt.is_null()),
        Some(RegisterPresence::Removed) => select.filter(E::RemovedAt.is_not_null()),
        None => select,
    };
    if let Some(since) = q.changed_since {
        select = select.filter(E::UpdatedAt.gte(since));
    }
    if let Some((at, id)) = q.after {
        select = select.filter(
            Condition::any()
                .add(E::UpdatedAt.gt(at))
                .add(Condition::all().add(E::UpdatedAt.eq(at)).add(E::Id.gt(id))),
        );
    }
    let rows = select
        .order_by_asc(E::UpdatedAt)
        .order_by_asc(E::Id)
        .limit(q.limit)
        .into_model::<Row>()
        .all(db)
        .await
        .map_err(StoreError::db("reading the register"))?;
    // Shown only for a standing entry whose basis still holds (defence in depth: a
    // withdrawal removes the entry in its own transaction) on a case not anonymised.
    let shown: Vec<Uuid> = rows
        .iter()
        .filter(|r| shows_reading(r))
        .map(|r| r.case_id)
        .collect();
    let referrals = referrals(db, keys, &shown).await?;
    let (safe_rooms, removed) = measures_shown(db, keys, &shown).await?;
    rows.into_iter()
        .map(|r| {
            let reading = match shows_reading(&r) {
                true => referrals
                    .iter()
                    .find(|(id, _)| *id == r.case_id)
                    .map(|(_, referral)| RegisterReading {
                        address: referral.client.address.clone(),
                        safe_room: safe_rooms
                            .iter()
                            .find(|(id, _)| *id == r.case_id)
                            .map(|(_, room)| room.clone()),
                        removed_measures: removed
                            .iter()
                            .filter(|(id, _)| *id == r.case_id)
                            .map(|(_, code)| code.clone())
                            .collect(),
                        arson_risk: referral.safety.arson_risk.present,
                        children: referral
                            .household
                            .children_ages
                            .as_ref()
                            .map(|c| u32::try_from(c.len()).unwrap_or(u32::MAX)),
                        needs_help_to_leave: register::needs_help_to_leave(
                            &referral.demographics.disabilities,
                        ),
                        interpreter_needed: referral.demographics.interpreter_needed,
                    }),
                false => None,
            };
            let reference = r.reference.clone();
            Ok(RegisterItem {
                entry: RegisterEntry::try_from(entry::Model {
                    id: r.id,
                    case_id: r.case_id,
                    scheme_id: r.scheme_id,
                    service: r.service,
                    basis: r.basis,
                    added_at: r.added_at,
                    review_due: r.review_due,
                    last_reviewed_at: r.last_reviewed_at,
                    removed_at: r.removed_at,
                    removal_reason: r.removal_reason,
                    updated_at: r.updated_at,
                })?,
                reference,
                reading,
            })
        })
        .collect()
}

fn shows_reading(r: &Row) -> bool {
    let Ok(service) = r.service.parse::<EmergencyService>() else {
        return false;
    };
    let consent = r.consent_information_sharing == ConsentStatus::Given.as_str();
    let decided = split::<SharingRole>(
        &r.safeguarding_sharing_with,
        "cases.safeguarding_sharing_with",
    )
    .is_ok_and(|roles| roles.contains(&service.sharing_role()));
    r.removed_at.is_none() && r.anonymised_at.is_none() && (consent || decided)
}

/// The referrals of these cases, opened (one query).
async fn referrals(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    cases: &[Uuid],
) -> Result<Vec<(Uuid, Referral)>, StoreError> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    case_referral::Entity::find()
        .filter(case_referral::Column::CaseId.is_in(cases.iter().copied()))
        .all(db)
        .await
        .map_err(StoreError::db("reading referrals"))?
        .into_iter()
        .map(|row| {
            let json = keys.open(REFERRAL_DETAILS, row.case_id, &row.details)?;
            let referral = serde_json::from_str(&json).map_err(|_| StoreError::Corrupt {
                column: REFERRAL_DETAILS,
            })?;
            Ok((row.case_id, referral))
        })
        .collect()
}

/// What the register shows of these cases' measures: the safe room of each that has
/// one recommended, approved, fitted or taken out (the furthest along, a fitted one
/// first, if several), with its location opened; and the measures taken out.
#[allow(clippy::type_complexity)]
async fn measures_shown(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    cases: &[Uuid],
) -> Result<(Vec<(Uuid, SafeRoom)>, Vec<(Uuid, String)>), StoreError> {
    if cases.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let items = works_item::Entity::find()
        .filter(works_item::Column::CaseId.is_in(cases.iter().copied()))
        .filter(
            Condition::any()
                .add(works_item::Column::MeasureCode.eq(SAFE_ROOM))
                .add(works_item::Column::Removal.eq(REMOVED)),
        )
        .order_by_asc(works_item::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading safe rooms"))?;
    let mut rooms: Vec<(Uuid, SafeRoom, u8)> = Vec::new();
    let mut removed = Vec::new();
    for item in items {
        let taken_out = item.removal.as_deref() == Some(REMOVED);
        if taken_out {
            removed.push((item.case_id, item.measure_code.clone()));
        }
        if item.measure_code != SAFE_ROOM {
            continue;
        }
        let (status, rank) = match (item.outcome.as_deref(), item.approved) {
            (Some("installed"), _) if taken_out => (SafeRoomStatus::Removed, 3),
            (Some("installed"), _) => (SafeRoomStatus::Fitted, 4),
            (Some(_), _) => continue,
            (None, true) => (SafeRoomStatus::Approved, 2),
            (None, false) => (SafeRoomStatus::Recommended, 1),
        };
        if rooms
            .iter()
            .any(|(case, _, r)| *case == item.case_id && *r >= rank)
        {
            continue;
        }
        rooms.retain(|(case, _, _)| *case != item.case_id);
        let location = item
            .location
            .map(|sealed| keys.open(WORKS_LOCATION, item.id, &sealed))
            .transpose()?;
        rooms.push((item.case_id, SafeRoom { status, location }, rank));
    }
    Ok((
        rooms.into_iter().map(|(c, room, _)| (c, room)).collect(),
        removed,
    ))
}
