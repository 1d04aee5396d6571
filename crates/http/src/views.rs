//! Building a caller's view of a case. Each view is built up from what it may hold —
//! never by building everything and removing fields afterwards.

use sanctuary_domain::calendar::Calendar;
use sanctuary_domain::case::CaseFlag;
use sanctuary_domain::clock::ClockState;
use sanctuary_domain::policy::{Action, View};
use sanctuary_domain::visits::VisitKind;
use sanctuary_domain::workflow::{ItemOutcome, Removal, WorksItem};
use sanctuary_persistence::cases::{CaseDetail, CaseRecord, CaseSummary};
use time::OffsetDateTime;

use crate::wire::case::{
    CaseSummaryView, CaseView, ClientContactView, ClockView, CloseOutcomeView, ConsentsInForceView,
    ItemOutcomeView, LandlordPermissionView, OrganisationRef, PropertyView, RemovalStatus,
    RemovalView, WorkflowView, WorksItemView, WorksView,
};
use crate::wire::links::ActionLink;
use crate::wire::referral::{AddressSection, InstallationSection, ReferralForm};
use crate::wire::register::{CaseRegisterEntryView, RegisterReviewView};
use crate::wire::visits::VisitView;

/// What lists show of a case; `shows_repeat`: whether the caller may see that it
/// repeats an earlier case ([`crate::access::Scope::repeat_links_shown`]).
pub fn summary(s: &CaseSummary, view: View, shows_repeat: bool) -> CaseSummaryView {
    let full = view == View::Full;
    let flags = || {
        s.flags
            .iter()
            .filter(|f| shows_repeat || **f != CaseFlag::RepeatReferral)
            .copied()
            .collect()
    };
    CaseSummaryView {
        id: s.id,
        reference: s.reference.clone(),
        scheme: s.scheme_code.clone(),
        status: s.status,
        received_at: s.received_at,
        updated_at: s.updated_at,
        urgent: s.urgent,
        view,
        referral_source: full.then_some(s.referral_source),
        risk_level: full.then_some(s.risk_level),
        flags: full.then(flags),
        can_progress: full.then_some(s.progress_blocks.is_empty()),
        blocked_by: full.then(|| s.progress_blocks.clone()),
    }
}

/// A whole case, as `view` may see it.
pub fn case(
    r: &CaseRecord,
    view: View,
    allowed_actions: Vec<Action>,
    now: OffsetDateTime,
    calendar: &Calendar,
    shows_repeat: bool,
) -> CaseView {
    let s = &r.summary;
    let mut out = CaseView {
        summary: summary(s, view, shows_repeat),
        allowed_actions: ActionLink::all(s.id, allowed_actions),
        external_reference: None,
        referring_organisation: None,
        dash_score: None,
        referral: None,
        workflow: None,
        clocks: None,
        property: None,
        works: None,
        visits: None,
    };
    match view {
        View::Full => {
            out.external_reference = Some(r.referral.external_reference.clone());
            out.referring_organisation = Some(OrganisationRef {
                id: s.referring_organisation_id,
                name: s.referring_organisation_name.clone(),
            });
            out.dash_score = Some(s.dash_score);
            out.referral = Some(ReferralForm::from(&r.referral));
            out.workflow = Some(workflow(r, shows_repeat));
            out.clocks = Some(clocks(r, now, calendar));
            out.works = (!r.works.is_empty()).then(|| works(r, view));
            out.visits = Some(r.visits.iter().map(VisitView::from).collect());
        }
        View::Contractor => {
            let client = &r.referral.client;
            out.property = Some(PropertyView {
                address: address(r),
                unsafe_contact_times: Some(client.unsafe_contact_times.clone()),
                unsafe_contact_windows: (!client.unsafe_contact_windows.is_empty())
                    .then(|| client.unsafe_contact_windows.clone()),
                // Only when the scheme has its contractors arrange visits themselves.
                client_contact: r
                    .detail
                    .contractor_contacts_client
                    .then(|| ClientContactView {
                        first_name: client
                            .name
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_owned(),
                        phone: client.phone.as_str().to_owned(),
                    }),
                installation: Some(InstallationSection {
                    requests: r.referral.installation.requests.clone(),
                    concerns: r.referral.installation.concerns.clone(),
                }),
                safe_room_location: None,
            });
            out.works = Some(works(r, view));
            out.visits = Some(
                r.visits
                    .iter()
                    .filter(|v| v.kind == VisitKind::Installation)
                    .map(VisitView::from)
                    .collect(),
            );
        }
        View::FireService => {
            let safe_room = r
                .works
                .iter()
                .find(|w| w.installed() && w.measure_code == "safe_room");
            out.property = Some(PropertyView {
                address: address(r),
                unsafe_contact_times: None,
                unsafe_contact_windows: None,
                client_contact: None,
                installation: None,
                safe_room_location: safe_room.and_then(|w| w.location.clone()),
            });
            out.works = Some(works(r, view));
        }
        // Status only: nothing that identifies the client.
        View::Status => {}
    }
    out
}

fn address(r: &CaseRecord) -> AddressSection {
    AddressSection::from(&r.referral.client.address)
}

fn workflow(r: &CaseRecord, shows_repeat: bool) -> WorkflowView {
    let d = &r.detail;
    WorkflowView {
        eligibility_warnings: d.eligibility_warnings.clone(),
        held_from: r.summary.held_from,
        hold_reason: d.hold_reason,
        decided_at: d.decided_at,
        decline_reason: d.decline_reason,
        cancel_reason: d.cancel_reason,
        close_reason: d.close_reason,
        emergency_accommodation: d.emergency_accommodation,
        interim_fitted_at: d.interim_fitted_at,
        round: d.round,
        reopened_at: d.reopened_at,
        landlord_permission: LandlordPermissionView {
            status: d.landlord_permission,
            requested_on: d.landlord_requested_on,
            decided_on: d.landlord_decided_on,
        },
        close_outcome: d.close_outcome.as_ref().map(|o| CloseOutcomeView {
            still_living_at_home: o.still_living_at_home,
            feels_safer: o.feels_safer,
            further_incidents: o.further_incidents,
            onward_referrals: o.onward_referrals.clone(),
        }),
        ended_at: d.ended_at,
        first_contact_at: d.first_contact_at,
        fire_check_recorded_at: d.fire_check_recorded_at,
        assessor_organisation_id: r.summary.assessor_organisation_id,
        contractor_organisation_id: r.summary.contractor_organisation_id,
        repeat_of_case_id: r.summary.repeat_of_case_id.filter(|_| shows_repeat),
        consents: consents_in_force(d),
        register: r
            .register
            .iter()
            .map(|(e, reviews)| CaseRegisterEntryView {
                id: e.id,
                service: e.service,
                status: e.presence(),
                basis: e.basis,
                added_at: e.added_at,
                review_due: e.review_due,
                removed_at: e.removed_at,
                removal_reason: e.removal_reason,
                reviews: reviews
                    .iter()
                    .map(|v| RegisterReviewView {
                        reviewed_at: v.reviewed_at,
                        organisation_id: v.organisation_id,
                        was_due: v.was_due,
                        next_due: v.next_due,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The consents in force, with the safeguarding decisions standing in for one.
pub fn consents_in_force(d: &CaseDetail) -> ConsentsInForceView {
    ConsentsInForceView {
        installation: d.consents.installation,
        landlord_contact: d.consents.landlord_contact,
        information_sharing: d.consents.information_sharing,
        follow_up_contact: d.consents.follow_up_contact,
        works_may_continue: d.consents.works_may_continue,
        shared_by_safeguarding_decision: d.safeguarding.sharing_with.clone(),
        landlord_contact_by_safeguarding_decision: d.safeguarding.landlord_contact,
    }
}

fn clocks(r: &CaseRecord, now: OffsetDateTime, calendar: &Calendar) -> Vec<ClockView> {
    r.clocks
        .iter()
        .map(|c| ClockView {
            kind: c.kind,
            state: c.state_at(now),
            amount: c.amount,
            unit: c.unit,
            started_at: c.started_at,
            // A paused clock shows the due date it has if the case resumes today.
            due_at: match c.state {
                ClockState::Paused => c.due_if_resumed(now, calendar),
                _ => c.due_at,
            },
            stopped_at: c.stopped_at,
            working_days_remaining: c.working_days_remaining(now, calendar),
        })
        .collect()
}

fn works(r: &CaseRecord, view: View) -> WorksView {
    let priced = matches!(view, View::Full | View::Contractor);
    let items: Vec<&WorksItem> = match view {
        View::Full => r.works.iter().collect(),
        View::Contractor => r.works.iter().filter(|w| w.approved).collect(),
        View::FireService => r.works.iter().filter(|w| w.installed()).collect(),
        View::Status => Vec::new(),
    };
    WorksView {
        approved_cost_pence: (view == View::Full)
            .then_some(r.detail.approved_cost_pence)
            .flatten(),
        funder_approval_reference: (view == View::Full)
            .then(|| r.detail.funder_approval_reference.clone())
            .flatten(),
        works_cost_pence: priced.then_some(r.detail.works_cost_pence).flatten(),
        completed_at: r.summary.works_completed_at,
        items: items
            .into_iter()
            .map(|w| WorksItemView {
                id: w.id,
                kind: w.kind,
                measure_code: w.measure_code.clone(),
                name: w.name.clone(),
                report_row: w.report_row,
                requires_fire_check: w.requires_fire_check,
                quantity: w.quantity,
                location: w.location.clone(),
                approved: w.approved,
                outcome: w.outcome.map(|o| match o {
                    ItemOutcome::Installed { .. } => ItemOutcomeView::Installed,
                    ItemOutcome::NotInstalled => ItemOutcomeView::NotInstalled,
                }),
                condition: w.condition,
                removal: w.removal.map(|r| match r {
                    Removal::Ordered { reason } => RemovalView {
                        status: RemovalStatus::Ordered,
                        reason,
                        cost_pence: None,
                    },
                    Removal::Removed { reason, cost_pence } => RemovalView {
                        status: RemovalStatus::Removed,
                        reason,
                        cost_pence: priced.then_some(cost_pence),
                    },
                }),
                estimated_cost_pence: priced.then_some(w.estimated_cost_pence),
                actual_cost_pence: priced.then_some(match w.outcome {
                    Some(ItemOutcome::Installed { actual_cost_pence }) => Some(actual_cost_pence),
                    _ => None,
                }),
            })
            .collect(),
    }
}
