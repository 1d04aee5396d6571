use sea_orm::entity::prelude::*;

/// A timeline entry: who did what to a case, when (no personal values in `data`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    pub at: TimeDateTimeWithTimeZone,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor_subject: String,
    pub organisation_id: Uuid,
    pub role: String,
    /// A JSON object of codes, dates, ids and amounts.
    pub data: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
