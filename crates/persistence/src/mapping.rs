//! Rows to domain values and back, for the workflow's tables.

use sanctuary_domain::calendar::london;
use sanctuary_domain::clock::Clock;
use sanctuary_domain::workflow::{ItemOutcome, Removal, WorksItem};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::StoreError;
use crate::codec::parse;
use crate::crypto::{Keyring, REFERRAL_DETAILS, WORKS_LOCATION};
use crate::entities::{case_clock, case_referral, works_item};
use sanctuary_domain::referral::Referral;

const INSTALLED: &str = "installed";
const NOT_INSTALLED: &str = "not_installed";
const REMOVAL_ORDERED: &str = "ordered";
const REMOVED: &str = "removed";

pub(crate) fn clock(m: case_clock::Model) -> Result<Clock, StoreError> {
    Ok(Clock {
        kind: parse(&m.kind, "case_clocks.kind")?,
        stop: parse(&m.stop_event, "case_clocks.stop_event")?,
        unit: parse(&m.unit, "case_clocks.unit")?,
        amount: u32::try_from(m.amount).map_err(|_| StoreError::Corrupt {
            column: "case_clocks.amount",
        })?,
        started_at: m.started_at,
        // Clocks from before the column counted from their UK start day.
        counts_from: m
            .counts_from
            .unwrap_or_else(|| london::local_date(m.started_at)),
        held: m.held,
        paused_at: m.paused_at,
        due_at: m.due_at,
        stopped_at: m.stopped_at,
        state: parse(&m.state, "case_clocks.state")?,
    })
}

/// The columns of a clock that change over its life.
pub(crate) fn clock_state(c: &Clock) -> case_clock::ActiveModel {
    case_clock::ActiveModel {
        held: Set(c.held),
        paused_at: Set(c.paused_at),
        due_at: Set(c.due_at),
        stopped_at: Set(c.stopped_at),
        state: Set(c.state.as_str().to_owned()),
        ..Default::default()
    }
}

/// Every column of a clock started again in its row (the register review's next
/// period): its start and rule as well as its state, and nothing announced yet.
pub(crate) fn clock_restarted(c: &Clock) -> case_clock::ActiveModel {
    case_clock::ActiveModel {
        stop_event: Set(c.stop.as_str().to_owned()),
        unit: Set(c.unit.as_str().to_owned()),
        amount: Set(i32::try_from(c.amount).unwrap_or(i32::MAX)),
        started_at: Set(c.started_at),
        counts_from: Set(Some(c.counts_from)),
        due_soon_announced_at: Set(None),
        breach_announced_at: Set(None),
        ..clock_state(c)
    }
}

pub(crate) fn new_clock(
    case_id: Uuid,
    scheme_id: Uuid,
    round: i32,
    c: &Clock,
) -> case_clock::ActiveModel {
    case_clock::ActiveModel {
        id: Set(Uuid::now_v7()),
        case_id: Set(case_id),
        scheme_id: Set(scheme_id),
        round: Set(round),
        kind: Set(c.kind.as_str().to_owned()),
        stop_event: Set(c.stop.as_str().to_owned()),
        unit: Set(c.unit.as_str().to_owned()),
        amount: Set(i32::try_from(c.amount).unwrap_or(i32::MAX)),
        started_at: Set(c.started_at),
        counts_from: Set(Some(c.counts_from)),
        ..clock_state(c)
    }
}

pub(crate) fn works_item(m: works_item::Model, keys: &Keyring) -> Result<WorksItem, StoreError> {
    let outcome = match (m.outcome.as_deref(), m.actual_cost_pence) {
        (Some(INSTALLED), cost) => Some(ItemOutcome::Installed {
            actual_cost_pence: cost.unwrap_or(0),
        }),
        (Some(NOT_INSTALLED), _) => Some(ItemOutcome::NotInstalled),
        (None, _) => None,
        (Some(_), _) => {
            return Err(StoreError::Corrupt {
                column: "works_items.outcome",
            });
        }
    };
    let removal = match (m.removal.as_deref(), m.removal_reason.as_deref()) {
        (None, _) => None,
        (Some(status), Some(reason)) => {
            let reason = parse(reason, "works_items.removal_reason")?;
            match status {
                REMOVAL_ORDERED => Some(Removal::Ordered { reason }),
                REMOVED => Some(Removal::Removed {
                    reason,
                    cost_pence: m.removal_cost_pence.unwrap_or(0),
                }),
                _ => {
                    return Err(StoreError::Corrupt {
                        column: "works_items.removal",
                    });
                }
            }
        }
        (Some(_), None) => {
            return Err(StoreError::Corrupt {
                column: "works_items.removal_reason",
            });
        }
    };
    Ok(WorksItem {
        id: m.id,
        kind: parse(&m.kind, "works_items.kind")?,
        measure_code: m.measure_code,
        name: m.name,
        report_row: parse(&m.report_row, "works_items.report_row")?,
        requires_fire_check: m.requires_fire_check,
        quantity: u32::try_from(m.quantity).map_err(|_| StoreError::Corrupt {
            column: "works_items.quantity",
        })?,
        location: m
            .location
            .map(|sealed| keys.open(WORKS_LOCATION, m.id, &sealed))
            .transpose()?,
        estimated_cost_pence: m.estimated_cost_pence,
        approved: m.approved,
        outcome,
        condition: m
            .condition
            .as_deref()
            .map(|c| parse(c, "works_items.condition"))
            .transpose()?,
        removal,
    })
}

pub(crate) fn works_row(case_id: Uuid, w: &WorksItem, keys: &Keyring) -> works_item::ActiveModel {
    let (outcome, cost) = match w.outcome {
        Some(ItemOutcome::Installed { actual_cost_pence }) => {
            (Some(INSTALLED), Some(actual_cost_pence))
        }
        Some(ItemOutcome::NotInstalled) => (Some(NOT_INSTALLED), None),
        None => (None, None),
    };
    let (removal, reason, removal_cost) = match w.removal {
        Some(Removal::Ordered { reason }) => (Some(REMOVAL_ORDERED), Some(reason), None),
        Some(Removal::Removed { reason, cost_pence }) => {
            (Some(REMOVED), Some(reason), Some(cost_pence))
        }
        None => (None, None, None),
    };
    works_item::ActiveModel {
        id: Set(w.id),
        case_id: Set(case_id),
        kind: Set(w.kind.as_str().to_owned()),
        measure_code: Set(w.measure_code.clone()),
        name: Set(w.name.clone()),
        report_row: Set(w.report_row.as_str().to_owned()),
        requires_fire_check: Set(w.requires_fire_check),
        quantity: Set(i32::try_from(w.quantity).unwrap_or(i32::MAX)),
        location: Set(w
            .location
            .as_deref()
            .map(|l| keys.seal(WORKS_LOCATION, w.id, l))),
        estimated_cost_pence: Set(w.estimated_cost_pence),
        approved: Set(w.approved),
        outcome: Set(outcome.map(str::to_owned)),
        actual_cost_pence: Set(cost),
        condition: Set(w.condition.map(|c| c.as_str().to_owned())),
        removal: Set(removal.map(str::to_owned)),
        removal_reason: Set(reason.map(|r| r.as_str().to_owned())),
        removal_cost_pence: Set(removal_cost),
    }
}

/// A case's clocks of its round `round` (its current one), in the order they started.
pub async fn clocks_of(
    db: &impl ConnectionTrait,
    case_id: Uuid,
    round: i32,
) -> Result<Vec<Clock>, StoreError> {
    case_clock::Entity::find()
        .filter(case_clock::Column::CaseId.eq(case_id))
        .filter(case_clock::Column::Round.eq(round))
        .order_by_asc(case_clock::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading clocks"))?
        .into_iter()
        .map(clock)
        .collect()
}

/// A case's works items, in the order they were recommended.
pub async fn works_of(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    case_id: Uuid,
) -> Result<Vec<WorksItem>, StoreError> {
    works_item::Entity::find()
        .filter(works_item::Column::CaseId.eq(case_id))
        .order_by_asc(works_item::Column::Id)
        .all(db)
        .await
        .map_err(StoreError::db("reading works items"))?
        .into_iter()
        .map(|m| works_item(m, keys))
        .collect()
}

/// A case's referral, opened.
pub(crate) async fn referral_of(
    db: &impl ConnectionTrait,
    keys: &Keyring,
    case_id: Uuid,
) -> Result<Referral, StoreError> {
    let row = case_referral::Entity::find_by_id(case_id)
        .all(db)
        .await
        .map_err(StoreError::db("reading a referral"))?
        .pop()
        .ok_or(StoreError::Corrupt {
            column: "case_referrals.case_id",
        })?;
    let json = keys.open(REFERRAL_DETAILS, case_id, &row.details)?;
    serde_json::from_str(&json).map_err(|_| StoreError::Corrupt {
        column: REFERRAL_DETAILS,
    })
}
