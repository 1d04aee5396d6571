//! What the works achieved: a follow-up contact also records whether the client still
//! lives at home and whether there were further incidents (codes), indexed for the
//! report's count of contacts by date; and referring agencies' feedback on the scheme
//! (ratings 1–5, the comment sealed), indexed by scheme and date received.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CaseRecords {
    Table,
    Kind,
    OccurredOn,
    StillAtHome,
    FurtherIncidents,
}

#[derive(DeriveIden, Clone, Copy)]
enum SchemeFeedback {
    Table,
    Id,
    SchemeId,
    OrganisationId,
    ReceivedAt,
    Speed,
    Communication,
    Outcome,
    Comment,
}

const RECORDS_INDEX: &str = "idx_case_records_kind_occurred_on";
const FEEDBACK_INDEX: &str = "idx_scheme_feedback_scheme_received_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table a column at a time.
        for column in [CaseRecords::StillAtHome, CaseRecords::FurtherIncidents] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseRecords::Table)
                        .add_column(string_len_null(column, 20))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(RECORDS_INDEX)
                    .table(CaseRecords::Table)
                    .col(CaseRecords::Kind)
                    .col(CaseRecords::OccurredOn)
                    .to_owned(),
            )
            .await?;
        use SchemeFeedback as F;
        manager
            .create_table(
                Table::create()
                    .table(F::Table)
                    .col(uuid(F::Id).primary_key())
                    .col(uuid(F::SchemeId))
                    .col(uuid(F::OrganisationId))
                    .col(timestamp_with_time_zone(F::ReceivedAt))
                    .col(small_integer(F::Speed))
                    .col(small_integer(F::Communication))
                    .col(small_integer(F::Outcome))
                    .col(text_null(F::Comment))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(FEEDBACK_INDEX)
                    .table(F::Table)
                    .col(F::SchemeId)
                    .col(F::ReceivedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SchemeFeedback::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(RECORDS_INDEX)
                    .table(CaseRecords::Table)
                    .to_owned(),
            )
            .await?;
        for column in [CaseRecords::FurtherIncidents, CaseRecords::StillAtHome] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseRecords::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
