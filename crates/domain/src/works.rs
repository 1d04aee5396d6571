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
        /// Works a fire check found needed (its outcome `actions_required`).
        Remedial = "remedial",
    }
}

vocabulary! {
    /// How a fitted measure was found at a review.
    pub enum EquipmentCondition {
        Working = "working",
        Faulty = "faulty",
        NoLongerNeeded = "no_longer_needed",
    }
}

vocabulary! {
    /// Why fitted measures are taken out.
    pub enum MeasureRemovalReason {
        ClientMoved = "client_moved",
        /// The perpetrator is in prison long-term.
        PerpetratorImprisoned = "perpetrator_imprisoned",
        NoLongerNeeded = "no_longer_needed",
        Faulty = "faulty",
        Other = "other",
    }
}

/// A fitted measure's removal: ordered from a contractor, then done at a cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Ordered {
        reason: MeasureRemovalReason,
    },
    Removed {
        reason: MeasureRemovalReason,
        cost_pence: i64,
    },
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
    /// How it was found at the latest review of the equipment.
    pub condition: Option<EquipmentCondition>,
    /// Its removal, once ordered.
    pub removal: Option<Removal>,
}

/// Whether the case's measures need a fire check: one recommended (before approval),
/// approved (once approved) or fitted needs one; one left out at approval or not
/// installed does not.
pub fn needs_fire_check(works: &[WorksItem]) -> bool {
    let approval_made = works.iter().any(|w| w.approved);
    works.iter().any(|w| {
        w.requires_fire_check
            && w.outcome != Some(ItemOutcome::NotInstalled)
            && !matches!(w.removal, Some(Removal::Removed { .. }))
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

    /// What fitting it cost, and taking it out if it was.
    pub fn actual_cost_pence(&self) -> i64 {
        let fitted = match self.outcome {
            Some(ItemOutcome::Installed { actual_cost_pence }) => actual_cost_pence,
            _ => 0,
        };
        let removed = match self.removal {
            Some(Removal::Removed { cost_pence, .. }) => cost_pence,
            _ => 0,
        };
        fitted + removed
    }

    /// Fitted and still in the home.
    pub fn in_place(&self) -> bool {
        self.installed() && !matches!(self.removal, Some(Removal::Removed { .. }))
    }
}
