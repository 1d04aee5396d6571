use sea_orm::entity::prelude::*;

/// A document attached to a case (its content is in `case_document_chunks` or the
/// object store, as `stored_in` says).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_documents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    /// The timeline entry that records the upload.
    pub event_id: Uuid,
    pub kind: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub chunk_count: i32,
    /// The document's own key, sealed by the keyring; `None` once deleted.
    pub data_key: Option<String>,
    pub author_organisation_id: Uuid,
    pub to_referrer: bool,
    pub to_assessor: bool,
    pub to_contractor: bool,
    pub to_fire_service: bool,
    pub created_at: TimeDateTimeWithTimeZone,
    pub deleted_at: Option<TimeDateTimeWithTimeZone>,
    /// Where its chunks are: `database` or `object_store`.
    pub stored_in: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::case::Entity",
        from = "Column::CaseId",
        to = "super::case::Column::Id"
    )]
    Case,
}

impl ActiveModelBehavior for ActiveModel {}
