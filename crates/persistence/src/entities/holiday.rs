use sea_orm::entity::prelude::*;

/// A holiday an administrator added to a nation's calendar.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "holidays")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub nation: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub date: TimeDate,
    pub name: String,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
