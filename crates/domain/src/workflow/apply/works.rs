//! Measures through an action: recommended at assessment, approved against the
//! household budget, fitted (or not) at completion.

use uuid::Uuid;

use super::super::command::{CaseSnapshot, ItemApproval, ItemRef, ItemResult};
use super::super::effects::{Effects, NoteKind};
use super::super::refusal::{ActionError, invalid};
use crate::budget::{self, Beyond, NoStream};
use crate::violation::{ViolationCode, Violations};
use crate::works::{ItemKind, ItemOutcome, Recommendation, WorksItem};

fn money(pence: i64) -> String {
    format!("£{}.{:02}", pence / 100, pence % 100)
}

pub(super) fn recommend(
    case: &CaseSnapshot,
    recommendations: Vec<Recommendation>,
) -> Result<Vec<WorksItem>, ActionError> {
    let mut v = Violations::new();
    let mut items = Vec::new();
    for (i, r) in recommendations.into_iter().enumerate() {
        let Some(measure) = case.catalogue.iter().find(|m| m.code == r.measure_code) else {
            v.add(
                format!("/recommended_measures/{i}/measure_code"),
                ViolationCode::InvalidValue,
                "is not in the scheme's measures catalogue (GET /api/v1/measures)",
            );
            continue;
        };
        let estimate = r
            .estimated_cost_pence
            .unwrap_or(measure.unit_cost_pence * i64::from(r.quantity));
        items.push(WorksItem {
            id: Uuid::now_v7(),
            kind: ItemKind::Works,
            measure_code: measure.code.clone(),
            name: measure.name.clone(),
            report_row: measure.report_row,
            requires_fire_check: measure.requires_fire_check,
            quantity: r.quantity,
            location: r.location,
            estimated_cost_pence: estimate,
            approved: false,
            outcome: None,
            condition: None,
            removal: None,
        });
    }
    v.into_result(items).map_err(ActionError::Invalid)
}

/// The estimated cost of the works items `chosen` (what approving them commits to).
pub fn estimated_total(works: &[WorksItem], chosen: &[Uuid]) -> i64 {
    works
        .iter()
        .filter(|w| chosen.contains(&w.id))
        .map(|w| w.estimated_cost_pence)
        .sum()
}

pub(super) fn approve(
    case: &CaseSnapshot,
    approval: ItemApproval,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    // What is still to decide: the assessed works not yet fitted (a reopened case's
    // earlier works are done).
    let open: Vec<&WorksItem> = case
        .works
        .iter()
        .filter(|w| w.kind == ItemKind::Works && w.outcome.is_none())
        .collect();
    let chosen: Vec<Uuid> = match &approval.items {
        None => open.iter().map(|w| w.id).collect(),
        Some(ids) => {
            let mut v = Violations::new();
            for (i, id) in ids.iter().enumerate() {
                if !open.iter().any(|w| w.id == *id) {
                    v.add(
                        format!("/items/{i}"),
                        ViolationCode::InvalidValue,
                        "is not a measure recommended for this case",
                    );
                }
            }
            v.into_result(ids.clone()).map_err(ActionError::Invalid)?
        }
    };
    if chosen.is_empty() {
        return Err(invalid(
            "/items",
            ViolationCode::TooShort,
            "approve at least one recommended measure",
        ));
    }
    let total = estimated_total(&case.works, &chosen);
    let stream = budget::stream_for(case.funding.as_ref(), approval.funding_stream.as_deref())
        .map_err(|why| {
            invalid(
                "/funding_stream",
                ViolationCode::InvalidValue,
                match why {
                    NoStream::NoBudget => "the scheme keeps no budget for this year",
                    NoStream::Unknown => "is not a funding stream of this year's budget",
                },
            )
        })?;
    let scheme_limit = case.settings.household_budget_limit_pence;
    if approval.funder_approval_reference.is_none() {
        let over = match budget::beyond(total, stream, scheme_limit) {
            Some(Beyond::HouseholdLimit { limit }) => Some(format!(
                "the approved total {} is above the per-household limit {}: record the funder's approval",
                money(total),
                money(limit)
            )),
            Some(Beyond::StreamRemaining { remaining }) => Some(format!(
                "the approved total {} is above what is left in the funding stream ({}): record the funder's approval",
                money(total),
                money(remaining)
            )),
            None => None,
        };
        if let Some(message) = over {
            return Err(invalid(
                "/funder_approval_reference",
                ViolationCode::RequiredByAnswer,
                message,
            ));
        }
    }
    if let (Some(funding), Some(stream)) = (&case.funding, stream) {
        fx.data("funding_stream", &stream.name);
        fx.changes.funding = Some((funding.year_start, stream.name.clone()));
    }
    for item in case.works.iter().filter(|w| chosen.contains(&w.id)) {
        fx.works_changed.push(WorksItem {
            approved: true,
            ..item.clone()
        });
        fx.event_data.push(("approved", item.measure_code.clone()));
    }
    fx.changes.approved_cost_pence = Some(total);
    fx.data("approved_cost_pence", total);
    if let Some(reference) = approval.funder_approval_reference {
        fx.data("funder_approval_reference", &reference);
        fx.changes.funder_approval_reference = Some(reference);
    }
    Ok(())
}

/// Records what was done with each approved item of `kind` still outstanding: a result
/// for every one, installed (at its actual cost) or not (why).
/// The item `r` names among `items` (by id, or by measure code when only one item has
/// it), or the field, code and message that say why not.
pub(super) fn find<'a>(
    items: &[&'a WorksItem],
    r: &ItemRef,
    what: &'static str,
) -> Result<&'a WorksItem, (&'static str, ViolationCode, String)> {
    let not = |field| (field, ViolationCode::InvalidValue, format!("is not {what}"));
    match r {
        ItemRef::Id(id) => items
            .iter()
            .find(|w| w.id == *id)
            .copied()
            .ok_or(not("item_id")),
        ItemRef::Measure(code) => {
            let mut of_measure = items.iter().filter(|w| w.measure_code == *code);
            match (of_measure.next(), of_measure.next()) {
                (Some(item), None) => Ok(item),
                (None, _) => Err(not("measure_code")),
                (Some(_), Some(_)) => Err((
                    "measure_code",
                    ViolationCode::InvalidValue,
                    "more than one item has this measure: give each item_id".into(),
                )),
            }
        }
    }
}

pub(super) fn complete(
    case: &CaseSnapshot,
    results: Vec<ItemResult>,
    kind: ItemKind,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    let mut v = Violations::new();
    let approved: Vec<&WorksItem> = case
        .works
        .iter()
        .filter(|w| w.approved && w.kind == kind && w.outcome.is_none())
        .collect();
    let mut done = Vec::new();
    for (i, r) in results.iter().enumerate() {
        let at = |field: &str| format!("/results/{i}/{field}");
        let item = match find(&approved, &r.item, "an approved measure of this case") {
            Ok(item) => item,
            Err((field, code, message)) => {
                v.add(at(field), code, message);
                continue;
            }
        };
        if done.contains(&item.id) {
            v.add(
                at(match r.item {
                    ItemRef::Id(_) => "item_id",
                    ItemRef::Measure(_) => "measure_code",
                }),
                ViolationCode::DuplicateItems,
                "has more than one result",
            );
            continue;
        }
        done.push(item.id);
        let outcome = if r.installed {
            match r.actual_cost_pence {
                Some(cost) => ItemOutcome::Installed {
                    actual_cost_pence: cost,
                },
                None => {
                    v.add(
                        at("actual_cost_pence"),
                        ViolationCode::RequiredByAnswer,
                        "give the actual cost of an installed measure",
                    );
                    continue;
                }
            }
        } else {
            if r.reason.is_none() {
                v.add(
                    at("reason"),
                    ViolationCode::RequiredByAnswer,
                    "say why the measure was not installed",
                );
                continue;
            }
            ItemOutcome::NotInstalled
        };
        fx.works_changed.push(WorksItem {
            outcome: Some(outcome),
            ..(*item).clone()
        });
        fx.note(
            NoteKind::NotInstalledReason,
            r.reason.clone().filter(|_| !r.installed),
        );
    }
    let missing = approved.iter().filter(|w| !done.contains(&w.id)).count();
    if missing > 0 {
        v.add(
            "/results",
            ViolationCode::IncompleteAnswers,
            format!("record a result for every approved measure ({missing} missing)"),
        );
    }
    if !v.is_empty() {
        return Err(ActionError::Invalid(v));
    }
    let cost: i64 = fx
        .works_changed
        .iter()
        .map(WorksItem::actual_cost_pence)
        .sum();
    let installed = fx.works_changed.iter().filter(|w| w.installed()).count();
    // The household's spend: every measure fitted on the case so far, interim included.
    let earlier: i64 = case
        .works
        .iter()
        .filter(|w| !fx.works_changed.iter().any(|c| c.id == w.id))
        .map(WorksItem::actual_cost_pence)
        .sum();
    fx.changes.works_cost_pence = Some(earlier + cost);
    fx.data("installed", installed);
    fx.data("not_installed", fx.works_changed.len() - installed);
    fx.data("works_cost_pence", cost);
    Ok(())
}

/// Interim measures ordered from the catalogue's interim measures: approved as ordered.
pub(super) fn order_interim(
    case: &CaseSnapshot,
    items: Vec<Recommendation>,
) -> Result<Vec<WorksItem>, ActionError> {
    if items.is_empty() {
        return Err(invalid(
            "/items",
            ViolationCode::TooShort,
            "order at least one interim measure",
        ));
    }
    let mut v = Violations::new();
    for (i, r) in items.iter().enumerate() {
        let interim = case
            .catalogue
            .iter()
            .any(|m| m.code == r.measure_code && m.interim);
        if !interim {
            v.add(
                format!("/items/{i}/measure_code"),
                ViolationCode::InvalidValue,
                "is not an interim measure of the scheme's catalogue (GET /api/v1/measures)",
            );
        }
    }
    v.into_result(()).map_err(ActionError::Invalid)?;
    // Every code is in the catalogue (checked above), so recommending cannot fail.
    let ordered = recommend(case, items)?;
    Ok(ordered
        .into_iter()
        .map(|w| WorksItem {
            kind: ItemKind::Interim,
            approved: true,
            ..w
        })
        .collect())
}
