//! The `sanctuary` service: configuration, telemetry, demo mode and the CLI around the
//! HTTP application. The binary (`main.rs`) only calls [`cli::run`].

pub mod checkpoint;
pub mod cli;
pub mod config;
pub mod demo;
pub mod files;
pub mod keys;
pub mod metrics;
pub mod seed;
pub mod setup;
pub mod startup;
pub mod telemetry;
pub mod worker;

pub use startup::Application;
