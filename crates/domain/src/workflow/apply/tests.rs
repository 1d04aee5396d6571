use crate::consent::{ConsentPurpose, ConsentStatus, ConsentsInForce, IntakeConsents};
use time::macros::{date, datetime};

use super::*;
use crate::clock::{ClockKind, ClockState};
use crate::consent::{ConsentDecision, ConsentMethod};
use crate::measures;
use crate::scheme::Nation;
use crate::workflow::*;
use crate::{
    calendar::Calendar,
    case::{CaseFlag, CaseStatus},
    clock::{Clock, ClockEvent, Starting, start_clocks},
    dash::Dash,
    eligibility::EligibilityWarning,
    risk::RiskLevel,
    settings::SchemeSettings,
};
use time::OffsetDateTime;
use uuid::Uuid;

fn cal() -> Calendar {
    Calendar::shipped(Nation::EnglandAndWales)
}

const T0: OffsetDateTime = datetime!(2026-11-23 10:00 UTC);

fn consents(follow_up: ConsentDecision) -> ConsentsInForce {
    ConsentsInForce::from_intake(&IntakeConsents {
        installation: ConsentDecision::Given,
        landlord_contact: ConsentDecision::Given,
        information_sharing: ConsentDecision::Given,
        follow_up_contact: follow_up,
        method: ConsentMethod::Verbal,
        obtained_on: date!(2026 - 11 - 20),
    })
}

fn case(status: CaseStatus) -> CaseSnapshot {
    let settings = SchemeSettings::default();
    let consents = consents(ConsentDecision::Given);
    let clocks = start_clocks(
        &Starting {
            rules: &settings.clocks,
            consents: &consents,
            fire_check_needed: false,
            day_ends_at: None,
            calendar: &cal(),
        },
        &[],
        ClockEvent::ReferralReceived,
        T0,
    );
    CaseSnapshot {
        status,
        received_at: T0,
        held_from: None,
        settings,
        catalogue: measures::shipped(),
        consents,
        eligibility_warnings: Vec::new(),
        works: Vec::new(),
        clocks,
        fire_check_recorded: false,
        first_contact_at: None,
        risk: RiskFacts::default(),
        flags: Vec::new(),
        safeguarding: Default::default(),
        contractor_access_until: None,
        urgent: false,
        accepted: !matches!(status, CaseStatus::Received | CaseStatus::Declined),
        works_completed: matches!(
            status,
            CaseStatus::WorksCompleted | CaseStatus::FollowUp | CaseStatus::Closed
        ),
        landlord_permission: crate::landlord::LandlordPermission::NotNeeded,
        assessor_organisation_id: None,
        contractor_organisation_id: None,
        funding: None,
        emergency_accommodation: None,
        ended_at: None,
        round: 1,
        register: Vec::new(),
        register_settings: Default::default(),
        visits: Vec::new(),
        unsafe_windows: Vec::new(),
    }
}

/// Applies `command` and folds the effects back into the snapshot, as persistence would.
fn step(case: &mut CaseSnapshot, command: Command, at: OffsetDateTime) -> Effects {
    let fx = apply(case, command, at, &cal()).unwrap_or_else(|e| panic!("{e:?}"));
    case.status = fx.status;
    case.held_from = fx.held_from;
    for clock in &fx.clocks {
        match case.clocks.iter_mut().find(|c| c.kind == clock.kind) {
            Some(existing) => *existing = clock.clone(),
            None => case.clocks.push(clock.clone()),
        }
    }
    for item in &fx.works_added {
        case.works.push(item.clone());
    }
    for item in &fx.works_changed {
        *case.works.iter_mut().find(|w| w.id == item.id).unwrap() = item.clone();
    }
    if fx.changes.fire_check_recorded_at.is_some() {
        case.fire_check_recorded = true;
    }
    if let Some(at) = fx.changes.first_contact_at {
        case.first_contact_at = Some(at);
    }
    if let Some(flags) = &fx.flags {
        case.flags = flags.clone();
    }
    case.register = crate::register::standing_after(&case.register, &fx.register);
    if let Some(at) = fx.changes.ended_at {
        case.ended_at = Some(at);
    }
    if fx.changes.reopened {
        // A new round: its clocks are the ones this action started (persistence keeps
        // the last round's apart).
        case.round += 1;
        case.ended_at = None;
        case.fire_check_recorded = false;
        case.clocks = fx.clocks.iter().filter(|c| c.is_live()).cloned().collect();
    }
    if let Some(away) = fx.changes.emergency_accommodation {
        case.emergency_accommodation = away;
    }
    if let Some(p) = fx.changes.landlord_permission {
        case.landlord_permission = p;
    }
    if let Some(org) = fx.changes.assessor_organisation_id {
        case.assessor_organisation_id = Some(org);
    }
    if let Some(org) = fx.changes.contractor_organisation_id {
        case.contractor_organisation_id = Some(org);
    }
    case.accepted |= fx.status == CaseStatus::Accepted;
    case.works_completed |= fx.changes.works_completed_at.is_some();
    if let Some((purpose, status)) = fx.consent {
        case.consents = case.consents.with(purpose, status);
    }
    if let Some(s) = &fx.safeguarding {
        case.safeguarding = s.clone();
    }
    fx
}

fn clock(case: &CaseSnapshot, kind: ClockKind) -> &Clock {
    case.clocks
        .iter()
        .find(|c| c.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} clock"))
}

fn pointers(err: ActionError) -> Vec<String> {
    match err {
        ActionError::Invalid(v) => v.iter().map(|v| v.pointer.clone()).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

fn recommend(codes: &[&str]) -> Command {
    Command::RecordAssessment {
        visit_date: date!(2026 - 11 - 23),
        findings: Some("Back door frame weak".into()),
        recommendations: codes
            .iter()
            .map(|c| Recommendation {
                measure_code: (*c).into(),
                quantity: 1,
                location: Some("back door".into()),
                estimated_cost_pence: None,
            })
            .collect(),
    }
}

#[test]
fn the_happy_path_runs_every_clock_and_ends_closed() {
    let mut c = case(CaseStatus::Received);
    assert_eq!(
        clock(&c, ClockKind::InitialContact).state,
        ClockState::Running
    );
    step(
        &mut c,
        Command::RecordContact {
            method: ContactMethod::Phone,
            outcome: ContactOutcome::SpokeToClient,
            notes: None,
        },
        T0,
    );
    assert_eq!(clock(&c, ClockKind::InitialContact).state, ClockState::Met);
    step(
        &mut c,
        Command::Accept {
            override_reason: None,
        },
        T0,
    );
    assert_eq!(
        clock(&c, ClockKind::ReferToAssessor).state,
        ClockState::Running
    );
    step(
        &mut c,
        Command::AssignAssessor {
            organisation_id: Uuid::now_v7(),
        },
        T0,
    );
    assert_eq!(clock(&c, ClockKind::ReferToAssessor).state, ClockState::Met);
    step(
        &mut c,
        recommend(&["safe_room", "door_chain_and_viewer"]),
        T0,
    );
    assert_eq!(c.works.len(), 2);
    assert_eq!(c.works[0].estimated_cost_pence, 120_000);
    step(
        &mut c,
        Command::ApproveWorks(ItemApproval {
            items: None,
            funder_approval_reference: None,
            funding_stream: None,
        }),
        T0,
    );
    step(
        &mut c,
        Command::OrderWorks {
            organisation_id: Uuid::now_v7(),
        },
        T0,
    );
    assert_eq!(clock(&c, ClockKind::WorksStart).state, ClockState::Running);
    step(&mut c, Command::StartWorks, T0);
    let results = c
        .works
        .iter()
        .map(|w| ItemResult {
            item: ItemRef::Id(w.id),
            installed: true,
            actual_cost_pence: Some(w.estimated_cost_pence),
            reason: None,
        })
        .collect();
    let fx = step(&mut c, Command::CompleteWorks { results }, T0);
    assert_eq!(fx.changes.works_cost_pence, Some(123_500));
    assert_eq!(clock(&c, ClockKind::WorksComplete).state, ClockState::Met);
    for kind in [
        ClockKind::FireSafetyCheck,
        ClockKind::FollowUpVisit,
        ClockKind::FollowUpContact3Months,
    ] {
        assert_eq!(clock(&c, kind).state, ClockState::Running, "{kind}");
    }
    // A safe room was fitted: no closing before the fire check.
    let err = apply(
        &c,
        Command::Close {
            reason: CloseReason::Completed,
            other: None,
            outcome: CloseOutcome::default(),
        },
        T0,
        &cal(),
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ActionError::Conflict {
            code: Conflict::FireCheckRequired,
            ..
        }
    ));
    step(
        &mut c,
        Command::RecordFireCheck {
            checked_on: date!(2026 - 11 - 23),
            outcome: FireCheckOutcome::Satisfactory,
            notes: None,
            remedial: Vec::new(),
        },
        T0,
    );
    step(
        &mut c,
        Command::RecordFollowUpVisit {
            visited_on: date!(2026 - 11 - 23),
            notes: None,
        },
        T0,
    );
    assert_eq!(c.status, CaseStatus::FollowUp);
    step(
        &mut c,
        Command::RecordFollowUpContact {
            contacted_on: date!(2026 - 11 - 23),
            milestone_months: 3,
            feels_safer: FeelsSafer::Yes,
            still_living_at_home: YesNoUnknown::Yes,
            further_incidents: YesNoUnknown::No,
            notes: None,
        },
        T0,
    );
    assert_eq!(
        clock(&c, ClockKind::FollowUpContact3Months).state,
        ClockState::Met
    );
    assert_eq!(
        clock(&c, ClockKind::FollowUpContact6Months).state,
        ClockState::Running
    );
    let outcome = CloseOutcome {
        still_living_at_home: YesNoUnknown::Yes,
        feels_safer: FeelsSafer::Yes,
        further_incidents: YesNoUnknown::No,
        onward_referrals: vec![ReferralType::Idva],
    };
    let fx = step(
        &mut c,
        Command::Close {
            reason: CloseReason::Completed,
            other: None,
            outcome: outcome.clone(),
        },
        T0,
    );
    assert_eq!(c.status, CaseStatus::Closed);
    assert_eq!(fx.changes.ended_at, Some(T0));
    assert_eq!(fx.changes.close_outcome, Some(outcome));
    assert!(
        fx.event_data
            .contains(&("onward_referral", "idva".to_owned()))
    );
    // The follow-up contacts the client consented to go on after the case closes; the
    // visit's clock (met) and the rest end with it.
    for kind in [
        ClockKind::FollowUpContact6Months,
        ClockKind::FollowUpContact12Months,
    ] {
        assert_eq!(clock(&c, kind).state, ClockState::Running, "{kind}");
    }
    step(
        &mut c,
        Command::RecordFollowUpContact {
            contacted_on: date!(2026 - 11 - 23),
            milestone_months: 6,
            feels_safer: FeelsSafer::Yes,
            still_living_at_home: YesNoUnknown::Yes,
            further_incidents: YesNoUnknown::No,
            notes: None,
        },
        T0,
    );
    assert_eq!(c.status, CaseStatus::Closed);
    assert_eq!(
        clock(&c, ClockKind::FollowUpContact6Months).state,
        ClockState::Met
    );
}

#[test]
fn accepting_needs_consent_and_a_reason_to_override_eligibility_warnings() {
    let mut c = case(CaseStatus::Received);
    c.consents.information_sharing = ConsentStatus::Refused;
    let err = apply(
        &c,
        Command::Accept {
            override_reason: None,
        },
        T0,
        &cal(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ActionError::Conflict {
                code: Conflict::ConsentRequired,
                ..
            }
        ),
        "{err:?}"
    );

    let mut c = case(CaseStatus::Received);
    c.eligibility_warnings = vec![EligibilityWarning::PerpetratorMayLiveAtProperty];
    let err = apply(
        &c,
        Command::Accept {
            override_reason: None,
        },
        T0,
        &cal(),
    )
    .unwrap_err();
    assert_eq!(pointers(err), ["/override_reason"]);
    let fx = apply(
        &c,
        Command::Accept {
            override_reason: Some("Perpetrator in prison".into()),
        },
        T0,
        &cal(),
    )
    .unwrap();
    assert_eq!(fx.notes[0].kind, NoteKind::AcceptanceOverride);
    assert_eq!(
        fx.event_data
            .iter()
            .filter(|(k, _)| !k.starts_with("register"))
            .cloned()
            .collect::<Vec<_>>(),
        [(
            "overridden_warning",
            "perpetrator_may_live_at_property".to_owned()
        )]
    );
    assert_eq!(fx.changes.decided_at, Some(T0));
}

#[test]
fn other_reasons_need_an_explanation_that_stays_out_of_the_event_data() {
    let c = case(CaseStatus::Received);
    let err = apply(
        &c,
        Command::Decline {
            reason: DeclineReason::Other,
            other: None,
        },
        T0,
        &cal(),
    )
    .unwrap_err();
    assert_eq!(pointers(err), ["/other"]);
    let fx = apply(
        &c,
        Command::Decline {
            reason: DeclineReason::Other,
            other: Some("Moved to Leeds".into()),
        },
        T0,
        &cal(),
    )
    .unwrap();
    assert_eq!(fx.status, CaseStatus::Declined);
    assert_eq!(fx.event_data, [("reason", "other".to_owned())]);
    assert_eq!(fx.notes[0].text, "Moved to Leeds");
    assert!(
        fx.clocks.iter().all(|c| c.state == ClockState::Cancelled),
        "declining ends the clocks"
    );
}

#[test]
fn recommendations_must_come_from_the_catalogue() {
    let c = case(CaseStatus::Assessment);
    let err = apply(&c, recommend(&["window_locks", "moat"]), T0, &cal()).unwrap_err();
    assert_eq!(pointers(err), ["/recommended_measures/1/measure_code"]);
}

#[test]
fn approved_works_are_charged_to_a_stream_and_beyond_what_is_left_need_the_funders_reference() {
    use crate::budget::{Funding, StreamRoom};
    let mut c = case(CaseStatus::Assessment);
    step(&mut c, recommend(&["safe_room", "deadlock"]), T0);
    let year_start = time::macros::date!(2026 - 04 - 01);
    c.funding = Some(Funding {
        year_start,
        streams: vec![
            StreamRoom {
                name: "Council".into(),
                remaining_pence: 50_000,
                household_limit_pence: None,
            },
            StreamRoom {
                name: "PCC grant".into(),
                remaining_pence: 1_000_000,
                household_limit_pence: None,
            },
        ],
    });
    let approval = |stream: Option<&str>, reference: Option<&str>| {
        Command::ApproveWorks(ItemApproval {
            items: None,
            funder_approval_reference: reference.map(str::to_owned),
            funding_stream: stream.map(str::to_owned),
        })
    };
    // The first stream has too little left.
    let err = apply(&c, approval(None, None), T0, &cal()).unwrap_err();
    assert_eq!(pointers(err), ["/funder_approval_reference"]);
    let fx = apply(&c, approval(None, Some("OPCC-1")), T0, &cal()).unwrap();
    assert_eq!(fx.changes.funding, Some((year_start, "Council".to_owned())));
    // Another has room.
    let fx = apply(&c, approval(Some("PCC grant"), None), T0, &cal()).unwrap();
    assert_eq!(
        fx.changes.funding,
        Some((year_start, "PCC grant".to_owned()))
    );
    let err = apply(&c, approval(Some("Lottery"), None), T0, &cal()).unwrap_err();
    assert_eq!(pointers(err), ["/funding_stream"]);
    // No budget kept for the year: nothing is charged, and no stream can be named.
    c.funding = None;
    let fx = apply(&c, approval(None, None), T0, &cal()).unwrap();
    assert_eq!(fx.changes.funding, None);
    let err = apply(&c, approval(Some("Council"), None), T0, &cal()).unwrap_err();
    assert_eq!(pointers(err), ["/funding_stream"]);
}

#[test]
fn approvals_above_the_budget_need_the_funders_reference() {
    let mut c = case(CaseStatus::Assessment);
    c.settings.household_budget_limit_pence = 130_000;
    step(
        &mut c,
        recommend(&["safe_room", "window_grilles", "deadlock"]),
        T0,
    );
    let all = ItemApproval {
        items: None,
        funder_approval_reference: None,
        funding_stream: None,
    };
    let err = apply(&c, Command::ApproveWorks(all), T0, &cal()).unwrap_err();
    assert_eq!(pointers(err), ["/funder_approval_reference"]);
    let some = ItemApproval {
        items: Some(vec![c.works[0].id, c.works[2].id]),
        funder_approval_reference: None,
        funding_stream: None,
    };
    let fx = apply(&c, Command::ApproveWorks(some), T0, &cal()).unwrap();
    assert_eq!(fx.changes.approved_cost_pence, Some(128_500));
    assert_eq!(fx.works_changed.len(), 2);
    let funded = ItemApproval {
        items: None,
        funder_approval_reference: Some("PCC-2026-17".into()),
        funding_stream: None,
    };
    let fx = apply(&c, Command::ApproveWorks(funded), T0, &cal()).unwrap();
    assert_eq!(
        fx.changes.funder_approval_reference.as_deref(),
        Some("PCC-2026-17")
    );
    let unknown = ItemApproval {
        items: Some(vec![Uuid::now_v7()]),
        funder_approval_reference: None,
        funding_stream: None,
    };
    assert_eq!(
        pointers(apply(&c, Command::ApproveWorks(unknown), T0, &cal()).unwrap_err()),
        ["/items/0"]
    );
}

#[test]
fn a_measure_code_names_an_item_only_when_one_approved_item_has_it() {
    let mut c = case(CaseStatus::Assessment);
    step(
        &mut c,
        recommend(&["window_locks", "window_locks", "deadlock"]),
        T0,
    );
    step(
        &mut c,
        Command::ApproveWorks(ItemApproval {
            items: None,
            funder_approval_reference: None,
            funding_stream: None,
        }),
        T0,
    );
    c.status = CaseStatus::WorksInProgress;
    let by_code = |code: &str| ItemResult {
        item: ItemRef::Measure(code.into()),
        installed: true,
        actual_cost_pence: Some(100),
        reason: None,
    };
    let results = vec![
        by_code("window_locks"),
        by_code("deadlock"),
        by_code("deadlock"),
    ];
    assert_eq!(
        pointers(apply(&c, Command::CompleteWorks { results }, T0, &cal()).unwrap_err()),
        // Two window locks: which? The second deadlock result: the same item again.
        [
            "/results/0/measure_code",
            "/results/2/measure_code",
            "/results"
        ]
    );
}

#[test]
fn completing_works_needs_a_result_for_every_approved_measure() {
    let mut c = case(CaseStatus::Assessment);
    step(&mut c, recommend(&["deadlock", "window_locks"]), T0);
    step(
        &mut c,
        Command::ApproveWorks(ItemApproval {
            items: None,
            funder_approval_reference: None,
            funding_stream: None,
        }),
        T0,
    );
    c.status = CaseStatus::WorksInProgress;
    let (a, b) = (c.works[0].id, c.works[1].id);
    let partial = vec![ItemResult {
        item: ItemRef::Id(a),
        installed: true,
        actual_cost_pence: None,
        reason: None,
    }];
    assert_eq!(
        pointers(apply(&c, Command::CompleteWorks { results: partial }, T0, &cal()).unwrap_err()),
        ["/results/0/actual_cost_pence", "/results"]
    );
    let results = vec![
        ItemResult {
            item: ItemRef::Id(a),
            installed: true,
            actual_cost_pence: Some(9_100),
            reason: None,
        },
        ItemResult {
            item: ItemRef::Id(b),
            installed: false,
            actual_cost_pence: None,
            reason: Some("Windows are uPVC with locks".into()),
        },
    ];
    let fx = apply(
        &c,
        Command::CompleteWorks {
            results: results.clone(),
        },
        T0,
        &cal(),
    )
    .unwrap();
    assert_eq!(fx.changes.works_cost_pence, Some(9_100));
    assert_eq!(
        fx.changes.days_to_installation,
        Some(0),
        "completed the day it arrived"
    );
    // Referred Thursday 24 Dec 2026, completed Tuesday 29 Dec 23:30 UTC: Christmas (Fri),
    // the weekend and the substitute Boxing Day (Mon 28) are not working days.
    let mut late = c.clone();
    late.received_at = datetime!(2026-12-24 09:00 UTC);
    let fx = apply(
        &late,
        Command::CompleteWorks { results },
        datetime!(2026-12-29 23:30 UTC),
        &cal(),
    )
    .unwrap();
    assert_eq!(fx.changes.days_to_installation, Some(1));
    assert_eq!(fx.notes.len(), 1);
    assert!(fx.event_data.contains(&("not_installed", "1".to_owned())));
}

#[test]
fn a_hold_pauses_the_clocks_and_resume_returns_to_where_the_case_was() {
    let mut c = case(CaseStatus::Received);
    step(
        &mut c,
        Command::Hold {
            reason: HoldReason::WaitingForClient,
            note: None,
        },
        T0,
    );
    assert_eq!(
        (c.status, c.held_from),
        (CaseStatus::OnHold, Some(CaseStatus::Received))
    );
    assert_eq!(
        clock(&c, ClockKind::InitialContact).state,
        ClockState::Paused
    );
    // Contact while on hold stops the clock but keeps the hold.
    step(
        &mut c,
        Command::RecordContact {
            method: ContactMethod::Phone,
            outcome: ContactOutcome::NoAnswer,
            notes: None,
        },
        T0,
    );
    assert_eq!(
        (c.status, c.held_from),
        (CaseStatus::OnHold, Some(CaseStatus::Received))
    );
    let due = clock(&c, ClockKind::InitialContact).due_at;
    step(&mut c, Command::Resume, datetime!(2026-11-26 10:00 UTC));
    assert_eq!((c.status, c.held_from), (CaseStatus::Received, None));
    let resumed = clock(&c, ClockKind::InitialContact);
    assert_eq!(resumed.state, ClockState::Running);
    assert_eq!(resumed.held, 3, "Tuesday to Thursday on hold");
    assert!(resumed.due_at > due);
}

#[test]
fn cancelling_or_withdrawing_ends_every_live_clock() {
    let mut c = case(CaseStatus::Received);
    step(
        &mut c,
        Command::Accept {
            override_reason: None,
        },
        T0,
    );
    step(
        &mut c,
        Command::Hold {
            reason: HoldReason::WaitingForLandlord,
            note: None,
        },
        T0,
    );
    let fx = step(
        &mut c,
        Command::Cancel {
            reason: CancelReason::LandlordRefused,
            other: None,
        },
        T0,
    );
    assert_eq!(c.status, CaseStatus::Cancelled);
    assert_eq!(
        fx.changes.cancel_reason,
        Some(CancelReason::LandlordRefused)
    );
    assert!(c.clocks.iter().all(|k| !k.is_live()));
    let mut c = case(CaseStatus::Received);
    step(&mut c, Command::Withdraw { note: None }, T0);
    assert_eq!(c.status, CaseStatus::Withdrawn);
    assert!(c.clocks.iter().all(|k| k.state == ClockState::Cancelled));
}

#[test]
fn follow_up_contact_needs_consent_and_its_clocks_need_it_too() {
    let mut c = case(CaseStatus::WorksInProgress);
    c.consents = consents(ConsentDecision::Refused);
    let fx = step(&mut c, Command::CompleteWorks { results: vec![] }, T0);
    assert!(fx.clocks.iter().all(|k| !matches!(
        k.kind,
        ClockKind::FollowUpContact3Months | ClockKind::FollowUpContact6Months
    )));
    let contact = Command::RecordFollowUpContact {
        contacted_on: date!(2026 - 11 - 23),
        milestone_months: 3,
        feels_safer: FeelsSafer::Yes,
        still_living_at_home: YesNoUnknown::Yes,
        further_incidents: YesNoUnknown::No,
        notes: None,
    };
    let err = apply(&c, contact, T0, &cal()).unwrap_err();
    assert!(matches!(
        err,
        ActionError::Conflict {
            code: Conflict::FollowUpConsentRequired,
            ..
        }
    ));
}

#[test]
fn reassessment_raises_but_never_lowers_and_flags_escalation() {
    let mut c = case(CaseStatus::Accepted);
    c.risk.marac_referred = Some(true);
    c.risk.marac_date = Some(date!(2026 - 06 - 01));
    c.flags = vec![CaseFlag::ArsonRisk];
    let input = |score, judgement| RiskInput {
        dash: Dash::new(true, Some(score), None).unwrap(),
        judgement,
        incidents_last_12_months: Some(3),
        marac: None,
        new_incident: true,
        notes: None,
    };
    let err = apply(
        &c,
        Command::RecordRiskAssessment(input(15, Some(RiskLevel::Medium))),
        T0,
        &cal(),
    )
    .unwrap_err();
    assert_eq!(pointers(err), ["/professional_judgement"]);
    let fx = step(
        &mut c,
        Command::RecordRiskAssessment(input(8, Some(RiskLevel::High))),
        T0,
    );
    assert_eq!(fx.changes.risk_level, Some(Some(RiskLevel::High)));
    assert_eq!(c.status, CaseStatus::Accepted);
    assert_eq!(
        c.flags,
        [
            CaseFlag::ArsonRisk,
            CaseFlag::PotentialEscalation,
            CaseFlag::RepeatMaracReferralNeeded
        ]
    );
}

#[test]
fn a_repeat_marac_needs_a_referral_within_the_last_twelve_months() {
    let settings = SchemeSettings::default();
    let today = date!(2026 - 11 - 23);
    let flags = |marac_date| {
        let facts = crate::risk::RiskFlagFacts {
            marac_referred: true,
            marac_date,
            new_incident: true,
            ..Default::default()
        };
        crate::risk::risk_flags(settings.escalation_incidents, &facts, today)
            .contains(&CaseFlag::RepeatMaracReferralNeeded)
    };
    assert!(flags(Some(date!(2025 - 11 - 24))), "within a year");
    assert!(!flags(Some(date!(2025 - 11 - 22))), "more than a year ago");
    assert!(
        flags(Some(date!(2026 - 11 - 26))),
        "a meeting still to come"
    );
    assert!(flags(None), "date unknown");
}

#[test]
fn only_a_conversation_counts_as_first_contact() {
    let mut c = case(CaseStatus::Received);
    step(
        &mut c,
        Command::RecordContact {
            method: ContactMethod::Phone,
            outcome: ContactOutcome::NoAnswer,
            notes: None,
        },
        T0,
    );
    assert_eq!(
        clock(&c, ClockKind::InitialContact).state,
        ClockState::Running
    );
    let late = datetime!(2026-11-26 10:00 UTC);
    let fx = step(
        &mut c,
        Command::RecordContact {
            method: ContactMethod::Visit,
            outcome: ContactOutcome::SpokeToClient,
            notes: None,
        },
        late,
    );
    assert_eq!(fx.changes.first_contact_at, Some(late));
    assert_eq!(
        clock(&c, ClockKind::InitialContact).state,
        ClockState::Breached,
        "two working days had passed"
    );
}

#[test]
fn an_illegal_action_is_refused_with_the_current_status() {
    let c = case(CaseStatus::Received);
    match apply(&c, Command::StartWorks, T0, &cal()).unwrap_err() {
        ActionError::Illegal(e) => assert_eq!(e.status, CaseStatus::Received),
        other => panic!("{other:?}"),
    }
}

fn consent(purpose: ConsentPurpose, status: ConsentStatus) -> Command {
    Command::RecordConsent(ConsentChange {
        purpose,
        status,
        method: ConsentMethod::Written,
        on: date!(2026 - 11 - 23),
        evidence: Some("Signed form scanned to the case file".into()),
        works_may_continue: false,
    })
}

#[test]
fn withdrawing_installation_consent_ends_the_case_and_its_clocks() {
    let mut c = case(CaseStatus::Accepted);
    let fx = step(
        &mut c,
        consent(ConsentPurpose::Installation, ConsentStatus::Withdrawn),
        T0,
    );
    assert_eq!(fx.status, CaseStatus::Withdrawn);
    assert_eq!(fx.changes.ended_at, Some(T0));
    assert_eq!(
        fx.consent,
        Some((ConsentPurpose::Installation, ConsentStatus::Withdrawn))
    );
    assert!(c.clocks.iter().all(|k| !k.is_live()));
    // The evidence is a note, never event data.
    assert_eq!(fx.notes[0].kind, NoteKind::ConsentEvidence);
    assert!(fx.event_data.iter().all(|(_, v)| !v.contains("Signed")));
    // A consent can still be recorded on an ended case; it does not reopen it.
    c.consents.installation = ConsentStatus::Withdrawn;
    let fx = step(
        &mut c,
        consent(ConsentPurpose::Installation, ConsentStatus::Given),
        T0,
    );
    assert_eq!(fx.status, CaseStatus::Withdrawn);
}

#[test]
fn withdrawing_follow_up_consent_cancels_the_follow_up_contact_clocks_only() {
    let mut c = case(CaseStatus::WorksInProgress);
    step(&mut c, Command::CompleteWorks { results: vec![] }, T0);
    assert!(clock(&c, ClockKind::FollowUpContact3Months).is_live());
    let fx = step(
        &mut c,
        consent(ConsentPurpose::FollowUpContact, ConsentStatus::Withdrawn),
        T0,
    );
    assert_eq!(fx.status, CaseStatus::WorksCompleted);
    let cancelled: Vec<ClockKind> = fx.clocks.iter().map(|k| k.kind).collect();
    assert_eq!(
        cancelled,
        [
            ClockKind::FollowUpContact3Months,
            ClockKind::FollowUpContact6Months,
            ClockKind::FollowUpContact12Months
        ]
    );
    assert!(clock(&c, ClockKind::FollowUpVisit).is_live());
    // Nothing was fitted, so no fire safety check applies: its clock never started.
    assert!(
        !c.clocks
            .iter()
            .any(|k| k.kind == ClockKind::FireSafetyCheck)
    );
}

#[test]
fn landlord_contact_needs_its_consent() {
    let mut c = case(CaseStatus::Assessed);
    c.consents.landlord_contact = ConsentStatus::Refused;
    let hold = Command::Hold {
        reason: HoldReason::WaitingForLandlord,
        note: None,
    };
    assert!(matches!(
        apply(&c, hold.clone(), T0, &cal()).unwrap_err(),
        ActionError::Conflict {
            code: Conflict::ConsentRequired,
            ..
        }
    ));
    c.consents.landlord_contact = ConsentStatus::Given;
    assert!(apply(&c, hold, T0, &cal()).is_ok());
}

#[test]
fn only_a_given_consent_can_be_withdrawn() {
    let mut c = case(CaseStatus::Received);
    c.consents.landlord_contact = ConsentStatus::Refused;
    let err = apply(
        &c,
        consent(ConsentPurpose::LandlordContact, ConsentStatus::Withdrawn),
        T0,
        &cal(),
    )
    .unwrap_err();
    assert_eq!(pointers(err), ["/decision"]);
    let mut keep_going = consent(ConsentPurpose::Installation, ConsentStatus::Refused);
    if let Command::RecordConsent(change) = &mut keep_going {
        change.works_may_continue = true;
    }
    assert_eq!(
        pointers(apply(&c, keep_going, T0, &cal()).unwrap_err()),
        ["/works_may_continue"]
    );
}

#[test]
fn every_ending_records_when_the_case_ended() {
    let endings = [
        (
            CaseStatus::Received,
            Command::Decline {
                reason: DeclineReason::OutOfArea,
                other: None,
            },
        ),
        (
            CaseStatus::Accepted,
            Command::Cancel {
                reason: CancelReason::ClientMoved,
                other: None,
            },
        ),
        (CaseStatus::Received, Command::Withdraw { note: None }),
    ];
    for (status, command) in endings {
        let c = case(status);
        let fx = apply(&c, command, T0, &cal()).unwrap();
        assert!(fx.status.is_terminal());
        assert_eq!(fx.changes.ended_at, Some(T0), "{:?}", fx.status);
    }
    // Not ending: nothing is recorded.
    let c = case(CaseStatus::Received);
    let fx = apply(
        &c,
        Command::Accept {
            override_reason: None,
        },
        T0,
        &cal(),
    )
    .unwrap();
    assert_eq!(fx.changes.ended_at, None);
}

#[test]
fn a_referral_made_clears_the_flag_that_asked_for_it_and_keeps_it_cleared() {
    let mut c = case(CaseStatus::Accepted);
    c.risk.care_and_support_needs = true;
    c.flags = vec![
        CaseFlag::ArsonRisk,
        CaseFlag::HighRiskWithoutMarac,
        CaseFlag::SafeguardingReferralNeeded,
    ];
    let referral = |referral_type, referred_on| Command::RecordReferralMade {
        referral_type,
        referred_on,
        details: Some("Darlington MARAC, ref M-118".into()),
    };
    let err = apply(
        &c,
        referral(ReferralType::Marac, date!(2026 - 11 - 24)),
        T0,
        &cal(),
    )
    .unwrap_err();
    assert_eq!(pointers(err), ["/referred_on"], "not in the future");

    // A referral that answers no flag records itself and clears nothing.
    let fx = step(
        &mut c,
        referral(ReferralType::Idva, date!(2026 - 11 - 20)),
        T0,
    );
    assert_eq!(fx.flags, None);
    assert_eq!(fx.status, CaseStatus::Accepted);

    let fx = step(
        &mut c,
        referral(ReferralType::Marac, date!(2026 - 11 - 22)),
        T0,
    );
    assert_eq!(
        c.flags,
        [CaseFlag::ArsonRisk, CaseFlag::SafeguardingReferralNeeded]
    );
    assert_eq!(fx.changes.marac_referred, Some(true));
    assert_eq!(
        fx.changes.marac_date, None,
        "the meeting date is not the referral's"
    );
    assert!(
        fx.event_data
            .contains(&("cleared_flag", "high_risk_without_marac".into()))
    );
    assert_eq!(fx.notes[0].kind, NoteKind::ReferralMade);
    assert!(
        !fx.event_data.iter().any(|(_, v)| v.contains("M-118")),
        "to whom stays in the sealed note"
    );

    let fx = step(
        &mut c,
        referral(ReferralType::AdultSafeguarding, date!(2026 - 11 - 22)),
        T0,
    );
    assert_eq!(c.flags, [CaseFlag::ArsonRisk]);
    assert_eq!(
        fx.changes.safeguarding_referred_on,
        Some(date!(2026 - 11 - 22))
    );

    // A reassessment does not raise again what the referrals answered.
    c.risk.marac_referred = Some(true);
    c.risk.safeguarding_referred = true;
    step(
        &mut c,
        Command::RecordRiskAssessment(RiskInput {
            dash: Dash::new(true, Some(16), None).unwrap(),
            judgement: None,
            incidents_last_12_months: None,
            marac: None,
            new_incident: false,
            notes: None,
        }),
        T0,
    );
    assert_eq!(c.flags, [CaseFlag::ArsonRisk]);

    for status in [CaseStatus::Closed, CaseStatus::Withdrawn] {
        let err = apply(
            &case(status),
            referral(ReferralType::Police, date!(2026 - 11 - 20)),
            T0,
            &cal(),
        )
        .unwrap_err();
        assert!(matches!(err, ActionError::Illegal(_)), "{status}: {err:?}");
    }
}

fn sharing_decision(share_with: Vec<crate::safeguarding::SharingRole>) -> Command {
    Command::RecordSafeguardingDecision(SafeguardingDecision {
        purpose: crate::safeguarding::DecisionPurpose::InformationSharing,
        share_with,
        lawful_basis: crate::safeguarding::LawfulBasis::SafeguardingIndividualsAtRisk,
        reason: "Adult at risk; too frightened to agree".into(),
        deciding_officer: "J. Patel, Safeguarding Lead".into(),
        review_on: date!(2027 - 03 - 01),
    })
}

#[test]
fn a_safeguarding_decision_lets_a_refused_sharing_case_be_accepted_never_a_refused_installation() {
    use crate::case::ProgressBlock;
    use crate::safeguarding::SharingRole;
    let mut c = case(CaseStatus::Received);
    c.consents.information_sharing = ConsentStatus::Refused;
    let refused = apply(
        &c,
        Command::Accept {
            override_reason: None,
        },
        T0,
        &cal(),
    )
    .unwrap_err();
    assert!(matches!(
        refused,
        ActionError::Conflict {
            code: Conflict::ConsentRequired,
            ..
        }
    ));

    let err = apply(&c, sharing_decision(vec![]), T0, &cal()).unwrap_err();
    assert_eq!(pointers(err), ["/share_with"]);
    let mut today = sharing_decision(vec![SharingRole::Assessor]);
    if let Command::RecordSafeguardingDecision(d) = &mut today {
        d.review_on = date!(2026 - 11 - 23);
    }
    assert_eq!(
        pointers(apply(&c, today, T0, &cal()).unwrap_err()),
        ["/review_on"]
    );

    let fx = apply(
        &c,
        sharing_decision(vec![SharingRole::Assessor]),
        T0,
        &cal(),
    )
    .unwrap();
    assert_eq!(fx.status, CaseStatus::Received);
    assert_eq!(fx.progress_blocks, Some(vec![]));
    let standing = fx.safeguarding.clone().unwrap();
    assert_eq!(standing.sharing_with, [SharingRole::Assessor]);
    assert!(fx.event_data.contains(&(
        "lawful_basis",
        "uk_gdpr_9_2_g_dpa_2018_sch_1_para_18".into()
    )));
    assert!(
        !fx.event_data
            .iter()
            .any(|(_, v)| v.contains("Patel") || v.contains("frightened")),
        "the reason and the officer are sealed notes"
    );
    assert_eq!(
        fx.notes.iter().map(|n| n.kind).collect::<Vec<_>>(),
        [NoteKind::SafeguardingReason, NoteKind::DecidingOfficer]
    );
    c.safeguarding = standing;
    let accepted = apply(
        &c,
        Command::Accept {
            override_reason: None,
        },
        T0,
        &cal(),
    )
    .unwrap();
    assert_eq!(accepted.status, CaseStatus::Accepted);

    // Installation refused: no decision lets the case in.
    let mut no_works = case(CaseStatus::Received);
    no_works.consents.installation = ConsentStatus::Refused;
    no_works.consents.information_sharing = ConsentStatus::Refused;
    let fx = apply(
        &no_works,
        sharing_decision(vec![SharingRole::Assessor]),
        T0,
        &cal(),
    )
    .unwrap();
    assert_eq!(
        fx.progress_blocks,
        Some(vec![ProgressBlock::InstallationConsentRefused])
    );
    no_works.safeguarding = fx.safeguarding.unwrap();
    let err = apply(
        &no_works,
        Command::Accept {
            override_reason: None,
        },
        T0,
        &cal(),
    )
    .unwrap_err();
    let ActionError::Conflict { code, message } = err else {
        panic!("{err:?}")
    };
    assert_eq!(code, Conflict::ConsentRequired);
    assert_eq!(
        message,
        "the case cannot be accepted without consent to: installation"
    );
}

#[test]
fn the_contractor_keeps_its_view_for_the_schemes_days_after_its_works_end() {
    let days = time::Duration::days(30);
    let order = |c: &CaseSnapshot| {
        apply(
            c,
            Command::OrderWorks {
                organisation_id: Uuid::from_u128(4),
            },
            T0,
            &cal(),
        )
        .unwrap()
    };
    let mut c = case(CaseStatus::WorksApproved);
    c.contractor_access_until = Some(T0);
    assert_eq!(
        order(&c).changes.contractor_access_until,
        Some(None),
        "a new order restores it"
    );

    let c = case(CaseStatus::WorksOrdered);
    let fx = apply(
        &c,
        Command::Cancel {
            reason: CancelReason::ClientMoved,
            other: None,
        },
        T0,
        &cal(),
    )
    .unwrap();
    assert_eq!(
        fx.changes.contractor_access_until,
        Some(Some(T0 + days)),
        "the case ended"
    );

    // Closed after the works: the days already run from their completion.
    let mut done = case(CaseStatus::WorksCompleted);
    done.contractor_access_until = Some(T0);
    let fx = apply(
        &done,
        Command::Close {
            reason: CloseReason::Completed,
            other: None,
            outcome: CloseOutcome::default(),
        },
        T0 + days,
        &cal(),
    )
    .unwrap();
    assert_eq!(fx.changes.contractor_access_until, None);
}

#[test]
fn without_installation_consent_no_works_are_ordered_or_started() {
    for status in [
        CaseStatus::WorksApproved,
        CaseStatus::WorksOrdered,
        CaseStatus::Withdrawn,
    ] {
        let mut c = case(status);
        c.consents.installation = ConsentStatus::Withdrawn;
        for command in [
            Command::OrderWorks {
                organisation_id: Uuid::from_u128(4),
            },
            Command::StartWorks,
        ] {
            let err = apply(&c, command, T0, &cal()).unwrap_err();
            assert!(
                matches!(
                    err,
                    ActionError::Conflict {
                        code: Conflict::ConsentRequired,
                        ..
                    }
                ),
                "{status}: {err:?}"
            );
        }
    }
}

mod register {
    use super::*;
    use crate::register::{
        ActiveEntry, EmergencyService as Service, RegisterBasis, RegisterChange, RemovalReason,
    };

    fn accepted() -> (CaseSnapshot, Effects) {
        let mut c = case(CaseStatus::Received);
        let fx = step(
            &mut c,
            Command::Accept {
                override_reason: None,
            },
            T0,
        );
        (c, fx)
    }

    #[test]
    fn acceptance_puts_the_home_on_both_registers_and_starts_the_review_clock() {
        let (c, fx) = accepted();
        assert_eq!(
            c.register,
            [
                ActiveEntry {
                    service: Service::FireService,
                    basis: RegisterBasis::InformationSharingConsent
                },
                ActiveEntry {
                    service: Service::Police,
                    basis: RegisterBasis::InformationSharingConsent
                }
            ]
        );
        let review = clock(&c, ClockKind::RegisterReview);
        assert_eq!(review.state, ClockState::Running);
        // Six months from 23 November 2026, at the end of that UK day (summer time).
        assert_eq!(review.due_at, datetime!(2027-05-23 23:00 UTC));
        assert_eq!(fx.register_review_due, Some(review.due_at));
    }

    #[test]
    fn a_hold_does_not_pause_the_review_and_a_review_starts_the_next_period() {
        let (mut c, _) = accepted();
        step(
            &mut c,
            Command::Hold {
                reason: HoldReason::WaitingForClient,
                note: None,
            },
            T0 + time::Duration::days(1),
        );
        assert_eq!(
            clock(&c, ClockKind::RegisterReview).state,
            ClockState::Running
        );
        // Reviewed late: the next period runs from the review.
        let late = T0 + time::Duration::days(200);
        let fx = step(&mut c, Command::ReviewRegisterEntry { service: None }, late);
        assert_eq!(
            fx.register,
            [
                RegisterChange::Reviewed {
                    service: Service::FireService
                },
                RegisterChange::Reviewed {
                    service: Service::Police
                }
            ]
        );
        assert!(
            fx.event_data
                .contains(&("review_on_time", "false".to_owned()))
        );
        let review = clock(&c, ClockKind::RegisterReview);
        assert_eq!(review.started_at, late);
        assert_eq!(review.state, ClockState::Running);
        assert_eq!(fx.register_review_due, Some(review.due_at));
    }

    #[test]
    fn removing_the_last_entry_cancels_the_review_and_nothing_puts_it_back_unasked() {
        let (mut c, _) = accepted();
        let fx = step(
            &mut c,
            Command::RemoveRegisterEntry {
                service: Some(Service::Police),
                reason: RemovalReason::ClientMoved,
            },
            T0,
        );
        assert_eq!(fx.register.len(), 1);
        assert_eq!(
            clock(&c, ClockKind::RegisterReview).state,
            ClockState::Running
        );
        step(
            &mut c,
            Command::RemoveRegisterEntry {
                service: None,
                reason: RemovalReason::ReviewDecided,
            },
            T0,
        );
        assert!(c.register.is_empty());
        assert_eq!(
            clock(&c, ClockKind::RegisterReview).state,
            ClockState::Cancelled
        );
        let fx = step(
            &mut c,
            Command::AssignAssessor {
                organisation_id: Uuid::from_u128(3),
            },
            T0,
        );
        assert!(fx.register.is_empty(), "a removal sticks");
        // Nothing left to review or remove: 409.
        for command in [
            Command::ReviewRegisterEntry { service: None },
            Command::RemoveRegisterEntry {
                service: None,
                reason: RemovalReason::ClientMoved,
            },
        ] {
            let err = apply(&c, command, T0, &cal()).unwrap_err();
            assert!(
                matches!(
                    err,
                    ActionError::Conflict {
                        code: Conflict::NoRegisterEntry,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
    }

    #[test]
    fn only_an_ended_case_comes_off_for_its_ending() {
        let (c, _) = accepted();
        let err = apply(
            &c,
            Command::RemoveRegisterEntry {
                service: None,
                reason: RemovalReason::CaseEnded,
            },
            T0,
            &cal(),
        )
        .unwrap_err();
        assert_eq!(pointers(err), ["/reason"]);
    }

    #[test]
    fn withdrawing_sharing_removes_what_no_decision_covers_and_the_end_removes_the_rest() {
        let (mut c, _) = accepted();
        step(
            &mut c,
            Command::RecordSafeguardingDecision(SafeguardingDecision {
                purpose: crate::safeguarding::DecisionPurpose::InformationSharing,
                share_with: vec![crate::safeguarding::SharingRole::FireService],
                lawful_basis: crate::safeguarding::LawfulBasis::VitalInterests,
                reason: "at risk".into(),
                deciding_officer: "Lead".into(),
                review_on: date!(2027 - 01 - 10),
            }),
            T0,
        );
        let fx = step(
            &mut c,
            Command::RecordConsent(ConsentChange {
                purpose: ConsentPurpose::InformationSharing,
                status: ConsentStatus::Withdrawn,
                method: ConsentMethod::Verbal,
                on: date!(2026 - 11 - 23),
                evidence: None,
                works_may_continue: false,
            }),
            T0,
        );
        assert_eq!(
            fx.register,
            [
                RegisterChange::Rebased {
                    service: Service::FireService,
                    basis: RegisterBasis::SafeguardingDecision
                },
                RegisterChange::Removed {
                    service: Service::Police,
                    reason: RemovalReason::ConsentWithdrawn
                }
            ]
        );
        let fx = step(&mut c, Command::Withdraw { note: None }, T0);
        assert_eq!(
            fx.register,
            [RegisterChange::Removed {
                service: Service::FireService,
                reason: RemovalReason::CaseEnded
            }]
        );
        assert_eq!(
            clock(&c, ClockKind::RegisterReview).state,
            ClockState::Cancelled
        );
    }
}

mod reassignment {
    use super::*;

    fn reassign_assessor(to: u128) -> Command {
        Command::ReassignAssessor {
            organisation_id: Uuid::from_u128(to),
            reason: "Officer on long-term leave".into(),
        }
    }

    #[test]
    fn another_assessor_takes_over_and_the_clocks_run_on() {
        let mut c = case(CaseStatus::Accepted);
        step(
            &mut c,
            Command::AssignAssessor {
                organisation_id: Uuid::from_u128(3),
            },
            T0,
        );
        let assessment = clock(&c, ClockKind::Assessment).clone();
        let fx = step(&mut c, reassign_assessor(8), T0 + time::Duration::days(1));
        assert_eq!(c.status, CaseStatus::Assessment);
        assert_eq!(c.assessor_organisation_id, Some(Uuid::from_u128(8)));
        assert!(
            fx.event_data
                .contains(&("previous_organisation_id", Uuid::from_u128(3).to_string()))
        );
        assert_eq!(fx.notes[0].kind, NoteKind::Reassignment);
        assert_eq!(clock(&c, ClockKind::Assessment), &assessment, "it runs on");
        // Not to itself, and not before an assessor was assigned.
        let err = apply(&c, reassign_assessor(8), T0, &cal()).unwrap_err();
        assert_eq!(pointers(err), ["/organisation_id"]);
        let err = apply(
            &case(CaseStatus::Accepted),
            reassign_assessor(8),
            T0,
            &cal(),
        );
        assert!(matches!(err, Err(ActionError::Illegal(_))));
    }

    #[test]
    fn another_contractor_takes_over_an_unfinished_order_with_its_view() {
        let mut c = case(CaseStatus::WorksInProgress);
        c.contractor_organisation_id = Some(Uuid::from_u128(4));
        let fx = step(
            &mut c,
            Command::ReassignContractor {
                organisation_id: Uuid::from_u128(9),
                reason: "Went into administration".into(),
            },
            T0,
        );
        assert_eq!(c.status, CaseStatus::WorksInProgress);
        assert_eq!(
            fx.changes.contractor_organisation_id,
            Some(Uuid::from_u128(9))
        );
        assert_eq!(fx.changes.contractor_access_until, Some(None));
        let done = case(CaseStatus::WorksCompleted);
        let err = apply(
            &done,
            Command::ReassignContractor {
                organisation_id: Uuid::from_u128(9),
                reason: "x".into(),
            },
            T0,
            &cal(),
        );
        assert!(matches!(err, Err(ActionError::Illegal(_))));
    }
}

mod landlord_permission {
    use super::*;
    use crate::landlord::{LandlordPermission, PermissionStep, RequestMethod};

    fn record(step: PermissionStep) -> Command {
        Command::RecordLandlordPermission(LandlordPermissionChange {
            step,
            on: date!(2026 - 11 - 23),
            method: (step == PermissionStep::Requested).then_some(RequestMethod::Letter),
            granted_by: (step == PermissionStep::Granted).then(|| "Letting agent".into()),
            conditions: None,
            reason: (step == PermissionStep::Refused).then(|| "Listed building".into()),
        })
    }

    fn order() -> Command {
        Command::OrderWorks {
            organisation_id: Uuid::from_u128(4),
        }
    }

    fn conflict(err: ActionError) -> Conflict {
        match err {
            ActionError::Conflict { code, .. } => code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn no_works_are_ordered_until_the_landlord_agrees() {
        let mut c = case(CaseStatus::WorksApproved);
        c.landlord_permission = LandlordPermission::Required;
        let err = apply(&c, order(), T0, &cal()).unwrap_err();
        assert_eq!(conflict(err), Conflict::LandlordPermissionRequired);
        step(&mut c, record(PermissionStep::Requested), T0);
        assert_eq!(c.landlord_permission, LandlordPermission::Requested);
        let asked = clock(&c, ClockKind::LandlordPermission);
        assert_eq!(asked.state, ClockState::Running);
        assert_eq!(asked.amount, 10);
        let err = apply(&c, order(), T0, &cal()).unwrap_err();
        assert_eq!(conflict(err), Conflict::LandlordPermissionRequired);
        let fx = step(&mut c, record(PermissionStep::Granted), T0);
        assert_eq!(fx.notes[0].kind, NoteKind::LandlordGrantedBy);
        assert_eq!(
            clock(&c, ClockKind::LandlordPermission).state,
            ClockState::Met
        );
        assert!(apply(&c, order(), T0, &cal()).is_ok());
    }

    #[test]
    fn a_refusal_stops_the_works_and_the_clock() {
        let mut c = case(CaseStatus::Assessed);
        c.landlord_permission = LandlordPermission::Required;
        step(&mut c, record(PermissionStep::Requested), T0);
        step(&mut c, record(PermissionStep::Refused), T0);
        assert_eq!(c.landlord_permission, LandlordPermission::Refused);
        assert_eq!(
            clock(&c, ClockKind::LandlordPermission).state,
            ClockState::Met
        );
        c.status = CaseStatus::WorksApproved;
        let err = apply(&c, order(), T0, &cal()).unwrap_err();
        assert_eq!(conflict(err), Conflict::LandlordPermissionRequired);
    }

    #[test]
    fn the_landlord_is_asked_only_with_consent_or_a_decision_standing_in() {
        let mut c = case(CaseStatus::Accepted);
        c.landlord_permission = LandlordPermission::Required;
        c.consents.landlord_contact = ConsentStatus::Refused;
        let err = apply(&c, record(PermissionStep::Requested), T0, &cal()).unwrap_err();
        assert_eq!(conflict(err), Conflict::ConsentRequired);
        c.safeguarding = c
            .safeguarding
            .with(crate::safeguarding::DecisionPurpose::LandlordContact, &[]);
        assert!(apply(&c, record(PermissionStep::Requested), T0, &cal()).is_ok());
        // A request says how; a grant, by whom; a refusal, why.
        let mut bare = LandlordPermissionChange {
            step: PermissionStep::Requested,
            on: date!(2026 - 11 - 23),
            method: None,
            granted_by: None,
            conditions: None,
            reason: None,
        };
        for (step, pointer) in [
            (PermissionStep::Requested, "/method"),
            (PermissionStep::Granted, "/granted_by"),
            (PermissionStep::Refused, "/reason"),
        ] {
            bare.step = step;
            let err = apply(
                &c,
                Command::RecordLandlordPermission(bare.clone()),
                T0,
                &cal(),
            );
            assert_eq!(pointers(err.unwrap_err()), [pointer]);
        }
    }
}

mod urgent_and_interim {
    use super::*;
    use crate::workflow::{AccommodationKind, ItemKind};

    fn interim(codes: &[&str]) -> Command {
        Command::OrderInterimMeasures {
            organisation_id: Uuid::from_u128(4),
            items: codes
                .iter()
                .map(|c| Recommendation {
                    measure_code: (*c).into(),
                    quantity: 1,
                    location: Some("front door".into()),
                    estimated_cost_pence: None,
                })
                .collect(),
        }
    }

    #[test]
    fn an_urgent_case_runs_the_urgent_clocks() {
        let settings = SchemeSettings::default();
        let rules = settings.clocks_for(true);
        let rule = |kind| rules.iter().find(|r| r.kind == kind).unwrap();
        assert_eq!(
            (
                rule(ClockKind::InitialContact).amount,
                rule(ClockKind::InitialContact).unit
            ),
            (4, crate::clock::ClockUnit::Hours)
        );
        assert_eq!(rule(ClockKind::Assessment).amount, 2);
        assert_eq!(rule(ClockKind::InterimMeasures).amount, 1);
        // The others as standard; a standard case runs the table as it is.
        assert_eq!(rule(ClockKind::WorksStart), &settings.clocks[3]);
        assert_eq!(settings.clocks_for(false), settings.clocks);
    }

    #[test]
    fn interim_measures_are_ordered_from_the_interim_catalogue_and_fitted_on_their_clock() {
        let mut c = case(CaseStatus::Received);
        c.urgent = true;
        let err = apply(&c, interim(&["safe_room"]), T0, &cal()).unwrap_err();
        assert_eq!(pointers(err), ["/items/0/measure_code"]);
        let fx = step(
            &mut c,
            interim(&["emergency_lock_change", "personal_safety_alarm"]),
            T0,
        );
        assert_eq!(c.status, CaseStatus::Received, "no move on the pathway");
        assert!(
            fx.works_added
                .iter()
                .all(|w| w.kind == ItemKind::Interim && w.approved)
        );
        assert_eq!(
            fx.changes.contractor_organisation_id,
            Some(Uuid::from_u128(4))
        );
        let clock_due = clock(&c, ClockKind::InterimMeasures).clone();
        assert_eq!(clock_due.amount, 1, "urgent: one working day");
        let items: Vec<_> = c.works.iter().map(|w| w.id).collect();
        let results = vec![
            ItemResult {
                item: ItemRef::Id(items[0]),
                installed: true,
                actual_cost_pence: Some(9_500),
                reason: None,
            },
            ItemResult {
                item: ItemRef::Id(items[1]),
                installed: true,
                actual_cost_pence: Some(2_400),
                reason: None,
            },
        ];
        let fx = step(&mut c, Command::RecordInterimMeasuresFitted { results }, T0);
        assert_eq!(fx.changes.works_cost_pence, Some(11_900));
        assert_eq!(fx.changes.interim_fitted_at, Some(T0));
        assert_eq!(clock(&c, ClockKind::InterimMeasures).state, ClockState::Met);
        // The contractor keeps its view the scheme's days after, with no main order.
        assert_eq!(
            fx.changes.contractor_access_until,
            Some(Some(T0 + time::Duration::days(30)))
        );
        let err = apply(
            &c,
            Command::RecordInterimMeasuresFitted { results: vec![] },
            T0,
            &cal(),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            ActionError::Conflict {
                code: Conflict::NothingOutstanding,
                ..
            }
        ));
        // Not once the assessment is under way.
        let later = case(CaseStatus::Assessment);
        assert!(matches!(
            apply(&later, interim(&["temporary_boarding"]), T0, &cal()),
            Err(ActionError::Illegal(_))
        ));
    }

    #[test]
    fn the_works_clocks_wait_while_the_client_is_in_emergency_accommodation() {
        let mut c = case(CaseStatus::WorksApproved);
        step(
            &mut c,
            Command::OrderWorks {
                organisation_id: Uuid::from_u128(4),
            },
            T0,
        );
        let away = Command::RecordEmergencyAccommodation {
            placed: true,
            kind: Some(AccommodationKind::Refuge),
            on: date!(2026 - 11 - 23),
        };
        step(&mut c, away, T0);
        assert_eq!(c.emergency_accommodation, Some(AccommodationKind::Refuge));
        for kind in [ClockKind::WorksStart, ClockKind::WorksComplete] {
            assert_eq!(clock(&c, kind).state, ClockState::Paused, "{kind}");
        }
        // A hold and its resume leave them waiting for the client.
        step(
            &mut c,
            Command::Hold {
                reason: HoldReason::WaitingForClient,
                note: None,
            },
            T0,
        );
        step(&mut c, Command::Resume, T0 + time::Duration::days(3));
        assert_eq!(clock(&c, ClockKind::WorksStart).state, ClockState::Paused);
        let due_before = clock(&c, ClockKind::WorksComplete).due_at;
        let back = Command::RecordEmergencyAccommodation {
            placed: false,
            kind: None,
            on: date!(2026 - 11 - 30),
        };
        step(&mut c, back, T0 + time::Duration::days(7));
        assert_eq!(c.emergency_accommodation, None);
        let complete = clock(&c, ClockKind::WorksComplete);
        assert_eq!(complete.state, ClockState::Running);
        assert_eq!(complete.due_at, due_before + time::Duration::days(7));
    }
}

mod reopening {
    use super::*;
    use crate::workflow::ReopenReason;

    fn reopen() -> Command {
        Command::Reopen {
            reason: ReopenReason::PerpetratorReturned,
            note: Some("Released early; seen outside".into()),
        }
    }

    fn closed() -> CaseSnapshot {
        let mut c = case(CaseStatus::FollowUp);
        c.works_completed = true;
        step(
            &mut c,
            Command::Close {
                reason: CloseReason::Completed,
                other: None,
                outcome: CloseOutcome::default(),
            },
            T0,
        );
        c
    }

    #[test]
    fn a_closed_case_reopens_as_accepted_with_a_new_round_of_clocks() {
        let mut c = closed();
        assert_eq!(c.ended_at, Some(T0));
        let later = T0 + time::Duration::days(60);
        let fx = step(&mut c, reopen(), later);
        assert_eq!(c.status, CaseStatus::Accepted);
        assert!(fx.changes.reopened);
        assert_eq!(c.round, 2);
        assert!(fx.event_data.contains(&("round", "2".to_owned())));
        assert_eq!(fx.notes[0].kind, NoteKind::Reopening);
        let refer = clock(&c, ClockKind::ReferToAssessor);
        assert_eq!(
            (refer.started_at, refer.state),
            (later, ClockState::Running)
        );
        // The register takes the home back as at an acceptance.
        assert!(
            fx.register
                .iter()
                .any(|r| matches!(r, crate::register::RegisterChange::Added { .. }))
        );
    }

    #[test]
    fn only_within_the_schemes_window() {
        let c = closed();
        let too_late = T0 + time::Duration::days(400);
        let err = apply(&c, reopen(), too_late, &cal()).unwrap_err();
        assert!(matches!(
            err,
            ActionError::Conflict {
                code: Conflict::ReopenWindowPassed,
                ..
            }
        ));
        let open = case(CaseStatus::FollowUp);
        assert!(matches!(
            apply(&open, reopen(), T0, &cal()),
            Err(ActionError::Illegal(_))
        ));
    }

    #[test]
    fn a_second_round_of_works_approves_only_the_new_items_and_counts_the_installation_once() {
        let mut c = closed();
        c.works = vec![WorksItem {
            id: Uuid::from_u128(70),
            kind: crate::workflow::ItemKind::Works,
            measure_code: "deadlock".into(),
            name: "Deadlock".into(),
            report_row: crate::measures::ReportRow::Deadlock,
            requires_fire_check: false,
            quantity: 1,
            location: None,
            estimated_cost_pence: 8_000,
            approved: true,
            outcome: Some(ItemOutcome::Installed {
                actual_cost_pence: 8_000,
            }),
            condition: None,
            removal: None,
        }];
        step(&mut c, reopen(), T0);
        step(
            &mut c,
            Command::AssignAssessor {
                organisation_id: Uuid::from_u128(3),
            },
            T0,
        );
        step(&mut c, recommend(&["window_locks"]), T0);
        let fx = step(
            &mut c,
            Command::ApproveWorks(ItemApproval {
                items: None,
                funder_approval_reference: None,
                funding_stream: None,
            }),
            T0,
        );
        assert_eq!(
            fx.works_changed.len(),
            1,
            "the fitted deadlock is not approved again"
        );
        step(
            &mut c,
            Command::OrderWorks {
                organisation_id: Uuid::from_u128(4),
            },
            T0,
        );
        step(&mut c, Command::StartWorks, T0);
        let new = c.works.iter().find(|w| w.outcome.is_none()).unwrap().id;
        let fx = step(
            &mut c,
            Command::CompleteWorks {
                results: vec![ItemResult {
                    item: ItemRef::Id(new),
                    installed: true,
                    actual_cost_pence: Some(5_000),
                    reason: None,
                }],
            },
            T0,
        );
        assert_eq!(
            fx.changes.works_completed_at, None,
            "counted once, at the first"
        );
        assert_eq!(
            fx.changes.works_cost_pence,
            Some(13_000),
            "both rounds' spend"
        );
    }
}

mod after_works {
    use super::*;
    use crate::workflow::{EquipmentCondition, ItemKind, MeasureRemovalReason, Removal};

    fn fitted(id: u128, code: &str, cost: i64, fire: bool) -> WorksItem {
        WorksItem {
            id: Uuid::from_u128(id),
            kind: ItemKind::Works,
            measure_code: code.into(),
            name: code.into(),
            report_row: crate::measures::ReportRow::Deadlock,
            requires_fire_check: fire,
            quantity: 1,
            location: None,
            estimated_cost_pence: cost,
            approved: true,
            outcome: Some(ItemOutcome::Installed {
                actual_cost_pence: cost,
            }),
            condition: None,
            removal: None,
        }
    }

    fn done() -> CaseSnapshot {
        let mut c = case(CaseStatus::WorksCompleted);
        c.works = vec![
            fitted(1, "safe_room", 120_000, true),
            fitted(2, "door_chain_and_viewer", 3_500, false),
        ];
        c.contractor_organisation_id = Some(Uuid::from_u128(4));
        c
    }

    fn conflict(err: ActionError) -> Conflict {
        match err {
            ActionError::Conflict { code, .. } => code,
            other => panic!("not a conflict: {other:?}"),
        }
    }

    fn check(outcome: FireCheckOutcome, remedial: &[&str]) -> Command {
        Command::RecordFireCheck {
            checked_on: date!(2026 - 11 - 23),
            outcome,
            notes: None,
            remedial: remedial
                .iter()
                .map(|c| Recommendation {
                    measure_code: (*c).into(),
                    quantity: 1,
                    location: Some("hall".into()),
                    estimated_cost_pence: None,
                })
                .collect(),
        }
    }

    fn close() -> Command {
        Command::Close {
            reason: CloseReason::Completed,
            other: None,
            outcome: CloseOutcome::default(),
        }
    }

    #[test]
    fn a_check_needing_action_opens_remedial_works_that_hold_the_close_until_done() {
        let mut c = done();
        // Remedial works only follow a check that found action needed.
        let err = apply(
            &c,
            check(FireCheckOutcome::Satisfactory, &["smoke_alarms"]),
            T0,
            &cal(),
        )
        .unwrap_err();
        assert_eq!(pointers(err), ["/remedial_works"]);
        let fx = step(
            &mut c,
            check(FireCheckOutcome::ActionsRequired, &["smoke_alarms"]),
            T0,
        );
        assert_eq!(fx.works_added.len(), 1);
        assert_eq!(fx.works_added[0].kind, ItemKind::Remedial);
        assert!(!fx.works_added[0].approved, "not ordered yet");
        step(
            &mut c,
            Command::RecordFollowUpVisit {
                visited_on: date!(2026 - 11 - 23),
                notes: None,
            },
            T0,
        );
        assert_eq!(
            conflict(apply(&c, close(), T0, &cal()).unwrap_err()),
            Conflict::RemedialWorksOutstanding
        );
        // Nothing to record before the order.
        let results = vec![ItemResult {
            item: ItemRef::Measure("smoke_alarms".into()),
            installed: true,
            actual_cost_pence: Some(2_000),
            reason: None,
        }];
        assert_eq!(
            conflict(
                apply(
                    &c,
                    Command::CompleteRemedialWorks {
                        results: results.clone()
                    },
                    T0,
                    &cal()
                )
                .unwrap_err()
            ),
            Conflict::NothingOutstanding
        );
        let other = Uuid::from_u128(9);
        let fx = step(
            &mut c,
            Command::OrderRemedialWorks {
                organisation_id: other,
            },
            T0,
        );
        assert_eq!(fx.changes.contractor_organisation_id, Some(other));
        assert_eq!(
            conflict(
                apply(
                    &c,
                    Command::OrderRemedialWorks {
                        organisation_id: other
                    },
                    T0,
                    &cal()
                )
                .unwrap_err()
            ),
            Conflict::NothingOutstanding
        );
        let fx = step(&mut c, Command::CompleteRemedialWorks { results }, T0);
        // The household's spend now includes the remedial works.
        assert_eq!(fx.changes.works_cost_pence, Some(125_500));
        assert!(fx.changes.contractor_access_until.unwrap().is_some());
        assert_eq!(c.status, CaseStatus::FollowUp);
        step(&mut c, close(), T0);
        assert_eq!(c.status, CaseStatus::Closed);
    }

    #[test]
    fn a_review_says_how_each_fitted_measure_was_found() {
        let mut c = done();
        let review = |items: Vec<(ItemRef, EquipmentCondition)>| Command::RecordEquipmentReview {
            reviewed_on: date!(2026 - 11 - 23),
            items,
        };
        let err = apply(
            &c,
            review(vec![
                (
                    ItemRef::Measure("smoke_alarms".into()),
                    EquipmentCondition::Working,
                ),
                (ItemRef::Id(Uuid::from_u128(1)), EquipmentCondition::Working),
                (
                    ItemRef::Measure("safe_room".into()),
                    EquipmentCondition::Faulty,
                ),
            ]),
            T0,
            &cal(),
        )
        .unwrap_err();
        // Every mistake at once: not fitted here, named twice.
        assert_eq!(pointers(err), ["/items/0/measure_code", "/items/2/item_id"]);
        let fx = step(
            &mut c,
            review(vec![(
                ItemRef::Measure("door_chain_and_viewer".into()),
                EquipmentCondition::Faulty,
            )]),
            T0,
        );
        assert_eq!(fx.status, CaseStatus::WorksCompleted);
        assert_eq!(c.works[1].condition, Some(EquipmentCondition::Faulty));
        assert_eq!(c.works[0].condition, None);
    }

    #[test]
    fn measures_no_longer_needed_are_taken_out_at_a_cost_even_after_the_close() {
        let mut c = done();
        c.status = CaseStatus::Closed;
        c.fire_check_recorded = true;
        let removal = Uuid::from_u128(11);
        let order = |codes: &[&str]| Command::OrderRemoval {
            organisation_id: removal,
            items: codes
                .iter()
                .map(|c| ItemRef::Measure((*c).into()))
                .collect(),
            reason: MeasureRemovalReason::PerpetratorImprisoned,
        };
        assert_eq!(
            conflict(
                apply(&c, Command::RecordRemoval { results: vec![] }, T0, &cal()).unwrap_err()
            ),
            Conflict::NothingOutstanding
        );
        let fx = step(&mut c, order(&["safe_room", "door_chain_and_viewer"]), T0);
        assert_eq!(fx.status, CaseStatus::Closed);
        assert_eq!(fx.changes.contractor_organisation_id, Some(removal));
        // The contractor can see the case again while it takes them out.
        assert_eq!(fx.changes.contractor_access_until, Some(None));
        // Not twice.
        let err = apply(&c, order(&["safe_room"]), T0, &cal()).unwrap_err();
        assert_eq!(pointers(err), ["/items/0/measure_code"]);
        let result = |code: &str, removed, cost, reason: Option<&str>| RemovalResult {
            item: ItemRef::Measure(code.into()),
            removed,
            cost_pence: cost,
            reason: reason.map(Into::into),
        };
        // Every answer needed: a cost for what came out, a reason for what stayed.
        let err = apply(
            &c,
            Command::RecordRemoval {
                results: vec![result("safe_room", true, None, None)],
            },
            T0,
            &cal(),
        )
        .unwrap_err();
        assert_eq!(pointers(err), ["/results", "/results/0/cost_pence"]);
        let fx = step(
            &mut c,
            Command::RecordRemoval {
                results: vec![
                    result("safe_room", true, Some(30_000), None),
                    result(
                        "door_chain_and_viewer",
                        false,
                        None,
                        Some("client asked to keep it"),
                    ),
                ],
            },
            T0,
        );
        assert_eq!(
            c.works[0].removal,
            Some(Removal::Removed {
                reason: MeasureRemovalReason::PerpetratorImprisoned,
                cost_pence: 30_000
            })
        );
        assert_eq!(c.works[1].removal, None);
        assert!(c.works[1].in_place() && !c.works[0].in_place());
        // Fitting and taking out both count in the household's spend.
        assert_eq!(fx.changes.works_cost_pence, Some(153_500));
        assert!(fx.changes.contractor_access_until.unwrap().is_some());
        // What is gone needs no fire check any more.
        assert!(!needs_fire_check(&c.works));
    }

    #[test]
    fn nothing_after_the_works_before_them() {
        let c = case(CaseStatus::WorksOrdered);
        for command in [
            Command::RecordEquipmentReview {
                reviewed_on: date!(2026 - 11 - 23),
                items: vec![],
            },
            Command::OrderRemedialWorks {
                organisation_id: Uuid::from_u128(4),
            },
        ] {
            assert!(matches!(
                apply(&c, command, T0, &cal()),
                Err(ActionError::Illegal(_))
            ));
        }
    }
}

mod visits {
    use super::*;
    use crate::visits::{ContactWindow, Day, Slot, TimeOfDay, Visit, VisitKind, VisitOutcome};
    use time::macros::time;

    // T0 is Monday 23 November 2026.
    fn slot(on: time::Date, from: time::Time, to: time::Time) -> Slot {
        Slot {
            on,
            from: TimeOfDay(from),
            to: TimeOfDay(to),
        }
    }

    fn assessing() -> CaseSnapshot {
        let mut c = case(CaseStatus::Assessment);
        c.unsafe_windows = vec![ContactWindow {
            days: vec![Day::Monday, Day::Tuesday],
            from: TimeOfDay(time!(18:00)),
            to: TimeOfDay(time!(23:59)),
        }];
        c
    }

    fn book(s: Slot) -> Command {
        Command::BookVisit {
            kind: VisitKind::Assessment,
            slot: s,
        }
    }

    /// Folds booked visits and outcomes back into the snapshot.
    fn fold(c: &mut CaseSnapshot, fx: &Effects) {
        for v in &fx.visits_added {
            c.visits.push(Visit {
                id: v.id,
                kind: v.kind,
                slot: v.slot,
                booked_by: Uuid::from_u128(3),
                outcome: None,
                rebooked_as: None,
            });
        }
        for u in &fx.visits_changed {
            let v = c.visits.iter_mut().find(|v| v.id == u.id).unwrap();
            v.outcome = Some(u.outcome);
            v.rebooked_as = u.rebooked_as;
        }
    }

    #[test]
    fn a_visit_is_never_booked_in_a_time_the_client_said_is_unsafe_nor_in_the_past() {
        let c = assessing();
        let tuesday = date!(2026 - 11 - 24);
        let err = apply(
            &c,
            book(slot(tuesday, time!(17:30), time!(18:30))),
            T0,
            &cal(),
        )
        .unwrap_err();
        assert_eq!(pointers(err), ["/from"]);
        let err = apply(
            &c,
            book(slot(date!(2026 - 11 - 20), time!(20:00), time!(19:00))),
            T0,
            &cal(),
        )
        .unwrap_err();
        assert_eq!(pointers(err), ["/on", "/to"]);
        let fx = apply(
            &c,
            book(slot(tuesday, time!(10:00), time!(12:00))),
            T0,
            &cal(),
        )
        .unwrap();
        assert_eq!(fx.visits_added.len(), 1);
        assert_eq!(fx.status, CaseStatus::Assessment);
        // A Wednesday evening is fine: the window names Mondays and Tuesdays.
        let wednesday = date!(2026 - 11 - 25);
        assert!(
            apply(
                &c,
                book(slot(wednesday, time!(18:30), time!(19:30))),
                T0,
                &cal()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_visit_is_booked_at_its_stage() {
        let c = case(CaseStatus::Accepted);
        let err = apply(
            &c,
            book(slot(date!(2026 - 11 - 24), time!(10:00), time!(11:00))),
            T0,
            &cal(),
        )
        .unwrap_err();
        assert!(matches!(
            err,
            ActionError::Conflict {
                code: Conflict::NothingOutstanding,
                ..
            }
        ));
    }

    #[test]
    fn a_rebooked_visit_books_the_new_one_and_an_outcome_is_recorded_once() {
        let mut c = assessing();
        let fx = step(
            &mut c,
            book(slot(date!(2026 - 11 - 23), time!(09:00), time!(10:00))),
            T0,
        );
        fold(&mut c, &fx);
        let first = c.visits[0].id;
        let outcome = |outcome, rebook| Command::RecordVisitOutcome {
            visit: crate::visits::VisitRef::Id(first),
            outcome,
            rebook,
        };
        let err = apply(&c, outcome(VisitOutcome::Rebooked, None), T0, &cal()).unwrap_err();
        assert_eq!(pointers(err), ["/rebook"]);
        let later = slot(date!(2026 - 11 - 26), time!(10:00), time!(11:00));
        let err = apply(&c, outcome(VisitOutcome::NoAccess, Some(later)), T0, &cal()).unwrap_err();
        assert_eq!(pointers(err), ["/rebook"]);
        let unsafe_again = slot(date!(2026 - 11 - 30), time!(19:00), time!(20:00));
        let err = apply(
            &c,
            outcome(VisitOutcome::Rebooked, Some(unsafe_again)),
            T0,
            &cal(),
        )
        .unwrap_err();
        assert_eq!(pointers(err), ["/rebook/from"]);
        let fx = step(&mut c, outcome(VisitOutcome::Rebooked, Some(later)), T0);
        fold(&mut c, &fx);
        assert_eq!(c.visits.len(), 2);
        assert_eq!(c.visits[0].rebooked_as, Some(c.visits[1].id));
        assert_eq!(c.visits[1].kind, VisitKind::Assessment);
        // Once only; and not "attended" before the day.
        let err = apply(&c, outcome(VisitOutcome::Attended, None), T0, &cal()).unwrap_err();
        assert_eq!(pointers(err), ["/visit_id"]);
        let second = Command::RecordVisitOutcome {
            visit: crate::visits::VisitRef::Kind(VisitKind::Assessment),
            outcome: VisitOutcome::Attended,
            rebook: None,
        };
        let err = apply(&c, second, T0, &cal()).unwrap_err();
        assert_eq!(pointers(err), ["/outcome"]);
    }
}
