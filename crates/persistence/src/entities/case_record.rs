use sea_orm::entity::prelude::*;

/// A recorded contact, assessment visit, fire check or follow-up.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub event_id: Uuid,
    pub organisation_id: Uuid,
    pub kind: String,
    pub at: TimeDateTimeWithTimeZone,
    pub occurred_on: Option<TimeDate>,
    pub method: Option<String>,
    pub outcome: Option<String>,
    pub milestone_months: Option<i32>,
    pub feels_safer: Option<String>,
    /// At a follow-up contact: still living at home, further incidents (codes).
    pub still_at_home: Option<String>,
    pub further_incidents: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
