//! The monitoring report on the wire.

use sanctuary_domain::report::Section;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// The Standing Together quarterly monitoring template for one scheme and year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MonitoringReport {
    pub scheme: ReportScheme,
    /// The first day of Q1.
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-04-01")]
    pub year_start: Date,
    /// The last day of Q4.
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date, example = "2027-03-31")]
    pub year_end: Date,
    pub quarters: Vec<QuarterSpan>,
    pub disclosure_control: DisclosureControl,
    /// The template's sections in order; each row has Q1–Q4 and a Total over the year.
    pub sections: Vec<Section>,
    /// The coordinator's note on wider scheme work, per quarter.
    pub notes: Vec<QuarterNote>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportScheme {
    #[schema(max_length = 40)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuarterSpan {
    /// 1 to 4.
    pub quarter: u8,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub first_day: Date,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub last_day: Date,
}

/// Whether small numbers are hidden (always for funders).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct DisclosureControl {
    pub applied: bool,
    /// Counts from 1 to this minus one are suppressed; means on fewer cases withheld.
    pub threshold: u32,
    /// Visible counts are rounded to the nearest multiple of this.
    pub rounding: Option<u32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuarterNote {
    pub quarter: u8,
    #[schema(max_length = 4000)]
    pub text: Option<String>,
}

/// Which report.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQueryParams {
    /// The scheme's code.
    #[param(min_length = 1, max_length = 40, example = "darlington")]
    #[validate(length(min = 1, max = 40))]
    pub scheme: String,
    /// The first day of the reporting year (default: the scheme's year start, the
    /// latest on or before today).
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    #[param(value_type = Option<String>, format = Date, example = "2026-04-01")]
    pub year_start: Option<Date>,
    /// Coordinators: preview what funders see (funders always get it).
    pub disclosure_control: Option<bool>,
}

/// The note on wider scheme work for one quarter.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "- Working group met twice\n- New contractor on the framework"}))]
pub struct ReportNoteBody {
    /// Bullet points welcome. Shown to funders: no personal data.
    #[schema(min_length = 1, max_length = 4000)]
    #[validate(length(min = 1, max = 4000))]
    pub text: String,
}
