//! Puts on the emergency-services register the homes of the cases already accepted and
//! still open when the register arrived, as if accepted today under the default
//! settings (at acceptance, reviewed in 6 months): an entry per service on its basis —
//! consent to share, or a safeguarding decision naming the service — the case's
//! standing with each register and its `register_review` clock. No events: a control
//! room connecting reads the register as it stands.

use sanctuary_domain::calendar::Calendar;
use sanctuary_domain::clock::{Clock, ClockEvent, ClockKind, ClockRule, ClockUnit};
use sanctuary_domain::consent::{ConsentStatus, ConsentsInForce};
use sanctuary_domain::register::{self, EmergencyService, RegisterPresence, RegisterSettings};
use sanctuary_domain::safeguarding::{Safeguarding, SharingRole};
use sanctuary_domain::scheme::Nation;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(Iden)]
enum RegisterEntries {
    Table,
    Id,
    CaseId,
    SchemeId,
    Service,
    Basis,
    AddedAt,
    ReviewDue,
    UpdatedAt,
}

#[derive(Iden)]
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
    CountsFrom,
    Held,
    DueAt,
    State,
}

#[derive(Iden)]
enum Cases {
    Table,
    Id,
    FireRegister,
    PoliceRegister,
}

fn corrupt(what: &str) -> DbErr {
    DbErr::Custom(format!("register backfill: unreadable {what}"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let cases = backfill(manager).await?;
        // Counts only: no case, reference or person.
        tracing::info!(
            cases,
            "open accepted cases put on the emergency-services register"
        );
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The entries go with their tables (migration 23's down).
        Ok(())
    }
}

/// Puts the open accepted cases not yet on the register on it; returns how many. A
/// second run adds nothing.
pub async fn backfill(manager: &SchemaManager<'_>) -> Result<u64, DbErr> {
    {
        let conn = manager.get_connection();
        // Accepted (decided, not declined), open and not anonymised, with no review clock
        // (so a second run, or a case the new code already took, adds nothing).
        let sql = "SELECT id, scheme_id, consent_information_sharing, safeguarding_sharing_with \
                   FROM cases WHERE decided_at IS NOT NULL AND decline_reason IS NULL \
                   AND ended_at IS NULL AND anonymised_at IS NULL AND id NOT IN \
                   (SELECT case_id FROM case_clocks WHERE kind = 'register_review')";
        let rows = conn
            .query_all_raw(Statement::from_string(conn.get_database_backend(), sql))
            .await?;
        let now = OffsetDateTime::now_utc();
        let now = now.replace_microsecond(now.microsecond()).unwrap_or(now);
        let settings = RegisterSettings::default();
        let rule = ClockRule {
            kind: ClockKind::RegisterReview,
            start: ClockEvent::RegisterEntryAdded,
            stop: ClockEvent::RegisterReviewed,
            amount: settings.review_months,
            unit: ClockUnit::Months,
            condition: None,
        };
        // A month clock counts plain UK days: any nation's calendar serves.
        let clock = Clock::start(
            &rule,
            now,
            &Calendar::shipped(Nation::EnglandAndWales),
            None,
        );
        let mut cases = 0u64;
        for row in rows {
            let case_id: Uuid = row.try_get("", "id")?;
            let scheme_id: Uuid = row.try_get("", "scheme_id")?;
            let sharing: String = row.try_get("", "consent_information_sharing")?;
            let decided: String = row.try_get("", "safeguarding_sharing_with")?;
            let consents = ConsentsInForce {
                installation: ConsentStatus::Given,
                landlord_contact: ConsentStatus::Given,
                information_sharing: sharing.parse().map_err(|_| corrupt("consent"))?,
                follow_up_contact: ConsentStatus::Given,
                works_may_continue: false,
            };
            let safeguarding = Safeguarding {
                sharing_with: decided
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse::<SharingRole>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| corrupt("safeguarding_sharing_with"))?,
                landlord_contact: false,
            };
            let mut any = false;
            for &service in EmergencyService::ALL {
                let Some(basis) = register::basis(service, &consents, &safeguarding) else {
                    continue;
                };
                any = true;
                let insert = Query::insert()
                    .into_table(RegisterEntries::Table)
                    .columns([
                        RegisterEntries::Id,
                        RegisterEntries::CaseId,
                        RegisterEntries::SchemeId,
                        RegisterEntries::Service,
                        RegisterEntries::Basis,
                        RegisterEntries::AddedAt,
                        RegisterEntries::ReviewDue,
                        RegisterEntries::UpdatedAt,
                    ])
                    .values_panic([
                        Uuid::now_v7().into(),
                        case_id.into(),
                        scheme_id.into(),
                        service.as_str().into(),
                        basis.as_str().into(),
                        now.into(),
                        clock.due_at.into(),
                        now.into(),
                    ])
                    .to_owned();
                manager.exec_stmt(insert).await?;
                let column = match service {
                    EmergencyService::FireService => Cases::FireRegister,
                    EmergencyService::Police => Cases::PoliceRegister,
                };
                let standing = Query::update()
                    .table(Cases::Table)
                    .value(column, RegisterPresence::Active.as_str())
                    .and_where(Expr::col(Cases::Id).eq(case_id))
                    .to_owned();
                manager.exec_stmt(standing).await?;
            }
            if !any {
                continue;
            }
            let review = Query::insert()
                .into_table(CaseClocks::Table)
                .columns([
                    CaseClocks::Id,
                    CaseClocks::CaseId,
                    CaseClocks::SchemeId,
                    CaseClocks::Kind,
                    CaseClocks::StopEvent,
                    CaseClocks::Unit,
                    CaseClocks::Amount,
                    CaseClocks::StartedAt,
                    CaseClocks::CountsFrom,
                    CaseClocks::Held,
                    CaseClocks::DueAt,
                    CaseClocks::State,
                ])
                .values_panic([
                    Uuid::now_v7().into(),
                    case_id.into(),
                    scheme_id.into(),
                    clock.kind.as_str().into(),
                    clock.stop.as_str().into(),
                    clock.unit.as_str().into(),
                    <i32 as TryFrom<u32>>::try_from(clock.amount)
                        .unwrap_or(6)
                        .into(),
                    clock.started_at.into(),
                    clock.counts_from.into(),
                    0i64.into(),
                    clock.due_at.into(),
                    clock.state.as_str().into(),
                ])
                .to_owned();
            manager.exec_stmt(review).await?;
            cases += 1;
        }
        Ok(cases)
    }
}
