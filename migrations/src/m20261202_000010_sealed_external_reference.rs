//! The partner's external reference leaves the clear: its value lives only in the
//! sealed referral, and its uniqueness per organisation is enforced on a keyed blind
//! index. Existing plaintext values are moved by the service at start-up (sealing needs
//! the keyring, which migrations never see).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    ReferringOrganisationId,
    ExternalReferenceIndex,
}

const INDEX: &str = "uq_cases_external_reference_index";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(string_null(Cases::ExternalReferenceIndex))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Cases::Table)
                    .col(Cases::ReferringOrganisationId)
                    .col(Cases::ExternalReferenceIndex)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Cases::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(Cases::ExternalReferenceIndex)
                    .to_owned(),
            )
            .await
    }
}
