//! Persistence for the Sanctuary Scheme API: sea-orm entities and the repositories the
//! HTTP layer calls. SQLite is the embedded default, PostgreSQL the production database;
//! every query here runs unchanged on both.

pub mod admin;
pub mod audit;
pub mod audit_writer;
pub mod calendars;
pub mod cases;
mod codec;
pub mod crypto;
pub mod entities;
mod error;
pub mod events;
pub mod idempotency;
pub mod intake;
pub mod mapping;
pub mod measures;
pub mod organisations;
pub mod rectify;
pub mod rekey;
pub mod reports;
pub mod retention;
pub mod risk;
pub mod schemes;
mod snapshot;
mod store;
pub mod workflow;

pub use error::StoreError;
pub use store::{Backend, Store, StoreOptions};
