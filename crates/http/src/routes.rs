//! Route registration (which also feeds the OpenAPI document) and the fallback that
//! tells 404 from 405 using that same document.

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use utoipa::openapi::OpenApi;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::errors::ApiError;
use crate::handlers::admin::{
    holidays as admin_holidays, log, members, organisations, revocation, schemes as admin_schemes,
};
use crate::handlers::{
    actions, assessment, audit, budgets, cases, consents, documents, events, export, feedback,
    health, holidays, letters, measures, notes, problems, rectify, reference, referrals, register,
    reports, schemes, statutory, timeline, webhooks,
};

/// Every API operation. Only what is registered here exists, and it is in the spec.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .service(referrals::create_referral)
            .service(cases::list_cases)
            .service(cases::get_case)
            .service(timeline::timeline)
            .service(timeline::risk_assessments)
            .service(notes::write_note)
            .service(notes::list_notes)
            .service(documents::add_document)
            .service(documents::list_documents)
            .service(documents::get_document)
            .service(documents::delete_document)
            .service(assessment::get_assessment)
            .service(export::export_case)
            .service(letters::evidence_letter)
            .service(rectify::rectify_referral)
            .service(actions::accept)
            .service(actions::order_interim_measures)
            .service(actions::record_interim_measures_fitted)
            .service(actions::record_emergency_accommodation)
            .service(actions::decline)
            .service(actions::assign_assessor)
            .service(actions::reassign_assessor)
            .service(actions::record_assessment)
            .service(actions::approve_works)
            .service(actions::record_landlord_permission)
            .service(actions::order_works)
            .service(actions::reassign_contractor)
            .service(actions::start_works)
            .service(actions::complete_works)
            .service(actions::record_contact)
            .service(actions::record_referral_made)
            .service(actions::record_safeguarding_decision)
            .service(actions::review_register_entry)
            .service(actions::remove_register_entry)
            .service(consents::case_consents)
            .service(actions::book_visit)
            .service(actions::record_visit_outcome)
            .service(actions::record_fire_check)
            .service(actions::order_remedial_works)
            .service(actions::complete_remedial_works)
            .service(actions::record_equipment_review)
            .service(actions::order_removal)
            .service(actions::record_removal)
            .service(actions::record_follow_up_visit)
            .service(actions::record_follow_up_contact)
            .service(actions::close)
            .service(actions::reopen)
            .service(actions::cancel)
            .service(actions::hold)
            .service(actions::resume)
            .service(actions::withdraw)
            .service(actions::record_consent)
            .service(actions::set_legal_hold)
            .service(actions::record_risk_assessment)
            .service(measures::list_measures)
            .service(measures::put_measure)
            .service(reference::dash_questions)
            .service(holidays::list_holidays)
            .service(schemes::get_scheme)
            .service(schemes::settings_versions)
            .service(schemes::list_members)
            .service(admin_schemes::list_schemes)
            .service(admin_schemes::create_scheme)
            .service(admin_schemes::update_scheme)
            .service(admin_schemes::put_settings)
            .service(organisations::list_organisations)
            .service(organisations::get_organisation)
            .service(organisations::create_organisation)
            .service(organisations::update_organisation)
            .service(members::put_member)
            .service(members::remove_member)
            .service(admin_holidays::add_holiday)
            .service(revocation::revoke_token)
            .service(log::events)
            .service(audit::list_audit)
            .service(events::list_events)
            .service(webhooks::create_webhook)
            .service(webhooks::list_webhooks)
            .service(webhooks::get_webhook)
            .service(webhooks::update_webhook)
            .service(webhooks::delete_webhook)
            .service(webhooks::rotate_webhook_secret)
            .service(webhooks::list_deliveries)
            .service(webhooks::retry_delivery)
            .service(register::list_register)
            .service(reports::monitoring_report)
            .service(statutory::safe_accommodation_return)
            .service(reports::put_report_note)
            .service(budgets::put_budget)
            .service(budgets::get_budget)
            .service(feedback::give_feedback)
            .service(feedback::list_feedback),
    )
    .service(problems::problem_type)
    .service(health::live)
    .service(health::ready);
}

/// Path templates and their methods, from the OpenAPI document.
pub struct RouteTable(Vec<(Vec<String>, Vec<&'static str>)>);

impl RouteTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (segments, methods)
            })
            .collect();
        Self(routes)
    }

    /// The methods allowed on `path`, if any route matches it.
    pub fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut methods: Vec<&'static str> = self
            .0
            .iter()
            .filter(|(template, _)| {
                template.len() == parts.len()
                    && template.iter().zip(&parts).all(|(t, p)| {
                        (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p
                    })
            })
            .flat_map(|(_, methods)| methods.iter().copied())
            .collect();
        methods.sort_unstable();
        methods.dedup();
        (!methods.is_empty()).then_some(methods)
    }
}

/// Answers what no route matched: 405 with `Allow` if the path exists, else 404.
pub async fn fallback(
    request: HttpRequest,
    table: Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    Err(match table.allowed(request.path()) {
        Some(methods) => ApiError::method_not_allowed(methods.join(", ")),
        None => ApiError::not_found(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment_per_parameter() {
        let table = RouteTable(vec![
            (vec!["api".into(), "v1".into(), "cases".into()], vec!["GET"]),
            (
                vec!["api".into(), "v1".into(), "cases".into(), "{id}".into()],
                vec!["GET"],
            ),
            (
                vec!["api".into(), "v1".into(), "referrals".into()],
                vec!["POST"],
            ),
        ]);
        assert_eq!(table.allowed("/api/v1/referrals"), Some(vec!["POST"]));
        assert_eq!(table.allowed("/api/v1/cases/abc"), Some(vec!["GET"]));
        assert_eq!(table.allowed("/api/v1/cases/abc/def"), None);
        assert_eq!(table.allowed("/api/v2/cases"), None);
    }
}
