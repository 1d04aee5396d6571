//! Database migrations, one file per migration, in sea-query's portable DSL so the
//! same code runs on SQLite and PostgreSQL. Enums are stored as their snake_case
//! strings; tables get their foreign keys when created (SQLite cannot add them later).

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_core_tables;
mod m20261124_000002_case_workflow;
mod m20261124_000003_administration;
mod m20261125_000004_audit;
mod m20261125_000005_consent_in_force;
mod m20261125_000006_retention;
mod m20261125_000007_monitoring_report;
mod m20261125_000008_match_key_order;
mod m20261202_000009_case_endings;
mod m20261202_000010_sealed_external_reference;
mod m20261202_000011_audit_mac_key;
mod m20261202_000012_recompute_clocks;
mod m20261202_000013_report_categories;
mod m20261203_000014_cases_by_update;
mod m20261203_000015_outbox;
mod m20261203_000016_webhooks;
mod m20261203_000017_clock_announcements;
mod m20261203_000018_webhook_fanout;
mod m20261204_000019_safeguarding_referral;
mod m20261204_000020_safeguarding_decisions;
mod m20261204_000021_fire_check_measures;
mod m20261204_000022_contractor_access;
mod m20261206_000023_register;
mod m20261206_000024_register_backfill;
mod m20261206_000025_close_outcomes;
mod m20261206_000026_landlord_permission;
mod m20261206_000027_urgent_and_interim;
mod m20261206_000028_reopening;
mod m20261206_000029_after_the_works;
mod m20261206_000030_visits;
mod m20261206_000031_written_notes;
mod m20261206_000032_documents;
mod m20261207_000033_document_storage;
mod m20261207_000034_budgets;
mod m20261207_000035_outcomes_and_feedback;

pub use m20261125_000004_audit::GENESIS as AUDIT_GENESIS;
/// The statement that backfills `ended_at` (its test runs it on a legacy row).
pub use m20261202_000009_case_endings::BACKFILL as CASE_ENDINGS_BACKFILL;
pub use m20261202_000012_recompute_clocks::Outcome as ClockRecomputation;

/// Replays every stored clock under the domain's current clock rules (what migration
/// m20261202_000012 does once); running it again changes nothing.
pub async fn recompute_clocks(
    db: &sea_orm_migration::sea_orm::DatabaseConnection,
) -> Result<ClockRecomputation, sea_orm_migration::DbErr> {
    m20261202_000012_recompute_clocks::recompute(&sea_orm_migration::SchemaManager::new(db)).await
}

/// Puts the open accepted cases not yet on the emergency-services register on it (what
/// migration m20261206_000024 does once); returns how many; running it again adds nothing.
pub async fn backfill_register(
    db: &sea_orm_migration::sea_orm::DatabaseConnection,
) -> Result<u64, sea_orm_migration::DbErr> {
    m20261206_000024_register_backfill::backfill(&sea_orm_migration::SchemaManager::new(db)).await
}

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_core_tables::Migration),
            Box::new(m20261124_000002_case_workflow::Migration),
            Box::new(m20261124_000003_administration::Migration),
            Box::new(m20261125_000004_audit::Migration),
            Box::new(m20261125_000005_consent_in_force::Migration),
            Box::new(m20261125_000006_retention::Migration),
            Box::new(m20261125_000007_monitoring_report::Migration),
            Box::new(m20261125_000008_match_key_order::Migration),
            Box::new(m20261202_000009_case_endings::Migration),
            Box::new(m20261202_000010_sealed_external_reference::Migration),
            Box::new(m20261202_000011_audit_mac_key::Migration),
            Box::new(m20261202_000012_recompute_clocks::Migration),
            Box::new(m20261202_000013_report_categories::Migration),
            Box::new(m20261203_000014_cases_by_update::Migration),
            Box::new(m20261203_000015_outbox::Migration),
            Box::new(m20261203_000016_webhooks::Migration),
            Box::new(m20261203_000017_clock_announcements::Migration),
            Box::new(m20261203_000018_webhook_fanout::Migration),
            Box::new(m20261204_000019_safeguarding_referral::Migration),
            Box::new(m20261204_000020_safeguarding_decisions::Migration),
            Box::new(m20261204_000021_fire_check_measures::Migration),
            Box::new(m20261204_000022_contractor_access::Migration),
            Box::new(m20261206_000023_register::Migration),
            Box::new(m20261206_000024_register_backfill::Migration),
            Box::new(m20261206_000025_close_outcomes::Migration),
            Box::new(m20261206_000026_landlord_permission::Migration),
            Box::new(m20261206_000027_urgent_and_interim::Migration),
            Box::new(m20261206_000028_reopening::Migration),
            Box::new(m20261206_000029_after_the_works::Migration),
            Box::new(m20261206_000030_visits::Migration),
            Box::new(m20261206_000031_written_notes::Migration),
            Box::new(m20261206_000032_documents::Migration),
            Box::new(m20261207_000033_document_storage::Migration),
            Box::new(m20261207_000034_budgets::Migration),
            Box::new(m20261207_000035_outcomes_and_feedback::Migration),
        ]
    }
}
