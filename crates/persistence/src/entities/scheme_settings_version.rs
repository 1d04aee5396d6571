use sea_orm::entity::prelude::*;

/// A version of a scheme's settings: what, when, by whom.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheme_settings_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub scheme_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i32,
    pub settings: String,
    pub changed_at: TimeDateTimeWithTimeZone,
    pub changed_by_subject: String,
    pub changed_by_organisation_id: Option<Uuid>,
    /// Comma-separated top-level settings that changed.
    pub changed_keys: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
