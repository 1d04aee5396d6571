use sea_orm::entity::prelude::*;

/// A risk assessment: the referral's, then every reassessment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "risk_assessments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub organisation_id: Uuid,
    pub recorded_at: TimeDateTimeWithTimeZone,
    /// `referral` or `reassessment`.
    pub source: String,
    pub dash_completed: bool,
    pub dash_score: Option<i16>,
    /// JSON object of answers by question code.
    pub dash_answers: Option<String>,
    pub judgement: Option<String>,
    pub level: Option<String>,
    pub incidents_last_12_months: Option<i32>,
    pub marac_referred: Option<bool>,
    pub marac_date: Option<TimeDate>,
    pub new_incident: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
