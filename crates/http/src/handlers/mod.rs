//! Request handlers, one module per resource.

pub mod cases;
pub mod health;
pub mod reference;
pub mod referrals;

use actix_web::HttpResponse;
use actix_web::http::header;
use sanctuary_persistence::cases::CaseRecord;

use crate::wire::case::CaseView;

/// The case's strong validator: changes with every write.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A case response with its `ETag`.
pub fn case_response(
    mut builder: actix_web::HttpResponseBuilder,
    record: &CaseRecord,
) -> HttpResponse {
    builder
        .insert_header((header::ETAG, etag(record.summary.version)))
        .json(CaseView::from(record))
}
