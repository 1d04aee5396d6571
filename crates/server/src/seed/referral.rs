//! A whole synthetic referral: the people and home from [`super::people`], and the
//! safety picture — DASH scores spread over the three bands, MARAC for most high-risk
//! clients, police involvement, some arson concerns — and the four consents.

use rand::Rng;
use rand::seq::SliceRandom;
use sanctuary_domain::age::age_on;
use sanctuary_domain::consent::{ConsentDecision, ConsentMethod, IntakeConsents};
use sanctuary_domain::dash::{Dash, DashAnswer, DashAnswers, DashQuestion};
use sanctuary_domain::referral::{
    ArsonRisk, CivilOrder, Gender, Installation, Marac, Police, Referral, Safety, SpecialistService,
};
use sanctuary_domain::scheme::SchemeCode;
use time::{Date, Duration};

use super::people;
use super::pick::{SeedRng, chance, one_of, sometimes, weighted};

/// A referral into `scheme` by `organisation`, made on `today`.
pub fn referral(
    rng: &mut SeedRng,
    scheme: &SchemeCode,
    organisation: &str,
    external_reference: String,
    today: Date,
) -> Referral {
    let gender = people::gender(rng);
    let woman = gender != Some(Gender::Male);
    let referrer = people::referrer(rng, organisation);
    let client = people::client(rng, woman, today);
    let age = age_on(client.date_of_birth, today);
    let safety = safety(rng, today);
    let high_risk = safety.dash.score().is_some_and(|s| s >= 14);
    let urgent = chance(rng, if high_risk { 35 } else { 8 });
    Referral {
        scheme: scheme.clone(),
        external_reference: Some(external_reference),
        urgent,
        urgent_reason: urgent.then(|| "The perpetrator knows the address".into()),
        self_referral: false,
        referrer,
        demographics: people::demographics(rng, gender),
        support_needs: people::support_needs(rng, woman, age),
        household: people::household(rng, &client.name, age),
        client,
        safety,
        installation: Installation {
            requests: sometimes(rng, 40, |r| {
                one_of(
                    r,
                    &[
                        "Female installer if possible",
                        "Support worker to be present",
                        "Use the password agreed with the referrer",
                        "Call before arriving",
                    ],
                )
                .to_owned()
            }),
            concerns: sometimes(rng, 20, |_| "A man entering the property".to_owned()),
        },
        consents: consents(rng, today),
    }
}

/// A DASH score drawn so that roughly a third of referrals fall in each band.
fn dash(rng: &mut SeedRng) -> Dash {
    if chance(rng, 6) {
        return Dash::new(false, None, None).expect("an uncompleted checklist is valid");
    }
    let (lo, hi) = weighted(rng, &[((0u8, 9u8), 33), ((10, 13), 30), ((14, 24), 37)]);
    let score = rng.random_range(lo..=hi);
    if chance(rng, 40) {
        return Dash::new(true, Some(score), None).expect("a score within 0–27 is valid");
    }
    // All answers: `score` of the SafeLives 24 (or the police 27) are "yes".
    let safelives = chance(rng, 50);
    let mut questions: Vec<DashQuestion> = DashQuestion::ALL
        .iter()
        .copied()
        .filter(|q| !safelives || q.in_safelives_version())
        .collect();
    questions.shuffle(rng);
    let answers: DashAnswers = questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let answer = if i < usize::from(score) {
                DashAnswer::Yes
            } else if chance(rng, 10) {
                DashAnswer::NotKnown
            } else {
                DashAnswer::No
            };
            (*q, answer)
        })
        .collect();
    Dash::new(true, None, Some(answers)).expect("a full set of answers is valid")
}

fn safety(rng: &mut SeedRng, today: Date) -> Safety {
    let dash = dash(rng);
    let score = dash.score().unwrap_or(0);
    let marac_percent = match score {
        14.. => 85,
        10..=13 => 12,
        _ => 2,
    };
    let marac = if chance(rng, marac_percent) {
        Some(Marac {
            referred: true,
            meeting_date: Some(today + Duration::days(rng.random_range(-20..=14))),
        })
    } else {
        weighted(
            rng,
            &[
                (
                    Some(Marac {
                        referred: false,
                        meeting_date: None,
                    }),
                    70,
                ),
                (None, 30),
            ],
        )
    };
    let police_involved = chance(rng, 75);
    let with_reference = police_involved && chance(rng, 90);
    let arson = chance(rng, 6);
    let perpetrator_is_woman = chance(rng, 8);
    Safety {
        perpetrator_name: Some(people::name(rng, perpetrator_is_woman)),
        perpetrator_whereabouts: Some(
            one_of(
                rng,
                &[
                    "Lives elsewhere in the town; has tried to get in twice",
                    "Address unknown; seen near the property",
                    "Lives in another town",
                    "In custody until next month",
                ],
            )
            .to_owned(),
        ),
        perpetrator_lives_at_property: weighted(
            rng,
            &[(Some(false), 92), (Some(true), 4), (None, 4)],
        ),
        recent_incidents: Some("Repeated attempts to enter the property; threats by text".into()),
        dash,
        marac,
        police: Police {
            involved: police_involved,
            details: police_involved.then(|| "Reported to the police".to_owned()),
            crime_reference: with_reference
                .then(|| format!("CR-SEED-{:06}", rng.random_range(0..1_000_000))),
            crime_reference_missing_reason: (police_involved && !with_reference)
                .then(|| "Reported by phone; reference to follow".to_owned()),
        },
        arson_risk: ArsonRisk {
            present: arson,
            details: arson.then(|| "Threats to set fire to the property".to_owned()),
        },
        other_concerns: sometimes(rng, 10, |_| "Has access to weapons through work".to_owned()),
        specialist_service: Some(SpecialistService {
            referred: chance(rng, 70),
            details: None,
        }),
        interim_measures: sometimes(rng, 15, |_| "Locks changed by the landlord".to_owned()),
        concerns_perpetrator_finds_out: sometimes(rng, 30, |_| "Would escalate".to_owned()),
        concerns_perpetrator_let_in: sometimes(rng, 10, |_| "Children may let him in".to_owned()),
        civil_order: if chance(rng, 30) {
            Some(CivilOrder {
                in_place: true,
                // Some have already expired by the referral (a flag for the coordinator).
                expires_on: Some(today + Duration::days(rng.random_range(-60..=365))),
            })
        } else {
            None
        },
    }
}

/// Nearly everyone consents to installation and sharing; fewer to landlord and
/// follow-up contact.
fn consents(rng: &mut SeedRng, today: Date) -> IntakeConsents {
    let decision = |rng: &mut SeedRng, percent| {
        if chance(rng, percent) {
            ConsentDecision::Given
        } else {
            ConsentDecision::Refused
        }
    };
    IntakeConsents {
        installation: decision(rng, 98),
        landlord_contact: decision(rng, 90),
        information_sharing: decision(rng, 98),
        follow_up_contact: decision(rng, 80),
        method: weighted(
            rng,
            &[
                (ConsentMethod::Verbal, 50),
                (ConsentMethod::Written, 30),
                (ConsentMethod::Electronic, 20),
            ],
        ),
        obtained_on: today - Duration::days(rng.random_range(0..=3)),
    }
}
