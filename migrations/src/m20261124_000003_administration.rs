//! Administration: administrator organisations, versions for ETags, reporting years,
//! versioned scheme settings (a case keeps the version it started under), revoked
//! tokens and the administration log.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Organisations {
    Table,
    Id,
    Name,
    IsAdministrator,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum Schemes {
    Table,
    Id,
    ReferencePrefix,
    Settings,
    CreatedAt,
    YearStartMonth,
    YearStartDay,
    SettingsVersion,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    PolicyVersion,
}

#[derive(DeriveIden, Clone, Copy)]
enum SchemeSettingsVersions {
    Table,
    SchemeId,
    Version,
    Settings,
    ChangedAt,
    ChangedBySubject,
    ChangedByOrganisationId,
    ChangedKeys,
}

#[derive(DeriveIden, Clone, Copy)]
enum RevokedTokens {
    Table,
    Jti,
    RevokedAt,
    RevokedBySubject,
    RevokedByOrganisationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum AdminEvents {
    Table,
    Id,
    At,
    ActorSubject,
    OrganisationId,
    Action,
    TargetKind,
    Target,
    Data,
}

/// SQLite adds one column per ALTER TABLE.
async fn add_column<T: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    column: ColumnDef,
) -> Result<(), DbErr> {
    let mut column = column;
    manager
        .alter_table(
            Table::alter()
                .table(table)
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

fn to_organisation<T: IntoIden + 'static>(
    table: T,
    col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Organisations::Table, Organisations::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            Organisations::Table,
            boolean(Organisations::IsAdministrator)
                .default(false)
                .to_owned(),
        )
        .await?;
        add_column(
            manager,
            Organisations::Table,
            big_integer(Organisations::Version).default(1).to_owned(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_organisations_name")
                    .table(Organisations::Table)
                    .col(Organisations::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Case references are unique across the deployment, so prefixes must be.
        manager
            .create_index(
                Index::create()
                    .name("uq_schemes_reference_prefix")
                    .table(Schemes::Table)
                    .col(Schemes::ReferencePrefix)
                    .unique()
                    .to_owned(),
            )
            .await?;
        add_column(
            manager,
            Schemes::Table,
            integer(Schemes::YearStartMonth).default(4).to_owned(),
        )
        .await?;
        add_column(
            manager,
            Schemes::Table,
            integer(Schemes::YearStartDay).default(1).to_owned(),
        )
        .await?;
        add_column(
            manager,
            Schemes::Table,
            integer(Schemes::SettingsVersion).default(1).to_owned(),
        )
        .await?;
        add_column(
            manager,
            Schemes::Table,
            big_integer(Schemes::Version).default(1).to_owned(),
        )
        .await?;
        add_column(
            manager,
            Cases::Table,
            integer(Cases::PolicyVersion).default(1).to_owned(),
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SchemeSettingsVersions::Table)
                    .col(uuid(SchemeSettingsVersions::SchemeId))
                    .col(integer(SchemeSettingsVersions::Version))
                    .col(text(SchemeSettingsVersions::Settings))
                    .col(timestamp_with_time_zone(SchemeSettingsVersions::ChangedAt))
                    .col(string_len(SchemeSettingsVersions::ChangedBySubject, 255))
                    .col(uuid_null(SchemeSettingsVersions::ChangedByOrganisationId))
                    .col(text(SchemeSettingsVersions::ChangedKeys))
                    .primary_key(
                        Index::create()
                            .col(SchemeSettingsVersions::SchemeId)
                            .col(SchemeSettingsVersions::Version),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                SchemeSettingsVersions::Table,
                                SchemeSettingsVersions::SchemeId,
                            )
                            .to(Schemes::Table, Schemes::Id),
                    )
                    .foreign_key(&mut to_organisation(
                        SchemeSettingsVersions::Table,
                        SchemeSettingsVersions::ChangedByOrganisationId,
                    ))
                    .to_owned(),
            )
            .await?;
        // Every existing scheme's settings become its version 1.
        let backfill = Query::insert()
            .into_table(SchemeSettingsVersions::Table)
            .columns([
                SchemeSettingsVersions::SchemeId,
                SchemeSettingsVersions::Version,
                SchemeSettingsVersions::Settings,
                SchemeSettingsVersions::ChangedAt,
                SchemeSettingsVersions::ChangedBySubject,
                SchemeSettingsVersions::ChangedKeys,
            ])
            .select_from(
                Query::select()
                    .column(Schemes::Id)
                    .expr(Expr::val(1))
                    .column(Schemes::Settings)
                    .column(Schemes::CreatedAt)
                    .expr(Expr::val("migration"))
                    .expr(Expr::val(""))
                    .from(Schemes::Table)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.exec_stmt(backfill).await?;

        manager
            .create_table(
                Table::create()
                    .table(RevokedTokens::Table)
                    .col(string_len(RevokedTokens::Jti, 255).primary_key())
                    .col(timestamp_with_time_zone(RevokedTokens::RevokedAt))
                    .col(string_len(RevokedTokens::RevokedBySubject, 255))
                    .col(uuid_null(RevokedTokens::RevokedByOrganisationId))
                    .foreign_key(&mut to_organisation(
                        RevokedTokens::Table,
                        RevokedTokens::RevokedByOrganisationId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AdminEvents::Table)
                    .col(uuid(AdminEvents::Id).primary_key())
                    .col(timestamp_with_time_zone(AdminEvents::At))
                    .col(string_len(AdminEvents::ActorSubject, 255))
                    .col(uuid_null(AdminEvents::OrganisationId))
                    .col(string_len(AdminEvents::Action, 60))
                    .col(string_len(AdminEvents::TargetKind, 30))
                    .col(string_len(AdminEvents::Target, 100))
                    .col(text(AdminEvents::Data))
                    .foreign_key(&mut to_organisation(
                        AdminEvents::Table,
                        AdminEvents::OrganisationId,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AdminEvents::Table.into_iden(),
            RevokedTokens::Table.into_iden(),
            SchemeSettingsVersions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for (name, table) in [
            ("uq_organisations_name", Organisations::Table.into_iden()),
            ("uq_schemes_reference_prefix", Schemes::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for (table, column) in [
            (Cases::Table.into_iden(), Cases::PolicyVersion.into_iden()),
            (Schemes::Table.into_iden(), Schemes::Version.into_iden()),
            (
                Schemes::Table.into_iden(),
                Schemes::SettingsVersion.into_iden(),
            ),
            (
                Schemes::Table.into_iden(),
                Schemes::YearStartDay.into_iden(),
            ),
            (
                Schemes::Table.into_iden(),
                Schemes::YearStartMonth.into_iden(),
            ),
            (
                Organisations::Table.into_iden(),
                Organisations::Version.into_iden(),
            ),
            (
                Organisations::Table.into_iden(),
                Organisations::IsAdministrator.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
