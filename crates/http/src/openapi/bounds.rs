//! The largest value a client can meet, for every string and every list the server
//! bounds (OWASP API4, unrestricted resource consumption): what a client may send is
//! checked against these, and what it receives never exceeds them.
//!
//! Free text carries its limit where it is declared (`#[schema(max_length = …)]`, the
//! same limit the request validators apply); here go the bounds that follow from a
//! format or from a vocabulary. Lists the server answers with in full (a case's
//! timeline, the catalogue) grow with the data and have no bound to state; Spectral's
//! array rule is turned off for them in `.spectral.yaml`, each named.

use utoipa::openapi::schema::{ArrayItems, KnownFormat, Object, Schema, SchemaFormat, Type};
use utoipa::openapi::{OpenApi as Doc, RefOr};

use crate::wire::case::MAX_PAGE_SIZE;

/// The evidence letter's largest size.
const MAX_LETTER_BYTES: usize = 128 * 1024;

/// The printable assessment copy's largest size.
const MAX_ASSESSMENT_PAGE_BYTES: usize = 512 * 1024;

/// The longest RFC 3339 time the server reads (`2026-12-03T06:18:41.123456789+01:00` is
/// 35 characters); longer query values are refused by the contract check.
pub const MAX_DATE_TIME_CHARS: usize = 40;

/// Declares the bounds of `doc`'s formatted strings and of its bounded lists.
pub fn declare_bounds(doc: &mut Doc) {
    super::walk::visit_all(doc, &mut bound_formatted_string);
    bound_scheme_codes(doc);
    // One reporting year's tables, far below a mebibyte.
    bound_text_bodies(doc, "/api/v1/reports/monitoring", MAX_REPORT_BYTES);
    bound_text_bodies(doc, "/api/v1/reports/safe-accommodation", MAX_REPORT_BYTES);
    bound_text_bodies(doc, "/problems/{code}", MAX_PROBLEM_PAGE_BYTES);
    // Findings of 10,000 characters (escaped, at most six bytes each) and the measures.
    bound_text_bodies(
        doc,
        "/api/v1/cases/{id}/assessment",
        MAX_ASSESSMENT_PAGE_BYTES,
    );
    // The letterhead (under 2,000 characters) and up to 50 measures' names, escaped.
    bound_text_bodies(doc, "/api/v1/cases/{id}/evidence-letter", MAX_LETTER_BYTES);
    if let Some(array) = response_array(doc, "/api/v1/dash-questions") {
        array.max_items = Some(sanctuary_domain::dash::DashQuestion::ALL.len());
    }
    if let Some(array) = response_array(doc, "/api/v1/webhooks") {
        array.max_items = Some(sanctuary_app::webhooks::MAX_ENDPOINTS);
    }
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    let enum_len = |name: &str| -> usize {
        match components.schemas.get(name) {
            Some(RefOr::T(Schema::Object(o))) => o.enum_values.as_ref().map_or(0, Vec::len),
            _ => 0,
        }
    };
    // Sets drawn from a vocabulary hold each value at most once.
    let lists = [
        ("CaseSummaryView", "flags", enum_len("CaseFlag")),
        ("CaseSummaryView", "blocked_by", enum_len("ProgressBlock")),
        ("MemberView", "roles", enum_len("Role")),
        ("SchemeView", "your_roles", enum_len("Role")),
        ("WebhookView", "event_types", enum_len("EventType")),
        ("CaseView", "clocks", enum_len("ClockKind")),
        ("SchemeSettings", "clocks", enum_len("ClockKind")),
        ("SchemeSettings", "urgent_clocks", enum_len("ClockKind")),
        ("EligibilityRules", "allowed_tenures", enum_len("Tenure")),
        (
            "WorkflowView",
            "eligibility_warnings",
            enum_len("EligibilityWarning"),
        ),
        ("Problem", "allowed_actions", enum_len("Action")),
        (
            "SettingsVersionView",
            "changed_keys",
            sanctuary_domain::settings::SETTINGS_KEYS.len(),
        ),
        // Distinct months from 1 to 36 (`SchemeSettings::violations`).
        ("SchemeSettings", "follow_up_contact_months", 36),
        // Pages.
        ("CasePage", "items", MAX_PAGE_SIZE as usize),
        (
            "AuditPage",
            "items",
            crate::wire::audit::MAX_PAGE_SIZE as usize,
        ),
        ("NotePage", "items", sanctuary_app::notes::MAX_PAGE as usize),
        (
            "EventPage",
            "items",
            crate::wire::events::MAX_EVENT_PAGE as usize,
        ),
        (
            "DeliveryPage",
            "items",
            crate::wire::webhooks::MAX_DELIVERY_PAGE as usize,
        ),
        // A report covers one reporting year.
        ("MonitoringReport", "quarters", 4),
        ("MonitoringReport", "notes", 4),
        ("ReportSpend", "quarters", 4),
        // The annual return's fixed layout.
        (
            "SafeAccommodationReturn",
            "sections",
            sanctuary_domain::report::statutory::SECTIONS.len(),
        ),
        (
            "ReturnSection",
            "rows",
            sanctuary_domain::report::statutory::SECTIONS
                .iter()
                .map(|s| s.rows.len())
                .max()
                .unwrap_or(0),
        ),
    ];
    let mut missing = Vec::new();
    for (schema, property, max) in lists {
        match array_property(components.schemas.get_mut(schema), property) {
            Some(array) if max > 0 => array.max_items = Some(max),
            _ => missing.push(format!("{schema}.{property}")),
        }
    }
    // A renamed schema or vocabulary must not silently drop its bound.
    assert!(missing.is_empty(), "no bounded list at {missing:?}");
    // A document: at most the largest `documents.max_bytes` a deployment may set.
    match components.schemas.get_mut("DocumentContent") {
        Some(RefOr::T(Schema::Object(content))) => content.max_length = Some(100 * 1024 * 1024),
        _ => panic!("no DocumentContent schema to bound"),
    }
    match components.schemas.get_mut("DocumentForm") {
        Some(RefOr::T(Schema::Object(form))) => match form.properties.get_mut("file") {
            Some(RefOr::T(Schema::Object(file))) => file.max_length = Some(100 * 1024 * 1024),
            _ => panic!("no file in DocumentForm to bound"),
        },
        _ => panic!("no DocumentForm schema to bound"),
    }
    for (schema, property, max) in [
        ("SettingsVersionView", "changed_keys", 40),
        ("AuditRecordView", "fields", 100),
        // Catalogue codes.
        ("RegisterHomeView", "removed_measures", 60),
        // The letterhead's address lines (checked by `Letterhead::violations`).
        ("Letterhead", "address", 100),
    ] {
        if let Some(array) = array_property(components.schemas.get_mut(schema), property)
            && let ArrayItems::RefOrSchema(items) = &mut array.items
            && let RefOr::T(Schema::Object(item)) = items.as_mut()
        {
            item.max_length = Some(max);
        }
    }
}

/// A string's format bounds its length: a UUID is 36 characters, a date 10.
fn bound_formatted_string(object: &mut Object) {
    if object.max_length.is_some() || object.enum_values.is_some() {
        return;
    }
    let Some(SchemaFormat::KnownFormat(format)) = &object.format else {
        return;
    };
    let max = match format {
        KnownFormat::Uuid => 36,
        KnownFormat::Date => 10,
        KnownFormat::DateTime => MAX_DATE_TIME_CHARS,
        _ => return,
    };
    if is_string(object) {
        object.max_length = Some(max);
    }
}

fn is_string(object: &Object) -> bool {
    use utoipa::openapi::schema::SchemaType;
    match &object.schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    }
}

/// The list-valued `property` of an object schema (or of the object in its `allOf`).
fn array_property<'a>(
    schema: Option<&'a mut RefOr<Schema>>,
    property: &str,
) -> Option<&'a mut utoipa::openapi::schema::Array> {
    let object = match schema? {
        RefOr::T(Schema::Object(o)) => o,
        RefOr::T(Schema::AllOf(all)) => all.items.iter_mut().find_map(|s| match s {
            RefOr::T(Schema::Object(o)) if o.properties.contains_key(property) => Some(o),
            _ => None,
        })?,
        _ => return None,
    };
    match object.properties.get_mut(property)? {
        RefOr::T(Schema::Array(array)) => Some(array),
        _ => None,
    }
}

/// The scheme code in a path has the shape every scheme code has
/// (`wire::scheme::NewSchemeBody::code`).
fn bound_scheme_codes(doc: &mut Doc) {
    use utoipa::openapi::path::ParameterIn;
    for (path, item) in doc.paths.paths.iter_mut() {
        for operation in super::operations(item) {
            for parameter in operation.parameters.iter_mut().flatten() {
                let RefOr::T(p) = parameter else { continue };
                let names_scheme =
                    p.name == "scheme" || (p.name == "code" && path.contains("/schemes/{code}"));
                if matches!(p.parameter_in, ParameterIn::Path)
                    && names_scheme
                    && let Some(RefOr::T(Schema::Object(schema))) = p.schema.as_mut()
                    && schema.max_length.is_none()
                {
                    schema.max_length = Some(40);
                    schema.pattern = Some(SCHEME_CODE_PATTERN.to_owned());
                }
            }
        }
    }
}

pub const SCHEME_CODE_PATTERN: &str = "^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$";

/// The JSON list `GET path` answers with.
fn response_array<'a>(
    doc: &'a mut Doc,
    path: &str,
) -> Option<&'a mut utoipa::openapi::schema::Array> {
    let operation = doc.paths.paths.get_mut(path)?.get.as_mut()?;
    let RefOr::T(response) = operation.responses.responses.get_mut("200")? else {
        return None;
    };
    let RefOr::T(content) = response.content.get_mut("application/json")? else {
        return None;
    };
    match content.schema.as_mut()? {
        RefOr::T(Schema::Array(array)) => Some(array),
        _ => None,
    }
}

/// The CSV and HTML documents `GET path` answers with are at most `max` bytes.
fn bound_text_bodies(doc: &mut Doc, path: &str, max: usize) {
    let Some(operation) = doc
        .paths
        .paths
        .get_mut(path)
        .and_then(|item| item.get.as_mut())
    else {
        return;
    };
    if let Some(RefOr::T(response)) = operation.responses.responses.get_mut("200") {
        for media in ["text/csv", "text/html"] {
            if let Some(RefOr::T(content)) = response.content.get_mut(media)
                && let Some(RefOr::T(Schema::Object(schema))) = content.schema.as_mut()
            {
                schema.max_length = Some(max);
            }
        }
    }
}

/// The largest report document (checked by the report tests).
pub const MAX_REPORT_BYTES: usize = 1 << 20;
/// The largest problem type page (checked by the problem tests).
pub const MAX_PROBLEM_PAGE_BYTES: usize = 4096;
