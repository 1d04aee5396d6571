//! Reopening: a case's round (1, and one more each time a closed case is reopened) and
//! when it was last reopened (the report counts reopenings by it). Each round has its
//! own clocks, so a clock kind is unique per case and round; the last round's clocks
//! stay, with their breaches, beside the new ones.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    SchemeId,
    Round,
    ReopenedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseClocks {
    Table,
    CaseId,
    Kind,
    Round,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(integer(Cases::Round).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(timestamp_with_time_zone_null(Cases::ReopenedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cases_scheme_reopened")
                    .table(Cases::Table)
                    .col(Cases::SchemeId)
                    .col(Cases::ReopenedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CaseClocks::Table)
                    .add_column(integer(CaseClocks::Round).default(1))
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("uq_case_clocks_kind")
                    .table(CaseClocks::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_case_clocks_round_kind")
                    .table(CaseClocks::Table)
                    .col(CaseClocks::CaseId)
                    .col(CaseClocks::Round)
                    .col(CaseClocks::Kind)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("uq_case_clocks_round_kind")
                    .table(CaseClocks::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CaseClocks::Table)
                    .drop_column(CaseClocks::Round)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_case_clocks_kind")
                    .table(CaseClocks::Table)
                    .col(CaseClocks::CaseId)
                    .col(CaseClocks::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_cases_scheme_reopened")
                    .table(Cases::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Cases::Round, Cases::ReopenedAt] {
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
