use sea_orm::entity::prelude::*;

/// A scheme's budget for one reporting year: its funding streams (JSON), versioned.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheme_budgets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scheme_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year_start: TimeDate,
    pub streams: String,
    pub version: i32,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
