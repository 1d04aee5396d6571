//! The case workflow's history and working data: timeline events, free-text notes,
//! SLA clocks, works items, records (contacts, checks, visits), risk assessments,
//! scheme measures and administrator-added holidays.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Schemes {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseEvents {
    Table,
    Id,
    CaseId,
    At,
    Action,
    FromStatus,
    ToStatus,
    ActorSubject,
    OrganisationId,
    Role,
    Data,
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseNotes {
    Table,
    Id,
    CaseId,
    EventId,
    Kind,
    Text,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseClocks {
    Table,
    Id,
    CaseId,
    SchemeId,
    Kind,
    StopEvent,
    Unit,
    Amount,
    StartedAt,
    Held,
    PausedAt,
    DueAt,
    StoppedAt,
    State,
}

#[derive(DeriveIden, Clone, Copy)]
enum WorksItems {
    Table,
    Id,
    CaseId,
    MeasureCode,
    Name,
    ReportRow,
    RequiresFireCheck,
    Quantity,
    Location,
    EstimatedCostPence,
    Approved,
    Outcome,
    ActualCostPence,
}

#[derive(DeriveIden, Clone, Copy)]
enum CaseRecords {
    Table,
    Id,
    CaseId,
    EventId,
    OrganisationId,
    Kind,
    At,
    OccurredOn,
    Method,
    Outcome,
    MilestoneMonths,
    FeelsSafer,
}

#[derive(DeriveIden, Clone, Copy)]
enum RiskAssessments {
    Table,
    Id,
    CaseId,
    OrganisationId,
    RecordedAt,
    Source,
    DashCompleted,
    DashScore,
    DashAnswers,
    Judgement,
    Level,
    #[sea_orm(iden = "incidents_last_12_months")]
    IncidentsLast12Months,
    MaracReferred,
    MaracDate,
    NewIncident,
}

#[derive(DeriveIden, Clone, Copy)]
enum SchemeMeasures {
    Table,
    SchemeId,
    Code,
    Name,
    ReportRow,
    UnitCostPence,
    RequiresFireCheck,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Holidays {
    Table,
    Nation,
    Date,
    Name,
    CreatedAt,
}

fn to_case<T: IntoIden + 'static>(
    table: T,
    col: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, col)
        .to(Cases::Table, Cases::Id)
        .to_owned()
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
        manager
            .create_table(
                Table::create()
                    .table(CaseEvents::Table)
                    .col(uuid(CaseEvents::Id).primary_key())
                    .col(uuid(CaseEvents::CaseId))
                    .col(timestamp_with_time_zone(CaseEvents::At))
                    .col(string_len(CaseEvents::Action, 40))
                    .col(string_len_null(CaseEvents::FromStatus, 30))
                    .col(string_len(CaseEvents::ToStatus, 30))
                    .col(string_len(CaseEvents::ActorSubject, 255))
                    .col(uuid(CaseEvents::OrganisationId))
                    .col(string_len(CaseEvents::Role, 30))
                    // Codes, dates, ids and amounts only: never personal values.
                    .col(text(CaseEvents::Data))
                    .foreign_key(&mut to_case(CaseEvents::Table, CaseEvents::CaseId))
                    .foreign_key(&mut to_organisation(
                        CaseEvents::Table,
                        CaseEvents::OrganisationId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_case_events_case",
            CaseEvents::Table,
            &[CaseEvents::CaseId, CaseEvents::Id],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CaseNotes::Table)
                    .col(uuid(CaseNotes::Id).primary_key())
                    .col(uuid(CaseNotes::CaseId))
                    .col(uuid(CaseNotes::EventId))
                    .col(string_len(CaseNotes::Kind, 40))
                    .col(text(CaseNotes::Text))
                    .col(timestamp_with_time_zone(CaseNotes::CreatedAt))
                    .foreign_key(&mut to_case(CaseNotes::Table, CaseNotes::CaseId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseNotes::Table, CaseNotes::EventId)
                            .to(CaseEvents::Table, CaseEvents::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_case_notes_case",
            CaseNotes::Table,
            &[CaseNotes::CaseId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CaseClocks::Table)
                    .col(uuid(CaseClocks::Id).primary_key())
                    .col(uuid(CaseClocks::CaseId))
                    .col(uuid(CaseClocks::SchemeId))
                    .col(string_len(CaseClocks::Kind, 40))
                    .col(string_len(CaseClocks::StopEvent, 40))
                    .col(string_len(CaseClocks::Unit, 20))
                    .col(integer(CaseClocks::Amount))
                    .col(timestamp_with_time_zone(CaseClocks::StartedAt))
                    .col(big_integer(CaseClocks::Held))
                    .col(timestamp_with_time_zone_null(CaseClocks::PausedAt))
                    .col(timestamp_with_time_zone(CaseClocks::DueAt))
                    .col(timestamp_with_time_zone_null(CaseClocks::StoppedAt))
                    .col(string_len(CaseClocks::State, 20))
                    .foreign_key(&mut to_case(CaseClocks::Table, CaseClocks::CaseId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseClocks::Table, CaseClocks::SchemeId)
                            .to(Schemes::Table, Schemes::Id),
                    )
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
        // Breached and soon-due queues: running clocks by due date.
        index(
            manager,
            "idx_case_clocks_due",
            CaseClocks::Table,
            &[CaseClocks::State, CaseClocks::DueAt],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(WorksItems::Table)
                    .col(uuid(WorksItems::Id).primary_key())
                    .col(uuid(WorksItems::CaseId))
                    .col(string_len(WorksItems::MeasureCode, 60))
                    .col(string_len(WorksItems::Name, 200))
                    .col(string_len(WorksItems::ReportRow, 40))
                    .col(boolean(WorksItems::RequiresFireCheck))
                    .col(integer(WorksItems::Quantity))
                    .col(string_len_null(WorksItems::Location, 100))
                    .col(big_integer(WorksItems::EstimatedCostPence))
                    .col(boolean(WorksItems::Approved))
                    .col(string_len_null(WorksItems::Outcome, 20))
                    .col(big_integer_null(WorksItems::ActualCostPence))
                    .foreign_key(&mut to_case(WorksItems::Table, WorksItems::CaseId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_works_items_case",
            WorksItems::Table,
            &[WorksItems::CaseId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CaseRecords::Table)
                    .col(uuid(CaseRecords::Id).primary_key())
                    .col(uuid(CaseRecords::CaseId))
                    .col(uuid(CaseRecords::EventId))
                    .col(uuid(CaseRecords::OrganisationId))
                    .col(string_len(CaseRecords::Kind, 30))
                    .col(timestamp_with_time_zone(CaseRecords::At))
                    .col(date_null(CaseRecords::OccurredOn))
                    .col(string_len_null(CaseRecords::Method, 30))
                    .col(string_len_null(CaseRecords::Outcome, 30))
                    .col(integer_null(CaseRecords::MilestoneMonths))
                    .col(string_len_null(CaseRecords::FeelsSafer, 20))
                    .foreign_key(&mut to_case(CaseRecords::Table, CaseRecords::CaseId))
                    .foreign_key(&mut to_organisation(
                        CaseRecords::Table,
                        CaseRecords::OrganisationId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseRecords::Table, CaseRecords::EventId)
                            .to(CaseEvents::Table, CaseEvents::Id),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_case_records_case",
            CaseRecords::Table,
            &[CaseRecords::CaseId, CaseRecords::Kind],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(RiskAssessments::Table)
                    .col(uuid(RiskAssessments::Id).primary_key())
                    .col(uuid(RiskAssessments::CaseId))
                    .col(uuid(RiskAssessments::OrganisationId))
                    .col(timestamp_with_time_zone(RiskAssessments::RecordedAt))
                    .col(string_len(RiskAssessments::Source, 20))
                    .col(boolean(RiskAssessments::DashCompleted))
                    .col(small_integer_null(RiskAssessments::DashScore))
                    .col(text_null(RiskAssessments::DashAnswers))
                    .col(string_len_null(RiskAssessments::Judgement, 20))
                    .col(string_len_null(RiskAssessments::Level, 20))
                    .col(integer_null(RiskAssessments::IncidentsLast12Months))
                    .col(boolean_null(RiskAssessments::MaracReferred))
                    .col(date_null(RiskAssessments::MaracDate))
                    .col(boolean(RiskAssessments::NewIncident))
                    .foreign_key(&mut to_case(
                        RiskAssessments::Table,
                        RiskAssessments::CaseId,
                    ))
                    .foreign_key(&mut to_organisation(
                        RiskAssessments::Table,
                        RiskAssessments::OrganisationId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_risk_assessments_case",
            RiskAssessments::Table,
            &[RiskAssessments::CaseId, RiskAssessments::Id],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(SchemeMeasures::Table)
                    .col(uuid(SchemeMeasures::SchemeId))
                    .col(string_len(SchemeMeasures::Code, 60))
                    .col(string_len(SchemeMeasures::Name, 200))
                    .col(string_len(SchemeMeasures::ReportRow, 40))
                    .col(big_integer(SchemeMeasures::UnitCostPence))
                    .col(boolean(SchemeMeasures::RequiresFireCheck))
                    .col(timestamp_with_time_zone(SchemeMeasures::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(SchemeMeasures::SchemeId)
                            .col(SchemeMeasures::Code),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SchemeMeasures::Table, SchemeMeasures::SchemeId)
                            .to(Schemes::Table, Schemes::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Holidays::Table)
                    .col(string_len(Holidays::Nation, 30))
                    .col(date(Holidays::Date))
                    .col(string_len(Holidays::Name, 200))
                    .col(timestamp_with_time_zone(Holidays::CreatedAt))
                    .primary_key(Index::create().col(Holidays::Nation).col(Holidays::Date))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Holidays::Table.into_iden(),
            SchemeMeasures::Table.into_iden(),
            RiskAssessments::Table.into_iden(),
            CaseRecords::Table.into_iden(),
            WorksItems::Table.into_iden(),
            CaseClocks::Table.into_iden(),
            CaseNotes::Table.into_iden(),
            CaseEvents::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn index<T, C>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    cols: &[C],
) -> Result<(), DbErr>
where
    T: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
{
    let mut index = Index::create().name(name).table(table).to_owned();
    for col in cols {
        index.col(*col);
    }
    manager.create_index(index).await
}
