use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub scheme_id: Uuid,
    pub referring_organisation_id: Uuid,
    #[sea_orm(unique)]
    pub reference: String,
    pub status: String,
    /// Bumped by every change; the ETag.
    pub version: i64,
    pub received_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub urgent: bool,
    /// Legacy only: the partner's reference in the clear, until the service seals it at
    /// start-up (`intake::seal_legacy_external_references`); new cases leave it empty.
    pub external_reference: Option<String>,
    /// Keyed blind index of the partner's reference (its value is in the sealed
    /// referral); unique per referring organisation.
    pub external_reference_index: Option<String>,
    pub referral_source: String,
    /// Comma-separated flag codes.
    pub flags: String,
    /// Comma-separated progress block codes.
    pub progress_blocks: String,
    pub dash_completed: bool,
    pub dash_score: Option<i16>,
    pub risk_level: Option<String>,
    pub marac_referred: Option<bool>,
    pub police_involved: bool,
    pub arson_risk: bool,
    pub gender: Option<String>,
    pub gender_identity_differs: Option<bool>,
    pub ethnicity: Option<String>,
    pub interpreter_needed: Option<bool>,
    pub disability_physical: bool,
    pub disability_learning: bool,
    pub disability_mental_illness: bool,
    pub disability_mental_impairment: bool,
    pub disability_none: bool,
    pub disability_prefer_not_to_say: bool,
    pub age_band: String,
    pub no_recourse_to_public_funds: Option<bool>,
    pub pregnant: Option<bool>,
    pub other_support_needs: bool,
    pub accommodation_type: Option<String>,
    pub tenure: String,
    pub children_count: i32,
    pub children_age_sum: i32,
    pub consent_installation: String,
    pub consent_landlord_contact: String,
    pub consent_information_sharing: String,
    pub consent_follow_up_contact: String,
    pub held_from: Option<String>,
    pub hold_reason: Option<String>,
    pub assessor_organisation_id: Option<Uuid>,
    pub contractor_organisation_id: Option<Uuid>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub decline_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub close_reason: Option<String>,
    pub ended_at: Option<TimeDateTimeWithTimeZone>,
    pub works_completed_at: Option<TimeDateTimeWithTimeZone>,
    pub approved_cost_pence: Option<i64>,
    pub works_cost_pence: Option<i64>,
    pub funder_approval_reference: Option<String>,
    /// The budget year (its first day) and stream the works are charged to, and when.
    pub funding_year: Option<TimeDate>,
    pub funding_stream: Option<String>,
    pub funding_charged_at: Option<TimeDateTimeWithTimeZone>,
    pub fire_check_recorded_at: Option<TimeDateTimeWithTimeZone>,
    pub first_contact_at: Option<TimeDateTimeWithTimeZone>,
    /// Comma-separated eligibility warning codes.
    pub eligibility_warnings: String,
    pub marac_date: Option<TimeDate>,
    pub care_and_support_needs: bool,
    /// When the client was referred to adult safeguarding (`record-referral-made`).
    pub safeguarding_referred_on: Option<TimeDate>,
    /// Roles a safeguarding decision shares the case with (comma-separated).
    pub safeguarding_sharing_with: String,
    /// A safeguarding decision lets the landlord be contacted without consent.
    pub safeguarding_landlord_contact: bool,
    /// A recommended, approved or fitted measure needs a fire check.
    pub fire_check_measures: bool,
    /// Until when the contractor keeps its view (null: while it holds the order).
    pub contractor_access_until: Option<TimeDateTimeWithTimeZone>,
    /// The case's standing with the fire service's register (`active`, `removed`;
    /// null: never on it), and with the police's.
    pub fire_register: Option<String>,
    pub police_register: Option<String>,
    /// At closing: still living at home, feels safer, further incidents (codes), and
    /// the onward referrals made (comma-separated codes).
    pub close_still_at_home: Option<String>,
    pub close_feels_safer: Option<String>,
    pub close_further_incidents: Option<String>,
    pub close_onward_referrals: Option<String>,
    /// The landlord's permission (`not_needed`, `required`, `requested`, `granted`,
    /// `refused`), and when it was asked for and decided.
    pub landlord_permission: String,
    pub landlord_permission_requested_on: Option<TimeDate>,
    pub landlord_permission_decided_on: Option<TimeDate>,
    /// When interim measures were first fitted.
    pub interim_fitted_at: Option<TimeDateTimeWithTimeZone>,
    /// Where the client is staying while out of the home (a kind; null: at home).
    pub emergency_accommodation: Option<String>,
    /// 1, and one more each time the case is reopened; when it last was.
    pub round: i32,
    pub reopened_at: Option<TimeDateTimeWithTimeZone>,
    pub client_match_key: String,
    pub address_match_key: String,
    pub repeat_of_case_id: Option<Uuid>,
    /// The scheme settings version the case started under; its rules apply to it.
    pub policy_version: i32,
    pub works_may_continue: bool,
    pub legal_hold: bool,
    pub anonymised_at: Option<TimeDateTimeWithTimeZone>,
    pub days_to_installation: Option<i32>,
    pub sexual_orientation: Option<String>,
    /// Whether the referral gave the number of children (the report's Unknown).
    pub children_given: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::scheme::Entity",
        from = "Column::SchemeId",
        to = "super::scheme::Column::Id"
    )]
    Scheme,
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::ReferringOrganisationId",
        to = "super::organisation::Column::Id"
    )]
    ReferringOrganisation,
}

impl Related<super::scheme::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Scheme.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
