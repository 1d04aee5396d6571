//! What the scheme learnt when it closed a case: whether the client still lives at home,
//! feels safer, has had further incidents since the works, and where they were referred
//! on (codes only; null for cases closed before these were asked).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    CloseStillAtHome,
    CloseFeelsSafer,
    CloseFurtherIncidents,
    CloseOnwardReferrals,
}

const COLUMNS: [Cases; 4] = [
    Cases::CloseStillAtHome,
    Cases::CloseFeelsSafer,
    Cases::CloseFurtherIncidents,
    Cases::CloseOnwardReferrals,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .add_column(string_len_null(column, 120))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
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
