//! `POST /api/v1/cases/{id}/{action}`: the case workflow.
//!
//! Every action goes through the use case [`sanctuary_app::actions::take_action`]: the
//! case must be visible (404 otherwise, the same as a missing case), the caller's role
//! must be allowed the action (403), the request must carry the case's `ETag` in
//! `If-Match` (428 without, 412 when stale), the domain decides (409 or 422), and the
//! effects are committed under the version the caller saw (412 if someone else got
//! there first).

use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, post};
use sanctuary_app::actions;
use sanctuary_domain::workflow::Command;
use uuid::Uuid;

use super::{case_response, expected, now_micros};
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ContractJson;
use crate::state::AppState;
use crate::wire::actions::*;
use crate::wire::after_works::*;
use crate::wire::visits::{BookVisitBody, RecordVisitOutcomeBody};

/// Takes `command` on case `id` for `caller` ([`sanctuary_app::actions::take_action`]),
/// with the version its `If-Match` names, and answers with the case after it.
pub async fn perform(
    state: &AppState,
    caller: &Caller,
    request: &HttpRequest,
    id: &str,
    command: Command,
) -> Result<HttpResponse, ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::not_found())?;
    let (scope, record) = actions::take_action(
        &state.app,
        caller,
        id,
        expected(request),
        command,
        now_micros(),
    )
    .await?;
    case_response(state, &scope, HttpResponse::Ok(), &record).await
}

macro_rules! action_endpoint {
    (
        $(#[doc = $doc:tt])*
        $name:ident, $path:tt, $body:ty
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = "case actions",
            request_body = $body,
            params(
                ("id" = Uuid, Path, description = "The case id"),
                ("If-Match" = String, Header, description = "The case's ETag, e.g. \"3\""),
            ),
            responses(
                (status = 200, description = "The case after the action.", body = crate::wire::case::CaseView,
                    headers(("ETag" = String, description = "The case's new version"))),
                (status = 204, description = "Done, and the action took the case out of your sight (a contractor completing works when the scheme gives it no days after them)."),
                (status = 403, description = "Your role may not take this action.", body = crate::errors::Problem, content_type = "application/problem+json"),
                (status = 409, description = "Not possible in the case's status, or the case's facts forbid it.", body = crate::errors::Problem, content_type = "application/problem+json"),
            ),
            security(("bearer" = [])),
        )]
        #[post($path)]
        pub async fn $name(
            state: Data<AppState>,
            caller: Caller,
            request: HttpRequest,
            id: Path<String>,
            body: ContractJson<$body>,
        ) -> Result<HttpResponse, ApiError> {
            let command = body.parse(|b| b.command())?;
            perform(&state, &caller, &request, &id, command).await
        }
    };
}

macro_rules! bare_action_endpoint {
    (
        $(#[doc = $doc:tt])*
        $name:ident, $path:tt, $command:expr
    ) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = "case actions",
            params(
                ("id" = Uuid, Path, description = "The case id"),
                ("If-Match" = String, Header, description = "The case's ETag, e.g. \"3\""),
            ),
            responses(
                (status = 200, description = "The case after the action.", body = crate::wire::case::CaseView,
                    headers(("ETag" = String, description = "The case's new version"))),
                (status = 204, description = "Done, and the action took the case out of your sight (a contractor completing works when the scheme gives it no days after them)."),
                (status = 403, description = "Your role may not take this action.", body = crate::errors::Problem, content_type = "application/problem+json"),
                (status = 409, description = "Not possible in the case's status.", body = crate::errors::Problem, content_type = "application/problem+json"),
            ),
            security(("bearer" = [])),
        )]
        #[post($path)]
        pub async fn $name(
            state: Data<AppState>,
            caller: Caller,
            request: HttpRequest,
            id: Path<String>,
        ) -> Result<HttpResponse, ApiError> {
            perform(&state, &caller, &request, &id, $command).await
        }
    };
}

action_endpoint! {
    /// Record that the client gave, refused or withdrew a consent.
    ///
    /// The coordinator or the referring organisation, at any time — withdrawing is as
    /// easy as giving. Effects: installation refused or withdrawn ends an open case as
    /// `withdrawn` (its clocks cancelled); information sharing refused or withdrawn
    /// leaves identifiable data to the coordinator only (the referrer and assessor see
    /// status only; the contractor keeps its view only for works in progress the client
    /// agreed to finish, `works_may_continue`); follow-up contact refused or withdrawn
    /// cancels the follow-up contact clocks and refuses follow-up contacts; landlord
    /// contact refused refuses holds waiting for the landlord. The history is the
    /// case's timeline (`record_consent` entries).
    record_consent, "/cases/{id}/consents", RecordConsentBody
}
action_endpoint! {
    /// Place or lift a legal hold.
    ///
    /// Coordinator, at any time. A held case is never anonymised by the retention run,
    /// however long ago it ended. Placing a hold needs a reason.
    set_legal_hold, "/cases/{id}/legal-hold", LegalHoldBody
}
action_endpoint! {
    /// Accept the referral.
    ///
    /// Coordinator. Needs installation and information-sharing consent; if the case has
    /// eligibility warnings, an `override_reason`. Starts the refer-to-assessor clock.
    accept, "/cases/{id}/accept", AcceptBody
}
action_endpoint! {
    /// Decline the referral, with a reason.
    ///
    /// Coordinator. Ends the case and its clocks.
    decline, "/cases/{id}/decline", DeclineBody
}
action_endpoint! {
    /// Assign an assessor organisation of the scheme.
    ///
    /// Coordinator. Stops the refer-to-assessor clock, starts the assessment clock.
    assign_assessor, "/cases/{id}/assign-assessor", AssignAssessorBody
}
action_endpoint! {
    /// Record the assessment: visit, findings, recommended measures.
    ///
    /// The assigned assessor. Measures come from the scheme's catalogue.
    record_assessment, "/cases/{id}/record-assessment", RecordAssessmentBody
}
action_endpoint! {
    /// Approve all or some of the recommended measures.
    ///
    /// Coordinator. Above the scheme's per-household limit, a funder approval
    /// reference is required.
    approve_works, "/cases/{id}/approve-works", ApproveWorksBody
}
action_endpoint! {
    /// Order the approved works from a contractor organisation of the scheme.
    ///
    /// Coordinator. Starts the works-start and works-complete clocks.
    order_works, "/cases/{id}/order-works", OrderWorksBody
}
bare_action_endpoint! {
    /// Record that the works have started.
    ///
    /// The contractor holding the works order. No body.
    start_works, "/cases/{id}/start-works", Command::StartWorks
}
action_endpoint! {
    /// Complete the works: installed (with actual cost) or not (with a reason), for
    /// every approved measure.
    ///
    /// The contractor holding the works order. Starts the fire-check, follow-up visit
    /// and (with consent) follow-up contact clocks.
    complete_works, "/cases/{id}/complete-works", CompleteWorksBody
}
action_endpoint! {
    /// Record a contact with the client.
    ///
    /// Coordinator. The first conversation (`spoke_to_client`) stops the initial-contact
    /// clock. Respect the case's unsafe contact times.
    record_contact, "/cases/{id}/record-contact", RecordContactBody
}
action_endpoint! {
    /// Record a decision to share without the client's consent.
    ///
    /// Coordinator, while the case is open (seed 004: consent to share is not needed
    /// where a person is at risk). `information_sharing` shares the case with the roles
    /// named in `share_with` whatever the client's consent to share (refused or
    /// withdrawn), and lets `accept` proceed where that consent was the only block;
    /// `landlord_contact` lets the case wait for the landlord without that consent. No
    /// decision stands in for consent to installation. The timeline keeps the purpose,
    /// roles, lawful basis and review date; the reason and the deciding officer are
    /// sealed (in the subject access export only). Decisions add up.
    record_safeguarding_decision, "/cases/{id}/record-safeguarding-decision", RecordSafeguardingDecisionBody
}
action_endpoint! {
    /// Open a closed case again.
    ///
    /// Coordinator, within the scheme's `reopen_within_months` (default 12) of closing
    /// (409 `reopen_window_passed` after: refer again), with the reason (perpetrator
    /// returned, new incident, measures damaged, further measures needed). Back to
    /// `accepted` in a new round: its clocks start again (the last round's stay on
    /// record, the follow-up contacts still counting end), the home goes back on the
    /// register, a new assessment and works follow. The report counts the case's
    /// installation once and the reopening in its own row.
    reopen, "/cases/{id}/reopen", ReopenBody
}
action_endpoint! {
    /// Order interim measures at once.
    ///
    /// Coordinator, while the case is received or accepted (before an assessment): an
    /// urgent referral's emergency lock change, door chain, temporary boarding or
    /// personal alarm (the catalogue's `interim` measures), from a contractor of the
    /// scheme, with the client's consent to installation. The contractor sees the case
    /// as for works; the `interim_measures` clock runs (urgent: one working day).
    order_interim_measures, "/cases/{id}/order-interim-measures", OrderInterimMeasuresBody
}
action_endpoint! {
    /// Record the interim measures fitted.
    ///
    /// The contractor holding the order: a result for every interim measure outstanding
    /// (fitted at its actual cost, or not and why). Stops the `interim_measures` clock;
    /// the costs count in the household's spend and the report counts the case as
    /// having interim measures fitted.
    record_interim_measures_fitted, "/cases/{id}/record-interim-measures-fitted", InterimMeasuresFittedBody
}
action_endpoint! {
    /// Record that the client had to leave the home, or came back.
    ///
    /// Coordinator, while the case is open: `placed` with where (`refuge`,
    /// `temporary_accommodation`, `family_or_friends`; never an address) pauses the
    /// works clocks until the client returns (`placed: false`).
    record_emergency_accommodation, "/cases/{id}/record-emergency-accommodation", EmergencyAccommodationBody
}
action_endpoint! {
    /// Record the landlord's permission for the works.
    ///
    /// Coordinator, while the case is open. A rented home (the scheme's
    /// `landlord.permission_tenures`) needs the landlord's permission before works are
    /// ordered (`order-works` answers 409 `landlord_permission_required` until it is
    /// `granted`). `requested` (how) needs the client's consent to contact the landlord
    /// or a safeguarding decision standing in (409 `consent_required`) and starts the
    /// `landlord_permission` clock; `granted` (by whom, conditions: sealed) or `refused`
    /// (why: sealed) stops it. A refusal leaves `cancel` with `landlord_refused`.
    record_landlord_permission, "/cases/{id}/record-landlord-permission", LandlordPermissionBody
}
action_endpoint! {
    /// Give the assessment to another assessor.
    ///
    /// Coordinator, once an assessor is assigned, while the case is open: another
    /// active assessor organisation of the scheme, with the reason (sealed). The
    /// organisation replaced loses the case at once (it is told, then hears nothing
    /// more); the clocks run on.
    reassign_assessor, "/cases/{id}/reassign-assessor", ReassignAssessorBody
}
action_endpoint! {
    /// Give the works order to another contractor.
    ///
    /// Coordinator, while the works are ordered or in progress: another active
    /// contractor organisation of the scheme, with the reason (sealed). The contractor
    /// replaced loses the case at once; the clocks run on.
    reassign_contractor, "/cases/{id}/reassign-contractor", ReassignContractorBody
}
action_endpoint! {
    /// Review the case's entries on the emergency-services register.
    ///
    /// Coordinator, while an entry stands (409 `no_register_entry` otherwise), in any
    /// status (the scheme may keep entries some months after the case ends). The
    /// entries stay, reviewed again in the scheme's `register.review_months`: the
    /// `register_review` clock stops (met or breached) and starts its next period. The
    /// fire service and police are told (`register.entry_reviewed`).
    review_register_entry, "/cases/{id}/review-register-entry", crate::wire::register::ReviewRegisterEntryBody
}
action_endpoint! {
    /// Take the case off the emergency-services register.
    ///
    /// Coordinator, while an entry stands: one service's (`service`) or every one, with
    /// the reason. The service's control room is told (`register.entry_removed`) and
    /// reads the entry as removed; the fire service's view of the case ends with its
    /// entry. Entries also come off by themselves: when the client withdraws consent to
    /// share (and no safeguarding decision names the service), and when the case ends
    /// (or the scheme's `register.keep_months_after_end` later).
    remove_register_entry, "/cases/{id}/remove-register-entry", crate::wire::register::RemoveRegisterEntryBody
}
action_endpoint! {
    /// Record that the client was referred on.
    ///
    /// Coordinator or the referring organisation, while the case is open: a MARAC,
    /// adult safeguarding, children's services, IDVA, housing options or police
    /// referral. The flag that asked for it comes off the case (`marac` clears
    /// `high_risk_without_marac` and `repeat_marac_referral_needed`; `adult_safeguarding`
    /// clears `safeguarding_referral_needed`, and a reassessment no longer raises it);
    /// the timeline keeps the type, the date and the flags cleared.
    record_referral_made, "/cases/{id}/record-referral-made", RecordReferralMadeBody
}
action_endpoint! {
    /// Record the fire safety check.
    ///
    /// The scheme's fire service, or the coordinator. Required before closing when a
    /// fitted measure (a safe room, window grilles) needs it. An `actions_required`
    /// check may name `remedial_works` from the catalogue: they are outstanding (the
    /// case cannot close: 409 `remedial_works_outstanding`) until ordered and done.
    record_fire_check, "/cases/{id}/record-fire-check", RecordFireCheckBody
}
action_endpoint! {
    /// Book a visit to the home.
    ///
    /// The assessor books its `assessment` (while the case is at assessment), the
    /// contractor its `installation` visits (works ordered or in progress, or an
    /// interim, remedial or removal order outstanding; a second visit is normal), the
    /// coordinator any, also the `follow_up` visit (works completed or follow-up).
    /// A UK date, today or later, and a window of the day; 422
    /// `unsafe_contact_time` when it overlaps one of the client's
    /// `unsafe_contact_windows` (on the referral), 409 `nothing_outstanding` when no
    /// visit of that kind is due.
    book_visit, "/cases/{id}/book-visit", BookVisitBody
}
action_endpoint! {
    /// Record how a booked visit went.
    ///
    /// The organisation that booked it, or the coordinator: `attended` or `no_access`
    /// (once the day has come), `client_cancelled`, or `rebooked` with the new `rebook`
    /// slot (booked as a visit of the same kind, checked as a booking is).
    record_visit_outcome, "/cases/{id}/record-visit-outcome", RecordVisitOutcomeBody
}
action_endpoint! {
    /// Order the remedial works a fire check asked for.
    ///
    /// Coordinator, after the works (`works_completed` or `follow_up`), from a
    /// contractor of the scheme, who sees the case as for works until they are done
    /// (409 `nothing_outstanding` when no remedial works wait to be ordered).
    order_remedial_works, "/cases/{id}/order-remedial-works", OrderRemedialWorksBody
}
action_endpoint! {
    /// Record the remedial works done.
    ///
    /// The contractor holding the order: a result for every remedial item ordered
    /// (done at its actual cost, or not and why). The costs count in the household's
    /// spend.
    complete_remedial_works, "/cases/{id}/complete-remedial-works", CompleteRemedialWorksBody
}
action_endpoint! {
    /// Record how the fitted measures were found.
    ///
    /// Coordinator, at the follow-up visit or any time after the works (the case
    /// closed too): each measure still fitted `working`, `faulty` or
    /// `no_longer_needed`. The case's works items show the latest condition.
    record_equipment_review, "/cases/{id}/record-equipment-review", RecordEquipmentReviewBody
}
action_endpoint! {
    /// Order fitted measures taken out.
    ///
    /// Coordinator, after the works (the case closed too), when they are no longer
    /// needed (the client moved, the perpetrator is in prison long-term, faulty...),
    /// from a contractor of the scheme, who sees the case again until it is done.
    order_removal, "/cases/{id}/order-removal", OrderRemovalBody
}
action_endpoint! {
    /// Record the measures taken out.
    ///
    /// The contractor holding the order: a result for every measure ordered out
    /// (removed at its cost, or left in place and why). The cost counts in the
    /// household's spend; removed measures show on the case and in the register entry.
    record_removal, "/cases/{id}/record-removal", RecordRemovalBody
}
action_endpoint! {
    /// Record the follow-up visit after the works.
    ///
    /// Coordinator. Moves the case to `follow_up`.
    record_follow_up_visit, "/cases/{id}/record-follow-up-visit", RecordFollowUpVisitBody
}
action_endpoint! {
    /// Record a follow-up contact at 3, 6 or 12 months.
    ///
    /// Coordinator. Only with the client's follow-up consent; also once the case is
    /// closed (the contacts outlive it).
    record_follow_up_contact, "/cases/{id}/record-follow-up-contact", RecordFollowUpContactBody
}
action_endpoint! {
    /// Close the case, with a reason and what the scheme learnt.
    ///
    /// Coordinator, once the works are completed (and any fire check a fitted measure
    /// needs is recorded). Records whether the client still lives at home, feels safer,
    /// has had further incidents since the works, and the onward referrals made (each
    /// may be left out: unknown). The follow-up contacts the client consented to (3, 6
    /// and 12 months after the works) go on running and can be recorded on the closed
    /// case; every other clock still running ends.
    close, "/cases/{id}/close", CloseBody
}
action_endpoint! {
    /// Cancel the works, with a reason (before they complete).
    ///
    /// Coordinator. Ends the case and its clocks.
    cancel, "/cases/{id}/cancel", CancelBody
}
action_endpoint! {
    /// Put the case on hold; its clocks pause and paused days do not count.
    ///
    /// Coordinator.
    hold, "/cases/{id}/hold", HoldBody
}
bare_action_endpoint! {
    /// Take the case off hold: back to the status it left, clocks running again.
    ///
    /// Coordinator. No body.
    resume, "/cases/{id}/resume", Command::Resume
}
action_endpoint! {
    /// Record that the client withdrew consent to installation.
    ///
    /// Coordinator or the referring organisation. Ends the case and its clocks.
    withdraw, "/cases/{id}/withdraw", WithdrawBody
}
action_endpoint! {
    /// Add a risk reassessment.
    ///
    /// Coordinator, the referring organisation or the assigned assessor. Professional
    /// judgement may raise the level the DASH score gives, never lower it. History is
    /// kept; the case shows the level in force.
    record_risk_assessment, "/cases/{id}/risk-assessments", RiskAssessmentBody
}
