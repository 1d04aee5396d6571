//! Where a document's encrypted chunks are: `database` (its `case_document_chunks`
//! rows, as until now) or `object_store` (objects named after the document and chunk).
//! Recorded per document, so a deployment that turns the object store on still reads
//! the documents stored before.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CaseDocuments {
    Table,
    StoredIn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CaseDocuments::Table)
                    .add_column(string_len(CaseDocuments::StoredIn, 20).default("database"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(CaseDocuments::Table)
                    .drop_column(CaseDocuments::StoredIn)
                    .to_owned(),
            )
            .await
    }
}
