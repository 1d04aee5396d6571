//! Measures recommended, approved and fitted on a case.

use uuid::Uuid;

use crate::measures::ReportRow;

vocabulary! {
    /// Which order a works item belongs to.
    pub enum ItemKind {
        /// The works the assessor recommended and the coordinator approved.
        Works = "works",
        /// Interim measures ordered at once for an urgent case (emergency lock change,
        /// door chain, boarding, personal alarm), before any assessment.
        Interim = "interim",
    }
}

/// A measure on a case: recommended by the assessor, maybe approved, maybe fitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorksItem {
    pub id: Uuid,
    pub kind: ItemKind,
    pub measure_code: String,
    pub name: String,
    pub report_row: ReportRow,
    pub requires_fire_check: bool,
    pub quantity: u32,
    /// Where it goes, e.g. "front door".
    pub location: Option<String>,
    pub estimated_cost_pence: i64,
    pub approved: bool,
    pub outcome: Option<ItemOutcome>,
}

/// Whether the case's measures need a fire check: one recommended (before approval),
/// approved (once approved) or fitted needs one; one left out at approval or not
/// installed does not.
pub fn needs_fire_check(works: &[WorksItem]) -> bool {
    let approval_made = works.iter().any(|w| w.approved);
    works.iter().any(|w| {
        w.requires_fire_check
            && w.outcome != Some(ItemOutcome::NotInstalled)
            && (w.approved || !approval_made)
    })
}

/// What the contractor did with an approved item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
    Installed { actual_cost_pence: i64 },
    NotInstalled,
}

/// An assessor's recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recommendation {
    pub measure_code: String,
    pub quantity: u32,
    pub location: Option<String>,
    /// Defaults to the catalogue's unit cost times the quantity.
    pub estimated_cost_pence: Option<i64>,
}

impl WorksItem {
    pub fn installed(&self) -> bool {
        matches!(self.outcome, Some(ItemOutcome::Installed { .. }))
    }

    pub fn actual_cost_pence(&self) -> i64 {
        match self.outcome {
            Some(ItemOutcome::Installed { actual_cost_pence }) => actual_cost_pence,
            _ => 0,
        }
    }
}
