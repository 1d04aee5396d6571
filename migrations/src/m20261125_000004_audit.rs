//! The audit trail: one append-only, hash-chained record per read of a case's personal
//! data, per write and per denied attempt. `audit_head` holds the chain's last sequence
//! number and hash; every append updates it first, which serialises appends (a row
//! lock on PostgreSQL; SQLite's write transactions are serial anyway). Triggers refuse
//! UPDATE and DELETE of records on both databases.

use sea_orm_migration::sea_orm::{DatabaseBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvents {
    Table,
    Seq,
    Id,
    At,
    ActorSubject,
    OrganisationId,
    Role,
    Action,
    SchemeId,
    CaseId,
    Fields,
    RequestId,
    Outcome,
    PrevHash,
    Hash,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditHead {
    Table,
    Id,
    Seq,
    Hash,
}

/// The hash the first record links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const SQLITE_TRIGGERS: [&str; 2] = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
     BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events \
     BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END",
];

const POSTGRES_TRIGGERS: [&str; 2] = [
    "CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
     BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$",
    "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE \
     ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_integer(AuditEvents::Seq).primary_key())
                    .col(uuid_uniq(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(string_len(AuditEvents::ActorSubject, 255))
                    .col(uuid_null(AuditEvents::OrganisationId))
                    .col(string_len_null(AuditEvents::Role, 30))
                    .col(string_len(AuditEvents::Action, 60))
                    .col(uuid_null(AuditEvents::SchemeId))
                    .col(uuid_null(AuditEvents::CaseId))
                    .col(text(AuditEvents::Fields))
                    .col(string_len_null(AuditEvents::RequestId, 64))
                    .col(string_len(AuditEvents::Outcome, 10))
                    .col(string_len(AuditEvents::PrevHash, 64))
                    .col(string_len(AuditEvents::Hash, 64))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_audit_events_case", AuditEvents::CaseId),
            ("idx_audit_events_organisation", AuditEvents::OrganisationId),
            ("idx_audit_events_scheme", AuditEvents::SchemeId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuditEvents::Table)
                        .col(column)
                        .col(AuditEvents::Seq)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditHead::Table)
                    .col(integer(AuditHead::Id).primary_key())
                    .col(big_integer(AuditHead::Seq))
                    .col(string_len(AuditHead::Hash, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(AuditHead::Table)
                    .columns([AuditHead::Id, AuditHead::Seq, AuditHead::Hash])
                    .values_panic([1.into(), 0i64.into(), GENESIS.into()])
                    .to_owned(),
            )
            .await?;
        let backend = manager.get_database_backend();
        let triggers: &[&str] = match backend {
            DatabaseBackend::Sqlite => &SQLITE_TRIGGERS,
            DatabaseBackend::Postgres => &POSTGRES_TRIGGERS,
            _ => &[],
        };
        for sql in triggers {
            manager
                .get_connection()
                .execute_raw(Statement::from_string(backend, *sql))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        if backend == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP FUNCTION IF EXISTS audit_events_append_only CASCADE")
                .await?;
        }
        for table in [AuditHead::Table.into_iden(), AuditEvents::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
