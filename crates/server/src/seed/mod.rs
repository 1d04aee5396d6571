//! `sanctuary seed-demo`: fills a scheme with realistic synthetic cases, so demo mode,
//! benchmarks and Swagger UI show real numbers.
//!
//! Every case goes through the domain rules, as the API would take it: the referral is
//! a domain `Referral`, checked, and opened by `intake::create_case` (the scheme's rules
//! apply there, as for `POST /api/v1/referrals`); every later step is a domain
//! `Command` applied to the case as loaded and committed with its timeline event and
//! audit record, as the action handlers do. Only the clock differs: each step happens
//! at an instant in the past, given to the domain as `at`.
//!
//! The organisations are the scheme's own active members: referrers, the coordinator,
//! assessors and contractors are required; without a fire service member the
//! coordinator records the fire checks (which the workflow allows).

mod commands;
mod money;
mod people;
mod pick;
mod referral;
mod run;
mod timeline;

use std::collections::BTreeMap;

use futures_util::{StreamExt, TryStreamExt, stream};
use rand::{Rng, RngCore, SeedableRng};
use sanctuary_domain::calendar::{Calendar, london};
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::organisation::Role;
use sanctuary_persistence::organisations::Organisation;
use sanctuary_persistence::schemes::{self, Scheme};
use sanctuary_persistence::{Store, StoreError, calendars};
use time::{Duration, OffsetDateTime};

use commands::Parties;
use pick::{SeedRng, chance};
use timeline::at_on;

/// The seed when none is given: the same demo data every time.
pub const DEFAULT_SEED: u64 = 20_261_123;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOptions {
    /// The scheme's code.
    pub scheme: String,
    pub cases: u64,
    /// Referrals are spread over this many years up to now.
    pub years: u32,
    pub seed: u64,
}

impl Default for SeedOptions {
    fn default() -> Self {
        Self {
            scheme: crate::demo::DEMO_SCHEME.to_owned(),
            cases: 2_000,
            years: 2,
            seed: DEFAULT_SEED,
        }
    }
}

/// What was seeded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub cases: u64,
    /// Workflow actions taken after the referrals.
    pub actions: u64,
    /// Cases by their status at the end.
    pub by_status: BTreeMap<CaseStatus, u64>,
    /// The actual cost of every completed works order.
    pub works_cost_pence: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("there is no scheme `{0}`")]
    NoScheme(String),
    #[error(
        "scheme `{scheme}` has no active {role} organisation: add one (e.g. `sanctuary admin \
         init`) before seeding"
    )]
    MissingRole { scheme: String, role: Role },
    #[error("this database already holds the cases of seed {0}: choose another --seed")]
    AlreadySeeded(u64),
    #[error("generated case {case} broke the rules ({detail}): a bug in the generator")]
    Refused { case: u64, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Cases opened one after another (so their references follow the order they arrived)
/// before their journeys run side by side.
const BATCH: usize = 64;
/// Journeys under way at once: reads overlap; writes take turns (see [`run::Writes`]).
const IN_FLIGHT: usize = 4;

/// Seeds `options.cases` cases into `options.scheme`, referred over the `years` before
/// `now`, calling `progress` with the number of cases done after each batch.
pub async fn seed_demo(
    store: &Store,
    options: &SeedOptions,
    now: OffsetDateTime,
    mut progress: impl FnMut(u64),
) -> Result<SeedReport, SeedError> {
    let db = store.connection();
    let scheme = schemes::find_by_code(db, &options.scheme)
        .await?
        .ok_or_else(|| SeedError::NoScheme(options.scheme.clone()))?;
    let (referrers, parties) = cast(store, &scheme).await?;
    let calendar = calendars::for_nation(db, scheme.nation).await?;
    let mut master = SeedRng::seed_from_u64(options.seed);
    let received = received_times(&mut master, &calendar, now, options);
    // The money first: approvals are charged to the years' budgets as they happen.
    let first = received.first().copied().unwrap_or(now);
    let funder = schemes::members(db, scheme.id)
        .await?
        .into_iter()
        .find(|(o, r)| *r == Role::Funder && o.active)
        .map(|(o, _)| o.id);
    money::budgets(
        store,
        &scheme,
        parties.coordinator,
        funder,
        london::local_date(first),
        now,
        options.cases / u64::from(options.years.max(1)),
    )
    .await?;
    let partners: Vec<_> = referrers[..referrers.len() - 1]
        .iter()
        .map(|o| o.id)
        .collect();
    // Its own stream, so the cases draw what they drew before feedback was seeded.
    let mut feedback_rng = SeedRng::seed_from_u64(options.seed ^ 0xfeed_bacc);
    money::feedback(store, &scheme, &partners, first, now, &mut feedback_rng).await?;
    let context = run::Context {
        store,
        scheme: &scheme,
        referrers: &referrers,
        parties: &parties,
        calendar: &calendar,
        now,
        seed: options.seed,
        writes: run::Writes::default(),
    };
    let mut report = SeedReport::default();
    let mut index = 0u64;
    for batch in received.chunks(BATCH) {
        let mut opened = Vec::with_capacity(batch.len());
        for &received_at in batch {
            // Each case draws from its own stream, so one case's choices never shift
            // another's.
            let rng = SeedRng::seed_from_u64(master.next_u64());
            opened.push(context.open(index, rng, received_at).await?);
            index += 1;
        }
        let ended: Vec<run::Ended> = stream::iter(opened.into_iter().map(|c| context.follow(c)))
            .buffered(IN_FLIGHT)
            .try_collect()
            .await?;
        for case in ended {
            report.cases += 1;
            report.actions += case.actions;
            report.works_cost_pence += case.works_cost_pence;
            *report.by_status.entry(case.status).or_default() += 1;
        }
        progress(report.cases);
    }
    Ok(report)
}

fn refused(case: u64, detail: String) -> SeedError {
    SeedError::Refused { case, detail }
}

/// The scheme's active members for each role the journeys need.
async fn cast(store: &Store, scheme: &Scheme) -> Result<(Vec<Organisation>, Parties), SeedError> {
    let members = schemes::members(store.connection(), scheme.id).await?;
    let holding = |role: Role| -> Vec<&Organisation> {
        members
            .iter()
            .filter(|(o, r)| *r == role && o.active)
            .map(|(o, _)| o)
            .collect()
    };
    let required = |role: Role| {
        let found = holding(role);
        if found.is_empty() {
            Err(SeedError::MissingRole {
                scheme: scheme.code.as_str().to_owned(),
                role,
            })
        } else {
            Ok(found)
        }
    };
    let mut referrers: Vec<Organisation> = required(Role::Referrer)?.into_iter().cloned().collect();
    // Last in the list, and drawn for a few referrals only: the clients who came to the
    // scheme directly, entered by the coordinator (`run::Context::open`).
    referrers.push(required(Role::Coordinator)?[0].clone());
    let ids = |orgs: Vec<&Organisation>| orgs.iter().map(|o| o.id).collect::<Vec<_>>();
    let parties = Parties {
        coordinator: required(Role::Coordinator)?[0].id,
        assessors: ids(required(Role::Assessor)?),
        contractors: ids(required(Role::Contractor)?),
        fire_service: holding(Role::FireService).first().map(|o| o.id),
        grant: !holding(Role::Funder).is_empty(),
    };
    Ok((referrers, parties))
}

/// When each referral arrived: spread evenly over the period, mostly on working days
/// and in working hours, never after `now`; oldest first, so case references and ids
/// run in the order the referrals came.
fn received_times(
    rng: &mut SeedRng,
    calendar: &Calendar,
    now: OffsetDateTime,
    options: &SeedOptions,
) -> Vec<OffsetDateTime> {
    let span = i64::from(options.years.max(1)) * 365;
    let first = london::local_date(now) - Duration::days(span);
    let latest = now - Duration::minutes(1);
    let mut times: Vec<OffsetDateTime> = (0..options.cases)
        .map(|_| {
            let mut day = first + Duration::days(rng.random_range(0..=span));
            if !calendar.is_working_day(day) && chance(rng, 85) {
                day = calendar.next_working_day_from(day);
            }
            at_on(rng, day).min(latest)
        })
        .collect();
    times.sort();
    times
}
