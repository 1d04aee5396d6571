//! Which enumerations may grow. A client generated from the contract must not break
//! when a new status, reason or flag appears, so every open enumeration says so in its
//! description; the README's "Unknown values" says what to do with one.

use utoipa::openapi::OpenApi as Doc;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// Answers to fixed questions: these lists will not change within `/api/v1`.
const CLOSED: [&str; 9] = [
    "AuditOutcome",
    "ConsentDecision",
    "DashAnswer",
    "FeelsSafer",
    "ItemOutcomeView",
    "RemovalStatus",
    "Nation",
    "YesNo",
    "FireCheckOutcome",
];

pub const MAY_GROW: &str = "New values may be added within `/api/v1`: treat a value you \
do not know as \"other\" (show it as it is, do not fail), as the README's *Unknown values* \
says.";

pub const CLOSED_LIST: &str = "This list is closed: it will not change within `/api/v1`.";

/// Appends to every enumeration's description whether it may grow.
pub fn describe_enum_growth(doc: &mut Doc) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    for (name, schema) in components.schemas.iter_mut() {
        let RefOr::T(Schema::Object(object)) = schema else {
            continue;
        };
        if object.enum_values.is_none() {
            continue;
        }
        let note = if CLOSED.contains(&name.as_str()) {
            CLOSED_LIST
        } else {
            MAY_GROW
        };
        object.description = Some(match object.description.take() {
            Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
            _ => note.to_owned(),
        });
    }
}
