//! Persistence for the Sanctuary Scheme API: sea-orm entities and the repositories the
//! HTTP layer calls. SQLite is the embedded default, PostgreSQL the production database;
//! every query here runs unchanged on both.
//!
//! Lookups on a request's hot path that match one row by key read it with `.all()`,
//! not `.one()`: `.one()` binds `LIMIT ?`, and SQLite re-prepares a statement whose
//! LIMIT is a bound parameter on every execution (profiling GET case found a tenth of
//! the server's CPU in `sqlite3Reprepare`).

pub mod admin;
pub mod assessment;
pub mod audit;
pub mod audit_writer;
pub mod budgets;
pub mod calendars;
pub mod cases;
pub mod clock_events;
mod codec;
pub mod crypto;
pub mod documents;
pub mod entities;
mod error;
pub mod events;
pub mod feedback;
pub mod idempotency;
pub mod intake;
pub mod mapping;
pub mod measures;
pub mod notes;
pub mod organisations;
pub mod outbox;
pub mod rectify;
pub mod register;
pub mod rekey;
pub mod reports;
pub mod retention;
pub mod risk;
pub mod schemes;
mod snapshot;
pub mod statutory;
mod store;
pub mod visits;
pub mod webhooks;
pub mod workflow;

pub use error::StoreError;
pub use store::{Backend, Store, StoreOptions, WriteTransaction};
