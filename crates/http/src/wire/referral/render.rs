//! Domain referral → form, for responses.

use sanctuary_domain::referral::{Address, Referral};

use super::*;

impl From<&Address> for AddressSection {
    fn from(a: &Address) -> Self {
        Self {
            line1: Some(a.line1.clone()),
            line2: a.line2.clone(),
            town: Some(a.town.clone()),
            postcode: Some(a.postcode.to_string()),
        }
    }
}

impl From<&Referral> for ReferralForm {
    fn from(r: &Referral) -> Self {
        let d = &r.demographics;
        let h = &r.household;
        let s = &r.safety;
        let c = &r.consents;
        Self {
            scheme: Some(r.scheme.to_string()),
            external_reference: r.external_reference.clone(),
            urgent: Some(r.urgent),
            urgent_reason: r.urgent_reason.clone(),
            self_referral: Some(r.self_referral),
            referrer: Some(ReferrerSection {
                name: Some(r.referrer.name.clone()),
                job_title: r.referrer.job_title.clone(),
                organisation_name: r.referrer.organisation_name.clone(),
                email: r.referrer.email.as_ref().map(|e| e.as_str().to_owned()),
                phone: r.referrer.phone.as_ref().map(|p| p.as_str().to_owned()),
            }),
            client: Some(ClientSection {
                name: Some(r.client.name.clone()),
                date_of_birth: Some(r.client.date_of_birth),
                address: Some(AddressSection::from(&r.client.address)),
                phone: Some(r.client.phone.as_str().to_owned()),
                unsafe_contact_times: Some(r.client.unsafe_contact_times.clone()),
                unsafe_contact_windows: (!r.client.unsafe_contact_windows.is_empty())
                    .then(|| r.client.unsafe_contact_windows.clone()),
            }),
            demographics: Some(DemographicsSection {
                gender: d.gender,
                gender_self_description: d.gender_self_description.clone(),
                gender_identity_same_as_sex_at_birth: d.gender_identity_same_as_sex_at_birth,
                sexual_orientation: d.sexual_orientation,
                sexual_orientation_self_description: d.sexual_orientation_self_description.clone(),
                ethnicity: d.ethnicity,
                ethnicity_self_description: d.ethnicity_self_description.clone(),
                interpreter_needed: d.interpreter_needed,
                interpreter_language: d.interpreter_language.clone(),
                disabilities: Some(d.disabilities.clone()),
                adjustments: d.adjustments.clone(),
            }),
            support_needs: Some(SupportNeedsSection {
                no_recourse_to_public_funds: r.support_needs.no_recourse_to_public_funds,
                pregnant: r.support_needs.pregnant,
                care_and_support_needs: r.support_needs.care_and_support_needs,
                other: r.support_needs.other.clone(),
            }),
            household: Some(HouseholdSection {
                accommodation_type: h.accommodation_type,
                accommodation_other: h.accommodation_other.clone(),
                tenure: Some(h.tenure),
                tenure_other: h.tenure_other.clone(),
                names_on_tenancy: Some(
                    h.names_on_tenancy
                        .iter()
                        .cloned()
                        .map(NameOnTenancy)
                        .collect(),
                ),
                children_ages: h
                    .children_ages
                    .as_ref()
                    .map(|ages| ages.iter().copied().map(ChildAge).collect()),
                client_wishes_to_remain: h.client_wishes_to_remain,
            }),
            safety: Some(SafetySection {
                perpetrator_name: s.perpetrator_name.clone(),
                perpetrator_whereabouts: s.perpetrator_whereabouts.clone(),
                perpetrator_lives_at_property: s.perpetrator_lives_at_property,
                recent_incidents: s.recent_incidents.clone(),
                dash: Some(DashSection {
                    completed: Some(s.dash.completed()),
                    score: s.dash.score(),
                    answers: s.dash.answers().map(DashAnswersSection::from_domain),
                }),
                marac: s.marac.as_ref().map(|m| MaracSection {
                    referred: Some(m.referred),
                    meeting_date: m.meeting_date,
                }),
                police: Some(PoliceSection {
                    involved: Some(s.police.involved),
                    details: s.police.details.clone(),
                    crime_reference: s.police.crime_reference.clone(),
                    crime_reference_missing_reason: s.police.crime_reference_missing_reason.clone(),
                }),
                arson_risk: Some(ArsonRiskSection {
                    present: Some(s.arson_risk.present),
                    details: s.arson_risk.details.clone(),
                }),
                other_concerns: s.other_concerns.clone(),
                specialist_service: s.specialist_service.as_ref().map(|x| {
                    SpecialistServiceSection {
                        referred: Some(x.referred),
                        details: x.details.clone(),
                    }
                }),
                interim_measures: s.interim_measures.clone(),
                concerns_perpetrator_finds_out: s.concerns_perpetrator_finds_out.clone(),
                concerns_perpetrator_let_in: s.concerns_perpetrator_let_in.clone(),
                civil_order: s.civil_order.as_ref().map(|o| CivilOrderSection {
                    in_place: Some(o.in_place),
                    expires_on: o.expires_on,
                }),
            }),
            installation: Some(InstallationSection {
                requests: r.installation.requests.clone(),
                concerns: r.installation.concerns.clone(),
            }),
            consents: Some(ConsentsSection {
                installation: Some(c.installation),
                landlord_contact: Some(c.landlord_contact),
                information_sharing: Some(c.information_sharing),
                follow_up_contact: Some(c.follow_up_contact),
                method: Some(c.method),
                obtained_on: Some(c.obtained_on),
            }),
        }
    }
}
