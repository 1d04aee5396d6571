//! The scheme's budget per reporting year (its funding streams, versioned like the
//! settings), and on each case the stream its works are charged to: the budget year,
//! the stream's name and when the works were approved (the committed figures'
//! quarter). Indexed for the budget's sums: a scheme's charged cases of a year.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SchemeBudgets {
    Table,
    SchemeId,
    YearStart,
    Streams,
    Version,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    SchemeId,
    FundingYear,
    FundingStream,
    FundingChargedAt,
}

const INDEX: &str = "idx_cases_scheme_funding_year";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use SchemeBudgets as B;
        manager
            .create_table(
                Table::create()
                    .table(B::Table)
                    .col(uuid(B::SchemeId))
                    .col(date(B::YearStart))
                    .col(text(B::Streams))
                    .col(integer(B::Version))
                    .col(timestamp_with_time_zone(B::UpdatedAt))
                    .col(uuid(B::UpdatedBy))
                    .primary_key(Index::create().col(B::SchemeId).col(B::YearStart))
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters a table a column at a time.
        for column in [
            date_null(Cases::FundingYear),
            string_len_null(Cases::FundingStream, 100),
            timestamp_with_time_zone_null(Cases::FundingChargedAt),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Cases::Table)
                    .col(Cases::SchemeId)
                    .col(Cases::FundingYear)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Cases::Table).to_owned())
            .await?;
        for column in [
            Cases::FundingChargedAt,
            Cases::FundingStream,
            Cases::FundingYear,
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
        manager
            .drop_table(Table::drop().table(SchemeBudgets::Table).to_owned())
            .await
    }
}
