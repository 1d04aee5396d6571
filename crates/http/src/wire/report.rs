//! The monitoring report on the wire.

use sanctuary_domain::report::Section;

pub use crate::wire::budget::MoneyCell;
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
    /// Spend against the year's budget (null when the year keeps no budget).
    pub spend: Option<ReportSpend>,
}

/// What the year's works commit and spend against its budget: every stream for the
/// coordinator, a funder's own streams for a funder (quarter cells about 1 to
/// threshold − 1 households withheld, as in the budget).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportSpend {
    /// The streams counted.
    #[schema(max_items = 20)]
    pub streams: Vec<ReportSpendStream>,
    /// Their amounts added up.
    pub amount_pence: i64,
    pub committed_pence: i64,
    pub spent_pence: i64,
    pub remaining_pence: i64,
    pub quarters: Vec<SpendQuarter>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportSpendStream {
    #[schema(max_length = 100)]
    pub name: String,
    pub amount_pence: i64,
}

/// A quarter's commitments (works approved in it, not yet completed) and spending
/// (works completed in it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpendQuarter {
    #[schema(minimum = 1, maximum = 4)]
    pub quarter: u8,
    pub committed: MoneyCell,
    pub spent: MoneyCell,
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

/// The sanctuary-scheme part of the local authority's annual return on support in
/// domestic abuse safe accommodation, for one scheme and reporting year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SafeAccommodationReturn {
    pub scheme: ReportScheme,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date, example = "2026-04-01")]
    pub year_start: Date,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date, example = "2027-03-31")]
    pub year_end: Date,
    pub disclosure_control: DisclosureControl,
    /// The return's sections in order; each figure is for the whole year.
    pub sections: Vec<ReturnSection>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReturnSection {
    #[schema(max_length = 60)]
    pub code: &'static str,
    #[schema(max_length = 200)]
    pub title: &'static str,
    pub basis: sanctuary_domain::report::Basis,
    #[schema(max_length = 1000)]
    pub basis_description: &'static str,
    pub rows: Vec<ReturnRow>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReturnRow {
    #[schema(max_length = 60)]
    pub code: &'static str,
    #[schema(max_length = 200)]
    pub label: &'static str,
    /// The year's figure (`null` and `suppressed` under disclosure control).
    pub value: sanctuary_domain::report::Cell,
}

/// Which return.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReturnQueryParams {
    /// The scheme's code.
    #[param(min_length = 1, max_length = 40, example = "darlington")]
    #[validate(length(min = 1, max = 40))]
    pub scheme: String,
    /// The calendar year the reporting year starts in (2026: from the scheme's year
    /// start in 2026, e.g. 1 April 2026); the current reporting year when absent.
    #[param(minimum = 2000, maximum = 2100, example = 2026)]
    #[validate(range(min = 2000, max = 2100))]
    pub year: Option<i32>,
    /// Round every count to the nearest multiple of this (10, as published figures
    /// are); a count that is not 0 never rounds to 0.
    #[param(minimum = 2, maximum = 100, example = 10)]
    #[validate(range(min = 2, max = 100))]
    pub rounding: Option<u32>,
    /// Coordinators: preview what funders see (funders always get it).
    pub disclosure_control: Option<bool>,
}
