//! After the works: remedial works a fire check asks for, reviews of the equipment, and
//! taking fitted measures out when they are no longer needed.

use super::super::command::{CaseSnapshot, ItemRef, RemovalResult};
use super::super::effects::{Effects, NoteKind};
use super::super::refusal::{ActionError, Conflict, invalid};
use super::super::vocabulary::FireCheckOutcome;
use super::works::{find, recommend};
use crate::violation::{ViolationCode, Violations};
use crate::works::{
    EquipmentCondition, ItemKind, MeasureRemovalReason, Recommendation, Removal, WorksItem,
};

/// The remedial works a fire check found needed: outstanding until the coordinator
/// orders them (which approves them) and the contractor records them done.
pub(super) fn remedial_works(
    case: &CaseSnapshot,
    outcome: FireCheckOutcome,
    remedial: Vec<Recommendation>,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    if remedial.is_empty() {
        return Ok(());
    }
    if outcome != FireCheckOutcome::ActionsRequired {
        return Err(invalid(
            "/remedial_works",
            ViolationCode::ContradictsAnswer,
            "remedial works follow a check whose outcome is actions_required",
        ));
    }
    let items = recommend(case, remedial).map_err(|e| match e {
        ActionError::Invalid(_) => invalid(
            "/remedial_works",
            ViolationCode::InvalidValue,
            "name measures of the scheme's catalogue (GET /api/v1/measures)",
        ),
        other => other,
    })?;
    for item in items {
        fx.event_data.push(("remedial", item.measure_code.clone()));
        fx.works_added.push(WorksItem {
            kind: ItemKind::Remedial,
            ..item
        });
    }
    Ok(())
}

/// Remedial works still to do (ordered or not).
pub(super) fn remedial_outstanding(case: &CaseSnapshot) -> bool {
    case.works
        .iter()
        .any(|w| w.kind == ItemKind::Remedial && w.outcome.is_none())
}

/// Orders every remedial item not yet ordered.
pub(super) fn order_remedial(case: &CaseSnapshot, fx: &mut Effects) -> Result<(), ActionError> {
    let waiting: Vec<&WorksItem> = case
        .works
        .iter()
        .filter(|w| w.kind == ItemKind::Remedial && !w.approved)
        .collect();
    if waiting.is_empty() {
        return Err(ActionError::Conflict {
            code: Conflict::NothingOutstanding,
            message: "no fire check has asked for remedial works not yet ordered".into(),
        });
    }
    for item in waiting {
        fx.event_data.push(("ordered", item.measure_code.clone()));
        fx.works_changed.push(WorksItem {
            approved: true,
            ..item.clone()
        });
    }
    Ok(())
}

/// The measures fitted and still in the home.
fn in_place(case: &CaseSnapshot) -> Vec<&WorksItem> {
    case.works.iter().filter(|w| w.in_place()).collect()
}

/// Each reference of `refs` resolved among `items`, every failure at `pointer(i)`.
fn resolve<'a>(
    items: &[&'a WorksItem],
    refs: impl Iterator<Item = (usize, &'a ItemRef)>,
    what: &'static str,
    pointer: impl Fn(usize, &str) -> String,
) -> Result<Vec<(usize, &'a WorksItem)>, ActionError> {
    let mut v = Violations::new();
    let mut found: Vec<(usize, &WorksItem)> = Vec::new();
    for (i, r) in refs {
        match find(items, r, what) {
            Ok(item) if found.iter().any(|(_, f)| f.id == item.id) => v.add(
                pointer(i, "item_id"),
                ViolationCode::DuplicateItems,
                "is named twice",
            ),
            Ok(item) => found.push((i, item)),
            Err((field, code, message)) => v.add(pointer(i, field), code, message),
        }
    }
    v.into_result(found).map_err(ActionError::Invalid)
}

pub(super) fn review(
    case: &CaseSnapshot,
    items: Vec<(ItemRef, EquipmentCondition)>,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    if items.is_empty() {
        return Err(invalid(
            "/items",
            ViolationCode::TooShort,
            "say how at least one fitted measure was found",
        ));
    }
    let fitted = in_place(case);
    let found = resolve(
        &fitted,
        items.iter().enumerate().map(|(i, (r, _))| (i, r)),
        "a measure fitted in the home",
        |i, field| format!("/items/{i}/{field}"),
    )?;
    for (i, item) in found {
        let condition = items[i].1;
        fx.event_data
            .push(("reviewed", format!("{}:{condition}", item.measure_code)));
        fx.works_changed.push(WorksItem {
            condition: Some(condition),
            ..item.clone()
        });
    }
    Ok(())
}

pub(super) fn order_removal(
    case: &CaseSnapshot,
    items: Vec<ItemRef>,
    reason: MeasureRemovalReason,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    if items.is_empty() {
        return Err(invalid(
            "/items",
            ViolationCode::TooShort,
            "name the fitted measures to take out",
        ));
    }
    let fitted: Vec<&WorksItem> = in_place(case)
        .into_iter()
        .filter(|w| w.removal.is_none())
        .collect();
    let found = resolve(
        &fitted,
        items.iter().enumerate(),
        "a fitted measure not already ordered out",
        |i, field| format!("/items/{i}/{field}"),
    )?;
    fx.data("reason", reason);
    for (_, item) in found {
        fx.event_data.push(("ordered", item.measure_code.clone()));
        fx.works_changed.push(WorksItem {
            removal: Some(Removal::Ordered { reason }),
            ..item.clone()
        });
    }
    Ok(())
}

pub(super) fn record_removal(
    case: &CaseSnapshot,
    results: Vec<RemovalResult>,
    fx: &mut Effects,
) -> Result<(), ActionError> {
    let ordered: Vec<&WorksItem> = case
        .works
        .iter()
        .filter(|w| matches!(w.removal, Some(Removal::Ordered { .. })))
        .collect();
    if ordered.is_empty() {
        return Err(ActionError::Conflict {
            code: Conflict::NothingOutstanding,
            message: "no removal is waiting to be done".into(),
        });
    }
    let found = resolve(
        &ordered,
        results.iter().enumerate().map(|(i, r)| (i, &r.item)),
        "a measure ordered out",
        |i, field| format!("/results/{i}/{field}"),
    )?;
    let mut v = Violations::new();
    if found.len() < ordered.len() {
        v.add(
            "/results",
            ViolationCode::IncompleteAnswers,
            format!(
                "record a result for every measure ordered out ({} missing)",
                ordered.len() - found.len()
            ),
        );
    }
    for (i, item) in found {
        let r = &results[i];
        let Some(Removal::Ordered { reason }) = item.removal else {
            continue;
        };
        let removal = match (r.removed, r.cost_pence, &r.reason) {
            (true, Some(cost), _) => Some(Removal::Removed {
                reason,
                cost_pence: cost,
            }),
            (true, None, _) => {
                v.add(
                    format!("/results/{i}/cost_pence"),
                    ViolationCode::RequiredByAnswer,
                    "give what taking it out cost",
                );
                continue;
            }
            // Left in place after all: say why.
            (false, _, Some(_)) => None,
            (false, _, None) => {
                v.add(
                    format!("/results/{i}/reason"),
                    ViolationCode::RequiredByAnswer,
                    "say why it was left in place",
                );
                continue;
            }
        };
        fx.event_data.push((
            if removal.is_some() { "removed" } else { "kept" },
            item.measure_code.clone(),
        ));
        fx.note(
            NoteKind::NotInstalledReason,
            r.reason.clone().filter(|_| removal.is_none()),
        );
        fx.works_changed.push(WorksItem {
            removal,
            ..item.clone()
        });
    }
    if !v.is_empty() {
        return Err(ActionError::Invalid(v));
    }
    Ok(())
}
