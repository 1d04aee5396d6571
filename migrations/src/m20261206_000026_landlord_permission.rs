//! The landlord's permission on each case: `not_needed`, `required`, `requested`,
//! `granted` or `refused`, with the dates it was asked for and decided. Cases from
//! before: those still open and not yet ordered, on a rented tenure (the default
//! setting's), need it now (`required`) — the works wait for it; every other case
//! records `not_needed`.

use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    LandlordPermission,
    LandlordPermissionRequestedOn,
    LandlordPermissionDecidedOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Cases::Table)
                    .add_column(string_len(Cases::LandlordPermission, 20).default("not_needed"))
                    .to_owned(),
            )
            .await?;
        for column in [
            Cases::LandlordPermissionRequestedOn,
            Cases::LandlordPermissionDecidedOn,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Cases::Table)
                        .add_column(date_null(column))
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        let before_order = "'received', 'accepted', 'assessment', 'assessed', 'works_approved'";
        let sql = format!(
            "UPDATE cases SET landlord_permission = 'required' \
             WHERE tenure IN ('council_housing', 'housing_association', 'privately_rented', \
             'sheltered_or_supported', 'refuge') AND (status IN ({before_order}) \
             OR (status = 'on_hold' AND held_from IN ({before_order})))"
        );
        db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Cases::LandlordPermission,
            Cases::LandlordPermissionRequestedOn,
            Cases::LandlordPermissionDecidedOn,
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
