//! Opening a case from a referral, atomically.

pub(crate) mod rows;

use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::intake::Intake;
use sanctuary_domain::organisation::ReferralSource;
use sanctuary_domain::policy::Action;
use sanctuary_domain::referral::Referral;
use sanctuary_domain::scheme::case_reference;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, NewAudit};
use crate::crypto::{Keyring, REFERRAL_DETAILS};
use crate::entities::{case, case_referral, scheme_reference_counter as counter};
use crate::error::is_unique_violation;
use crate::events::{self, Actor, NewEvent};
use crate::idempotency::{self, IdempotencyKey};
use crate::mapping::new_clock;
use crate::organisations::Organisation;
use crate::schemes::Scheme;
use crate::{Store, StoreError};
pub(crate) use rows::answers_json;
use rows::{MatchKeys, case_row, initial_risk_assessment};

/// A valid referral to open a case from; [`create_case`] applies the scheme's rules.
pub struct NewCase<'a> {
    pub scheme: &'a Scheme,
    pub referring_organisation: &'a Organisation,
    pub actor: &'a Actor,
    pub received_at: OffsetDateTime,
    pub referral: &'a Referral,
    pub idempotency: Option<&'a IdempotencyKey>,
    /// The request's id, for the audit record.
    pub request_id: Option<&'a str>,
}

impl<'a> NewCase<'a> {
    /// A referral from `referring_organisation`, made by `actor`, with no idempotency
    /// key and no request.
    pub fn new(
        scheme: &'a Scheme,
        referring_organisation: &'a Organisation,
        actor: &'a Actor,
        referral: &'a Referral,
        received_at: OffsetDateTime,
    ) -> Self {
        Self {
            scheme,
            referring_organisation,
            actor,
            received_at,
            referral,
            idempotency: None,
            request_id: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The organisation already used this external reference.
    #[error("the external reference is already used by case {reference}")]
    DuplicateExternalReference { case_id: Uuid, reference: String },
    /// Another request with the same idempotency key created the case first.
    #[error("the idempotency key was completed by another request")]
    KeyCompletedElsewhere,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The sections of the referral form that were filled in (names, for the audit).
fn referral_sections(referral: &Referral) -> Vec<String> {
    match serde_json::to_value(referral) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, _)| k)
            .collect(),
        _ => Vec::new(),
    }
}

/// How long after a case ends a new referral for the same client or home still counts
/// as a repeat.
const REPEAT_WINDOW: Duration = Duration::days(365);

/// Opens the case as the scheme's rules assessed it (`intake`: risk level, flags,
/// progress blocks, eligibility warnings, first clocks) in one transaction: next
/// reference number, case row (linked to any earlier case for the same client or home),
/// referral, clocks, first risk assessment, first timeline event and the idempotency
/// key's completion. All of it is durable, or none of it is.
pub async fn create_case(
    store: &Store,
    new: NewCase<'_>,
    intake: &Intake,
) -> Result<Uuid, IntakeError> {
    let org_id = new.referring_organisation.id;
    let keyring = store.keys()?;
    if let Some(existing) =
        find_external_reference(store.connection(), keyring, org_id, new.referral).await?
    {
        return Err(existing);
    }
    let tx = store.begin_write().await?;
    let id = Uuid::now_v7();
    let year = new.received_at.year();
    let number = next_reference_number(&*tx, new.scheme.id, year).await?;
    let reference = case_reference(&new.scheme.reference_prefix, year, number);
    let keys = MatchKeys::of(new.referral, keyring);
    let repeat_of = earlier_case(&*tx, new.scheme.id, &keys, new.received_at).await?;
    if let Err(err) = case_row(id, reference, &new, intake, &keys, repeat_of)
        .insert(&*tx)
        .await
    {
        // A concurrent request took the external reference between our check and insert.
        if is_unique_violation(&err) {
            drop(tx);
            if let Some(existing) =
                find_external_reference(store.connection(), keyring, org_id, new.referral).await?
            {
                return Err(existing);
            }
        }
        return Err(StoreError::db("creating a case")(err).into());
    }
    let details = serde_json::to_string(new.referral).map_err(|_| StoreError::Corrupt {
        column: REFERRAL_DETAILS,
    })?;
    case_referral::ActiveModel {
        case_id: Set(id),
        details: Set(keyring.seal(REFERRAL_DETAILS, id, &details)),
    }
    .insert(&*tx)
    .await
    .map_err(StoreError::db("storing a referral"))?;
    for clock in &intake.clocks {
        new_clock(id, new.scheme.id, 1, clock)
            .insert(&*tx)
            .await
            .map_err(StoreError::db("starting a clock"))?;
    }
    initial_risk_assessment(id, &new, intake)
        .insert(&*tx)
        .await
        .map_err(StoreError::db("recording the risk assessment"))?;
    let mut data = vec![(
        "referral_source",
        ReferralSource::from(new.referring_organisation.kind).to_string(),
    )];
    if let Some(level) = intake.risk_level {
        data.push(("risk_level", level.to_string()));
    }
    // The link to an earlier case stays off the timeline: the timeline is the
    // referrer's to read, and the earlier case may be another organisation's.
    let event = NewEvent {
        case_id: id,
        at: new.received_at,
        action: Action::CreateReferral,
        from: None,
        to: CaseStatus::Received,
        actor: new.actor,
        data: &data,
        notes: &[],
        readers_before: &[],
    };
    events::append(&*tx, keyring, event).await?;
    let record = NewAudit {
        actor_subject: &new.actor.subject,
        organisation_id: Some(org_id),
        role: Some(new.actor.role),
        action: Action::CreateReferral.as_str(),
        scheme_id: Some(new.scheme.id),
        case_id: Some(id),
        fields: referral_sections(new.referral),
        request_id: new.request_id,
        outcome: AuditOutcome::Allowed,
    };
    audit::append(&*tx, keyring, &record).await?;
    if let Some(key) = new.idempotency
        && !idempotency::complete(&*tx, key, id).await?
    {
        // Dropping the transaction rolls the case back.
        return Err(IntakeError::KeyCompletedElsewhere);
    }
    tx.commit()
        .await
        .map_err(StoreError::db("committing a new case"))?;
    Ok(id)
}

async fn find_external_reference(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    organisation_id: Uuid,
    referral: &Referral,
) -> Result<Option<IntakeError>, StoreError> {
    let Some(external) = &referral.external_reference else {
        return Ok(None);
    };
    let found: Option<(Uuid, String)> = case::Entity::find()
        .select_only()
        .columns([case::Column::Id, case::Column::Reference])
        .filter(case::Column::ReferringOrganisationId.eq(organisation_id))
        .filter(
            case::Column::ExternalReferenceIndex.eq(rows::external_reference_index(keys, external)),
        )
        .into_tuple()
        .one(db)
        .await
        .map_err(StoreError::db("checking an external reference"))?;
    Ok(found
        .map(|(case_id, reference)| IntakeError::DuplicateExternalReference { case_id, reference }))
}

/// Moves external references written in the clear (before they were sealed) to their
/// blind index; the value itself is already in the sealed referral. Run at start-up;
/// with nothing left to move it is one query.
pub async fn seal_legacy_external_references(store: &Store) -> Result<u64, StoreError> {
    let db = store.connection();
    let keys = store.keys()?;
    let legacy: Vec<(Uuid, String)> = case::Entity::find()
        .select_only()
        .columns([case::Column::Id, case::Column::ExternalReference])
        .filter(case::Column::ExternalReference.is_not_null())
        .into_tuple()
        .all(db)
        .await
        .map_err(StoreError::db("finding external references in the clear"))?;
    for (id, reference) in &legacy {
        case::Entity::update_many()
            .col_expr(
                case::Column::ExternalReferenceIndex,
                Expr::value(rows::external_reference_index(keys, reference)),
            )
            .col_expr(case::Column::ExternalReference, Expr::value(None::<String>))
            .filter(case::Column::Id.eq(*id))
            .exec(db)
            .await
            .map_err(StoreError::db("sealing an external reference"))?;
    }
    if !legacy.is_empty() && db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
        // The old values linger in free pages and the write-ahead log until rewritten.
        for statement in ["VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"] {
            db.execute_unprepared(statement)
                .await
                .map_err(StoreError::db("compacting the database"))?;
        }
    }
    Ok(legacy.len() as u64)
}

/// The most recent case in the scheme for the same client or home that is still open
/// or ended within the repeat window.
async fn earlier_case(
    db: &impl ConnectionTrait,
    scheme_id: Uuid,
    keys: &MatchKeys,
    now: OffsetDateTime,
) -> Result<Option<Uuid>, StoreError> {
    // One query per key, each on its own (scheme, key) index: with an OR of the two,
    // SQLite walks every case of the scheme newest first (2.6 referrals/s at 100k cases).
    let latest = |column: case::Column, key: &str| {
        case::Entity::find()
            .select_only()
            .column(case::Column::Id)
            .filter(case::Column::SchemeId.eq(scheme_id))
            .filter(column.eq(key))
            .filter(
                Condition::any()
                    .add(case::Column::EndedAt.is_null())
                    .add(case::Column::EndedAt.gte(now - REPEAT_WINDOW)),
            )
            .order_by_desc(case::Column::Id)
            .into_tuple::<Uuid>()
            .one(db)
    };
    let by_client = latest(case::Column::ClientMatchKey, keys.client.as_str())
        .await
        .map_err(StoreError::db("looking for earlier referrals"))?;
    let by_address = latest(case::Column::AddressMatchKey, keys.address.as_str())
        .await
        .map_err(StoreError::db("looking for earlier referrals"))?;
    // UUIDv7 ids order by creation: the later of the two is the most recent case.
    Ok(std::cmp::Ord::max(by_client, by_address))
}

/// The scheme's next reference number for `year`, gap-free: the counter row is locked by
/// the upsert until this transaction ends, and rolls back with it.
async fn next_reference_number(
    tx: &impl ConnectionTrait,
    scheme_id: Uuid,
    year: i32,
) -> Result<i64, StoreError> {
    let statement = Query::insert()
        .into_table(counter::Entity)
        .columns([
            counter::Column::SchemeId,
            counter::Column::Year,
            counter::Column::LastNumber,
        ])
        .values_panic([scheme_id.into(), year.into(), 1i64.into()])
        .on_conflict(
            OnConflict::columns([counter::Column::SchemeId, counter::Column::Year])
                .value(
                    counter::Column::LastNumber,
                    Expr::col((counter::Entity, counter::Column::LastNumber)).add(1),
                )
                .to_owned(),
        )
        .returning_col(counter::Column::LastNumber)
        .to_owned();
    let row = tx
        .query_one(&statement)
        .await
        .map_err(StoreError::db("numbering a case"))?
        .ok_or(StoreError::Corrupt {
            column: "scheme_reference_counters.last_number",
        })?;
    row.try_get("", "last_number")
        .map_err(StoreError::db("numbering a case"))
}
