//! One case from referral to wherever "now" finds it: opened through the intake use
//! case, then each step taken through the same use case the action handler uses
//! (`sanctuary_app::actions::act`: assignee check, the domain's decision, the commit
//! with its timeline event and audit record), at a past instant.

use rand::Rng;
use sanctuary_app::{AppError, actions, intake};
use sanctuary_domain::calendar::{Calendar, london};
use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::violation::Violations;
use sanctuary_domain::visits::{VisitKind, VisitOutcome};
use sanctuary_domain::workflow::{ActionError, Command, Effects};
use sanctuary_persistence::Store;
use sanctuary_persistence::events::Actor;
use sanctuary_persistence::intake::{IntakeError, NewCase};
use sanctuary_persistence::organisations::Organisation;
use sanctuary_persistence::schemes::Scheme;
use sanctuary_persistence::workflow::load;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use uuid::Uuid;

use super::commands::{self, OnCase, Parties};
use super::pick::{SeedRng, chance};
use super::timeline::{Journey, Step};
use super::{SeedError, referral, refused};

/// The audit trail's and timeline's actor for everything the generator does.
const SUBJECT: &str = "sanctuary seed-demo";

/// Writes take turns: on SQLite a second writer would wait on the busy timeout's
/// sleeps; in turn, each commits as soon as the one before has.
#[derive(Default)]
pub struct Writes(Mutex<()>);

/// What every case of the run shares.
pub struct Context<'a> {
    pub store: &'a Store,
    pub scheme: &'a Scheme,
    /// The scheme's referrers, then its coordinator (who enters self-referrals).
    pub referrers: &'a [Organisation],
    pub parties: &'a Parties,
    pub calendar: &'a Calendar,
    pub now: OffsetDateTime,
    pub seed: u64,
    pub writes: Writes,
}

/// A case just opened, with what its journey draws from.
pub struct Opened {
    index: u64,
    id: Uuid,
    referrer: Uuid,
    rng: SeedRng,
    journey: Journey,
    arson: bool,
}

/// Where a case's journey ended.
pub struct Ended {
    pub status: CaseStatus,
    pub actions: u64,
    pub works_cost_pence: i64,
}

impl Context<'_> {
    /// Makes the `index`th referral, received at `received_at`, and opens its case as
    /// `POST /api/v1/referrals` would.
    pub async fn open(
        &self,
        index: u64,
        mut rng: SeedRng,
        received_at: OffsetDateTime,
    ) -> Result<Opened, SeedError> {
        // The last "referrer" is the coordinator, entering a client's own referral: one
        // in twenty.
        let (partners, coordinator) = self.referrers.split_at(self.referrers.len() - 1);
        let self_referral = partners.is_empty() || rng.random_range(0..20) == 0;
        let referrer = match self_referral {
            true => &coordinator[0],
            false => &partners[rng.random_range(0..partners.len())],
        };
        let today = london::local_date(received_at);
        let external = format!("SEED{}-{index:06}", self.seed);
        let mut referral =
            referral::referral(&mut rng, &self.scheme.code, &referrer.name, external, today);
        referral.self_referral = self_referral;
        let violations = referral.violations(today);
        if !violations.is_empty() {
            let pointers: Vec<&str> = violations.iter().map(|v| v.pointer.as_str()).collect();
            return Err(refused(index, pointers.join(", ")));
        }
        let role = match self_referral {
            true => Role::Coordinator,
            false => Role::Referrer,
        };
        let actor = actor(referrer.id, role);
        let new = NewCase::new(self.scheme, referrer, &actor, &referral, received_at);
        let id = match intake::open_case(self.store, new).await {
            Ok(id) => id,
            Err(IntakeError::DuplicateExternalReference { .. }) => {
                return Err(SeedError::AlreadySeeded(self.seed));
            }
            Err(IntakeError::Store(e)) => return Err(e.into()),
            // The generator sends no idempotency key.
            Err(IntakeError::KeyCompletedElsewhere) => unreachable!("no idempotency key"),
        };
        let permission_needed = self
            .scheme
            .settings
            .landlord
            .permission_tenures
            .contains(&referral.household.tenure);
        let journey = Journey::new(
            &mut rng,
            &referral,
            permission_needed,
            received_at,
            self.now,
        );
        Ok(Opened {
            index,
            id,
            referrer: referrer.id,
            rng,
            journey,
            arson: referral.safety.arson_risk.present,
        })
    }

    /// Takes the case's steps until it ends or the next would be after "now".
    pub async fn follow(&self, mut case: Opened) -> Result<Ended, SeedError> {
        let mut ended = Ended {
            status: CaseStatus::Received,
            actions: 0,
            works_cost_pence: 0,
        };
        while let Some((step, at)) = case.journey.next(&mut case.rng, self.calendar) {
            let visit = match step {
                Step::Assess => Some(VisitKind::Assessment),
                Step::Start => Some(VisitKind::Installation),
                Step::FollowUpVisit => Some(VisitKind::FollowUp),
                _ => None,
            };
            if let Some(kind) = visit {
                self.visit(&mut case, kind, at).await?;
            }
            let fx = self.act(&mut case, step, at).await?;
            // Fitted measures that affect escape need the fire service; so does any
            // fitted home with an arson risk.
            let fire_check_due = fx
                .works_changed
                .iter()
                .any(|w| w.installed() && (case.arson || w.requires_fire_check));
            let fitted = fx.works_changed.iter().any(|w| w.installed());
            case.journey
                .taken(step, at, fx.status, fire_check_due, fitted);
            ended.status = fx.status;
            ended.actions += 1;
            // The household's spend so far, as the latest action that changed it says.
            if let Some(spend) = fx.changes.works_cost_pence {
                ended.works_cost_pence = spend;
            }
        }
        Ok(ended)
    }

    /// Most visits are booked for the day (clear of the client's unsafe times: a visit
    /// that would fall in one is not booked) and attended; some find nobody in first.
    async fn visit(
        &self,
        case: &mut Opened,
        kind: VisitKind,
        at: OffsetDateTime,
    ) -> Result<(), SeedError> {
        if !chance(&mut case.rng, 80) {
            return Ok(());
        }
        let loaded = load(self.store, case.id)
            .await?
            .ok_or_else(|| refused(case.index, "the case could not be read back".into()))?;
        if commands::visit_slot(at)
            .clash(&loaded.snapshot.unsafe_windows)
            .is_some()
        {
            return Ok(());
        }
        if chance(&mut case.rng, 8) {
            self.act(case, Step::BookVisit(kind), at).await?;
            self.act(case, Step::VisitOutcome(kind, VisitOutcome::NoAccess), at)
                .await?;
        }
        self.act(case, Step::BookVisit(kind), at).await?;
        self.act(case, Step::VisitOutcome(kind, VisitOutcome::Attended), at)
            .await?;
        Ok(())
    }

    /// Takes `step` as of `at`, as the action handler does: load, decide, commit.
    async fn act(
        &self,
        case: &mut Opened,
        step: Step,
        at: OffsetDateTime,
    ) -> Result<Effects, SeedError> {
        let loaded = load(self.store, case.id)
            .await?
            .ok_or_else(|| refused(case.index, "the case could not be read back".into()))?;
        let on_case = OnCase {
            referrer: case.referrer,
            assessor: loaded.case.assessor_organisation_id,
            contractor: loaded.case.contractor_organisation_id,
        };
        let (command, organisation, role) = commands::command(
            &mut case.rng,
            step,
            &loaded.snapshot,
            self.parties,
            &on_case,
            at,
        );
        let action = command.action();
        let actor = actor(organisation, role);
        let _turn = self.writes.0.lock().await;
        let result = actions::act(self.store, &loaded, command.clone(), &actor, at, None).await;
        // Works beyond what is left in the stream: the coordinator asks the funder, as
        // it would for works above the household limit, and approves with its reference.
        let needs_reference = |e: &AppError| match e {
            AppError::Invalid(v)
            | AppError::Refused {
                error: ActionError::Invalid(v),
                ..
            } => v.iter().any(|v| v.pointer == "/funder_approval_reference"),
            _ => false,
        };
        let result = match (result, command) {
            (Err(e), Command::ApproveWorks(mut approval)) if needs_reference(&e) => {
                // From the case's index, not its random stream: whether a stream runs
                // out first depends on how the journeys interleave, and the same seed
                // must still draw the same data.
                approval.funder_approval_reference =
                    Some(format!("OPCC-{}-{:05}", at.year(), case.index % 100_000));
                let retry = Command::ApproveWorks(approval);
                actions::act(self.store, &loaded, retry, &actor, at, None).await
            }
            (result, _) => result,
        };
        result.map_err(|e| match e {
            AppError::Store(e) => e.into(),
            other => refused(case.index, describe(action, &other)),
        })
    }
}

fn actor(organisation_id: Uuid, role: Role) -> Actor {
    Actor {
        subject: SUBJECT.to_owned(),
        organisation_id,
        role,
    }
}

/// The refusal's codes and pointers.
fn describe(action: Action, error: &AppError) -> String {
    let invalid = |v: &Violations| {
        let pointers: Vec<&str> = v.iter().map(|v| v.pointer.as_str()).collect();
        format!("`{action}`: invalid {}", pointers.join(", "))
    };
    match error {
        AppError::Refused { error, .. } => match error {
            ActionError::Illegal(e) => e.to_string(),
            ActionError::Conflict { code, .. } => format!("`{action}`: {code}"),
            ActionError::Invalid(v) => invalid(v),
        },
        AppError::Invalid(v) => invalid(v),
        AppError::Stale { .. } => format!("`{action}`: the case changed meanwhile"),
        other => format!("`{action}`: {other}"),
    }
}
