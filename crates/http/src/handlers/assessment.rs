//! The assessment copy: what the crime prevention officer recorded, for those the
//! pathway sends it to (seed 000, step 6), each in its view.

use std::fmt::Write;

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get};
use sanctuary_domain::policy::{Action, View};
use sanctuary_persistence::assessment as recorded;
use sanctuary_persistence::{cases, organisations};

use super::{Authorised, authorise, preferred};
use crate::audit;
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::render::html::escape;
use crate::state::AppState;
use crate::wire::assessment::{AssessedMeasure, AssessmentView};
use crate::wire::case::OrganisationRef;

/// Read a case's assessment copy.
///
/// The recorded assessment — visit date, findings, recommended and approved measures
/// with their locations and estimated costs — for the coordinator, the referring
/// organisation and the assessor in full; for the contractor holding the works order,
/// the approved measures and where they go. JSON, or a printable page with
/// `Accept: text/html` (no script, nothing fetched). Every read is audited. 404 if no
/// assessment is recorded yet.
#[utoipa::path(
    tag = "cases",
    params(("id" = Uuid, Path, description = "The case id")),
    responses(
        (status = 200, description = "The assessment.", content(
            (AssessmentView = "application/json"),
            (String = "text/html"),
        )),
        (status = 403, description = "Your role on this case does not include the assessment, or the consent in force no longer lets you see it.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/cases/{id}/assessment")]
pub async fn get_assessment(
    state: Data<AppState>,
    caller: Caller,
    id: Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let Authorised {
        summary,
        view,
        role,
        ..
    } = authorise(&state, &caller, &id, Action::ViewAssessment, || {
        "Your role on this case does not include its assessment.".into()
    })
    .await?;
    if !matches!(view, View::Full | View::Contractor) {
        return Err(ApiError::forbidden(
            "The consent in force no longer lets your organisation see the assessment.",
        ));
    }
    let Some(recorded) = recorded::latest(&state.store, summary.id).await? else {
        return Err(ApiError::not_found());
    };
    let record = cases::find(&state.store, summary.id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let assessor = organisations::find(state.store.connection(), recorded.assessed_by)
        .await?
        .map_or_else(String::new, |o| o.name);
    let full = view == View::Full;
    let measures: Vec<AssessedMeasure> = record
        .works
        .iter()
        .filter(|item| full || item.approved)
        .map(|item| AssessedMeasure {
            measure_code: item.measure_code.clone(),
            name: item.name.clone(),
            quantity: item.quantity,
            location: item.location.clone(),
            approved: item.approved,
            estimated_cost_pence: full.then_some(item.estimated_cost_pence),
        })
        .collect();
    let total = |approved_only: bool| {
        record
            .works
            .iter()
            .filter(|i| !approved_only || i.approved)
            .map(|i| i.estimated_cost_pence)
            .sum::<i64>()
    };
    let body = AssessmentView {
        case_id: summary.id,
        reference: summary.reference.clone(),
        view,
        visit_date: recorded.visit_date,
        recorded_at: recorded.recorded_at,
        assessed_by: OrganisationRef {
            id: recorded.assessed_by,
            name: assessor,
        },
        findings: if full { recorded.findings } else { None },
        measures,
        estimated_total_pence: full.then(|| total(false)),
        approved_total_pence: full.then(|| total(true)),
    };
    let fields = vec![format!("assessment:{view}")];
    audit::read(
        &state.app,
        &caller,
        Some(role),
        Action::ViewAssessment,
        &summary,
        fields,
    )
    .await?;
    Ok(
        match preferred(&request, &["application/json", "text/html"]) {
            Some("text/html") => HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((
                    header::CONTENT_SECURITY_POLICY,
                    crate::middleware::PRINTABLE_CSP,
                ))
                .body(page(&body)),
            _ => HttpResponse::Ok().json(body),
        },
    )
}

/// The assessment as a printable page; every text escaped.
fn page(a: &AssessmentView) -> String {
    let pounds = |p: i64| format!("£{}.{:02}", p / 100, p % 100);
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Assessment {r}\
         </title><style>body{{font-family:system-ui,sans-serif;margin:2em}}table{{border-collapse:\
         collapse}}th,td{{border:1px solid #999;padding:.2em .5em}}td.n{{text-align:right}}\
         </style></head><body><h1>Security assessment — {r}</h1><p>Visit: {v}. Recorded {at} by \
         {by}.</p>",
        r = escape(&a.reference),
        v = a
            .visit_date
            .map_or("not recorded".into(), |d| d.to_string()),
        at = a.recorded_at.date(),
        by = escape(&a.assessed_by.name),
    );
    if let Some(findings) = &a.findings {
        let _ = write!(html, "<h2>Findings</h2><p>{}</p>", escape(findings));
    }
    html.push_str(
        "<h2>Measures</h2><table><thead><tr><th>Measure</th><th>Quantity</th><th>Where</th>\
         <th>Approved</th>",
    );
    let costs = a.estimated_total_pence.is_some();
    if costs {
        html.push_str("<th>Estimate</th>");
    }
    html.push_str("</tr></thead><tbody>");
    for m in &a.measures {
        let _ = write!(
            html,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td>",
            escape(&m.name),
            m.quantity,
            escape(m.location.as_deref().unwrap_or("")),
            if m.approved { "yes" } else { "no" },
        );
        if let Some(cost) = m.estimated_cost_pence {
            let _ = write!(html, "<td class=\"n\">{}</td>", pounds(cost));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
    if let (Some(all), Some(approved)) = (a.estimated_total_pence, a.approved_total_pence) {
        let _ = write!(
            html,
            "<p>Estimated: {} recommended, {} approved.</p>",
            pounds(all),
            pounds(approved)
        );
    }
    html.push_str("</body></html>");
    html
}
