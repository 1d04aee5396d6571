//! Sending events to partners' webhooks, the service's one outbound HTTP boundary.
//!
//! [`sign`] makes Standard Webhooks signatures and secrets; [`guard`] decides where the
//! service may connect (checked when an endpoint is registered and again at every
//! connection, against DNS rebinding); [`client`] sends one delivery; [`worker`] claims
//! queued deliveries from the database and settles each with its outcome.

pub mod client;
pub mod guard;
pub mod sign;
pub mod worker;

pub use client::{Sender, SenderSettings};
pub use guard::{UrlError, check_url};
pub use worker::{DeliveryWorker, WorkerSettings};
