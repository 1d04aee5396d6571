use sea_orm::entity::prelude::*;

/// A referring agency's feedback on the scheme: three ratings, 1 to 5, and an optional
/// comment sealed at rest (readable by the coordinator only).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheme_feedback")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub scheme_id: Uuid,
    pub organisation_id: Uuid,
    pub received_at: TimeDateTimeWithTimeZone,
    pub speed: i16,
    pub communication: i16,
    pub outcome: i16,
    pub comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
