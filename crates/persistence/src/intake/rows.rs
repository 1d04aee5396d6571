//! The rows a referral opens a case with.

use sanctuary_domain::age::{AgeBand, age_on};
use sanctuary_domain::case::{CaseFlag, CaseStatus};
use sanctuary_domain::intake::Intake;
use sanctuary_domain::matching;
use sanctuary_domain::organisation::ReferralSource;
use sanctuary_domain::referral::{Disability, Referral, YesNo};
use sea_orm::Set;
use time::Date;
use uuid::Uuid;

use super::NewCase;
use crate::codec::join;
use crate::crypto::Keyring;
use crate::entities::{case, risk_assessment};

/// Hashes that find the same client, the same home or the same partner reference again.
pub(crate) struct MatchKeys {
    pub client: String,
    pub address: String,
    pub external_reference: Option<String>,
}

impl MatchKeys {
    /// Blind indexes (keyed) of the client's, the home's and the partner reference's
    /// canonical forms.
    pub fn of(r: &Referral, keys: &Keyring) -> Self {
        let client = matching::client_key(&r.client.name, r.client.date_of_birth);
        let address = matching::address_key(&r.client.address.postcode, &r.client.address.line1);
        Self {
            client: keys.blind_index(&client),
            address: keys.blind_index(&address),
            external_reference: r
                .external_reference
                .as_deref()
                .map(|reference| external_reference_index(keys, reference)),
        }
    }
}

/// The blind index under which a partner's reference is unique.
pub(crate) fn external_reference_index(keys: &Keyring, reference: &str) -> String {
    keys.blind_index(&matching::external_reference_key(reference))
}

/// The DASH answers as a JSON object by question code.
pub(crate) fn answers_json(r: &sanctuary_domain::dash::Dash) -> Option<String> {
    r.answers().map(|a| {
        let map: serde_json::Map<String, serde_json::Value> = a
            .iter()
            .map(|(q, ans)| (q.as_str().to_owned(), ans.as_str().into()))
            .collect();
        serde_json::Value::Object(map).to_string()
    })
}

pub(super) fn initial_risk_assessment(
    case_id: Uuid,
    new: &NewCase<'_>,
    intake: &Intake,
) -> risk_assessment::ActiveModel {
    let safety = &new.referral.safety;
    risk_assessment::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(case_id),
        organisation_id: Set(new.referring_organisation.id),
        recorded_at: Set(new.received_at),
        source: Set("referral".to_owned()),
        dash_completed: Set(safety.dash.completed()),
        dash_score: Set(safety.dash.score().map(i16::from)),
        dash_answers: Set(answers_json(&safety.dash)),
        judgement: Set(None),
        level: Set(intake.risk_level.map(|l| l.as_str().to_owned())),
        incidents_last_12_months: Set(None),
        marac_referred: Set(safety.marac.as_ref().map(|m| m.referred)),
        marac_date: Set(safety.marac.as_ref().and_then(|m| m.meeting_date)),
        new_incident: Set(false),
    }
}

/// The case row: status and derived facts, plus the categorical answers the monitoring
/// report counts (identifying detail stays in the referral).
pub(super) fn case_row(
    id: Uuid,
    reference: String,
    new: &NewCase<'_>,
    intake: &Intake,
    keys: &MatchKeys,
    repeat_of: Option<Uuid>,
) -> case::ActiveModel {
    let r = new.referral;
    let mut flags = intake.flags.to_vec();
    if repeat_of.is_some() {
        flags.push(CaseFlag::RepeatReferral);
        flags.sort();
    }
    let mut m = case::ActiveModel {
        id: Set(id),
        scheme_id: Set(new.scheme.id),
        referring_organisation_id: Set(new.referring_organisation.id),
        reference: Set(reference),
        status: Set(CaseStatus::Received.as_str().into()),
        version: Set(1),
        received_at: Set(new.received_at),
        updated_at: Set(new.received_at),
        // The value itself is in the sealed referral; only its blind index is here.
        external_reference: Set(None),
        external_reference_index: Set(keys.external_reference.clone()),
        referral_source: Set(if r.self_referral {
            ReferralSource::SelfReferral
        } else {
            ReferralSource::from(new.referring_organisation.kind)
        }
        .as_str()
        .into()),
        flags: Set(join(&flags)),
        progress_blocks: Set(join(&intake.progress_blocks)),
        dash_completed: Set(r.safety.dash.completed()),
        dash_score: Set(r.safety.dash.score().map(i16::from)),
        risk_level: Set(intake.risk_level.map(|l| l.as_str().into())),
        marac_referred: Set(r.safety.marac.as_ref().map(|m| m.referred)),
        consent_installation: Set(r.consents.installation.as_str().into()),
        consent_landlord_contact: Set(r.consents.landlord_contact.as_str().into()),
        consent_information_sharing: Set(r.consents.information_sharing.as_str().into()),
        consent_follow_up_contact: Set(r.consents.follow_up_contact.as_str().into()),
        held_from: Set(None),
        hold_reason: Set(None),
        assessor_organisation_id: Set(None),
        contractor_organisation_id: Set(None),
        decided_at: Set(None),
        decline_reason: Set(None),
        cancel_reason: Set(None),
        close_reason: Set(None),
        ended_at: Set(None),
        works_completed_at: Set(None),
        days_to_installation: Set(None),
        approved_cost_pence: Set(None),
        works_cost_pence: Set(None),
        funder_approval_reference: Set(None),
        fire_check_recorded_at: Set(None),
        first_contact_at: Set(None),
        eligibility_warnings: Set(join(&intake.eligibility_warnings)),
        landlord_permission: Set(intake.landlord_permission.as_str().into()),
        marac_date: Set(r.safety.marac.as_ref().and_then(|m| m.meeting_date)),
        repeat_of_case_id: Set(repeat_of),
        policy_version: Set(new.scheme.settings_version),
        works_may_continue: Set(false),
        legal_hold: Set(false),
        anonymised_at: Set(None),
        ..Default::default()
    };
    referral_columns(&mut m, r, new.received_at.date(), keys);
    m
}

/// The case columns that come from the referral's answers (set at intake, and again
/// when the referral is rectified): the categories the report counts, and the blind
/// indexes.
pub(crate) fn referral_columns(
    m: &mut case::ActiveModel,
    r: &Referral,
    received_on: Date,
    keys: &MatchKeys,
) {
    let d = &r.demographics;
    let has = |x: Disability| d.disabilities.contains(&x);
    let age = age_on(r.client.date_of_birth, received_on);
    let children_age_sum: i32 = r
        .household
        .children_ages
        .iter()
        .flatten()
        .map(|a| i32::from(*a))
        .sum();
    let children = r.household.children_ages.as_ref();
    m.urgent = Set(r.urgent);
    m.police_involved = Set(r.safety.police.involved);
    m.arson_risk = Set(r.safety.arson_risk.present);
    m.gender = Set(d.gender.map(|g| g.as_str().into()));
    m.gender_identity_differs = Set(d
        .gender_identity_same_as_sex_at_birth
        .map(|s| s == YesNo::No));
    m.ethnicity = Set(d.ethnicity.map(|e| e.as_str().into()));
    m.interpreter_needed = Set(d.interpreter_needed);
    m.disability_physical = Set(has(Disability::Physical));
    m.disability_learning = Set(has(Disability::LearningDisability));
    m.disability_mental_illness = Set(has(Disability::MentalIllness));
    m.disability_mental_impairment = Set(has(Disability::MentalImpairment));
    m.disability_none = Set(has(Disability::None));
    m.disability_prefer_not_to_say = Set(has(Disability::PreferNotToSay));
    m.age_band = Set(AgeBand::of(age).as_str().into());
    m.no_recourse_to_public_funds = Set(r.support_needs.no_recourse_to_public_funds);
    m.pregnant = Set(r.support_needs.pregnant);
    m.other_support_needs = Set(r.support_needs.other.is_some());
    m.accommodation_type = Set(r.household.accommodation_type.map(|a| a.as_str().into()));
    m.tenure = Set(r.household.tenure.as_str().into());
    m.children_count = Set(children.map_or(0, |c| i32::try_from(c.len()).unwrap_or(i32::MAX)));
    m.children_given = Set(children.is_some());
    m.sexual_orientation = Set(d.sexual_orientation.map(|o| o.as_str().into()));
    m.children_age_sum = Set(children_age_sum);
    m.care_and_support_needs = Set(r.support_needs.care_and_support_needs == Some(true));
    m.client_match_key = Set(keys.client.clone());
    m.address_match_key = Set(keys.address.clone());
}
