//! Creating a case from a referral, atomically.

use sanctuary_domain::age::{AgeBand, age_on};
use sanctuary_domain::case::{CaseFlag, CaseStatus, ProgressBlock};
use sanctuary_domain::organisation::ReferralSource;
use sanctuary_domain::referral::{Disability, Referral, YesNo};
use sanctuary_domain::risk::RiskLevel;
use sanctuary_domain::scheme::case_reference;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::codec::join;
use crate::entities::{case, case_referral, scheme_reference_counter as counter};
use crate::error::is_unique_violation;
use crate::idempotency::{self, IdempotencyKey};
use crate::organisations::Organisation;
use crate::schemes::Scheme;
use crate::{Store, StoreError};

/// Everything needed to open a case; the rules have already been applied.
pub struct NewCase<'a> {
    pub scheme: &'a Scheme,
    pub referring_organisation: &'a Organisation,
    pub received_at: OffsetDateTime,
    pub referral: &'a Referral,
    pub risk_level: Option<RiskLevel>,
    pub flags: &'a [CaseFlag],
    pub progress_blocks: &'a [ProgressBlock],
    pub idempotency: Option<&'a IdempotencyKey>,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The organisation already used this external reference.
    #[error("the external reference is already used by case {reference}")]
    DuplicateExternalReference { case_id: Uuid, reference: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Opens the case in one transaction: next reference number, case row, referral, and the
/// idempotency key's completion. Either all of it is durable or none of it is.
pub async fn create_case(store: &Store, new: NewCase<'_>) -> Result<Uuid, IntakeError> {
    let org_id = new.referring_organisation.id;
    if let Some(existing) =
        find_external_reference(store.connection(), org_id, new.referral).await?
    {
        return Err(existing);
    }
    let tx = store.begin_write().await?;
    let id = Uuid::now_v7();
    let year = new.received_at.year();
    let number = next_reference_number(&tx, new.scheme.id, year).await?;
    let reference = case_reference(&new.scheme.reference_prefix, year, number);
    let inserted = case_row(id, reference, &new).insert(&tx).await;
    if let Err(err) = inserted {
        // A concurrent request took the external reference between our check and insert.
        if is_unique_violation(&err) {
            drop(tx);
            if let Some(existing) =
                find_external_reference(store.connection(), org_id, new.referral).await?
            {
                return Err(existing);
            }
        }
        return Err(StoreError::db("creating a case")(err).into());
    }
    let details = serde_json::to_string(new.referral).map_err(|_| StoreError::Corrupt {
        column: "case_referrals.details",
    })?;
    case_referral::ActiveModel {
        case_id: Set(id),
        details: Set(details),
    }
    .insert(&tx)
    .await
    .map_err(StoreError::db("storing a referral"))?;
    if let Some(key) = new.idempotency {
        idempotency::complete(&tx, key, id).await?;
    }
    tx.commit()
        .await
        .map_err(StoreError::db("committing a new case"))?;
    Ok(id)
}

async fn find_external_reference(
    db: &impl ConnectionTrait,
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
        .filter(case::Column::ExternalReference.eq(external.as_str()))
        .into_tuple()
        .one(db)
        .await
        .map_err(StoreError::db("checking an external reference"))?;
    Ok(found
        .map(|(case_id, reference)| IntakeError::DuplicateExternalReference { case_id, reference }))
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

/// The case row: status and derived facts, plus the categorical answers the monitoring
/// report counts (identifying detail stays in the referral).
fn case_row(id: Uuid, reference: String, new: &NewCase<'_>) -> case::ActiveModel {
    let r = new.referral;
    let d = &r.demographics;
    let has = |x: Disability| d.disabilities.contains(&x);
    let age = age_on(r.client.date_of_birth, new.received_at.date());
    let children_age_sum: i32 = r
        .household
        .children_ages
        .iter()
        .map(|a| i32::from(*a))
        .sum();
    case::ActiveModel {
        id: Set(id),
        scheme_id: Set(new.scheme.id),
        referring_organisation_id: Set(new.referring_organisation.id),
        reference: Set(reference),
        status: Set(CaseStatus::Received.as_str().into()),
        version: Set(1),
        received_at: Set(new.received_at),
        updated_at: Set(new.received_at),
        urgent: Set(r.urgent),
        external_reference: Set(r.external_reference.clone()),
        referral_source: Set(ReferralSource::from(new.referring_organisation.kind)
            .as_str()
            .into()),
        flags: Set(join(new.flags)),
        progress_blocks: Set(join(new.progress_blocks)),
        dash_completed: Set(r.safety.dash.completed()),
        dash_score: Set(r.safety.dash.score().map(i16::from)),
        risk_level: Set(new.risk_level.map(|l| l.as_str().into())),
        marac_referred: Set(r.safety.marac.as_ref().map(|m| m.referred)),
        police_involved: Set(r.safety.police.involved),
        arson_risk: Set(r.safety.arson_risk.present),
        gender: Set(d.gender.map(|g| g.as_str().into())),
        gender_identity_differs: Set(d
            .gender_identity_same_as_sex_at_birth
            .map(|s| s == YesNo::No)),
        ethnicity: Set(d.ethnicity.map(|e| e.as_str().into())),
        interpreter_needed: Set(d.interpreter_needed),
        disability_physical: Set(has(Disability::Physical)),
        disability_learning: Set(has(Disability::LearningDisability)),
        disability_mental_illness: Set(has(Disability::MentalIllness)),
        disability_mental_impairment: Set(has(Disability::MentalImpairment)),
        disability_none: Set(has(Disability::None)),
        disability_prefer_not_to_say: Set(has(Disability::PreferNotToSay)),
        age_band: Set(AgeBand::of(age).as_str().into()),
        no_recourse_to_public_funds: Set(r.support_needs.no_recourse_to_public_funds),
        pregnant: Set(r.support_needs.pregnant),
        other_support_needs: Set(r.support_needs.other.is_some()),
        accommodation_type: Set(r.household.accommodation_type.map(|a| a.as_str().into())),
        tenure: Set(r.household.tenure.as_str().into()),
        children_count: Set(i32::try_from(r.household.children_ages.len()).unwrap_or(i32::MAX)),
        children_age_sum: Set(children_age_sum),
        consent_installation: Set(r.consents.installation.as_str().into()),
        consent_landlord_contact: Set(r.consents.landlord_contact.as_str().into()),
        consent_information_sharing: Set(r.consents.information_sharing.as_str().into()),
        consent_follow_up_contact: Set(r.consents.follow_up_contact.as_str().into()),
    }
}
