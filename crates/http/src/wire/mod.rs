//! Wire types: the JSON the API accepts and returns, with their OpenAPI schemas.
//! They carry no rules; rules live in the domain crate.

pub mod actions;
pub mod after_works;
pub mod assessment;
pub mod audit;
pub mod budget;
pub mod case;
pub mod documents;
pub mod events;
pub mod export;
pub mod feedback;
pub mod history;
pub mod instant;
pub mod letters;
pub mod links;
pub mod measure;
pub mod notes;
pub mod organisation;
pub mod referral;
pub mod register;
pub mod report;
pub mod scheme;
pub mod visits;
pub mod webhooks;
