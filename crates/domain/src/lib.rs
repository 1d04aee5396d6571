//! The Sanctuary Scheme domain: its vocabulary and its rules, with no I/O.
//!
//! Everything a partner can send or a report can count is named here once (see
//! [`vocabulary!`]), so the wire format, the database and the OpenAPI contract share
//! one spelling of every enum value.

#[macro_use]
mod vocabulary;

pub mod access;
pub mod age;
pub mod audit;
pub mod budget;
pub mod calendar;
pub mod case;
pub mod clock;
pub mod consent;
pub mod contact;
pub mod dash;
pub mod documents;
pub mod eligibility;
pub mod events;
pub mod feedback;
pub mod intake;
pub mod landlord;
pub mod matching;
pub mod measures;
pub mod notes;
pub mod organisation;
pub mod policy;
pub mod postcode;
pub mod quotas;
pub mod referral;
pub mod register;
pub mod report;
pub mod risk;
pub mod safeguarding;
pub mod scheme;
pub mod settings;
pub mod spare_room;
pub mod violation;
pub mod visits;
pub mod webhooks;
pub mod workflow;
pub mod works;

pub use vocabulary::UnknownValue;

// Dates travel and are stored as `YYYY-MM-DD`: `time`'s own serde impl would write a
// (year, ordinal) tuple unless a crate-wide feature happened to be enabled.
time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");
