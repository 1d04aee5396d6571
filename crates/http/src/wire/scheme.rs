//! Schemes, their settings history, and holidays on the wire.

use sanctuary_domain::organisation::Role;
use sanctuary_domain::scheme::{Nation, SchemeCode, YearStart, check_reference_prefix};
use sanctuary_domain::settings::SchemeSettings;
use sanctuary_domain::violation::{ViolationCode, Violations};
use sanctuary_persistence::schemes::{Scheme, SchemeChanges, SettingsVersion};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// A scheme. `settings` is shown to the scheme's coordinator and to administrators.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchemeView {
    #[schema(example = "darlington")]
    #[schema(max_length = 40)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    /// Whose bank holidays count as non-working days.
    pub nation: Nation,
    /// First day of the reporting year, `MM-DD`.
    #[schema(example = "04-01")]
    #[schema(max_length = 5)]
    pub year_start: String,
    /// The start of every case reference, e.g. `DAR` in `DAR-2026-0001`.
    #[schema(example = "DAR")]
    #[schema(max_length = 8)]
    pub reference_prefix: String,
    /// The settings version new cases start under (cases keep theirs).
    pub settings_version: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<SchemeSettings>,
    /// The caller's organisation's roles in the scheme.
    pub your_roles: Vec<Role>,
}

impl SchemeView {
    pub fn new(scheme: Scheme, with_settings: bool, your_roles: Vec<Role>) -> Self {
        Self {
            code: scheme.code.to_string(),
            name: scheme.name,
            nation: scheme.nation,
            year_start: scheme.year_start.to_string(),
            reference_prefix: scheme.reference_prefix,
            settings_version: scheme.settings_version,
            settings: with_settings.then_some(scheme.settings),
            your_roles,
        }
    }
}

/// A new scheme. Omitted settings take the product's defaults.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "south-essex", "name": "South Essex Sanctuary Scheme", "nation": "england_and_wales", "reference_prefix": "SES", "year_start": "04-01", "settings": {"household_budget_limit_pence": 250000}}))]
pub struct NewSchemeBody {
    /// Lower-case slug; immutable.
    #[schema(
        required = true,
        nullable = false,
        min_length = 2,
        max_length = 40,
        pattern = r"^[a-z0-9][a-z0-9-]*[a-z0-9]$"
    )]
    pub code: Option<String>,
    #[schema(
        required = true,
        nullable = false,
        min_length = 1,
        max_length = 200,
        pattern = r"\S"
    )]
    pub name: Option<String>,
    #[schema(required = true, nullable = false)]
    pub nation: Option<Nation>,
    /// 2 to 8 upper-case letters or digits; unique; immutable.
    #[schema(
        required = true,
        nullable = false,
        min_length = 2,
        max_length = 8,
        pattern = r"^[A-Z][A-Z0-9]+$"
    )]
    pub reference_prefix: Option<String>,
    /// `MM-DD`; default `04-01`.
    #[schema(pattern = r"^[0-9]{2}-[0-9]{2}$")]
    #[schema(max_length = 5)]
    pub year_start: Option<String>,
    pub settings: Option<SchemeSettings>,
}

/// A new scheme, checked.
pub struct NewSchemeInput {
    pub code: SchemeCode,
    pub name: String,
    pub nation: Nation,
    pub reference_prefix: String,
    pub year_start: YearStart,
    pub settings: SchemeSettings,
}

impl NewSchemeBody {
    /// Fields are optional on the wire type only so that the schema's findings and
    /// these rules are reported together; a missing one is an error here.
    pub fn parse(self) -> Result<NewSchemeInput, Violations> {
        let mut v = Violations::new();
        let mut required = |pointer: &str, present: bool| {
            if !present {
                v.add(pointer, ViolationCode::Required, "is required");
            }
        };
        required("/code", self.code.is_some());
        required("/name", self.name.is_some());
        required("/nation", self.nation.is_some());
        required("/reference_prefix", self.reference_prefix.is_some());
        let code = self
            .code
            .as_deref()
            .and_then(|c| v.check("/code", SchemeCode::parse(c)));
        if let Some(prefix) = &self.reference_prefix {
            v.check("/reference_prefix", check_reference_prefix(prefix));
        }
        let year_start = match &self.year_start {
            Some(text) => v.check("/year_start", YearStart::parse(text)),
            None => Some(YearStart::default()),
        };
        let settings = self.settings.unwrap_or_default();
        v.absorb("/settings", settings.violations());
        match (
            code,
            self.name,
            self.nation,
            self.reference_prefix,
            year_start,
        ) {
            (Some(code), Some(name), Some(nation), Some(reference_prefix), Some(year_start))
                if v.is_empty() =>
            {
                Ok(NewSchemeInput {
                    code,
                    name: name.trim().to_owned(),
                    nation,
                    reference_prefix,
                    year_start,
                    settings,
                })
            }
            _ => Err(v),
        }
    }
}

/// Changes to a scheme's details; omitted fields keep their values. Settings have
/// their own resource.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Darlington Borough Sanctuary Scheme", "year_start": "04-01"}))]
pub struct SchemePatchBody {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    pub nation: Option<Nation>,
    /// `MM-DD`.
    #[schema(pattern = r"^[0-9]{2}-[0-9]{2}$")]
    #[schema(max_length = 5)]
    pub year_start: Option<String>,
}

impl SchemePatchBody {
    pub fn parse(self) -> Result<SchemeChanges, Violations> {
        let mut v = Violations::new();
        let year_start = self
            .year_start
            .as_deref()
            .and_then(|t| v.check("/year_start", YearStart::parse(t)));
        v.into_result(SchemeChanges {
            name: self.name.map(|n| n.trim().to_owned()),
            nation: self.nation,
            year_start,
        })
    }
}

/// One version of a scheme's settings: who made it, when, and which settings changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettingsVersionView {
    pub version: i32,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub changed_at: OffsetDateTime,
    /// The subject of the token that made the change (or the tool, e.g. `sanctuary admin init`).
    #[schema(max_length = 255)]
    pub changed_by: String,
    pub changed_by_organisation_id: Option<Uuid>,
    /// The top-level settings that differ from the previous version.
    pub changed_keys: Vec<String>,
}

impl From<SettingsVersion> for SettingsVersionView {
    fn from(v: SettingsVersion) -> Self {
        Self {
            version: v.version,
            changed_at: v.changed_at,
            changed_by: v.changed_by_subject,
            changed_by_organisation_id: v.changed_by_organisation_id,
            changed_keys: v.changed_keys,
        }
    }
}

/// A non-working day in a nation's calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HolidayView {
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    #[schema(max_length = 100)]
    pub name: String,
    /// `shipped` (the bank-holiday table) or `added` (by an administrator).
    #[schema(example = "shipped")]
    pub source: HolidaySource,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HolidaySource {
    Shipped,
    Added,
}

/// Which calendar to list.
#[derive(Debug, Clone, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HolidaysQuery {
    pub nation: Nation,
    /// Only this calendar year.
    #[param(minimum = 2000, maximum = 2100)]
    #[validate(range(min = 2000, max = 2100))]
    pub year: Option<i32>,
}

/// A one-off holiday to add to a nation's calendar (e.g. a state funeral).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"nation": "england_and_wales", "date": "2027-05-10", "name": "Bank holiday for a state occasion"}))]
pub struct HolidayBody {
    pub nation: Nation,
    #[serde(with = "sanctuary_domain::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
}
