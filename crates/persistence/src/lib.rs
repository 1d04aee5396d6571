//! Persistence for the Sanctuary Scheme API: sea-orm entities and the repositories the
//! HTTP layer calls. SQLite is the embedded default, PostgreSQL the production database;
//! every query here runs unchanged on both.

pub mod cases;
mod codec;
pub mod entities;
mod error;
pub mod idempotency;
pub mod intake;
pub mod organisations;
pub mod schemes;
mod store;

pub use error::StoreError;
pub use store::{Backend, Store, StoreOptions};
