//! After the works: how each fitted measure was found at its latest review, and its
//! removal (`ordered`, then `removed` at a cost) with the reason it was taken out.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum WorksItems {
    Table,
    Condition,
    Removal,
    RemovalReason,
    RemovalCostPence,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table a column at a time.
        for column in [
            string_len_null(WorksItems::Condition, 20),
            string_len_null(WorksItems::Removal, 20),
            string_len_null(WorksItems::RemovalReason, 40),
            big_integer_null(WorksItems::RemovalCostPence),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(WorksItems::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            WorksItems::RemovalCostPence,
            WorksItems::RemovalReason,
            WorksItems::Removal,
            WorksItems::Condition,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(WorksItems::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
