use sea_orm::entity::prelude::*;

/// The coordinator's note on wider scheme work for one quarter of a reporting year.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "report_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scheme_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year_start: TimeDate,
    #[sea_orm(primary_key, auto_increment = false)]
    pub quarter: i16,
    pub text: String,
    pub updated_at: TimeDateTimeWithTimeZone,
    pub updated_by: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
