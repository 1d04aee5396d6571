//! The safeguarding decisions standing on a case: the roles it is shared with without
//! consent (comma-separated, empty for none) and whether the landlord may be contacted
//! without consent. Each decision itself (basis, reason, officer, review date) is on the
//! timeline, its free text sealed with the notes.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    SafeguardingSharingWith,
    SafeguardingLandlordContact,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(string(Cases::SafeguardingSharingWith).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(boolean(Cases::SafeguardingLandlordContact).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Cases::SafeguardingSharingWith,
            Cases::SafeguardingLandlordContact,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
