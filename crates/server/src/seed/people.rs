//! Synthetic people and homes: names from short built-in lists, streets that are
//! obviously invented, DL postcodes that belong to no address, and phone numbers from
//! Ofcom's drama range (07700 900000–900999). Demographics follow plausible UK
//! proportions (ONS 2021 for ethnicity); nothing describes a real person.

use rand::Rng;
use sanctuary_domain::contact::{Email, Phone};
use sanctuary_domain::postcode::Postcode;
use sanctuary_domain::referral::{
    AccommodationType, Address, Client, Demographics, Disability, Ethnicity, Gender, Household,
    Referrer, SexualOrientation, SupportNeeds, Tenure, YesNo,
};
use sanctuary_domain::visits::{ContactWindow, Day, TimeOfDay};
use time::macros::time;
use time::{Date, Duration, Time};

use super::pick::{SeedRng, chance, one_of, sometimes, weighted};

const WOMEN: &[&str] = &[
    "Amelia",
    "Olivia",
    "Emily",
    "Jessica",
    "Sophie",
    "Chloe",
    "Lauren",
    "Hannah",
    "Rebecca",
    "Gemma",
    "Kelly",
    "Leanne",
    "Nicola",
    "Sarah",
    "Claire",
    "Joanne",
    "Amy",
    "Zara",
    "Aisha",
    "Fatima",
    "Priya",
    "Agnieszka",
    "Ioana",
    "Grace",
    "Chantelle",
    "Mei",
    "Layla",
    "Niamh",
];
const MEN: &[&str] = &[
    "James", "Daniel", "Liam", "Ryan", "Craig", "Mark", "Adam", "Imran", "Tomasz", "Kwame",
];
const SURNAMES: &[&str] = &[
    "Sampleton",
    "Testwood",
    "Placeholder",
    "Fakenham-Smith",
    "Demoley",
    "Mockford",
    "Dummett",
    "Exampleby",
    "Specimen",
    "Notreal",
    "Fixtureson",
    "Seedwell",
    "Fictionby",
    "Madeupton",
];
const STREETS: &[&str] = &[
    "Imaginary Row",
    "Placeholder Close",
    "Nowhere Lane",
    "Demo Terrace",
    "Sample Street",
    "Fictional Avenue",
    "Testbed Road",
    "Pretend Gardens",
    "Synthetic Way",
    "Mockup Crescent",
];
const TOWNS: &[(&str, &[&str])] = &[
    ("Darlington", &["DL1", "DL2", "DL3"]),
    ("Newton Aycliffe", &["DL5"]),
    ("Bishop Auckland", &["DL14"]),
];
const JOB_TITLES: &[&str] = &[
    "IDVA",
    "Senior IDVA",
    "Housing Officer",
    "Tenancy Sustainment Officer",
    "Domestic Abuse Caseworker",
    "Safeguarding Officer",
];

/// A synthetic full name: a woman's or a man's first name and an invented surname.
pub fn name(rng: &mut SeedRng, woman: bool) -> String {
    let first = one_of(rng, if woman { WOMEN } else { MEN });
    format!("{first} {}", one_of(rng, SURNAMES))
}

/// A number from Ofcom's drama range, never allocated to anyone.
pub fn phone(rng: &mut SeedRng) -> Phone {
    let number = format!("07700 900{:03}", rng.random_range(0..1000));
    Phone::parse(&number).expect("a drama-range number is a valid phone number")
}

pub fn address(rng: &mut SeedRng) -> Address {
    let (town, districts) = weighted(rng, &[(TOWNS[0], 80), (TOWNS[1], 12), (TOWNS[2], 8)]);
    let letters = b"ABDEFGHJLNPQRSTUWXYZ";
    let unit = format!(
        "{}{}{}",
        rng.random_range(1..10),
        char::from(letters[rng.random_range(0..letters.len())]),
        char::from(letters[rng.random_range(0..letters.len())]),
    );
    let postcode = format!("{} {unit}", one_of(rng, districts));
    Address {
        line1: format!("{} {}", rng.random_range(1..180), one_of(rng, STREETS)),
        line2: sometimes(rng, 15, |r| format!("Flat {}", r.random_range(1..30))),
        town: town.to_owned(),
        postcode: Postcode::parse(&postcode).expect("a DL postcode of the valid shape"),
    }
}

/// The professional at `organisation` who made the referral.
pub fn referrer(rng: &mut SeedRng, organisation: &str) -> Referrer {
    let woman = chance(rng, 80);
    let name = name(rng, woman);
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    Referrer {
        email: Some(Email::parse(&email).expect("a valid example.org address")),
        phone: sometimes(rng, 70, phone),
        job_title: Some(one_of(rng, JOB_TITLES).to_owned()),
        organisation_name: Some(organisation.to_owned()),
        name,
    }
}

/// A client aged 16 or more on `today`, mostly 25–54.
pub fn client(rng: &mut SeedRng, woman: bool, today: Date) -> Client {
    let (youngest, oldest): (i64, i64) = weighted(
        rng,
        &[
            ((16, 17), 1),
            ((18, 24), 14),
            ((25, 34), 32),
            ((35, 44), 27),
            ((45, 54), 15),
            ((55, 64), 7),
            ((65, 85), 4),
        ],
    );
    let age = rng.random_range(youngest..=oldest);
    // A birthday some days short of the next one keeps the age as drawn.
    let born = today - Duration::days(age * 365 + age / 4 + rng.random_range(1..360));
    let (times, windows) = unsafe_times(rng);
    Client {
        name: name(rng, woman),
        date_of_birth: born,
        address: address(rng),
        phone: phone(rng),
        unsafe_contact_times: times.to_owned(),
        unsafe_contact_windows: windows,
    }
}

/// When it is not safe to contact the client, as the form's words and, most of the
/// time, as the windows a visit may not be booked in.
fn unsafe_times(rng: &mut SeedRng) -> (&'static str, Vec<ContactWindow>) {
    use Day::*;
    let window = |days: &[Day], from: Time, to: Time| ContactWindow {
        days: days.to_vec(),
        from: TimeOfDay(from),
        to: TimeOfDay(to),
    };
    let weekdays = [Monday, Tuesday, Wednesday, Thursday, Friday];
    let (text, windows) = one_of(
        rng,
        &[
            ("None known", Vec::new()),
            (
                "Evenings and weekends",
                vec![
                    window(&weekdays, time!(18:00), time!(23:59)),
                    window(&[Saturday, Sunday], time!(00:00), time!(23:59)),
                ],
            ),
            (
                "Before 10am",
                vec![window(Day::ALL, time!(00:00), time!(10:00))],
            ),
            (
                "After 6pm",
                vec![window(Day::ALL, time!(18:00), time!(23:59))],
            ),
            (
                "Weekends",
                vec![window(&[Saturday, Sunday], time!(00:00), time!(23:59))],
            ),
        ],
    );
    // Some referrers give the words only.
    let windows = if chance(rng, 80) { windows } else { Vec::new() };
    (text, windows)
}

/// Roughly ONS 2021 (England and Wales), with some left unsaid.
fn ethnicity(rng: &mut SeedRng) -> Option<Ethnicity> {
    use Ethnicity::*;
    weighted(
        rng,
        &[
            (Some(WhiteBritish), 730),
            (Some(Irish), 5),
            (Some(GypsyOrIrishTraveller), 3),
            (Some(Roma), 2),
            (Some(OtherWhite), 60),
            (Some(Indian), 30),
            (Some(Pakistani), 27),
            (Some(Bangladeshi), 11),
            (Some(Chinese), 7),
            (Some(OtherAsian), 15),
            (Some(African), 25),
            (Some(Caribbean), 10),
            (Some(OtherBlack), 5),
            (Some(WhiteAndBlackCaribbean), 9),
            (Some(WhiteAndBlackAfrican), 4),
            (Some(WhiteAndAsian), 8),
            (Some(OtherMixed), 9),
            (Some(Arab), 6),
            (Some(OtherEthnicGroup), 14),
            (Some(PreferNotToSay), 15),
            (None, 15),
        ],
    )
}

/// A language an interpreter might be needed for, by ethnicity.
fn language(rng: &mut SeedRng, ethnicity: Option<Ethnicity>) -> Option<&'static str> {
    use Ethnicity::*;
    let languages: &[&str] = match ethnicity? {
        OtherWhite | Roma => &["Polish", "Romanian", "Lithuanian", "Bulgarian"],
        Indian | Pakistani => &["Urdu", "Punjabi", "Gujarati"],
        Bangladeshi => &["Bengali", "Sylheti"],
        Chinese => &["Mandarin", "Cantonese"],
        OtherAsian => &["Tamil", "Farsi", "Tagalog"],
        African => &["Somali", "Tigrinya", "Amharic"],
        Arab | OtherEthnicGroup => &["Arabic", "Kurdish", "Pashto"],
        _ => return None,
    };
    chance(rng, 25).then(|| one_of(rng, languages))
}

fn disabilities(rng: &mut SeedRng) -> Vec<Disability> {
    use Disability::*;
    let mut found: Vec<Disability> = [
        (MentalIllness, 16),
        (Physical, 9),
        (LearningDisability, 3),
        (MentalImpairment, 2),
    ]
    .into_iter()
    .filter(|(_, percent)| chance(rng, *percent))
    .map(|(d, _)| d)
    .collect();
    if found.is_empty() {
        found = weighted(
            rng,
            &[(vec![None], 80), (vec![PreferNotToSay], 5), (vec![], 15)],
        );
    }
    found
}

pub fn demographics(rng: &mut SeedRng, gender: Option<Gender>) -> Demographics {
    let ethnicity = ethnicity(rng);
    let language = language(rng, ethnicity);
    let disabilities = disabilities(rng);
    let disabled = !disabilities
        .iter()
        .all(|d| matches!(d, Disability::None | Disability::PreferNotToSay));
    let orientation = weighted(
        rng,
        &[
            (Some(SexualOrientation::Heterosexual), 84),
            (Some(SexualOrientation::Bisexual), 3),
            (
                Some(if gender == Some(Gender::Male) {
                    SexualOrientation::GayMan
                } else {
                    SexualOrientation::GayWomanOrLesbian
                }),
                2,
            ),
            (Some(SexualOrientation::PreferNotToSay), 5),
            (None, 6),
        ],
    );
    Demographics {
        gender,
        gender_self_description: (gender == Some(Gender::SelfDescribe))
            .then(|| "Non-binary".to_owned()),
        gender_identity_same_as_sex_at_birth: weighted(
            rng,
            &[(Some(YesNo::Yes), 94), (Some(YesNo::No), 1), (None, 5)],
        ),
        sexual_orientation: orientation,
        sexual_orientation_self_description: None,
        ethnicity,
        ethnicity_self_description: None,
        interpreter_needed: if language.is_some() {
            Some(true)
        } else {
            weighted(rng, &[(Some(false), 92), (None, 8)])
        },
        interpreter_language: language.map(str::to_owned),
        adjustments: disabled.then(|| {
            one_of(
                rng,
                &[
                    "Ground-floor access for visits",
                    "Allow extra time; written summary after each visit",
                    "Contact by text first",
                ],
            )
            .to_owned()
        }),
        disabilities,
    }
}

/// Victims are about nine in ten female.
pub fn gender(rng: &mut SeedRng) -> Option<Gender> {
    weighted(
        rng,
        &[
            (Some(Gender::Female), 890),
            (Some(Gender::Male), 90),
            (Some(Gender::PreferNotToSay), 8),
            (Some(Gender::SelfDescribe), 4),
            (None, 8),
        ],
    )
}

pub fn support_needs(rng: &mut SeedRng, woman: bool, age: u32) -> SupportNeeds {
    let may_be_pregnant = woman && (16..=44).contains(&age);
    SupportNeeds {
        no_recourse_to_public_funds: weighted(
            rng,
            &[(Some(true), 2), (Some(false), 80), (None, 18)],
        ),
        pregnant: if may_be_pregnant {
            weighted(rng, &[(Some(true), 7), (Some(false), 78), (None, 15)])
        } else {
            weighted(rng, &[(Some(false), 80), (None, 20)])
        },
        care_and_support_needs: weighted(rng, &[(Some(true), 8), (Some(false), 80), (None, 12)]),
        other: sometimes(rng, 5, |_| "Needs support with budgeting".to_owned()),
    }
}

/// The home: social housing the majority, then private rented and owned.
pub fn household(rng: &mut SeedRng, client: &str, age: u32) -> Household {
    use Tenure::*;
    let tenure = weighted(
        rng,
        &[
            (CouncilHousing, 30),
            (HousingAssociation, 28),
            (PrivatelyRented, 22),
            (PrivatelyOwned, 12),
            (LivingWithFriendOrFamily, 3),
            (ShelteredOrSupported, 2),
            (Refuge, 1),
            (Other, 2),
        ],
    );
    let accommodation = weighted(
        rng,
        &[
            (Some(AccommodationType::Terraced), 30),
            (Some(AccommodationType::SemiDetached), 25),
            (Some(AccommodationType::Flat), 25),
            (Some(AccommodationType::Bungalow), 5),
            (Some(AccommodationType::Maisonette), 5),
            (Some(AccommodationType::Detached), 5),
            (Some(AccommodationType::Other), 1),
            (None, 4),
        ],
    );
    let children: usize = weighted(rng, &[(0, 35), (1, 25), (2, 22), (3, 12), (4, 6)]);
    // No child older than the client could be a parent of.
    let oldest = age.saturating_sub(16).min(17) as u8;
    let children_ages = (0..children)
        .map(|_| rng.random_range(0..=oldest))
        .collect();
    Household {
        accommodation_type: accommodation,
        accommodation_other: (accommodation == Some(AccommodationType::Other))
            .then(|| "Static caravan".to_owned()),
        tenure,
        tenure_other: (tenure == Other).then(|| "Shared ownership".to_owned()),
        names_on_tenancy: match tenure {
            LivingWithFriendOrFamily | Refuge => Vec::new(),
            _ => vec![client.to_owned()],
        },
        children_ages: Some(children_ages),
        client_wishes_to_remain: weighted(rng, &[(Some(true), 93), (Some(false), 3), (None, 4)]),
    }
}
