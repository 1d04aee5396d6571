//! Organisations, schemes and memberships; cases with their referral; case reference
//! counters; idempotency records.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    Name,
    Kind,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Schemes {
    Table,
    Id,
    Code,
    Name,
    ReferencePrefix,
    Nation,
    Settings,
    CreatedAt,
}

#[derive(DeriveIden)]
enum SchemeMemberships {
    Table,
    SchemeId,
    OrganisationId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Cases {
    Table,
    Id,
    SchemeId,
    ReferringOrganisationId,
    Reference,
    Status,
    Version,
    ReceivedAt,
    UpdatedAt,
    Urgent,
    ExternalReference,
    ReferralSource,
    Flags,
    ProgressBlocks,
    // Categorical facts kept in plain columns for filters and the monitoring report;
    // identifying detail lives in case_referrals.
    DashCompleted,
    DashScore,
    RiskLevel,
    MaracReferred,
    PoliceInvolved,
    ArsonRisk,
    Gender,
    GenderIdentityDiffers,
    Ethnicity,
    InterpreterNeeded,
    DisabilityPhysical,
    DisabilityLearning,
    DisabilityMentalIllness,
    DisabilityMentalImpairment,
    DisabilityNone,
    DisabilityPreferNotToSay,
    AgeBand,
    NoRecourseToPublicFunds,
    Pregnant,
    OtherSupportNeeds,
    AccommodationType,
    Tenure,
    ChildrenCount,
    ChildrenAgeSum,
    ConsentInstallation,
    ConsentLandlordContact,
    ConsentInformationSharing,
    ConsentFollowUpContact,
    // The workflow's state.
    HeldFrom,
    HoldReason,
    AssessorOrganisationId,
    ContractorOrganisationId,
    DecidedAt,
    DeclineReason,
    CancelReason,
    CloseReason,
    EndedAt,
    WorksCompletedAt,
    ApprovedCostPence,
    WorksCostPence,
    FunderApprovalReference,
    FireCheckRecordedAt,
    FirstContactAt,
    EligibilityWarnings,
    MaracDate,
    CareAndSupportNeeds,
    // Repeat referrals: hashes of normalised client and address, and the earlier case.
    ClientMatchKey,
    AddressMatchKey,
    RepeatOfCaseId,
}

#[derive(DeriveIden)]
enum CaseReferrals {
    Table,
    CaseId,
    Details,
}

#[derive(DeriveIden)]
enum SchemeReferenceCounters {
    Table,
    SchemeId,
    Year,
    LastNumber,
}

#[derive(DeriveIden)]
enum IdempotencyRecords {
    Table,
    OrganisationId,
    IdempotencyKey,
    RequestFingerprint,
    State,
    CaseId,
    LockedUntil,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(uuid(Organisations::Id).primary_key())
                    .col(string_len(Organisations::Name, 200))
                    .col(string_len(Organisations::Kind, 40))
                    .col(boolean(Organisations::Active))
                    .col(timestamp_with_time_zone(Organisations::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Schemes::Table)
                    .col(uuid(Schemes::Id).primary_key())
                    .col(string_len_uniq(Schemes::Code, 40))
                    .col(string_len(Schemes::Name, 200))
                    .col(string_len(Schemes::ReferencePrefix, 10))
                    .col(string_len(Schemes::Nation, 30))
                    // Scheme settings as JSON; absent keys take the product's defaults.
                    .col(text(Schemes::Settings).default("{}"))
                    .col(timestamp_with_time_zone(Schemes::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SchemeMemberships::Table)
                    .col(uuid(SchemeMemberships::SchemeId))
                    .col(uuid(SchemeMemberships::OrganisationId))
                    .col(string_len(SchemeMemberships::Role, 30))
                    .col(timestamp_with_time_zone(SchemeMemberships::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(SchemeMemberships::SchemeId)
                            .col(SchemeMemberships::OrganisationId)
                            .col(SchemeMemberships::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SchemeMemberships::Table, SchemeMemberships::SchemeId)
                            .to(Schemes::Table, Schemes::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(SchemeMemberships::Table, SchemeMemberships::OrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_scheme_memberships_organisation")
                    .table(SchemeMemberships::Table)
                    .col(SchemeMemberships::OrganisationId)
                    .to_owned(),
            )
            .await?;

        manager.create_table(cases_table()).await?;
        for (name, cols) in [
            ("idx_cases_scheme", &[Cases::SchemeId, Cases::Id][..]),
            (
                "idx_cases_referrer",
                &[Cases::ReferringOrganisationId, Cases::Id][..],
            ),
            (
                "idx_cases_scheme_status",
                &[Cases::SchemeId, Cases::Status, Cases::Id][..],
            ),
            (
                "idx_cases_scheme_received",
                &[Cases::SchemeId, Cases::ReceivedAt][..],
            ),
            (
                "idx_cases_assessor",
                &[Cases::AssessorOrganisationId, Cases::Id][..],
            ),
            (
                "idx_cases_contractor",
                &[Cases::ContractorOrganisationId, Cases::Id][..],
            ),
            (
                "idx_cases_client_match",
                &[Cases::SchemeId, Cases::ClientMatchKey][..],
            ),
            (
                "idx_cases_address_match",
                &[Cases::SchemeId, Cases::AddressMatchKey][..],
            ),
        ] {
            let mut index = Index::create().name(name).table(Cases::Table).to_owned();
            for col in cols {
                index.col(*col);
            }
            manager.create_index(index).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("uq_cases_external_reference")
                    .table(Cases::Table)
                    .col(Cases::ReferringOrganisationId)
                    .col(Cases::ExternalReference)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CaseReferrals::Table)
                    .col(uuid(CaseReferrals::CaseId).primary_key())
                    .col(text(CaseReferrals::Details))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CaseReferrals::Table, CaseReferrals::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SchemeReferenceCounters::Table)
                    .col(uuid(SchemeReferenceCounters::SchemeId))
                    .col(integer(SchemeReferenceCounters::Year))
                    .col(big_integer(SchemeReferenceCounters::LastNumber))
                    .primary_key(
                        Index::create()
                            .col(SchemeReferenceCounters::SchemeId)
                            .col(SchemeReferenceCounters::Year),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                SchemeReferenceCounters::Table,
                                SchemeReferenceCounters::SchemeId,
                            )
                            .to(Schemes::Table, Schemes::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyRecords::Table)
                    .col(uuid(IdempotencyRecords::OrganisationId))
                    .col(string_len(IdempotencyRecords::IdempotencyKey, 255))
                    .col(string_len(IdempotencyRecords::RequestFingerprint, 64))
                    .col(string_len(IdempotencyRecords::State, 20))
                    .col(uuid_null(IdempotencyRecords::CaseId))
                    .col(timestamp_with_time_zone(IdempotencyRecords::LockedUntil))
                    .col(timestamp_with_time_zone(IdempotencyRecords::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyRecords::OrganisationId)
                            .col(IdempotencyRecords::IdempotencyKey),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                IdempotencyRecords::Table,
                                IdempotencyRecords::OrganisationId,
                            )
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IdempotencyRecords::Table, IdempotencyRecords::CaseId)
                            .to(Cases::Table, Cases::Id),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyRecords::Table.into_iden(),
            SchemeReferenceCounters::Table.into_iden(),
            CaseReferrals::Table.into_iden(),
            Cases::Table.into_iden(),
            SchemeMemberships::Table.into_iden(),
            Schemes::Table.into_iden(),
            Organisations::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn cases_table() -> TableCreateStatement {
    Table::create()
        .table(Cases::Table)
        .col(uuid(Cases::Id).primary_key())
        .col(uuid(Cases::SchemeId))
        .col(uuid(Cases::ReferringOrganisationId))
        .col(string_len_uniq(Cases::Reference, 40))
        .col(string_len(Cases::Status, 30))
        .col(big_integer(Cases::Version))
        .col(timestamp_with_time_zone(Cases::ReceivedAt))
        .col(timestamp_with_time_zone(Cases::UpdatedAt))
        .col(boolean(Cases::Urgent))
        .col(string_len_null(Cases::ExternalReference, 100))
        .col(string_len(Cases::ReferralSource, 40))
        .col(text(Cases::Flags))
        .col(text(Cases::ProgressBlocks))
        .col(boolean(Cases::DashCompleted))
        .col(small_integer_null(Cases::DashScore))
        .col(string_len_null(Cases::RiskLevel, 20))
        .col(boolean_null(Cases::MaracReferred))
        .col(boolean(Cases::PoliceInvolved))
        .col(boolean(Cases::ArsonRisk))
        .col(string_len_null(Cases::Gender, 30))
        .col(boolean_null(Cases::GenderIdentityDiffers))
        .col(string_len_null(Cases::Ethnicity, 40))
        .col(boolean_null(Cases::InterpreterNeeded))
        .col(boolean(Cases::DisabilityPhysical))
        .col(boolean(Cases::DisabilityLearning))
        .col(boolean(Cases::DisabilityMentalIllness))
        .col(boolean(Cases::DisabilityMentalImpairment))
        .col(boolean(Cases::DisabilityNone))
        .col(boolean(Cases::DisabilityPreferNotToSay))
        .col(string_len(Cases::AgeBand, 20))
        .col(boolean_null(Cases::NoRecourseToPublicFunds))
        .col(boolean_null(Cases::Pregnant))
        .col(boolean(Cases::OtherSupportNeeds))
        .col(string_len_null(Cases::AccommodationType, 30))
        .col(string_len(Cases::Tenure, 40))
        .col(integer(Cases::ChildrenCount))
        .col(integer(Cases::ChildrenAgeSum))
        .col(string_len(Cases::ConsentInstallation, 20))
        .col(string_len(Cases::ConsentLandlordContact, 20))
        .col(string_len(Cases::ConsentInformationSharing, 20))
        .col(string_len(Cases::ConsentFollowUpContact, 20))
        .col(string_len_null(Cases::HeldFrom, 30))
        .col(string_len_null(Cases::HoldReason, 40))
        .col(uuid_null(Cases::AssessorOrganisationId))
        .col(uuid_null(Cases::ContractorOrganisationId))
        .col(timestamp_with_time_zone_null(Cases::DecidedAt))
        .col(string_len_null(Cases::DeclineReason, 40))
        .col(string_len_null(Cases::CancelReason, 40))
        .col(string_len_null(Cases::CloseReason, 40))
        .col(timestamp_with_time_zone_null(Cases::EndedAt))
        .col(timestamp_with_time_zone_null(Cases::WorksCompletedAt))
        .col(big_integer_null(Cases::ApprovedCostPence))
        .col(big_integer_null(Cases::WorksCostPence))
        .col(string_len_null(Cases::FunderApprovalReference, 100))
        .col(timestamp_with_time_zone_null(Cases::FireCheckRecordedAt))
        .col(timestamp_with_time_zone_null(Cases::FirstContactAt))
        .col(text(Cases::EligibilityWarnings))
        .col(date_null(Cases::MaracDate))
        .col(boolean(Cases::CareAndSupportNeeds))
        .col(string_len(Cases::ClientMatchKey, 64))
        .col(string_len(Cases::AddressMatchKey, 64))
        .col(uuid_null(Cases::RepeatOfCaseId))
        .foreign_key(
            ForeignKey::create()
                .from(Cases::Table, Cases::AssessorOrganisationId)
                .to(Organisations::Table, Organisations::Id),
        )
        .foreign_key(
            ForeignKey::create()
                .from(Cases::Table, Cases::ContractorOrganisationId)
                .to(Organisations::Table, Organisations::Id),
        )
        .foreign_key(
            ForeignKey::create()
                .from(Cases::Table, Cases::RepeatOfCaseId)
                .to(Cases::Table, Cases::Id),
        )
        .foreign_key(
            ForeignKey::create()
                .from(Cases::Table, Cases::SchemeId)
                .to(Schemes::Table, Schemes::Id),
        )
        .foreign_key(
            ForeignKey::create()
                .from(Cases::Table, Cases::ReferringOrganisationId)
                .to(Organisations::Table, Organisations::Id),
        )
        .to_owned()
}
