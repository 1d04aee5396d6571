//! The measures catalogue on the wire.

use sanctuary_domain::measures::{Measure, ReportRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// A measure that can be recommended and fitted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeasureView {
    #[schema(example = "door_chain_and_viewer")]
    #[schema(max_length = 60)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    /// The monitoring template row it counts in.
    pub report_row: ReportRow,
    /// Default unit cost, integer pence.
    pub unit_cost_pence: i64,
    /// Safe rooms and window grilles affect escape: a fire safety check must follow.
    pub requires_fire_check: bool,
    /// May be ordered at once as an interim measure for an urgent case.
    pub interim: bool,
}

impl From<Measure> for MeasureView {
    fn from(m: Measure) -> Self {
        Self {
            code: m.code,
            name: m.name,
            report_row: m.report_row,
            unit_cost_pence: m.unit_cost_pence,
            requires_fire_check: m.requires_fire_check,
            interim: m.interim,
        }
    }
}

/// A scheme's own measure, or its price for a shipped one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Side gate lock", "report_row": "other", "unit_cost_pence": 4500, "requires_fire_check": false}))]
pub struct MeasureBody {
    #[schema(max_length = 200, pattern = r"\S")]
    pub name: String,
    pub report_row: ReportRow,
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub unit_cost_pence: i64,
    pub requires_fire_check: bool,
    /// May be ordered as an interim measure (default: as shipped for a shipped measure,
    /// otherwise false).
    pub interim: Option<bool>,
}

impl MeasureBody {
    pub fn measure(self, code: String) -> Result<Measure, sanctuary_domain::violation::Violations> {
        Ok(Measure {
            name: self.name,
            report_row: self.report_row,
            unit_cost_pence: self.unit_cost_pence,
            requires_fire_check: self.requires_fire_check,
            interim: self.interim.unwrap_or_else(|| {
                sanctuary_domain::measures::shipped()
                    .iter()
                    .any(|m| m.code == code && m.interim)
            }),
            code,
        })
    }
}

/// Which catalogue to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MeasuresQuery {
    /// A scheme's catalogue (its own measures and prices over the shipped ones); the
    /// shipped catalogue when absent.
    #[param(max_length = 40, pattern = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$")]
    pub scheme: Option<String>,
}
