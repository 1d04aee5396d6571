//! The problem types: every error's `type` (`/problems/{code}`) resolves to a page that
//! says what the code means, its status and what to do.

use actix_web::http::header;
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

use crate::errors::{ApiError, ErrorCode};
use crate::render::html::escape;

/// A problem type, as `GET /problems/{code}` describes it in JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemTypeView {
    /// The `type` of problems with this code.
    #[schema(example = "/problems/precondition_failed", max_length = 80)]
    pub r#type: String,
    pub code: ErrorCode,
    /// The HTTP status problems with this code always have.
    #[schema(minimum = 400, maximum = 599, example = 412)]
    pub status: u16,
    #[schema(example = "The resource has changed", max_length = 200)]
    pub title: &'static str,
    /// What it means and what to do.
    #[schema(max_length = 1000)]
    pub description: String,
}

impl ProblemTypeView {
    fn of(code: ErrorCode) -> Self {
        Self {
            r#type: format!("/problems/{}", code.as_str()),
            code,
            status: code.status().as_u16(),
            title: code.title(),
            description: code
                .description()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

/// Describe a problem type.
///
/// The page every problem's `type` names: what the code means, its HTTP status and what
/// to do. A short HTML page by default; JSON with `Accept: application/json`. No token.
#[utoipa::path(
    tag = "reference",
    params(("code" = ErrorCode, Path, description = "The problem's `code`.")),
    responses(
        (status = 200, description = "The problem type.", content(
            (ProblemTypeView = "application/json"),
            (String = "text/html"),
        )),
        (status = 404, description = "No such code.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/problems/{code}")]
pub async fn problem_type(
    code: Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let code = ErrorCode::from_code(&code).ok_or_else(ApiError::not_found)?;
    let view = ProblemTypeView::of(code);
    if wants_json(&request) {
        return Ok(HttpResponse::Ok().json(view));
    }
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>{code}: {title}</title></head><body>\n<h1>{title}</h1>\n\
<p>Problem code <code>{code}</code>, always HTTP status <strong>{status}</strong>.</p>\n\
<p>{description}</p>\n\
<p>Every error of the Sanctuary Scheme API is <code>application/problem+json</code> \
(RFC 9457) with this <code>code</code> and a <code>request_id</code>; quote the request id \
when you ask about an error. <a href=\"/swagger-ui/\">The API's documentation</a>.</p>\n\
</body></html>\n",
        code = escape(code.as_str()),
        title = escape(view.title),
        status = view.status,
        description = with_code_spans(&escape(&view.description)),
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(page))
}

/// `text` with its backtick spans as `<code>` (the descriptions are Markdown-ish).
fn with_code_spans(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// JSON when the client lists a JSON type (`application/json`, `…+json`) before HTML
/// (or HTML not at all).
fn wants_json(request: &HttpRequest) -> bool {
    super::preferred(request, &["json", "text/html"]) == Some("json")
}
