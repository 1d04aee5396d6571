//! Reading a case into the domain's `CaseSnapshot`.

use sanctuary_domain::calendar::Calendar;
use sanctuary_domain::consent::ConsentsInForce;
use sanctuary_domain::safeguarding::Safeguarding;
use sanctuary_domain::workflow::{CaseSnapshot, RiskFacts};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::codec::{parse, parse_opt, split};
use crate::crypto::Keyring;
use crate::entities::case;
use crate::mapping::{clocks_of, referral_of, works_of};
use crate::schemes::{self, Scheme};
use crate::{StoreError, calendars, measures};
use sanctuary_domain::referral::Referral;

/// A case as the workflow sees it, with what it was read with.
pub struct Loaded {
    pub case: case::Model,
    pub scheme: Scheme,
    pub calendar: Calendar,
    pub referral: Referral,
    pub snapshot: CaseSnapshot,
}

pub(crate) async fn load(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    case_id: Uuid,
) -> Result<Option<Loaded>, StoreError> {
    let Some(case) = case::Entity::find_by_id(case_id)
        .one(db)
        .await
        .map_err(StoreError::db("reading a case"))?
    else {
        return Ok(None);
    };
    let scheme = schemes::find(db, case.scheme_id)
        .await?
        .ok_or(StoreError::Corrupt {
            column: "cases.scheme_id",
        })?;
    let referral = referral_of(db, keys, case_id).await?;
    let calendar = calendars::for_nation(db, scheme.nation).await?;
    let snapshot = CaseSnapshot {
        status: parse(&case.status, "cases.status")?,
        received_at: case.received_at,
        held_from: parse_opt(case.held_from.as_deref(), "cases.held_from")?,
        // The rules the case started under, not today's.
        settings: schemes::settings_at(db, scheme.id, case.policy_version).await?,
        catalogue: measures::catalogue(db, scheme.id).await?,
        consents: consents_in_force(&case)?,
        eligibility_warnings: split(&case.eligibility_warnings, "cases.eligibility_warnings")?,
        works: works_of(db, keys, case_id).await?,
        clocks: clocks_of(db, case_id, case.round).await?,
        fire_check_recorded: case.fire_check_recorded_at.is_some(),
        first_contact_at: case.first_contact_at,
        risk: RiskFacts {
            dash_score: case.dash_score.and_then(|s| u8::try_from(s).ok()),
            level: parse_opt(case.risk_level.as_deref(), "cases.risk_level")?,
            marac_referred: case.marac_referred,
            marac_date: case.marac_date,
            care_and_support_needs: case.care_and_support_needs,
            safeguarding_referred: case.safeguarding_referred_on.is_some(),
        },
        flags: split(&case.flags, "cases.flags")?,
        safeguarding: safeguarding_of(&case)?,
        contractor_access_until: case.contractor_access_until,
        urgent: case.urgent,
        accepted: case.decided_at.is_some() && case.decline_reason.is_none(),
        works_completed: case.works_completed_at.is_some(),
        landlord_permission: parse(&case.landlord_permission, "cases.landlord_permission")?,
        ended_at: case.ended_at,
        round: u32::try_from(case.round).unwrap_or(1),
        emergency_accommodation: parse_opt(
            case.emergency_accommodation.as_deref(),
            "cases.emergency_accommodation",
        )?,
        assessor_organisation_id: case.assessor_organisation_id,
        contractor_organisation_id: case.contractor_organisation_id,
        // Read for approving works only (`budgets::funding_on`): it sums the year.
        funding: None,
        register: crate::register::standing(db, case_id).await?,
        visits: crate::visits::of_case(db, case_id).await?,
        unsafe_windows: referral.client.unsafe_contact_windows.clone(),
        // The scheme's arrangement with its emergency services as it stands now.
        register_settings: scheme.settings.register.clone(),
    };
    Ok(Some(Loaded {
        case,
        scheme,
        calendar,
        referral,
        snapshot,
    }))
}

/// The consents as they stand: the case's columns (the referral's, as changed since).
pub(crate) fn consents_in_force(case: &case::Model) -> Result<ConsentsInForce, StoreError> {
    Ok(ConsentsInForce {
        installation: parse(&case.consent_installation, "cases.consent_installation")?,
        landlord_contact: parse(
            &case.consent_landlord_contact,
            "cases.consent_landlord_contact",
        )?,
        information_sharing: parse(
            &case.consent_information_sharing,
            "cases.consent_information_sharing",
        )?,
        follow_up_contact: parse(
            &case.consent_follow_up_contact,
            "cases.consent_follow_up_contact",
        )?,
        works_may_continue: case.works_may_continue,
    })
}

/// The safeguarding decisions standing on the case, from its columns.
pub(crate) fn safeguarding_of(case: &case::Model) -> Result<Safeguarding, StoreError> {
    Ok(Safeguarding {
        sharing_with: split(
            &case.safeguarding_sharing_with,
            "cases.safeguarding_sharing_with",
        )?,
        landlord_contact: case.safeguarding_landlord_contact,
    })
}
