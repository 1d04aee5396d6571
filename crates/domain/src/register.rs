//! The emergency-services register: the homes a scheme asks its fire service and police
//! to flag on their call-out systems, so that an emergency call from the client is
//! prioritised (seed 002: the fire and rescue service "will keep a record of Sanctuary
//! cases on their call-out systems"; DOMAIN: "an 'at risk' flag … raised with consent
//! and lifted when the case ends", with a review date).
//!
//! One entry per case and service at a time. The rules:
//! - **Added** when the case reaches the scheme's point (`register.add_at`: acceptance,
//!   or works completed; an urgent case at acceptance whatever the setting), or later
//!   when a basis arises — and only on a basis: the client's consent to share
//!   information, or a safeguarding decision naming that service.
//! - **Reviewed** on the `register_review` clock (`register.review_months`).
//! - **Removed** when its basis goes (consent withdrawn, no decision standing in), when
//!   the case ends (at once, or `register.keep_months_after_end` later), or when the
//!   coordinator decides (the client moved, the review decided so). A removal sticks: only
//!   a new basis or a new point puts the home back.
//!
//! The register's settings are the scheme's current arrangement with its emergency
//! services, not a service standard a case keeps from its referral.

use crate::measures::ReportRow;
use crate::works::{Removal, WorksItem};
use serde::{Deserialize, Serialize};

use crate::case::CaseStatus;
use crate::consent::{ConsentPurpose, ConsentsInForce};
use crate::organisation::Role;
use crate::policy::{self, Action, Relation};
use crate::referral::Disability;
use crate::safeguarding::{Safeguarding, SharingRole};
use crate::violation::{ViolationCode, Violations};

vocabulary! {
    /// An emergency service that keeps a register of sanctuary homes.
    pub enum EmergencyService {
        FireService = "fire_service",
        Police = "police",
    }
}

vocabulary! {
    /// Why the home may be on a service's register.
    pub enum RegisterBasis {
        /// The client consented to information being shared with the scheme's partners.
        InformationSharingConsent = "information_sharing_consent",
        /// A safeguarding decision shares the case with the service without consent.
        SafeguardingDecision = "safeguarding_decision",
    }
}

vocabulary! {
    /// Why an entry came off the register.
    pub enum RemovalReason {
        /// The case ended (closed, cancelled, withdrawn) and the scheme keeps entries no
        /// longer (`register.keep_months_after_end`).
        CaseEnded = "case_ended",
        /// The client moved away from the address.
        ClientMoved = "client_moved",
        /// The basis went: the client withdrew consent to share, and no safeguarding
        /// decision stands in.
        ConsentWithdrawn = "consent_withdrawn",
        /// The coordinator's review decided the flag is no longer needed.
        ReviewDecided = "review_decided",
    }
}

vocabulary! {
    /// When a case goes on the register.
    pub enum RegisterPoint {
        /// When the coordinator accepts the case.
        Acceptance = "acceptance",
        /// When the contractor completes the works (urgent cases still at acceptance).
        WorksCompleted = "works_completed",
    }
}

vocabulary! {
    /// Where a case stands with one service's register (absent: never on it).
    pub enum RegisterPresence {
        Active = "active",
        Removed = "removed",
    }
}

vocabulary! {
    /// How far a safe room on the register has come.
    pub enum SafeRoomStatus {
        Recommended = "recommended",
        Approved = "approved",
        Fitted = "fitted",
        /// Fitted, then taken out: there is no safe room any more.
        Removed = "removed",
    }
}

/// The scheme's arrangement with its emergency services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RegisterSettings {
    /// When a case goes on the register (an urgent case: at acceptance).
    pub add_at: RegisterPoint,
    /// Months between reviews of a case's entries (the `register_review` clock).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 24))]
    pub review_months: u32,
    /// Months after a case ends before its entries come off (0: when it ends).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 24))]
    pub keep_months_after_end: u32,
    /// The scheme's 24-hour contact for a control room (a duty team's number and
    /// name): shown with every entry. No personal data.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 200,
            example = "Darlington Borough Council out-of-hours: 01632 960 651"
        )
    )]
    pub contact_24h: Option<String>,
}

impl Default for RegisterSettings {
    fn default() -> Self {
        Self {
            add_at: RegisterPoint::Acceptance,
            review_months: 6,
            keep_months_after_end: 0,
            contact_24h: None,
        }
    }
}

impl RegisterSettings {
    /// Every rule the settings break (pointers relative to the settings).
    pub fn violations(&self) -> Violations {
        let mut v = Violations::new();
        if !(1..=24).contains(&self.review_months) {
            v.add(
                "/review_months",
                ViolationCode::OutOfRange,
                "must be between 1 and 24",
            );
        }
        if self.keep_months_after_end > 24 {
            v.add(
                "/keep_months_after_end",
                ViolationCode::OutOfRange,
                "must be between 0 and 24",
            );
        }
        if let Some(contact) = &self.contact_24h
            && (contact.trim().is_empty() || contact.chars().count() > 200)
        {
            v.add(
                "/contact_24h",
                ViolationCode::OutOfRange,
                "give 1 to 200 characters, or null",
            );
        }
        v
    }
}

impl EmergencyService {
    /// The role whose holders read this service's entries.
    pub fn role(self) -> Role {
        match self {
            EmergencyService::FireService => Role::FireService,
            EmergencyService::Police => Role::Police,
        }
    }

    /// Who a safeguarding decision names to put the home on this service's register.
    pub fn sharing_role(self) -> SharingRole {
        match self {
            EmergencyService::FireService => SharingRole::FireService,
            EmergencyService::Police => SharingRole::Police,
        }
    }

    /// How a holder of the role stands to the scheme.
    fn relation(self) -> Relation {
        match self {
            EmergencyService::FireService => Relation::SchemeFireService,
            EmergencyService::Police => Relation::SchemePolice,
        }
    }
}

/// The services whose entries a caller holding `roles`, standing to the scheme by
/// `relations`, may read: the coordinator keeps the whole register; the fire service and
/// the police read their own.
pub fn services_readable(
    roles: &[crate::organisation::Role],
    relations: &[Relation],
) -> Vec<EmergencyService> {
    let coordinates = relations.contains(&Relation::SchemeCoordinator)
        && policy::permits_any(roles, Action::ViewRegister, &[Relation::SchemeCoordinator]);
    EmergencyService::ALL
        .iter()
        .copied()
        .filter(|s| {
            coordinates
                || (relations.contains(&s.relation())
                    && roles.contains(&s.role())
                    && policy::permits(s.role(), Action::ViewRegister, s.relation()))
        })
        .collect()
}

/// The basis on which the home may be on `service`'s register, if any: consent to share
/// information, or else a safeguarding decision naming the service.
pub fn basis(
    service: EmergencyService,
    consents: &ConsentsInForce,
    safeguarding: &Safeguarding,
) -> Option<RegisterBasis> {
    if consents.given(ConsentPurpose::InformationSharing) {
        Some(RegisterBasis::InformationSharingConsent)
    } else if safeguarding.sharing_with.contains(&service.sharing_role()) {
        Some(RegisterBasis::SafeguardingDecision)
    } else {
        None
    }
}

/// Whether the client may need help to leave the home in an emergency, from the
/// disabilities the referral records: yes for a physical or learning disability or a
/// mental impairment; no where it records none (or a mental illness only); unknown when
/// not given or the client preferred not to say.
pub fn needs_help_to_leave(disabilities: &[Disability]) -> Option<bool> {
    use Disability as D;
    if disabilities
        .iter()
        .any(|d| matches!(d, D::Physical | D::LearningDisability | D::MentalImpairment))
    {
        Some(true)
    } else if disabilities.is_empty() || disabilities.contains(&D::PreferNotToSay) {
        None
    } else {
        Some(false)
    }
}

/// A case's entry on one service's register, while it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveEntry {
    pub service: EmergencyService,
    pub basis: RegisterBasis,
}

/// What the register rules need to know of a case, before or after an action.
#[derive(Debug, Clone, Copy)]
pub struct RegisterFacts<'a> {
    pub status: CaseStatus,
    /// The coordinator accepted the case (whatever happened since).
    pub accepted: bool,
    /// The works were completed (whatever happened since).
    pub works_completed: bool,
    pub urgent: bool,
    pub consents: &'a ConsentsInForce,
    pub safeguarding: &'a Safeguarding,
}

impl RegisterFacts<'_> {
    /// Whether the case has reached the point at which homes go on the register.
    fn reached(&self, settings: &RegisterSettings) -> bool {
        if self.urgent || settings.add_at == RegisterPoint::Acceptance {
            self.accepted
        } else {
            self.works_completed
        }
    }
}

/// A change to one service's entry for the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterChange {
    Added {
        service: EmergencyService,
        basis: RegisterBasis,
    },
    /// The entry stands on another basis now (consent withdrawn, a decision stands in;
    /// or consent given where a decision stood).
    Rebased {
        service: EmergencyService,
        basis: RegisterBasis,
    },
    Reviewed {
        service: EmergencyService,
    },
    /// What the entry shows of the home changed (a safe room fitted, measures taken
    /// out): a control room refreshes its copy.
    Updated {
        service: EmergencyService,
    },
    Removed {
        service: EmergencyService,
        reason: RemovalReason,
    },
}

impl RegisterChange {
    pub fn service(self) -> EmergencyService {
        match self {
            RegisterChange::Added { service, .. }
            | RegisterChange::Rebased { service, .. }
            | RegisterChange::Reviewed { service }
            | RegisterChange::Updated { service }
            | RegisterChange::Removed { service, .. } => service,
        }
    }
}

/// What the register does when a case goes from `before` to `after`, given its entries
/// standing `active`: see the module's rules.
pub fn follow(
    settings: &RegisterSettings,
    before: &RegisterFacts<'_>,
    after: &RegisterFacts<'_>,
    active: &[ActiveEntry],
) -> Vec<RegisterChange> {
    let ended_now = after.status.is_terminal() && before.status.is_open();
    let mut changes = Vec::new();
    for &service in EmergencyService::ALL {
        let now = basis(service, after.consents, after.safeguarding);
        match active.iter().find(|e| e.service == service) {
            Some(_) if ended_now && settings.keep_months_after_end == 0 => {
                changes.push(RegisterChange::Removed {
                    service,
                    reason: RemovalReason::CaseEnded,
                })
            }
            Some(_) if now.is_none() => changes.push(RegisterChange::Removed {
                service,
                reason: RemovalReason::ConsentWithdrawn,
            }),
            Some(entry) => {
                if let Some(basis) = now.filter(|b| *b != entry.basis) {
                    changes.push(RegisterChange::Rebased { service, basis });
                }
            }
            None => {
                let Some(basis) = now else { continue };
                let reached_now = after.reached(settings) && !before.reached(settings);
                let arose = basis_of(service, before).is_none();
                if after.status.is_open() && after.reached(settings) && (reached_now || arose) {
                    changes.push(RegisterChange::Added { service, basis });
                }
            }
        }
    }
    changes
}

fn basis_of(service: EmergencyService, facts: &RegisterFacts<'_>) -> Option<RegisterBasis> {
    basis(service, facts.consents, facts.safeguarding)
}

/// The entries `changes` leave standing of `active`.
pub fn standing_after(active: &[ActiveEntry], changes: &[RegisterChange]) -> Vec<ActiveEntry> {
    let mut standing = active.to_vec();
    for change in changes {
        match *change {
            RegisterChange::Added { service, basis } => {
                standing.push(ActiveEntry { service, basis })
            }
            RegisterChange::Rebased { service, basis } => {
                for e in standing.iter_mut().filter(|e| e.service == service) {
                    e.basis = basis;
                }
            }
            RegisterChange::Removed { service, .. } => standing.retain(|e| e.service != service),
            RegisterChange::Reviewed { .. } | RegisterChange::Updated { .. } => {}
        }
    }
    standing
}

/// Whether a change to a works item changes what a register entry shows of the home:
/// the safe room's progress (recommended, approved, fitted, removed), or any measure
/// taken out.
pub fn shows_change(before: Option<&WorksItem>, after: &WorksItem) -> bool {
    let removed = |w: &WorksItem| matches!(w.removal, Some(Removal::Removed { .. }));
    let room = |w: &WorksItem| (w.approved, w.installed(), removed(w));
    let was_removed = before.is_some_and(removed);
    (removed(after) && !was_removed)
        || (after.report_row == ReportRow::SafeRoom && before.map(room) != Some(room(after)))
}

/// Whether the coordinator may take `action` on a case whose register entries are
/// `active` (any standing): reviewing or removing needs an entry.
pub fn action_applies(action: Action, any_active: bool) -> bool {
    !matches!(
        action,
        Action::ReviewRegisterEntry | Action::RemoveRegisterEntry
    ) || any_active
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::{ConsentDecision, ConsentMethod, ConsentStatus, IntakeConsents};
    use crate::safeguarding::DecisionPurpose;
    use CaseStatus as S;
    use EmergencyService::{FireService as Fire, Police};
    use RegisterBasis::{InformationSharingConsent as Consent, SafeguardingDecision as Decision};
    use time::macros::date;

    fn consents(sharing: ConsentDecision) -> ConsentsInForce {
        ConsentsInForce::from_intake(&IntakeConsents {
            installation: ConsentDecision::Given,
            landlord_contact: ConsentDecision::Given,
            information_sharing: sharing,
            follow_up_contact: ConsentDecision::Given,
            method: ConsentMethod::Verbal,
            obtained_on: date!(2026 - 11 - 20),
        })
    }

    fn facts<'a>(
        status: CaseStatus,
        consents: &'a ConsentsInForce,
        safeguarding: &'a Safeguarding,
    ) -> RegisterFacts<'a> {
        RegisterFacts {
            status,
            accepted: !matches!(status, S::Received | S::Declined),
            works_completed: matches!(status, S::WorksCompleted | S::FollowUp | S::Closed),
            urgent: false,
            consents,
            safeguarding,
        }
    }

    fn entries(services: &[(EmergencyService, RegisterBasis)]) -> Vec<ActiveEntry> {
        services
            .iter()
            .map(|&(service, basis)| ActiveEntry { service, basis })
            .collect()
    }

    #[test]
    fn acceptance_puts_the_home_on_both_registers_with_consent_to_share() {
        let (c, s) = (consents(ConsentDecision::Given), Safeguarding::default());
        let changes = follow(
            &RegisterSettings::default(),
            &facts(S::Received, &c, &s),
            &facts(S::Accepted, &c, &s),
            &[],
        );
        assert_eq!(
            changes,
            [
                RegisterChange::Added {
                    service: Fire,
                    basis: Consent
                },
                RegisterChange::Added {
                    service: Police,
                    basis: Consent
                },
            ]
        );
        // Nothing more on the next action.
        let standing = standing_after(&[], &changes);
        assert!(
            follow(
                &RegisterSettings::default(),
                &facts(S::Accepted, &c, &s),
                &facts(S::Assessment, &c, &s),
                &standing,
            )
            .is_empty()
        );
    }

    #[test]
    fn without_consent_only_the_services_a_decision_names_go_on() {
        let c = consents(ConsentDecision::Refused);
        let none = Safeguarding::default();
        let settings = RegisterSettings::default();
        assert!(
            follow(
                &settings,
                &facts(S::Received, &c, &none),
                &facts(S::Accepted, &c, &none),
                &[]
            )
            .is_empty(),
            "no basis, no entry"
        );
        let fire = none.with(
            DecisionPurpose::InformationSharing,
            &[SharingRole::FireService],
        );
        assert_eq!(
            follow(
                &settings,
                &facts(S::Received, &c, &fire),
                &facts(S::Accepted, &c, &fire),
                &[]
            ),
            [RegisterChange::Added {
                service: Fire,
                basis: Decision
            }]
        );
        // A decision for the police later adds the police's entry then.
        let both = fire.with(DecisionPurpose::InformationSharing, &[SharingRole::Police]);
        assert_eq!(
            follow(
                &settings,
                &facts(S::Assessment, &c, &fire),
                &facts(S::Assessment, &c, &both),
                &entries(&[(Fire, Decision)])
            ),
            [RegisterChange::Added {
                service: Police,
                basis: Decision
            }]
        );
    }

    #[test]
    fn at_works_completed_unless_urgent() {
        let (c, s) = (consents(ConsentDecision::Given), Safeguarding::default());
        let settings = RegisterSettings {
            add_at: RegisterPoint::WorksCompleted,
            ..RegisterSettings::default()
        };
        let accepted = follow(
            &settings,
            &facts(S::Received, &c, &s),
            &facts(S::Accepted, &c, &s),
            &[],
        );
        assert!(accepted.is_empty());
        let completed = follow(
            &settings,
            &facts(S::WorksInProgress, &c, &s),
            &facts(S::WorksCompleted, &c, &s),
            &[],
        );
        assert_eq!(completed.len(), 2);
        let mut urgent_before = facts(S::Received, &c, &s);
        urgent_before.urgent = true;
        let mut urgent_after = facts(S::Accepted, &c, &s);
        urgent_after.urgent = true;
        assert_eq!(
            follow(&settings, &urgent_before, &urgent_after, &[]).len(),
            2,
            "an urgent case goes on at acceptance"
        );
    }

    #[test]
    fn withdrawing_consent_takes_the_home_off_unless_a_decision_stands_in() {
        let given = consents(ConsentDecision::Given);
        let withdrawn = given.with(ConsentPurpose::InformationSharing, ConsentStatus::Withdrawn);
        let none = Safeguarding::default();
        let fire = none.with(
            DecisionPurpose::InformationSharing,
            &[SharingRole::FireService],
        );
        let active = entries(&[(Fire, Consent), (Police, Consent)]);
        let changes = follow(
            &RegisterSettings::default(),
            &facts(S::Assessment, &given, &fire),
            &facts(S::Assessment, &withdrawn, &fire),
            &active,
        );
        assert_eq!(
            changes,
            [
                RegisterChange::Rebased {
                    service: Fire,
                    basis: Decision
                },
                RegisterChange::Removed {
                    service: Police,
                    reason: RemovalReason::ConsentWithdrawn
                },
            ]
        );
        assert_eq!(
            standing_after(&active, &changes),
            entries(&[(Fire, Decision)])
        );
    }

    #[test]
    fn the_end_of_a_case_takes_its_entries_off_as_the_scheme_says() {
        let (c, s) = (consents(ConsentDecision::Given), Safeguarding::default());
        let active = entries(&[(Fire, Consent), (Police, Consent)]);
        let at_once = follow(
            &RegisterSettings::default(),
            &facts(S::FollowUp, &c, &s),
            &facts(S::Closed, &c, &s),
            &active,
        );
        assert_eq!(
            at_once,
            [
                RegisterChange::Removed {
                    service: Fire,
                    reason: RemovalReason::CaseEnded
                },
                RegisterChange::Removed {
                    service: Police,
                    reason: RemovalReason::CaseEnded
                },
            ]
        );
        let kept = RegisterSettings {
            keep_months_after_end: 3,
            ..RegisterSettings::default()
        };
        assert!(
            follow(
                &kept,
                &facts(S::FollowUp, &c, &s),
                &facts(S::Closed, &c, &s),
                &active
            )
            .is_empty(),
            "kept: the worker takes them off later"
        );
    }

    #[test]
    fn a_removal_sticks_until_a_new_basis_arises() {
        let given = consents(ConsentDecision::Given);
        let s = Safeguarding::default();
        // Removed by the coordinator: an ordinary action does not put it back.
        assert!(
            follow(
                &RegisterSettings::default(),
                &facts(S::Assessment, &given, &s),
                &facts(S::Assessed, &given, &s),
                &[]
            )
            .is_empty()
        );
        // Consent given again after a withdrawal is a new basis.
        let withdrawn = given.with(ConsentPurpose::InformationSharing, ConsentStatus::Withdrawn);
        assert_eq!(
            follow(
                &RegisterSettings::default(),
                &facts(S::Assessment, &withdrawn, &s),
                &facts(S::Assessment, &given, &s),
                &[]
            )
            .len(),
            2
        );
        // Never for a case that has ended, or before the point.
        assert!(
            follow(
                &RegisterSettings::default(),
                &facts(S::Received, &withdrawn, &s),
                &facts(S::Received, &given, &s),
                &[]
            )
            .is_empty()
        );
    }

    #[test]
    fn each_service_reads_its_own_entries_and_the_coordinator_all() {
        use Relation as Rel;
        assert_eq!(
            services_readable(&[Role::Coordinator], &[Rel::SchemeCoordinator]),
            [Fire, Police]
        );
        assert_eq!(
            services_readable(&[Role::FireService], &[Rel::SchemeFireService]),
            [Fire]
        );
        assert_eq!(
            services_readable(&[Role::Police], &[Rel::SchemePolice]),
            [Police]
        );
        // The role without the membership, or the membership without the role: nothing.
        assert!(services_readable(&[Role::Police], &[Rel::SchemeFireService]).is_empty());
        assert!(services_readable(&[Role::Referrer], &[Rel::SchemePolice]).is_empty());
        assert!(services_readable(&[Role::Assessor], &[Rel::SchemeCoordinator]).is_empty());
    }

    #[test]
    fn help_to_leave_follows_the_disabilities_recorded() {
        use Disability as D;
        assert_eq!(needs_help_to_leave(&[D::Physical]), Some(true));
        assert_eq!(
            needs_help_to_leave(&[D::MentalIllness, D::LearningDisability]),
            Some(true)
        );
        assert_eq!(needs_help_to_leave(&[D::None]), Some(false));
        assert_eq!(needs_help_to_leave(&[D::MentalIllness]), Some(false));
        assert_eq!(needs_help_to_leave(&[D::PreferNotToSay]), None);
        assert_eq!(needs_help_to_leave(&[]), None);
    }

    #[test]
    fn settings_out_of_range_are_all_reported() {
        let s = RegisterSettings {
            review_months: 0,
            keep_months_after_end: 25,
            contact_24h: Some(" ".into()),
            ..RegisterSettings::default()
        };
        let pointers: Vec<String> = s.violations().iter().map(|v| v.pointer.clone()).collect();
        assert_eq!(
            pointers,
            ["/review_months", "/keep_months_after_end", "/contact_24h"]
        );
        assert!(RegisterSettings::default().violations().is_empty());
    }

    #[test]
    fn a_safe_rooms_progress_and_anything_taken_out_change_what_an_entry_shows() {
        use crate::works::{ItemKind, ItemOutcome, MeasureRemovalReason};
        let item = |code: &str, row| WorksItem {
            id: uuid::Uuid::from_u128(1),
            kind: ItemKind::Works,
            measure_code: code.into(),
            name: code.into(),
            report_row: row,
            requires_fire_check: false,
            quantity: 1,
            location: None,
            estimated_cost_pence: 100,
            approved: false,
            outcome: None,
            condition: None,
            removal: None,
        };
        let room = item("safe_room", ReportRow::SafeRoom);
        let lock = item("deadlock", ReportRow::Deadlock);
        let fitted = |w: &WorksItem| WorksItem {
            approved: true,
            outcome: Some(ItemOutcome::Installed {
                actual_cost_pence: 100,
            }),
            ..w.clone()
        };
        let removed = |w: &WorksItem| WorksItem {
            removal: Some(Removal::Removed {
                reason: MeasureRemovalReason::ClientMoved,
                cost_pence: 10,
            }),
            ..fitted(w)
        };
        assert!(shows_change(None, &room), "recommended");
        assert!(shows_change(Some(&room), &fitted(&room)));
        assert!(shows_change(Some(&fitted(&room)), &removed(&room)));
        assert!(!shows_change(Some(&removed(&room)), &removed(&room)));
        // Other measures: only their removal.
        assert!(!shows_change(None, &lock));
        assert!(!shows_change(Some(&lock), &fitted(&lock)));
        assert!(shows_change(Some(&fitted(&lock)), &removed(&lock)));
        // A review changes nothing a control room reads.
        let reviewed = WorksItem {
            condition: Some(crate::works::EquipmentCondition::Faulty),
            ..fitted(&room)
        };
        assert!(!shows_change(Some(&fitted(&room)), &reviewed));
    }
}
