//! The spare-room evidence letter: for a social tenant whose home the scheme adapted,
//! to give to the benefit authority. It names the client and their address, so the
//! read is audited and the letter is made on request, never stored or sent.

use sanctuary_domain::calendar::london;
use sanctuary_domain::policy::Action;
use sanctuary_domain::referral::Address;
use sanctuary_domain::spare_room::{self, AdaptedHome, BenefitPurpose, Letterhead};
use sanctuary_persistence::{cases, schemes};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::actions::{Authorised, authorise};
use crate::audit;
use crate::{Acting, App, AppError};

/// What the letter says.
#[derive(Debug, Clone)]
pub struct EvidenceLetter {
    pub purpose: BenefitPurpose,
    pub reference: String,
    pub client_name: String,
    pub address: Address,
    pub installed_on: Date,
    /// The measures in place, by name, with how many.
    pub measures: Vec<(String, u32)>,
    pub scheme_name: String,
    pub letterhead: Letterhead,
    pub issued_on: Date,
}

/// The letter for case `id`, for the coordinator: 409 (`AppError::NoLetter`) naming
/// why when the case does not show a social tenancy with measures in place.
pub async fn letter(
    app: &App,
    caller: &Acting,
    id: Uuid,
    purpose: BenefitPurpose,
    now: OffsetDateTime,
) -> Result<EvidenceLetter, AppError> {
    let Authorised { summary, role, .. } =
        authorise(app, caller, id, Action::IssueEvidenceLetter, || {
            "Only the scheme's coordinator prints the evidence letter.".into()
        })
        .await?;
    let scheme = schemes::find(app.store().connection(), summary.scheme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let record = cases::with_referral(app.store(), summary).await?;
    let home = AdaptedHome::of(
        record.referral.household.tenure,
        record.summary.works_completed_at.map(london::local_date),
        &record.works,
    );
    let installed_on = spare_room::letter_date(&home).map_err(AppError::NoLetter)?;
    // Audited before a word of it is returned.
    let fields = vec![
        "client.name".to_owned(),
        "client.address".to_owned(),
        format!("evidence_letter:{purpose}"),
    ];
    audit::read(
        app,
        caller,
        Some(role),
        Action::IssueEvidenceLetter,
        &record.summary,
        fields,
    )
    .await?;
    let measures = record
        .works
        .iter()
        .filter(|w| w.in_place())
        .map(|w| (w.name.clone(), w.quantity))
        .collect();
    Ok(EvidenceLetter {
        purpose,
        reference: record.summary.reference.clone(),
        client_name: record.referral.client.name.clone(),
        address: record.referral.client.address.clone(),
        installed_on,
        measures,
        scheme_name: scheme.name,
        letterhead: scheme.settings.letterhead,
        issued_on: london::local_date(now),
    })
}
