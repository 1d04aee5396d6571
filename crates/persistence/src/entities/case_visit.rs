use sea_orm::entity::prelude::*;

/// A visit to the home booked on a case, and how it went.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    /// `assessment`, `installation` or `follow_up`.
    pub kind: String,
    pub visit_date: TimeDate,
    /// `HH:MM`, UK time.
    pub window_from: String,
    pub window_to: String,
    pub booked_by: Uuid,
    pub booked_at: TimeDateTimeWithTimeZone,
    pub outcome: Option<String>,
    pub outcome_at: Option<TimeDateTimeWithTimeZone>,
    pub rebooked_as: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
