//! Pages of case summaries: visibility, filters and keyset paging, all in SQL.

use sanctuary_domain::case::CaseStatus;
use sanctuary_domain::clock::ClockState;
use sanctuary_domain::register::RegisterPresence;
use sanctuary_domain::risk::RiskLevel;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, QueryOrder, QuerySelect};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{CaseSummary, SummaryRow, summary_select};
use crate::StoreError;
use crate::entities::{case, case_clock};

/// Which cases a caller may list: the union of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Cases the organisation referred, in these schemes (where it is still a referrer).
    ReferredBy(Uuid, Vec<Uuid>),
    /// Every case in these schemes.
    InSchemes(Vec<Uuid>),
    /// Cases assigned to the organisation for assessment, in these schemes (where it is
    /// still an assessor).
    AssessedBy(Uuid, Vec<Uuid>),
    /// Cases whose works are ordered from the organisation, in these schemes (where it
    /// is still a contractor).
    ContractedTo(Uuid, Vec<Uuid>),
    /// Cases in these schemes the fire service has a part in (arson risk, or measures
    /// that need a fire check), accepted and open.
    FireServiceIn(Vec<Uuid>),
}

/// A clock filter for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockFilter {
    /// Cases with a clock in this state as of the given instant (running past due
    /// reads as breached).
    State(ClockState, OffsetDateTime),
    /// Cases with a running clock due between the two instants.
    DueBetween(OffsetDateTime, OffsetDateTime),
}

#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub visibility: Vec<Visibility>,
    pub status: Option<CaseStatus>,
    pub received_from: Option<OffsetDateTime>,
    pub received_before: Option<OffsetDateTime>,
    pub risk_level: Option<RiskLevel>,
    pub urgent: Option<bool>,
    pub clock: Option<ClockFilter>,
    /// Only the case with this reference.
    pub reference: Option<String>,
    pub order: CaseOrder,
    pub limit: u64,
}

/// The order of a page, and where it continues from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOrder {
    /// Newest first; after the cursor: only cases with a smaller id (ids are UUIDv7, so
    /// older cases).
    Newest { after: Option<Uuid> },
    /// For synchronising: cases updated at or after `since`, oldest update first (ties
    /// by id), continuing after the (updated_at, id) of the cursor.
    UpdatedSince {
        since: OffsetDateTime,
        after: Option<(OffsetDateTime, Uuid)>,
    },
}

impl Default for CaseOrder {
    fn default() -> Self {
        CaseOrder::Newest { after: None }
    }
}

/// Open statuses past acceptance, other than on hold.
const WORKED_OPEN: [CaseStatus; 8] = [
    CaseStatus::Accepted,
    CaseStatus::Assessment,
    CaseStatus::Assessed,
    CaseStatus::WorksApproved,
    CaseStatus::WorksOrdered,
    CaseStatus::WorksInProgress,
    CaseStatus::WorksCompleted,
    CaseStatus::FollowUp,
];

fn scope(visibility: &[Visibility]) -> Option<Condition> {
    let mut scope = Condition::any();
    let mut any = false;
    for v in visibility {
        let condition = match v {
            Visibility::ReferredBy(org, ids) if !ids.is_empty() => Condition::all()
                .add(case::Column::ReferringOrganisationId.eq(*org))
                .add(case::Column::SchemeId.is_in(ids.iter().copied())),
            Visibility::AssessedBy(org, ids) if !ids.is_empty() => Condition::all()
                .add(case::Column::AssessorOrganisationId.eq(*org))
                .add(case::Column::SchemeId.is_in(ids.iter().copied())),
            // The time left is checked again per row (`CaseSummary::ties`): cases from
            // before the column count from their works' completion.
            Visibility::ContractedTo(org, ids) if !ids.is_empty() => Condition::all()
                .add(case::Column::ContractorOrganisationId.eq(*org))
                .add(case::Column::SchemeId.is_in(ids.iter().copied()))
                .add(
                    Condition::any()
                        .add(case::Column::ContractorAccessUntil.is_null())
                        .add(case::Column::ContractorAccessUntil.gt(OffsetDateTime::now_utc())),
                ),
            Visibility::InSchemes(ids) if !ids.is_empty() => {
                Condition::all().add(case::Column::SchemeId.is_in(ids.iter().copied()))
            }
            // `access::concerns_fire_service`, as SQL: a standing entry on the fire
            // service's register keeps the case, a removed one ends it, and without one
            // the case must be accepted and open.
            Visibility::FireServiceIn(ids) if !ids.is_empty() => {
                let active = RegisterPresence::Active.as_str();
                Condition::all()
                    .add(case::Column::SchemeId.is_in(ids.iter().copied()))
                    .add(
                        Condition::any()
                            .add(case::Column::ArsonRisk.eq(true))
                            .add(case::Column::FireCheckMeasures.eq(true)),
                    )
                    .add(
                        Condition::any()
                            .add(case::Column::FireRegister.is_null())
                            .add(case::Column::FireRegister.eq(active)),
                    )
                    .add(
                        Condition::any()
                            .add(case::Column::FireRegister.eq(active))
                            .add(case::Column::Status.is_in(WORKED_OPEN.iter().map(|s| s.as_str())))
                            .add(
                                Condition::all()
                                    .add(case::Column::Status.eq(CaseStatus::OnHold.as_str()))
                                    .add(case::Column::HeldFrom.ne(CaseStatus::Received.as_str())),
                            ),
                    )
            }
            // No scheme in which the relation still counts: it adds nothing.
            Visibility::ReferredBy(..)
            | Visibility::AssessedBy(..)
            | Visibility::ContractedTo(..)
            | Visibility::InSchemes(_)
            | Visibility::FireServiceIn(_) => continue,
        };
        scope = scope.add(condition);
        any = true;
    }
    any.then_some(scope)
}

/// Newest first, `limit` at most. Filters and the visibility scope are SQL conditions
/// over indexed columns; nothing is filtered in memory.
pub async fn list(
    db: &impl ConnectionTrait,
    q: &CaseQuery,
) -> Result<Vec<CaseSummary>, StoreError> {
    let Some(scope) = scope(&q.visibility) else {
        return Ok(Vec::new());
    };
    // Anonymised cases are statistics only: nobody lists them.
    let mut select = summary_select()
        .filter(scope)
        .filter(case::Column::AnonymisedAt.is_null());
    if let Some(status) = q.status {
        select = select.filter(case::Column::Status.eq(status.as_str()));
    }
    if let Some(from) = q.received_from {
        select = select.filter(case::Column::ReceivedAt.gte(from));
    }
    if let Some(before) = q.received_before {
        select = select.filter(case::Column::ReceivedAt.lt(before));
    }
    if let Some(level) = q.risk_level {
        select = select.filter(case::Column::RiskLevel.eq(level.as_str()));
    }
    if let Some(urgent) = q.urgent {
        select = select.filter(case::Column::Urgent.eq(urgent));
    }
    if let Some(clock) = q.clock {
        select = select.filter(clock_condition(clock));
    }
    if let Some(reference) = &q.reference {
        select = select.filter(case::Column::Reference.eq(reference.as_str()));
    }
    select = match q.order {
        CaseOrder::Newest { after } => {
            if let Some(after) = after {
                select = select.filter(case::Column::Id.lt(after));
            }
            select.order_by_desc(case::Column::Id)
        }
        CaseOrder::UpdatedSince { since, after } => {
            use case::Column as C;
            select = select.filter(C::UpdatedAt.gte(since));
            if let Some((at, id)) = after {
                select = select.filter(
                    Condition::any()
                        .add(C::UpdatedAt.gt(at))
                        .add(Condition::all().add(C::UpdatedAt.eq(at)).add(C::Id.gt(id))),
                );
            }
            select.order_by_asc(C::UpdatedAt).order_by_asc(C::Id)
        }
    };
    select
        .limit(q.limit)
        .into_model::<SummaryRow>()
        .all(db)
        .await
        .map_err(StoreError::db("listing cases"))?
        .into_iter()
        .map(CaseSummary::try_from)
        .collect()
}

/// Cases with a clock matching `filter`.
///
/// A clock state is common (a breached, met or running clock is on a good share of
/// cases), so the page is found by walking the scheme's cases newest first and asking
/// each for a matching clock (`EXISTS` on the case's clocks): about 25 ÷ share rows
/// read, whatever the size. `id IN (matching clocks)` would collect every matching clock
/// first and sort them, which grew with the database (1.2 s for the breached queue at
/// 20k cases on SQLite). A due window is narrow, so it goes the other way: the few
/// clocks due in it come from the (state, due_at) index.
fn clock_condition(filter: ClockFilter) -> Condition {
    use case_clock::Column as K;
    let col = |c: K| Expr::col((case_clock::Entity, c));
    let running = ClockState::Running.as_str();
    let matching = match filter {
        ClockFilter::State(ClockState::Breached, now) => Condition::any()
            .add(col(K::State).eq(ClockState::Breached.as_str()))
            .add(
                Condition::all()
                    .add(col(K::State).eq(running))
                    .add(col(K::DueAt).lt(now)),
            ),
        ClockFilter::State(ClockState::Running, now) => Condition::all()
            .add(col(K::State).eq(running))
            .add(col(K::DueAt).gte(now)),
        ClockFilter::State(state, _) => Condition::all().add(col(K::State).eq(state.as_str())),
        ClockFilter::DueBetween(from, until) => {
            let due = Query::select()
                .column(K::CaseId)
                .from(case_clock::Entity)
                .cond_where(
                    Condition::all()
                        .add(K::State.eq(running))
                        .add(K::DueAt.gte(from))
                        .add(K::DueAt.lte(until)),
                )
                .to_owned();
            return Condition::all().add(case::Column::Id.in_subquery(due));
        }
    };
    let on_this_case = Query::select()
        .expr(Expr::val(1))
        .from(case_clock::Entity)
        .and_where(col(K::CaseId).equals((case::Entity, case::Column::Id)))
        .cond_where(matching)
        .to_owned();
    Condition::all().add(Expr::exists(on_this_case))
}
