//! Reference data partners need to build requests.

use actix_web::{HttpResponse, get};
use sanctuary_domain::dash::DashQuestion;
use serde::Serialize;
use utoipa::ToSchema;

/// A DASH checklist question: its code and our short title (the wording is copyright).
#[derive(Serialize, ToSchema)]
pub struct DashQuestionView {
    #[schema(example = "q1")]
    #[schema(max_length = 3)]
    pub code: &'static str,
    /// Position in the police (ACPO 2009) checklist.
    pub number: u8,
    #[schema(example = "Injury")]
    #[schema(max_length = 100)]
    pub short_title: &'static str,
    /// Whether the SafeLives 24-question version asks it (it omits q10–q12).
    pub in_safelives_version: bool,
}

/// The DASH checklist questions.
///
/// Codes to key `safety.dash.answers` by, in police order.
#[utoipa::path(tag = "reference", responses((status = 200, body = Vec<DashQuestionView>)))]
#[get("/dash-questions")]
pub async fn dash_questions() -> HttpResponse {
    let questions: Vec<DashQuestionView> = DashQuestion::ALL
        .iter()
        .zip(1u8..)
        .map(|(q, number)| DashQuestionView {
            code: q.as_str(),
            number,
            short_title: q.short_title(),
            in_safelives_version: q.in_safelives_version(),
        })
        .collect();
    HttpResponse::Ok().json(questions)
}
