//! Until when the contractor keeps its view of a case: set when the works are completed
//! or the case ends (the scheme's `contractor_access_days` later), cleared by a new
//! order. Cases from before this column count from their works' completion with the
//! default 30 days (`CaseSummary::ties`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Cases {
    Table,
    ContractorAccessUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(timestamp_with_time_zone_null(Cases::ContractorAccessUntil))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .drop_column(Cases::ContractorAccessUntil)
                    .to_owned(),
            )
            .await
    }
}
