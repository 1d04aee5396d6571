use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "schemes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub reference_prefix: String,
    pub nation: String,
    /// Scheme settings as JSON.
    pub settings: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub year_start_month: i32,
    pub year_start_day: i32,
    /// The settings version in force (see `scheme_settings_versions`).
    pub settings_version: i32,
    /// Bumped by every change; the ETag.
    pub version: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
