//! Black-box tests: each test starts the real service on a random port against a fresh
//! database (SQLite, or PostgreSQL when `SANCTUARY_TEST_DATABASE_URL` is set) and talks
//! HTTP to it. One test binary, so the suite links once.

mod support;

mod access_matrix;
mod administration;
mod after_works;
mod assessment;
mod at_rest;
mod audit;
mod audit_records;
mod audit_tamper;
mod auth;
mod case_access;
mod cases;
mod clock_rules;
mod concurrency;
mod consent;
mod contract;
mod contractor_access;
mod cors;
mod crash;
mod demo_mode;
mod events;
mod examples;
mod fire_service;
mod hostile;
mod http_behaviour;
mod idempotency;
mod landlord;
mod logging;
mod membership;
mod metrics;
mod problems;
mod rate_limit;
mod reassignment;
mod rectify;
mod referrals;
mod referrals_made;
mod register;
mod reopen;
mod repeat_matching;
mod report;
mod report_check;
mod retention;
mod safeguarding;
mod scale_out;
mod seed_demo;
mod settings;
mod setup;
mod shutdown;
mod urgent;
mod visits;
mod webhooks;
mod worker;
mod workflow;
