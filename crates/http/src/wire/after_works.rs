//! Request bodies of the actions after the works: remedial works a fire check asked
//! for, reviews of the fitted equipment, and taking measures out.

use sanctuary_domain::violation::Violations;
use sanctuary_domain::workflow::{
    Command, EquipmentCondition, MeasureRemovalReason, RemovalResult,
};
use serde::Deserialize;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

use super::actions::{ItemResultBody, item_ref, item_results};

/// Order the remedial works a fire check asked for, from a contractor of the scheme.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "01a20ab8-29c2-7d11-b6f1-53d0c0e4b1a2"}))]
pub struct OrderRemedialWorksBody {
    pub organisation_id: Uuid,
}

/// What the contractor did with each remedial item ordered: a result for every one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"results": [{"measure_code": "smoke_alarms", "installed": true, "actual_cost_pence": 2400}]}))]
pub struct CompleteRemedialWorksBody {
    #[schema(max_items = 50)]
    pub results: Vec<ItemResultBody>,
}

/// How one fitted measure was found, named by `item_id` or (when the case has one
/// fitted item of it) `measure_code`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"measure_code": "safe_room", "condition": "working"}))]
pub struct ItemConditionBody {
    pub item_id: Option<Uuid>,
    #[schema(
        min_length = 2,
        max_length = 60,
        pattern = r"^[a-z][a-z0-9_]{1,59}$",
        example = "safe_room"
    )]
    pub measure_code: Option<String>,
    pub condition: EquipmentCondition,
}

/// A review of the fitted equipment (at the follow-up visit, or any time after).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reviewed_on": "2026-12-02", "items": [{"measure_code": "safe_room", "condition": "working"}, {"measure_code": "repairs_to_door_frames", "condition": "faulty"}]}))]
pub struct RecordEquipmentReviewBody {
    /// Not in the future.
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub reviewed_on: Date,
    #[schema(min_items = 1, max_items = 50)]
    pub items: Vec<ItemConditionBody>,
}

/// A fitted measure, named by `item_id` or (when the case has one fitted item of it)
/// `measure_code`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"measure_code": "safe_room"}))]
pub struct ItemNameBody {
    pub item_id: Option<Uuid>,
    #[schema(
        min_length = 2,
        max_length = 60,
        pattern = r"^[a-z][a-z0-9_]{1,59}$",
        example = "safe_room"
    )]
    pub measure_code: Option<String>,
}

/// Order fitted measures taken out, from a contractor of the scheme.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "01a20ab8-29c2-7d11-b6f1-53d0c0e4b1a2", "items": [{"measure_code": "safe_room"}], "reason": "perpetrator_imprisoned"}))]
pub struct OrderRemovalBody {
    pub organisation_id: Uuid,
    #[schema(min_items = 1, max_items = 50)]
    pub items: Vec<ItemNameBody>,
    pub reason: MeasureRemovalReason,
}

/// What happened to one measure ordered out.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"measure_code": "safe_room", "removed": true, "cost_pence": 32000}))]
pub struct RemovalResultBody {
    pub item_id: Option<Uuid>,
    #[schema(
        min_length = 2,
        max_length = 60,
        pattern = r"^[a-z][a-z0-9_]{1,59}$",
        example = "safe_room"
    )]
    pub measure_code: Option<String>,
    pub removed: bool,
    /// Required when removed: what taking it out cost, integer pence.
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub cost_pence: Option<i64>,
    /// Required when left in place: why (sealed).
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// The measures ordered out: a result for every one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"results": [{"measure_code": "safe_room", "removed": true, "cost_pence": 32000}]}))]
pub struct RecordRemovalBody {
    #[schema(max_items = 50)]
    pub results: Vec<RemovalResultBody>,
}

impl OrderRemedialWorksBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::OrderRemedialWorks {
            organisation_id: self.organisation_id,
        })
    }
}

impl CompleteRemedialWorksBody {
    pub fn command(self) -> Result<Command, Violations> {
        Ok(Command::CompleteRemedialWorks {
            results: item_results(self.results)?,
        })
    }
}

impl RecordEquipmentReviewBody {
    pub fn command(self) -> Result<Command, Violations> {
        let mut v = Violations::new();
        let items = self
            .items
            .into_iter()
            .enumerate()
            .filter_map(|(i, b)| {
                item_ref(b.item_id, b.measure_code, &format!("/items/{i}"), &mut v)
                    .map(|r| (r, b.condition))
            })
            .collect();
        v.into_result(Command::RecordEquipmentReview {
            reviewed_on: self.reviewed_on,
            items,
        })
    }
}

impl OrderRemovalBody {
    pub fn command(self) -> Result<Command, Violations> {
        let mut v = Violations::new();
        let items = self
            .items
            .into_iter()
            .enumerate()
            .filter_map(|(i, b)| {
                item_ref(b.item_id, b.measure_code, &format!("/items/{i}"), &mut v)
            })
            .collect();
        v.into_result(Command::OrderRemoval {
            organisation_id: self.organisation_id,
            items,
            reason: self.reason,
        })
    }
}

impl RecordRemovalBody {
    pub fn command(self) -> Result<Command, Violations> {
        let mut v = Violations::new();
        let results = self
            .results
            .into_iter()
            .enumerate()
            .filter_map(|(i, b)| {
                item_ref(b.item_id, b.measure_code, &format!("/results/{i}"), &mut v).map(|item| {
                    RemovalResult {
                        item,
                        removed: b.removed,
                        cost_pence: b.cost_pence,
                        reason: b.reason,
                    }
                })
            })
            .collect();
        v.into_result(Command::RecordRemoval { results })
    }
}
