//! Form → domain referral, accumulating every violation (the applicative style: each
//! field is parsed on its own; a section is built, and its rules checked, only when
//! all its mandatory parts are present).

use sanctuary_domain::consent::IntakeConsents;
use sanctuary_domain::contact::{Email, Phone};
use sanctuary_domain::dash::Dash;
use sanctuary_domain::postcode::Postcode;
use sanctuary_domain::referral::{
    self as domain, Address, ArsonRisk, CivilOrder, Client, Demographics, Household, Installation,
    Marac, Police, Referral, Referrer, Safety, SpecialistService, SupportNeeds,
};
use sanctuary_domain::scheme::SchemeCode;
use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_domain::visits;
use time::Date;

use super::*;

fn required<T>(v: &mut Violations, pointer: &str, value: Option<T>) -> Option<T> {
    if value.is_none() {
        v.add(pointer, ViolationCode::Required, "is required");
    }
    value
}

impl ReferralForm {
    /// The domain referral, or every violation found. `today` anchors the date rules.
    pub fn into_domain(self, today: Date) -> Result<Referral, Violations> {
        let mut v = Violations::new();
        let scheme = required(&mut v, "/scheme", self.scheme)
            .and_then(|s| v.check("/scheme", SchemeCode::parse(&s)));
        let referrer =
            required(&mut v, "/referrer", self.referrer).and_then(|r| referrer(r, &mut v));
        let client =
            required(&mut v, "/client", self.client).and_then(|c| client(c, today, &mut v));
        let demographics = demographics(self.demographics.unwrap_or_default(), &mut v);
        let support_needs = support_needs(self.support_needs.unwrap_or_default());
        let household =
            required(&mut v, "/household", self.household).and_then(|h| household(h, &mut v));
        let safety = required(&mut v, "/safety", self.safety).and_then(|s| safety(s, &mut v));
        let installation = self.installation.unwrap_or_default();
        let consents =
            required(&mut v, "/consents", self.consents).and_then(|c| consents(c, today, &mut v));
        let (
            Some(scheme),
            Some(referrer),
            Some(client),
            Some(household),
            Some(safety),
            Some(consents),
        ) = (scheme, referrer, client, household, safety, consents)
        else {
            return Err(v);
        };
        v.into_result(Referral {
            scheme,
            external_reference: self.external_reference,
            urgent: self.urgent.unwrap_or(false),
            urgent_reason: self.urgent_reason,
            self_referral: self.self_referral.unwrap_or(false),
            referrer,
            client,
            demographics,
            support_needs,
            household,
            safety,
            installation: Installation {
                requests: installation.requests,
                concerns: installation.concerns,
            },
            consents,
        })
    }
}

fn referrer(r: ReferrerSection, v: &mut Violations) -> Option<Referrer> {
    // Checked on the raw fields, so it applies whatever else is wrong in the section.
    let reachable = domain::check_reachable(r.email.is_some(), r.phone.is_some());
    v.check("/referrer/email", reachable);
    let name = required(v, "/referrer/name", r.name);
    let email = r
        .email
        .and_then(|e| v.check("/referrer/email", Email::parse(&e)));
    let phone = r
        .phone
        .and_then(|p| v.check("/referrer/phone", Phone::parse(&p)));
    Some(Referrer {
        name: name?,
        job_title: r.job_title,
        organisation_name: r.organisation_name,
        email,
        phone,
    })
}

fn client(c: ClientSection, today: Date, v: &mut Violations) -> Option<Client> {
    let name = required(v, "/client/name", c.name);
    let date_of_birth = required(v, "/client/date_of_birth", c.date_of_birth).and_then(|d| {
        let rule = domain::check_date_of_birth(d, today);
        v.check("/client/date_of_birth", rule).map(|()| d)
    });
    let address = required(v, "/client/address", c.address).and_then(|a| address(a, v));
    let phone = required(v, "/client/phone", c.phone)
        .and_then(|p| v.check("/client/phone", Phone::parse(&p)));
    let unsafe_contact_times = required(v, "/client/unsafe_contact_times", c.unsafe_contact_times);
    let windows = c.unsafe_contact_windows.unwrap_or_default();
    if windows.len() > visits::MAX_WINDOWS {
        v.add(
            "/client/unsafe_contact_windows",
            ViolationCode::TooManyItems,
            format!("give at most {} windows", visits::MAX_WINDOWS),
        );
    }
    for (i, w) in windows.iter().enumerate() {
        if let Err((field, e)) = visits::check_window(w) {
            v.add(
                format!("/client/unsafe_contact_windows/{i}/{field}"),
                e.code,
                e.message,
            );
        }
    }
    Some(Client {
        name: name?,
        date_of_birth: date_of_birth?,
        address: address?,
        phone: phone?,
        unsafe_contact_times: unsafe_contact_times?,
        unsafe_contact_windows: windows,
    })
}

fn address(a: AddressSection, v: &mut Violations) -> Option<Address> {
    let line1 = required(v, "/client/address/line1", a.line1);
    let town = required(v, "/client/address/town", a.town);
    let postcode = required(v, "/client/address/postcode", a.postcode)
        .and_then(|p| v.check("/client/address/postcode", Postcode::parse(&p)));
    Some(Address {
        line1: line1?,
        line2: a.line2,
        town: town?,
        postcode: postcode?,
    })
}

fn demographics(d: DemographicsSection, v: &mut Violations) -> Demographics {
    let demographics = Demographics {
        gender: d.gender,
        gender_self_description: d.gender_self_description,
        gender_identity_same_as_sex_at_birth: d.gender_identity_same_as_sex_at_birth,
        sexual_orientation: d.sexual_orientation,
        sexual_orientation_self_description: d.sexual_orientation_self_description,
        ethnicity: d.ethnicity,
        ethnicity_self_description: d.ethnicity_self_description,
        interpreter_needed: d.interpreter_needed,
        interpreter_language: d.interpreter_language,
        disabilities: d.disabilities.unwrap_or_default(),
        adjustments: d.adjustments,
    };
    v.absorb("/demographics", demographics.violations());
    demographics
}

fn support_needs(s: SupportNeedsSection) -> SupportNeeds {
    SupportNeeds {
        no_recourse_to_public_funds: s.no_recourse_to_public_funds,
        pregnant: s.pregnant,
        care_and_support_needs: s.care_and_support_needs,
        other: s.other,
    }
}

fn household(h: HouseholdSection, v: &mut Violations) -> Option<Household> {
    let tenure = required(v, "/household/tenure", h.tenure)?;
    let household = Household {
        accommodation_type: h.accommodation_type,
        accommodation_other: h.accommodation_other,
        tenure,
        tenure_other: h.tenure_other,
        names_on_tenancy: h
            .names_on_tenancy
            .unwrap_or_default()
            .into_iter()
            .map(|n| n.0)
            .collect(),
        children_ages: h
            .children_ages
            .map(|ages| ages.into_iter().map(|a| a.0).collect()),
        client_wishes_to_remain: h.client_wishes_to_remain,
    };
    v.absorb("/household", household.violations());
    Some(household)
}

fn safety(s: SafetySection, v: &mut Violations) -> Option<Safety> {
    let dash = required(v, "/safety/dash", s.dash).and_then(|d| {
        let completed = required(v, "/safety/dash/completed", d.completed)?;
        let answers = d.answers.as_ref().map(DashAnswersSection::to_domain);
        v.nested("/safety/dash", Dash::new(completed, d.score, answers))
    });
    let marac = s.marac.and_then(|m| {
        let referred = required(v, "/safety/marac/referred", m.referred)?;
        let marac = Marac {
            referred,
            meeting_date: m.meeting_date,
        };
        v.absorb("/safety/marac", marac.violations());
        Some(marac)
    });
    let police = required(v, "/safety/police", s.police).and_then(|p| {
        let involved = required(v, "/safety/police/involved", p.involved)?;
        let police = Police {
            involved,
            details: p.details,
            crime_reference: p.crime_reference,
            crime_reference_missing_reason: p.crime_reference_missing_reason,
        };
        v.absorb("/safety/police", police.violations());
        Some(police)
    });
    let arson_risk = required(v, "/safety/arson_risk", s.arson_risk).and_then(|a| {
        let present = required(v, "/safety/arson_risk/present", a.present)?;
        Some(ArsonRisk {
            present,
            details: a.details,
        })
    });
    let specialist_service = s.specialist_service.and_then(|x| {
        let referred = required(v, "/safety/specialist_service/referred", x.referred)?;
        Some(SpecialistService {
            referred,
            details: x.details,
        })
    });
    let civil_order = s.civil_order.and_then(|c| {
        let in_place = required(v, "/safety/civil_order/in_place", c.in_place)?;
        let order = CivilOrder {
            in_place,
            expires_on: c.expires_on,
        };
        v.absorb("/safety/civil_order", order.violations());
        Some(order)
    });
    Some(Safety {
        perpetrator_name: s.perpetrator_name,
        perpetrator_whereabouts: s.perpetrator_whereabouts,
        perpetrator_lives_at_property: s.perpetrator_lives_at_property,
        recent_incidents: s.recent_incidents,
        dash: dash?,
        marac,
        police: police?,
        arson_risk: arson_risk?,
        other_concerns: s.other_concerns,
        specialist_service,
        interim_measures: s.interim_measures,
        concerns_perpetrator_finds_out: s.concerns_perpetrator_finds_out,
        concerns_perpetrator_let_in: s.concerns_perpetrator_let_in,
        civil_order,
    })
}

fn consents(c: ConsentsSection, today: Date, v: &mut Violations) -> Option<IntakeConsents> {
    let installation = required(v, "/consents/installation", c.installation);
    let landlord_contact = required(v, "/consents/landlord_contact", c.landlord_contact);
    let information_sharing = required(v, "/consents/information_sharing", c.information_sharing);
    let follow_up_contact = required(v, "/consents/follow_up_contact", c.follow_up_contact);
    let method = required(v, "/consents/method", c.method);
    let obtained_on = required(v, "/consents/obtained_on", c.obtained_on);
    let consents = IntakeConsents {
        installation: installation?,
        landlord_contact: landlord_contact?,
        information_sharing: information_sharing?,
        follow_up_contact: follow_up_contact?,
        method: method?,
        obtained_on: obtained_on?,
    };
    v.absorb("/consents", domain::consent_violations(&consents, today));
    Some(consents)
}
