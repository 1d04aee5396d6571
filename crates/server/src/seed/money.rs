//! The scheme's money and its referrers' views, as a coordinator would have kept them:
//! a budget for every reporting year the seeded cases fall in (the council's own fund,
//! first, and a grant from the scheme's funder when it has one), and feedback from each
//! referring agency now and then. Written before the cases, so approvals are charged to
//! the streams as the API would charge them.

use rand::Rng;
use sanctuary_domain::audit::AuditOutcome;
use sanctuary_domain::budget::{Budget, FundingStream};
use sanctuary_domain::feedback::Feedback;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::policy::Action;
use sanctuary_domain::report::year;
use sanctuary_persistence::audit::NewAudit;
use sanctuary_persistence::schemes::Scheme;
use sanctuary_persistence::{Store, budgets, feedback};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use super::SeedError;
use super::pick::{SeedRng, one_of};

/// The streams of every seeded year; works go to the first unless a grant is drawn.
pub const COUNCIL_FUND: &str = "Council DA fund";
pub const GRANT: &str = "PCC victims' fund";
/// One approval in this many is charged to the grant.
pub const GRANT_SHARE: u32 = 4;

const SUBJECT: &str = "sanctuary seed-demo";

fn audit<'a>(
    scheme: &Scheme,
    by: Uuid,
    role: Role,
    action: Action,
    fields: Vec<String>,
) -> NewAudit<'a> {
    NewAudit {
        actor_subject: SUBJECT,
        organisation_id: Some(by),
        role: Some(role),
        action: action.as_str(),
        scheme_id: Some(scheme.id),
        case_id: None,
        fields,
        request_id: None,
        outcome: AuditOutcome::Allowed,
    }
}

/// A budget for each reporting year from `first` to `now`, sized so the works of
/// `per_year` referrals use most of it but never run it out. The years' first days.
pub async fn budgets(
    store: &Store,
    scheme: &Scheme,
    coordinator: Uuid,
    funder: Option<Uuid>,
    first: Date,
    now: OffsetDateTime,
    per_year: u64,
) -> Result<Vec<Date>, SeedError> {
    let today = sanctuary_domain::calendar::london::local_date(now);
    let mut start = year::current_start(scheme.year_start, first);
    let mut years = Vec::new();
    let per_year = i64::try_from(per_year.max(1)).unwrap_or(i64::MAX / 200_000);
    while start <= today {
        if budgets::find(store.connection(), scheme.id, start)
            .await?
            .is_some()
        {
            // An earlier run's: kept as it is.
            start = year::quarters(start)[3].last_day + Duration::days(1);
            continue;
        }
        let mut streams = vec![FundingStream {
            name: COUNCIL_FUND.into(),
            funder_organisation_id: None,
            // About £180 a referral: most works cost a few hundred pounds, and many
            // referrals end before works; a busy year comes close to the amount (an
            // approval beyond what is left then takes the funder's reference).
            amount_pence: per_year * 18_000,
            household_limit_pence: None,
        }];
        if let Some(funder) = funder {
            streams.push(FundingStream {
                name: GRANT.into(),
                funder_organisation_id: Some(funder),
                amount_pence: per_year * 8_000,
                household_limit_pence: None,
            });
        }
        let budget = Budget { streams };
        let record = audit(
            scheme,
            coordinator,
            Role::Coordinator,
            Action::ManageBudget,
            vec![format!("budget:{start}")],
        );
        budgets::put(
            store,
            scheme.id,
            start,
            &budget,
            None,
            coordinator,
            now,
            &record,
        )
        .await?
        .map_err(|_| SeedError::Refused {
            case: 0,
            detail: format!("the budget of {start} exists already"),
        })?;
        years.push(start);
        let next = year::quarters(start)[3].last_day + Duration::days(1);
        start = next;
    }
    Ok(years)
}

const COMMENTS: &[&str] = &[
    "Works were fitted quickly once the assessment was done.",
    "It would help to hear when the contractor has booked the installation.",
    "Clear updates throughout; thank you.",
    "The wait for landlord permission held things up.",
    "Our IDVA found the completion email useful.",
];

/// About one piece of feedback per referring agency a quarter, at times between
/// `first` and `now`.
pub async fn feedback(
    store: &Store,
    scheme: &Scheme,
    referrers: &[Uuid],
    first: OffsetDateTime,
    now: OffsetDateTime,
    rng: &mut SeedRng,
) -> Result<u64, SeedError> {
    let quarters = ((now - first).whole_days() / 91).max(1);
    let mut given = 0;
    for referrer in referrers {
        for _ in 0..quarters {
            if rng.random_range(0..4) == 0 {
                continue;
            }
            let span = (now - first).whole_seconds().max(1);
            let at = first + Duration::seconds(rng.random_range(0..span));
            let rating = |rng: &mut SeedRng| -> u8 { one_of(rng, &[2, 3, 4, 4, 4, 5, 5, 5]) };
            let item = Feedback {
                speed: rating(rng),
                communication: rating(rng),
                outcome: rating(rng),
                comment: (rng.random_range(0..3) == 0).then(|| one_of(rng, COMMENTS).to_owned()),
            };
            let mut fields = vec!["ratings".to_owned()];
            if item.comment.is_some() {
                fields.push("comment".into());
            }
            let record = audit(
                scheme,
                *referrer,
                Role::Referrer,
                Action::GiveFeedback,
                fields,
            );
            feedback::put(store, scheme.id, *referrer, &item, at, &record).await?;
            given += 1;
        }
    }
    Ok(given)
}
