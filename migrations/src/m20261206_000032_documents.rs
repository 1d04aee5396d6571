//! Documents attached to a case: what each is (kind, type, size), who uploaded it and
//! whom it is shown to, its data key (sealed by the keyring, so rotation re-wraps keys,
//! not files) and, in numbered chunks, its content encrypted under that key (chunks
//! with no record are an upload not finished: unreadable, swept). Deleting a
//! document destroys its chunks and key and keeps the row as a tombstone.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CaseDocuments {
    Table,
    Id,
    CaseId,
    EventId,
    Kind,
    MediaType,
    SizeBytes,
    ChunkCount,
    DataKey,
    AuthorOrganisationId,
    ToReferrer,
    ToAssessor,
    ToContractor,
    ToFireService,
    CreatedAt,
    DeletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseDocumentChunks {
    Table,
    DocumentId,
    Seq,
    Data,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use CaseDocumentChunks as C;
        use CaseDocuments as D;
        manager
            .create_table(
                Table::create()
                    .table(D::Table)
                    .col(uuid(D::Id).primary_key())
                    .col(uuid(D::CaseId))
                    .col(uuid(D::EventId))
                    .col(string_len(D::Kind, 40))
                    .col(string_len(D::MediaType, 20))
                    .col(big_integer(D::SizeBytes))
                    .col(integer(D::ChunkCount))
                    // Null once the document is deleted.
                    .col(text_null(D::DataKey))
                    .col(uuid(D::AuthorOrganisationId))
                    .col(boolean(D::ToReferrer).default(false))
                    .col(boolean(D::ToAssessor).default(false))
                    .col(boolean(D::ToContractor).default(false))
                    .col(boolean(D::ToFireService).default(false))
                    .col(timestamp_with_time_zone(D::CreatedAt))
                    .col(timestamp_with_time_zone_null(D::DeletedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(D::Table, D::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_case_documents_case")
                    .table(D::Table)
                    .col(D::CaseId)
                    .col(D::Id)
                    .to_owned(),
            )
            .await?;
        // What an organisation has uploaded to a scheme's cases (its quota).
        manager
            .create_index(
                Index::create()
                    .name("idx_case_documents_author")
                    .table(D::Table)
                    .col(D::AuthorOrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(C::Table)
                    .col(uuid(C::DocumentId))
                    .col(integer(C::Seq))
                    .col(blob(C::Data))
                    .primary_key(Index::create().col(C::DocumentId).col(C::Seq))
                    // No foreign key: an upload's chunks are written before its record
                    // (which holds the key), each in a short transaction of its own.
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CaseDocumentChunks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(CaseDocuments::Table).to_owned())
            .await
    }
}
