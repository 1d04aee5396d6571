//! The referral form on the wire.
//!
//! Mandatory fields are `Option` in Rust but `required` in the schema: the contract
//! check reports them missing, and parsing stays possible so the domain rules can be
//! checked in the same pass (every error at once).

mod dash;
#[cfg(test)]
mod fuzz;
mod parse;
mod render;

use sanctuary_domain::consent::{ConsentDecision, ConsentMethod};
use sanctuary_domain::referral::{
    AccommodationType, Disability, Ethnicity, Gender, SexualOrientation, Tenure, YesNo,
};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

pub use dash::DashAnswersSection;

/// Every field of the Standing Together Sanctuary Scheme referral form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::referral_full)]
pub struct ReferralForm {
    /// The code of the scheme referred into (lower-case letters, digits and hyphens).
    #[schema(
        required = true,
        nullable = false,
        max_length = 40,
        pattern = r"^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$",
        example = "darlington"
    )]
    pub scheme: Option<String>,
    /// Your own reference for this referral; unique per organisation.
    #[schema(max_length = 100)]
    pub external_reference: Option<String>,
    /// The referrer considers the need urgent (the scheme's urgent clocks run).
    /// Defaults to false.
    pub urgent: Option<bool>,
    /// Why it is urgent (e.g. the perpetrator is due for release; interim measures
    /// needed now).
    #[schema(max_length = 2000)]
    pub urgent_reason: Option<String>,
    /// The client came to the scheme directly (phone, walk-in, the council's online
    /// form): the scheme's coordinator enters the referral, with its own staff as the
    /// referrer, and the report counts it as a self-referral. Defaults to false (a
    /// partner's referral, posted with the referrer role).
    pub self_referral: Option<bool>,
    #[schema(required = true, nullable = false)]
    pub referrer: Option<ReferrerSection>,
    #[schema(required = true, nullable = false)]
    pub client: Option<ClientSection>,
    /// Optional: anything left out counts as unknown.
    pub demographics: Option<DemographicsSection>,
    pub support_needs: Option<SupportNeedsSection>,
    #[schema(required = true, nullable = false)]
    pub household: Option<HouseholdSection>,
    #[schema(required = true, nullable = false)]
    pub safety: Option<SafetySection>,
    pub installation: Option<InstallationSection>,
    #[schema(required = true, nullable = false)]
    pub consents: Option<ConsentsSection>,
}

/// The professional completing the referral. Give an email or a phone number (or both).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferrerSection {
    #[schema(required = true, nullable = false, pattern = r"\S", max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 200)]
    pub job_title: Option<String>,
    #[schema(max_length = 200)]
    pub organisation_name: Option<String>,
    #[schema(max_length = 254, format = "email")]
    pub email: Option<String>,
    /// 7 to 15 digits, with spaces, dashes, brackets and a leading `+` if wished.
    #[schema(
        max_length = 30,
        example = "03000 202525",
        pattern = r"^\+?[ ()-]*([0-9][ ()-]*){7,15}$"
    )]
    pub phone: Option<String>,
}

/// The victim/survivor whose home is to be made safer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientSection {
    #[schema(required = true, nullable = false, pattern = r"\S", max_length = 200)]
    pub name: Option<String>,
    /// The client must be 16 or older.
    #[schema(required = true, nullable = false)]
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    pub date_of_birth: Option<Date>,
    /// Where the installations are required.
    #[schema(required = true, nullable = false)]
    pub address: Option<AddressSection>,
    /// 7 to 15 digits, with spaces, dashes, brackets and a leading `+` if wished.
    #[schema(
        required = true,
        nullable = false,
        pattern = r"^\+?[ ()-]*([0-9][ ()-]*){7,15}$",
        max_length = 30
    )]
    pub phone: Option<String>,
    /// Times when it is not safe to contact the client ("None known" if none).
    #[schema(required = true, nullable = false, pattern = r"\S", max_length = 1000)]
    pub unsafe_contact_times: Option<String>,
    /// The same as days and times of day (UK time), so that no visit is booked inside
    /// one (`book-visit` answers 422 `unsafe_contact_time`). Optional; up to 14.
    #[schema(max_items = 14)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsafe_contact_windows: Option<Vec<sanctuary_domain::visits::ContactWindow>>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressSection {
    #[schema(required = true, nullable = false, pattern = r"\S", max_length = 200)]
    pub line1: Option<String>,
    #[schema(max_length = 200)]
    pub line2: Option<String>,
    #[schema(required = true, nullable = false, pattern = r"\S", max_length = 100)]
    pub town: Option<String>,
    /// A valid UK postcode; returned normalised (e.g. "DL1 1AA").
    #[schema(
        required = true,
        nullable = false,
        max_length = 10,
        pattern = r"\S",
        example = "DL1 1AA"
    )]
    pub postcode: Option<String>,
}

/// Demographics, as far as the client chose to say. Anything absent counts as unknown.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DemographicsSection {
    pub gender: Option<Gender>,
    /// Required when `gender` is `self_describe`.
    #[schema(max_length = 200)]
    pub gender_self_description: Option<String>,
    pub gender_identity_same_as_sex_at_birth: Option<YesNo>,
    pub sexual_orientation: Option<SexualOrientation>,
    /// Required when `sexual_orientation` is `self_describe`.
    #[schema(max_length = 200)]
    pub sexual_orientation_self_description: Option<String>,
    pub ethnicity: Option<Ethnicity>,
    /// Required when `ethnicity` is `self_describe`.
    #[schema(max_length = 200)]
    pub ethnicity_self_description: Option<String>,
    pub interpreter_needed: Option<bool>,
    /// Required when an interpreter is needed.
    #[schema(max_length = 100)]
    pub interpreter_language: Option<String>,
    /// Any that apply, each once; `none` and `prefer_not_to_say` stand alone.
    #[schema(max_items = 6)]
    pub disabilities: Option<Vec<Disability>>,
    /// Adjustments that may be needed to support the client.
    #[schema(max_length = 4000)]
    pub adjustments: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportNeedsSection {
    pub no_recourse_to_public_funds: Option<bool>,
    pub pregnant: Option<bool>,
    /// An adult with care and support needs (Care Act 2014).
    pub care_and_support_needs: Option<bool>,
    /// Any other additional support need.
    #[schema(max_length = 4000)]
    pub other: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdSection {
    pub accommodation_type: Option<AccommodationType>,
    /// Required when `accommodation_type` is `other`.
    #[schema(max_length = 200)]
    pub accommodation_other: Option<String>,
    #[schema(required = true, nullable = false)]
    pub tenure: Option<Tenure>,
    /// Required when `tenure` is `other`.
    #[schema(max_length = 200)]
    pub tenure_other: Option<String>,
    /// Names on the tenancy or mortgage.
    #[schema(max_items = 10, inline)]
    pub names_on_tenancy: Option<Vec<NameOnTenancy>>,
    /// Ages of the dependent children (0–17); the list's length is their number.
    #[schema(max_items = 20, inline)]
    pub children_ages: Option<Vec<ChildAge>>,
    /// Whether the client wishes to remain in the home.
    pub client_wishes_to_remain: Option<bool>,
}

/// A name on the tenancy or mortgage.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(max_length = 200, min_length = 1)]
pub struct NameOnTenancy(pub String);

/// A dependent child's age in years.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(minimum = 0, maximum = 17)]
pub struct ChildAge(pub u8);

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SafetySection {
    #[schema(max_length = 200)]
    pub perpetrator_name: Option<String>,
    /// Where the perpetrator lives; whether they have tried to gain entry.
    #[schema(max_length = 4000)]
    pub perpetrator_whereabouts: Option<String>,
    /// Whether the perpetrator still lives at the property.
    pub perpetrator_lives_at_property: Option<bool>,
    /// Recent incidents and risks (e.g. arson, breaking in, police involvement).
    #[schema(max_length = 4000)]
    pub recent_incidents: Option<String>,
    #[schema(required = true, nullable = false)]
    pub dash: Option<DashSection>,
    pub marac: Option<MaracSection>,
    #[schema(required = true, nullable = false)]
    pub police: Option<PoliceSection>,
    #[schema(required = true, nullable = false)]
    pub arson_risk: Option<ArsonRiskSection>,
    /// Other risks from the perpetrator or people connected to them (weapons, occupation).
    #[schema(max_length = 4000)]
    pub other_concerns: Option<String>,
    pub specialist_service: Option<SpecialistServiceSection>,
    /// Interim measures required for safety (e.g. emergency lock change).
    #[schema(max_length = 4000)]
    pub interim_measures: Option<String>,
    /// Concerns the perpetrator may find out about the installation.
    #[schema(max_length = 4000)]
    pub concerns_perpetrator_finds_out: Option<String>,
    /// Concerns the perpetrator may be let into the property.
    #[schema(max_length = 4000)]
    pub concerns_perpetrator_let_in: Option<String>,
    pub civil_order: Option<CivilOrderSection>,
}

/// The DASH risk identification checklist: the RIC score, or the answers (all 27, or the
/// SafeLives 24 without q10–q12), or both (then they must agree).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DashSection {
    #[schema(required = true, nullable = false)]
    pub completed: Option<bool>,
    /// The number of "yes" answers.
    #[schema(minimum = 0, maximum = 27)]
    pub score: Option<u8>,
    pub answers: Option<DashAnswersSection>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaracSection {
    #[schema(required = true, nullable = false)]
    pub referred: Option<bool>,
    /// Required when referred.
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    pub meeting_date: Option<Date>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoliceSection {
    #[schema(required = true, nullable = false)]
    pub involved: Option<bool>,
    #[schema(max_length = 4000)]
    pub details: Option<String>,
    /// Required when the police are involved, unless `crime_reference_missing_reason` is given.
    #[schema(max_length = 50)]
    pub crime_reference: Option<String>,
    #[schema(max_length = 500)]
    pub crime_reference_missing_reason: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArsonRiskSection {
    #[schema(required = true, nullable = false)]
    pub present: Option<bool>,
    #[schema(max_length = 4000)]
    pub details: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialistServiceSection {
    #[schema(required = true, nullable = false)]
    pub referred: Option<bool>,
    #[schema(max_length = 4000)]
    pub details: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CivilOrderSection {
    #[schema(required = true, nullable = false)]
    pub in_place: Option<bool>,
    /// Required when an order is in place.
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    pub expires_on: Option<Date>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstallationSection {
    /// Requests or needs that affect the installation (e.g. restricted mobility).
    #[schema(max_length = 4000)]
    pub requests: Option<String>,
    /// Requests or concerns about the works (e.g. a man entering, a password).
    #[schema(max_length = 4000)]
    pub concerns: Option<String>,
}

/// The four consents, all answered, with how and when they were obtained.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentsSection {
    /// To have the Sanctuary measures installed. Without it the case cannot progress.
    #[schema(required = true, nullable = false)]
    pub installation: Option<ConsentDecision>,
    /// For the scheme to contact the landlord for permission.
    #[schema(required = true, nullable = false)]
    pub landlord_contact: Option<ConsentDecision>,
    /// To share information with the organisations delivering the scheme. Without it the
    /// case cannot progress.
    #[schema(required = true, nullable = false)]
    pub information_sharing: Option<ConsentDecision>,
    /// To be contacted 3–6 months after installation for feedback.
    #[schema(required = true, nullable = false)]
    pub follow_up_contact: Option<ConsentDecision>,
    #[schema(required = true, nullable = false)]
    pub method: Option<ConsentMethod>,
    /// When consent was obtained; not in the future.
    #[schema(required = true, nullable = false)]
    #[serde(default, with = "sanctuary_domain::iso_date::option")]
    pub obtained_on: Option<Date>,
}
