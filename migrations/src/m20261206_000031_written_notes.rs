//! Notes people write on a case, beside those recorded with actions: each note's author
//! organisation (backfilled from its event for the notes already held), the roles of the
//! case it is shown to beyond the coordinator and its author, and the note it corrects
//! and the note that corrected it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum CaseNotes {
    Table,
    AuthorOrganisationId,
    ToReferrer,
    ToAssessor,
    ToContractor,
    ToFireService,
    SupersedesId,
    SupersededById,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table a column at a time.
        for column in [
            uuid_null(CaseNotes::AuthorOrganisationId),
            boolean(CaseNotes::ToReferrer).default(false).to_owned(),
            boolean(CaseNotes::ToAssessor).default(false).to_owned(),
            boolean(CaseNotes::ToContractor).default(false).to_owned(),
            boolean(CaseNotes::ToFireService).default(false).to_owned(),
            uuid_null(CaseNotes::SupersedesId),
            uuid_null(CaseNotes::SupersededById),
        ] {
            let mut column = column;
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseNotes::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE case_notes SET author_organisation_id = \
                 (SELECT organisation_id FROM case_events WHERE case_events.id = case_notes.event_id)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            CaseNotes::SupersededById,
            CaseNotes::SupersedesId,
            CaseNotes::ToFireService,
            CaseNotes::ToContractor,
            CaseNotes::ToAssessor,
            CaseNotes::ToReferrer,
            CaseNotes::AuthorOrganisationId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(CaseNotes::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
