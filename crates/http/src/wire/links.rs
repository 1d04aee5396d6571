//! Case actions as links: what the caller may do to a case now, and where to send it.

use sanctuary_domain::policy::Action;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A case action the caller can take now: send `method` to `href` (with `If-Match`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ActionLink {
    pub action: Action,
    pub method: LinkMethod,
    /// The action's path on this server.
    #[schema(
        example = "/api/v1/cases/01930f6e-8a4b-7cc2-9d2e-6f1b2a3c4d5e/record-contact",
        max_length = 200,
        pattern = r"^/api/v1/cases/[0-9a-f-]{36}/[a-z-]+$"
    )]
    pub href: String,
}

/// The HTTP method of a link. Every case action is a POST today; clients should
/// accept other methods should they appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum LinkMethod {
    #[serde(rename = "POST")]
    Post,
}

impl ActionLink {
    pub fn new(case: Uuid, action: Action) -> Self {
        Self {
            action,
            method: LinkMethod::Post,
            href: format!("/api/v1/cases/{case}/{}", segment(action)),
        }
    }

    pub fn all(case: Uuid, actions: Vec<Action>) -> Vec<Self> {
        actions.into_iter().map(|a| Self::new(case, a)).collect()
    }
}

/// The route of each case action (see `handlers::actions`); most are the action's name
/// with hyphens, the records kept as collections are plural nouns.
fn segment(action: Action) -> String {
    match action {
        Action::RecordConsent => "consents".into(),
        Action::RecordRiskAssessment => "risk-assessments".into(),
        Action::SetLegalHold => "legal-hold".into(),
        other => other.as_str().replace('_', "-"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case action's link is an operation of the contract, as a POST.
    #[test]
    fn every_case_action_links_to_a_post_in_the_contract() {
        let doc = crate::app::openapi();
        for &action in Action::ALL.iter().filter(|a| a.is_case_action()) {
            let template = format!("/api/v1/cases/{{id}}/{}", segment(action));
            let item = doc
                .paths
                .paths
                .get(&template)
                .unwrap_or_else(|| panic!("{action}: no {template} in the contract"));
            assert!(item.post.is_some(), "{action}: {template} is not a POST");
        }
    }
}
