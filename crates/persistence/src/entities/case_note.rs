use sea_orm::entity::prelude::*;

/// Free text: written as a note, or recorded with an action (its event).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub event_id: Uuid,
    pub kind: String,
    pub text: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub author_organisation_id: Option<Uuid>,
    /// The roles of the case it is shown to, beyond the coordinator and its author.
    pub to_referrer: bool,
    pub to_assessor: bool,
    pub to_contractor: bool,
    pub to_fire_service: bool,
    pub supersedes_id: Option<Uuid>,
    pub superseded_by_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
