//! From a planned step to the domain command the action handler would build, and who
//! takes it: the coordinator, the case's assessor or contractor, the fire service or
//! the referrer. Measures come from the scheme's own catalogue.

use rand::Rng;
use sanctuary_domain::calendar::london;
use sanctuary_domain::case::CaseFlag;
use sanctuary_domain::landlord::{PermissionStep, RequestMethod};
use sanctuary_domain::measures::Measure;
use sanctuary_domain::organisation::Role;
use sanctuary_domain::visits::{Slot, TimeOfDay, VisitKind, VisitRef};
use sanctuary_domain::workflow::{
    AccommodationKind, CancelReason, CaseSnapshot, CloseOutcome, Command, ContactMethod,
    DeclineReason, EquipmentCondition, FeelsSafer, FireCheckOutcome, ItemApproval, ItemKind,
    ItemRef, ItemResult, LandlordPermissionChange, Recommendation, ReferralType, Removal,
    RemovalResult, WorksItem, YesNoUnknown, estimated_total,
};
use time::OffsetDateTime;
use time::macros::time;
use uuid::Uuid;

use super::pick::{SeedRng, chance, one_of, weighted};
use super::timeline::Step;

/// The organisations that act on a case.
pub struct Parties {
    pub coordinator: Uuid,
    pub assessors: Vec<Uuid>,
    pub contractors: Vec<Uuid>,
    /// The coordinator records fire checks where the scheme has no fire service member.
    pub fire_service: Option<Uuid>,
    /// The seeded budgets have a funder's grant beside the council's fund.
    pub grant: bool,
}

/// Who is on a case: its referrer and, once named, its assessor and contractor.
pub struct OnCase {
    pub referrer: Uuid,
    pub assessor: Option<Uuid>,
    pub contractor: Option<Uuid>,
}

/// The command for `step` on the case as `snapshot` shows it, with the acting
/// organisation and role.
pub fn command(
    rng: &mut SeedRng,
    step: Step,
    snapshot: &CaseSnapshot,
    parties: &Parties,
    on_case: &OnCase,
    at: OffsetDateTime,
) -> (Command, Uuid, Role) {
    let coordinator = (parties.coordinator, Role::Coordinator);
    let today = london::local_date(at);
    let (command, (org, role)) = match step {
        Step::Contact(outcome) => (
            Command::RecordContact {
                method: weighted(
                    rng,
                    &[
                        (ContactMethod::Phone, 85),
                        (ContactMethod::Visit, 10),
                        (ContactMethod::TextMessage, 5),
                    ],
                ),
                outcome,
                notes: None,
            },
            coordinator,
        ),
        Step::Accept => (
            Command::Accept {
                override_reason: (!snapshot.eligibility_warnings.is_empty())
                    .then(|| "Risk outweighs the criterion; agreed with the referrer".to_owned()),
            },
            coordinator,
        ),
        Step::Decline(reason) => {
            let other = explained(reason == DeclineReason::Other, "Measures already fitted");
            (Command::Decline { reason, other }, coordinator)
        }
        Step::AssignAssessor => (
            Command::AssignAssessor {
                organisation_id: one_of(rng, &parties.assessors),
            },
            coordinator,
        ),
        Step::Assess => (
            Command::RecordAssessment {
                visit_date: today,
                findings: Some("Front and back doors weak; ground-floor windows unsecured".into()),
                recommendations: recommend(
                    rng,
                    &snapshot.catalogue,
                    snapshot.flags.contains(&CaseFlag::ArsonRisk),
                ),
            },
            (
                on_case.assessor.unwrap_or(parties.assessors[0]),
                Role::Assessor,
            ),
        ),
        Step::Approve => (
            Command::ApproveWorks(approval(rng, snapshot, at, parties.grant)),
            coordinator,
        ),
        Step::OrderInterim => (
            Command::OrderInterimMeasures {
                organisation_id: one_of(rng, &parties.contractors),
                items: ["emergency_lock_change", "personal_safety_alarm"]
                    .into_iter()
                    .filter(|code| {
                        snapshot
                            .catalogue
                            .iter()
                            .any(|m| m.code == *code && m.interim)
                    })
                    .map(|code| Recommendation {
                        measure_code: code.into(),
                        quantity: 1,
                        location: None,
                        estimated_cost_pence: None,
                    })
                    .collect(),
            },
            coordinator,
        ),
        Step::InterimFitted => (
            Command::RecordInterimMeasuresFitted {
                results: snapshot
                    .works
                    .iter()
                    .filter(|w| w.kind == ItemKind::Interim && w.outcome.is_none())
                    .map(|w| ItemResult {
                        item: ItemRef::Id(w.id),
                        installed: true,
                        actual_cost_pence: Some(w.estimated_cost_pence),
                        reason: None,
                    })
                    .collect(),
            },
            contractor(parties, on_case.contractor),
        ),
        Step::LeaveHome => (
            Command::RecordEmergencyAccommodation {
                placed: true,
                kind: Some(weighted(
                    rng,
                    &[
                        (AccommodationKind::FamilyOrFriends, 50),
                        (AccommodationKind::Refuge, 30),
                        (AccommodationKind::TemporaryAccommodation, 20),
                    ],
                )),
                on: today,
            },
            coordinator,
        ),
        Step::ReturnHome => (
            Command::RecordEmergencyAccommodation {
                placed: false,
                kind: None,
                on: today,
            },
            coordinator,
        ),
        Step::AskLandlord => (
            Command::RecordLandlordPermission(LandlordPermissionChange {
                step: PermissionStep::Requested,
                on: today,
                method: Some(weighted(
                    rng,
                    &[
                        (RequestMethod::Email, 60),
                        (RequestMethod::Letter, 25),
                        (RequestMethod::Phone, 15),
                    ],
                )),
                granted_by: None,
                conditions: None,
                reason: None,
            }),
            coordinator,
        ),
        Step::LandlordAgrees => (
            Command::RecordLandlordPermission(LandlordPermissionChange {
                step: PermissionStep::Granted,
                on: today,
                method: None,
                granted_by: Some("Lettings team".into()),
                conditions: None,
                reason: None,
            }),
            coordinator,
        ),
        Step::Order => (
            Command::OrderWorks {
                organisation_id: one_of(rng, &parties.contractors),
            },
            coordinator,
        ),
        Step::Start => (Command::StartWorks, contractor(parties, on_case.contractor)),
        Step::Complete => (
            Command::CompleteWorks {
                results: results(rng, snapshot),
            },
            contractor(parties, on_case.contractor),
        ),
        Step::FireCheck(outcome) => (
            Command::RecordFireCheck {
                checked_on: today,
                outcome,
                notes: None,
                // A check that finds action needed asks for smoke alarms.
                remedial: (outcome == FireCheckOutcome::ActionsRequired)
                    .then(|| Recommendation {
                        measure_code: "smoke_alarms".into(),
                        quantity: 2,
                        location: Some("hall and landing".into()),
                        estimated_cost_pence: None,
                    })
                    .into_iter()
                    .filter(|r| snapshot.catalogue.iter().any(|m| m.code == r.measure_code))
                    .collect(),
            },
            parties
                .fire_service
                .map_or(coordinator, |id| (id, Role::FireService)),
        ),
        Step::OrderRemedial => (
            Command::OrderRemedialWorks {
                organisation_id: on_case
                    .contractor
                    .unwrap_or_else(|| one_of(rng, &parties.contractors)),
            },
            coordinator,
        ),
        Step::RemedialDone => (
            Command::CompleteRemedialWorks {
                results: outstanding(snapshot, ItemKind::Remedial)
                    .map(|w| ItemResult {
                        item: ItemRef::Id(w.id),
                        installed: true,
                        actual_cost_pence: Some(w.estimated_cost_pence),
                        reason: None,
                    })
                    .collect(),
            },
            contractor(parties, on_case.contractor),
        ),
        Step::ReviewEquipment => (
            Command::RecordEquipmentReview {
                reviewed_on: today,
                items: fitted(snapshot)
                    .map(|w| {
                        let condition = weighted(
                            rng,
                            &[
                                (EquipmentCondition::Working, 90),
                                (EquipmentCondition::Faulty, 7),
                                (EquipmentCondition::NoLongerNeeded, 3),
                            ],
                        );
                        (ItemRef::Id(w.id), condition)
                    })
                    .collect(),
            },
            coordinator,
        ),
        Step::OrderRemoval(reason) => (
            Command::OrderRemoval {
                organisation_id: on_case
                    .contractor
                    .unwrap_or_else(|| one_of(rng, &parties.contractors)),
                items: to_remove(snapshot),
                reason,
            },
            coordinator,
        ),
        Step::RemovalDone => (
            Command::RecordRemoval {
                results: snapshot
                    .works
                    .iter()
                    .filter(|w| matches!(w.removal, Some(Removal::Ordered { .. })))
                    .map(|w| RemovalResult {
                        item: ItemRef::Id(w.id),
                        removed: true,
                        cost_pence: Some(w.estimated_cost_pence / 4),
                        reason: None,
                    })
                    .collect(),
            },
            contractor(parties, on_case.contractor),
        ),
        Step::BookVisit(kind) => (
            Command::BookVisit {
                kind,
                slot: visit_slot(at),
            },
            visitor(kind, parties, on_case),
        ),
        Step::VisitOutcome(kind, outcome) => (
            Command::RecordVisitOutcome {
                visit: VisitRef::Kind(kind),
                outcome,
                rebook: None,
            },
            visitor(kind, parties, on_case),
        ),
        Step::FollowUpVisit => (
            Command::RecordFollowUpVisit {
                visited_on: today,
                notes: None,
            },
            coordinator,
        ),
        Step::FollowUpContact(months) => (
            Command::RecordFollowUpContact {
                contacted_on: today,
                milestone_months: months,
                feels_safer: weighted(
                    rng,
                    &[
                        (FeelsSafer::Yes, 85),
                        (FeelsSafer::No, 5),
                        (FeelsSafer::NotSaid, 10),
                    ],
                ),
                still_living_at_home: weighted(
                    rng,
                    &[
                        (YesNoUnknown::Yes, 88),
                        (YesNoUnknown::No, 6),
                        (YesNoUnknown::Unknown, 6),
                    ],
                ),
                further_incidents: weighted(
                    rng,
                    &[
                        (YesNoUnknown::No, 75),
                        (YesNoUnknown::Yes, 12),
                        (YesNoUnknown::Unknown, 13),
                    ],
                ),
                notes: None,
            },
            coordinator,
        ),
        Step::Close(reason) => (
            Command::Close {
                reason,
                other: None,
                outcome: CloseOutcome {
                    still_living_at_home: weighted(
                        rng,
                        &[
                            (YesNoUnknown::Yes, 85),
                            (YesNoUnknown::No, 8),
                            (YesNoUnknown::Unknown, 7),
                        ],
                    ),
                    feels_safer: weighted(
                        rng,
                        &[
                            (FeelsSafer::Yes, 80),
                            (FeelsSafer::No, 6),
                            (FeelsSafer::NotSaid, 14),
                        ],
                    ),
                    further_incidents: weighted(
                        rng,
                        &[
                            (YesNoUnknown::No, 70),
                            (YesNoUnknown::Yes, 15),
                            (YesNoUnknown::Unknown, 15),
                        ],
                    ),
                    onward_referrals: match weighted(rng, &[(0u8, 60), (1, 25), (2, 15)]) {
                        1 => vec![ReferralType::Idva],
                        2 => vec![ReferralType::Idva, ReferralType::HousingOptions],
                        _ => Vec::new(),
                    },
                },
            },
            coordinator,
        ),
        Step::Cancel(reason) => {
            let other = explained(reason == CancelReason::Other, "Client found a new home");
            (Command::Cancel { reason, other }, coordinator)
        }
        Step::Hold(reason) => (Command::Hold { reason, note: None }, coordinator),
        Step::Resume => (Command::Resume, coordinator),
        Step::Withdraw { by_referrer } => (
            Command::Withdraw { note: None },
            // A self-referral's "referrer" is the coordinator itself.
            if by_referrer && on_case.referrer != parties.coordinator {
                (on_case.referrer, Role::Referrer)
            } else {
                coordinator
            },
        ),
    };
    (command, org, role)
}

/// The text an "other" reason needs.
fn explained(other: bool, text: &str) -> Option<String> {
    other.then(|| text.to_owned())
}

fn contractor(parties: &Parties, on_case: Option<Uuid>) -> (Uuid, Role) {
    (on_case.unwrap_or(parties.contractors[0]), Role::Contractor)
}

/// How often an assessor recommends a measure (others, the scheme's own, rarely).
fn popularity(code: &str) -> u32 {
    match code {
        "window_locks" => 40,
        "door_chain_and_viewer" | "fireproof_letterbox" => 30,
        "additional_door_locking_points" | "personal_safety_alarm" | "cctv_video_doorbell" => 25,
        "double_locking_night_latch" | "deadlock" => 20,
        "key_operated_locking_bolts"
        | "hinge_bolts"
        | "five_lever_locks"
        | "security_lighting"
        | "smoke_alarms" => 15,
        "property_marking_kit" | "timer_for_interior_lighting" | "window_shock_alarms" => 10,
        "repairs_to_door_frames" => 8,
        "safe_room" => 4,
        "window_grilles"
        | "window_restraining_straps"
        | "distraction_burglary_toolkit"
        | "mobile_phone" => 3,
        _ => 5,
    }
}

fn quantity(rng: &mut SeedRng, code: &str) -> u32 {
    match code {
        "window_locks" | "window_shock_alarms" => rng.random_range(2..=6),
        "hinge_bolts" | "key_operated_locking_bolts" | "smoke_alarms" => rng.random_range(2..=4),
        "security_lighting" | "additional_door_locking_points" => rng.random_range(1..=2),
        _ => 1,
    }
}

/// Two to five different measures; with an arson risk, a fireproof letterbox and smoke
/// alarms always among them.
fn recommend(rng: &mut SeedRng, catalogue: &[Measure], arson: bool) -> Vec<Recommendation> {
    let weights: Vec<(usize, u32)> = catalogue
        .iter()
        .enumerate()
        .map(|(i, m)| (i, popularity(&m.code)))
        .collect();
    let mut chosen: Vec<usize> = Vec::new();
    if arson {
        chosen.extend(
            catalogue
                .iter()
                .position(|m| m.code == "fireproof_letterbox")
                .into_iter()
                .chain(catalogue.iter().position(|m| m.code == "smoke_alarms")),
        );
    }
    let wanted = rng.random_range(2..=5).max(chosen.len());
    while chosen.len() < wanted.min(catalogue.len()) {
        let i = weighted(rng, &weights);
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen
        .into_iter()
        .map(|i| {
            let code = catalogue[i].code.clone();
            Recommendation {
                quantity: quantity(rng, &code),
                location: Some(
                    one_of(
                        rng,
                        &[
                            "front door",
                            "back door",
                            "ground-floor windows",
                            "hallway",
                            "bedroom",
                        ],
                    )
                    .to_owned(),
                ),
                estimated_cost_pence: None,
                measure_code: code,
            }
        })
        .collect()
}

/// All the recommended measures, or all but one; above the household limit with the
/// funder's approval reference.
fn approval(
    rng: &mut SeedRng,
    snapshot: &CaseSnapshot,
    at: OffsetDateTime,
    grant: bool,
) -> ItemApproval {
    let mut items: Vec<Uuid> = snapshot
        .works
        .iter()
        .filter(|w| w.kind == ItemKind::Works && w.outcome.is_none())
        .map(|w| w.id)
        .collect();
    if items.len() > 1 && chance(rng, 20) {
        items.remove(rng.random_range(0..items.len()));
    }
    let total = estimated_total(&snapshot.works, &items);
    ItemApproval {
        items: Some(items),
        funder_approval_reference: (total > snapshot.settings.household_budget_limit_pence)
            .then(|| format!("OPCC-{}-{:04}", at.year(), rng.random_range(1..10_000))),
        // The first stream (the council's) unless the grant is drawn.
        funding_stream: (grant && rng.random_range(0..super::money::GRANT_SHARE) == 0)
            .then(|| super::money::GRANT.to_owned()),
    }
}

/// The day's visit: the UK day of `at`, from 10:00 to 16:00.
pub fn visit_slot(at: OffsetDateTime) -> Slot {
    Slot {
        on: london::local_date(at),
        from: TimeOfDay(time!(10:00)),
        to: TimeOfDay(time!(16:00)),
    }
}

/// Who books a visit of `kind`: the assessor its assessment, the contractor its
/// installation, the coordinator the follow-up.
fn visitor(kind: VisitKind, parties: &Parties, on_case: &OnCase) -> (Uuid, Role) {
    match kind {
        VisitKind::Assessment => (
            on_case.assessor.unwrap_or(parties.assessors[0]),
            Role::Assessor,
        ),
        VisitKind::Installation => contractor(parties, on_case.contractor),
        VisitKind::FollowUp => (parties.coordinator, Role::Coordinator),
    }
}

/// The case's items of `kind` ordered and not yet done.
fn outstanding(snapshot: &CaseSnapshot, kind: ItemKind) -> impl Iterator<Item = &WorksItem> {
    snapshot
        .works
        .iter()
        .filter(move |w| w.kind == kind && w.approved && w.outcome.is_none())
}

/// What comes out when measures are no longer needed: the alarms and anything the fire
/// service checked (a safe room); locks and doors stay, unless that is all there is.
fn to_remove(snapshot: &CaseSnapshot) -> Vec<ItemRef> {
    let left: Vec<&WorksItem> = fitted(snapshot).filter(|w| w.removal.is_none()).collect();
    let chosen: Vec<ItemRef> = left
        .iter()
        .filter(|w| w.requires_fire_check || w.measure_code.contains("alarm"))
        .map(|w| ItemRef::Id(w.id))
        .collect();
    if chosen.is_empty() {
        left.iter().map(|w| ItemRef::Id(w.id)).collect()
    } else {
        chosen
    }
}

/// The measures fitted and still in the home.
fn fitted(snapshot: &CaseSnapshot) -> impl Iterator<Item = &WorksItem> {
    snapshot.works.iter().filter(|w| w.in_place())
}

/// Most approved measures fitted, at about the estimate; some not, with a reason.
fn results(rng: &mut SeedRng, snapshot: &CaseSnapshot) -> Vec<ItemResult> {
    snapshot
        .works
        .iter()
        .filter(|w| w.approved && w.kind == ItemKind::Works && w.outcome.is_none())
        .map(|w| {
            let installed = chance(rng, 92);
            ItemResult {
                item: ItemRef::Id(w.id),
                installed,
                actual_cost_pence: installed
                    .then(|| w.estimated_cost_pence * rng.random_range(85..=115) / 100),
                reason: (!installed).then(|| {
                    one_of(
                        rng,
                        &[
                            "Existing lock already adequate",
                            "Client declined on the day",
                            "Door frame unsuitable",
                            "Landlord refused this item",
                        ],
                    )
                    .to_owned()
                }),
            }
        })
        .collect()
}
