//! Who can read a case: from its ties to organisations (who referred it, assesses it,
//! holds its works order), the client's consent to share and the policy table.
//!
//! The same functions decide a caller's view of a case (reads) and the organisations an
//! event about the case goes to (notifications), so nobody is told of a change to a
//! case they could not open.

use uuid::Uuid;

use crate::case::CaseStatus;
use crate::consent::ConsentStatus;
use crate::organisation::Role;
use crate::policy::{self, Relation, View};
use crate::register::RegisterPresence;
use crate::safeguarding::{SharingRole, shares_with};

/// The facts about a case that decide who may read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTies {
    pub status: CaseStatus,
    pub referring_organisation_id: Uuid,
    pub assessor_organisation_id: Option<Uuid>,
    pub contractor_organisation_id: Option<Uuid>,
    /// Where an on-hold case returns (a case held before acceptance is not yet worked).
    pub held_from: Option<CaseStatus>,
    /// The referral records a risk of arson.
    pub arson_risk: bool,
    /// A recommended, approved or fitted measure needs a fire check.
    pub fire_check_measures: bool,
    /// The case's entry on the fire service's register: standing, removed, or never made.
    pub fire_register: Option<RegisterPresence>,
    /// The contractor's time with the case ran out (works completed or the case ended,
    /// the scheme's number of days ago).
    pub contractor_access_ended: bool,
    /// Whether the client (still) consents to sharing information.
    pub information_sharing: ConsentStatus,
    /// Without that consent, whether works in progress may be finished.
    pub works_may_continue: bool,
    /// The roles a safeguarding decision shares the case with, consent or not.
    pub shared_by_decision: Vec<SharingRole>,
    /// Its identifiers and free text were destroyed (retention).
    pub anonymised: bool,
}

/// How organisation `org` stands to `case`; `holds(role)` says whether it holds `role`
/// in the case's scheme. A tie (it referred the case, assesses it, holds its works
/// order) counts only while the organisation holds the matching role in the scheme:
/// access follows membership, now.
pub fn relations(case: &CaseTies, org: Uuid, holds: impl Fn(Role) -> bool) -> Vec<Relation> {
    let mut relations = Vec::new();
    if case.referring_organisation_id == org && holds(Role::Referrer) {
        relations.push(Relation::ReferringOrganisation);
    }
    if holds(Role::Coordinator) {
        relations.push(Relation::SchemeCoordinator);
    }
    if case.assessor_organisation_id == Some(org) && holds(Role::Assessor) {
        relations.push(Relation::AssignedAssessor);
    }
    if case.contractor_organisation_id == Some(org)
        && !case.contractor_access_ended
        && holds(Role::Contractor)
    {
        relations.push(Relation::WorksContractor);
    }
    if concerns_fire_service(case) && holds(Role::FireService) {
        relations.push(Relation::SchemeFireService);
    }
    relations
}

/// Whether the scheme's fire service has a part in the case (its home fire-safety visit
/// and fire check): its measures need a fire check, or the referral records an arson
/// risk (seed 002: fire services prioritise these homes; seed 000: the fire check after
/// a safe room is fitted). From acceptance — the arson risk is highest before the works
/// — while the case is open or its entry on the fire service's register stands (the
/// scheme may keep it some months after the case ends); never once that entry is
/// removed. A case that needs neither is none of the fire service's business.
pub fn concerns_fire_service(case: &CaseTies) -> bool {
    let needed = case.arson_risk || case.fire_check_measures;
    let accepted_open = match case.status {
        CaseStatus::Received => false,
        CaseStatus::OnHold => case.held_from.is_some_and(|s| s != CaseStatus::Received),
        s => s.is_open(),
    };
    needed
        && match case.fire_register {
            Some(RegisterPresence::Removed) => false,
            Some(RegisterPresence::Active) => true,
            None => accepted_open,
        }
}

/// How long a contractor kept its view of completed works before schemes set it: cases
/// completed then carry no end date.
const LEGACY_CONTRACTOR_ACCESS: time::Duration = time::Duration::days(30);

/// Whether the contractor's time with a case ran out by `now`: its end date (set when the
/// works were completed or the case ended, cleared by a new order) has passed. A case
/// completed before end dates were kept counts the old 30 days from completion, while
/// the works stay completed (a new order clears the completion's claim).
pub fn contractor_access_ended(
    until: Option<time::OffsetDateTime>,
    works_completed_at: Option<time::OffsetDateTime>,
    status: CaseStatus,
    now: time::OffsetDateTime,
) -> bool {
    let completed =
        matches!(status, CaseStatus::WorksCompleted | CaseStatus::FollowUp) || status.is_terminal();
    let until = until.or(works_completed_at
        .filter(|_| completed)
        .map(|at| at + LEGACY_CONTRACTOR_ACCESS));
    until.is_some_and(|until| until <= now)
}

/// The view `roles` through `relations` get of `case`; `None`: it must look missing.
/// Without consent to share information the view narrows, except for the roles a
/// safeguarding decision shares the case with. Refused on the referral form, the
/// referrer that sent it and the coordinator still see it whole (the referrer wrote it);
/// withdrawn later, only the coordinator does.
pub fn view(case: &CaseTies, roles: &[Role], relations: &[Relation]) -> Option<View> {
    if case.anonymised {
        return None;
    }
    let view = policy::view_for(roles, relations)?;
    let sent_or_coordinates = relations.iter().any(|r| {
        matches!(
            r,
            Relation::SchemeCoordinator | Relation::ReferringOrganisation
        )
    });
    match case.information_sharing {
        ConsentStatus::Given => return Some(view),
        ConsentStatus::Refused if sent_or_coordinates => return Some(view),
        _ if shares_with(&case.shared_by_decision, relations) => return Some(view),
        _ => {}
    }
    let works_underway = matches!(
        case.status,
        CaseStatus::WorksOrdered | CaseStatus::WorksInProgress
    );
    policy::view_without_sharing(view, relations, works_underway && case.works_may_continue)
}

/// The organisations among a scheme's `members` (organisation, role held in the
/// scheme) that can read `case`, each once, in order of first membership.
pub fn readers(case: &CaseTies, members: &[(Uuid, Role)]) -> Vec<Uuid> {
    let mut readers: Vec<Uuid> = Vec::new();
    for (org, _) in members {
        if readers.contains(org) {
            continue;
        }
        let roles: Vec<Role> = members
            .iter()
            .filter(|(o, _)| o == org)
            .map(|(_, r)| *r)
            .collect();
        let relations = relations(case, *org, |role| roles.contains(&role));
        if view(case, &roles, &relations).is_some() {
            readers.push(*org);
        }
    }
    readers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    const REFERRER: u128 = 1;
    const COUNCIL: u128 = 2;
    const ASSESSOR: u128 = 3;
    const CONTRACTOR: u128 = 4;
    const FIRE: u128 = 5;
    const OTHER_REFERRER: u128 = 6;
    const FUNDER: u128 = 7;

    fn members() -> Vec<(Uuid, Role)> {
        vec![
            (org(REFERRER), Role::Referrer),
            (org(COUNCIL), Role::Coordinator),
            (org(COUNCIL), Role::Referrer),
            (org(ASSESSOR), Role::Assessor),
            (org(CONTRACTOR), Role::Contractor),
            (org(FIRE), Role::FireService),
            (org(OTHER_REFERRER), Role::Referrer),
            (org(FUNDER), Role::Funder),
        ]
    }

    fn received() -> CaseTies {
        CaseTies {
            status: CaseStatus::Received,
            referring_organisation_id: org(REFERRER),
            assessor_organisation_id: None,
            contractor_organisation_id: None,
            held_from: None,
            arson_risk: false,
            fire_check_measures: false,
            fire_register: None,
            contractor_access_ended: false,
            information_sharing: ConsentStatus::Given,
            works_may_continue: false,
            shared_by_decision: Vec::new(),
            anonymised: false,
        }
    }

    #[test]
    fn a_new_referral_is_read_by_its_referrer_and_the_coordinator_only() {
        assert_eq!(
            readers(&received(), &members()),
            [org(REFERRER), org(COUNCIL)]
        );
    }

    #[test]
    fn assessor_contractor_and_fire_service_join_as_the_case_reaches_them() {
        let mut case = received();
        case.assessor_organisation_id = Some(org(ASSESSOR));
        assert!(readers(&case, &members()).contains(&org(ASSESSOR)));
        assert!(!readers(&case, &members()).contains(&org(CONTRACTOR)));
        case.contractor_organisation_id = Some(org(CONTRACTOR));
        case.status = CaseStatus::WorksOrdered;
        assert!(readers(&case, &members()).contains(&org(CONTRACTOR)));
        assert!(!readers(&case, &members()).contains(&org(FIRE)));
        case.fire_check_measures = true;
        assert_eq!(
            readers(&case, &members()),
            [
                org(REFERRER),
                org(COUNCIL),
                org(ASSESSOR),
                org(CONTRACTOR),
                org(FIRE)
            ]
        );
    }

    #[test]
    fn a_tie_without_the_role_in_the_scheme_reads_nothing() {
        let mut case = received();
        case.assessor_organisation_id = Some(org(ASSESSOR));
        let left: Vec<_> = members()
            .into_iter()
            .filter(|(o, _)| *o != org(ASSESSOR) && *o != org(REFERRER))
            .collect();
        assert_eq!(readers(&case, &left), [org(COUNCIL)]);
    }

    #[test]
    fn withdrawn_sharing_leaves_the_fire_service_out() {
        let mut case = received();
        case.fire_check_measures = true;
        case.status = CaseStatus::FollowUp;
        case.information_sharing = ConsentStatus::Withdrawn;
        let readers = readers(&case, &members());
        assert!(!readers.contains(&org(FIRE)));
        assert!(readers.contains(&org(COUNCIL)));
    }

    #[test]
    fn the_fire_service_reads_only_accepted_open_cases_that_need_it() {
        let fire = |case: &CaseTies| readers(case, &members()).contains(&org(FIRE));
        let mut case = received();
        case.arson_risk = true;
        assert!(!fire(&case), "not before acceptance");
        case.status = CaseStatus::OnHold;
        case.held_from = Some(CaseStatus::Received);
        assert!(!fire(&case), "held before acceptance");
        case.held_from = Some(CaseStatus::Accepted);
        assert!(fire(&case), "held after acceptance");
        case.held_from = None;
        case.status = CaseStatus::Accepted;
        assert!(fire(&case), "arson risk: from acceptance, before any works");
        case.arson_risk = false;
        case.status = CaseStatus::WorksCompleted;
        assert!(!fire(&case), "works that need no fire check");
        case.fire_check_measures = true;
        assert!(fire(&case));
        for ended in [
            CaseStatus::Closed,
            CaseStatus::Cancelled,
            CaseStatus::Withdrawn,
        ] {
            case.status = ended;
            assert!(!fire(&case), "{ended}");
        }
    }

    #[test]
    fn the_fire_services_view_ends_with_its_register_entry() {
        let fire = |case: &CaseTies| readers(case, &members()).contains(&org(FIRE));
        let mut case = received();
        case.arson_risk = true;
        case.status = CaseStatus::Assessment;
        case.fire_register = Some(RegisterPresence::Active);
        assert!(fire(&case));
        case.fire_register = Some(RegisterPresence::Removed);
        assert!(!fire(&case), "removed while the case is open");
        // Kept on the register after the case closed: the view lasts as long.
        case.status = CaseStatus::Closed;
        case.fire_register = Some(RegisterPresence::Active);
        assert!(fire(&case));
        case.fire_register = Some(RegisterPresence::Removed);
        assert!(!fire(&case));
        // On the register but with nothing for the fire service to check: no view.
        case.arson_risk = false;
        case.fire_register = Some(RegisterPresence::Active);
        assert!(!fire(&case));
    }

    #[test]
    fn the_contractor_reads_the_case_until_its_time_runs_out() {
        let mut case = received();
        case.contractor_organisation_id = Some(org(CONTRACTOR));
        case.status = CaseStatus::WorksCompleted;
        assert!(readers(&case, &members()).contains(&org(CONTRACTOR)));
        case.contractor_access_ended = true;
        assert!(!readers(&case, &members()).contains(&org(CONTRACTOR)));
    }

    #[test]
    fn the_contractors_time_runs_from_its_end_date_or_for_older_cases_from_completion() {
        use time::macros::datetime;
        let (t0, day) = (datetime!(2026-11-01 10:00 UTC), time::Duration::DAY);
        let ended =
            |until, completed, status, now| contractor_access_ended(until, completed, status, now);
        assert!(
            !ended(None, None, CaseStatus::WorksInProgress, t0),
            "holds the order"
        );
        assert!(!ended(Some(t0), None, CaseStatus::Cancelled, t0 - day));
        assert!(ended(Some(t0), None, CaseStatus::Cancelled, t0));
        // Completed before end dates were kept: 30 days from completion.
        let done = CaseStatus::WorksCompleted;
        assert!(!ended(None, Some(t0), done, t0 + day * 29));
        assert!(ended(None, Some(t0), done, t0 + day * 30));
        assert!(ended(None, Some(t0), CaseStatus::Closed, t0 + day * 31));
        // The end date wins over the old rule.
        assert!(!ended(Some(t0 + day * 60), Some(t0), done, t0 + day * 31));
        // Ordered again (a later round of works): no claim from the old completion.
        assert!(!ended(
            None,
            Some(t0),
            CaseStatus::WorksOrdered,
            t0 + day * 90
        ));
    }

    #[test]
    fn an_anonymised_case_has_no_readers() {
        let mut case = received();
        case.anonymised = true;
        assert!(readers(&case, &members()).is_empty());
    }
}

#[cfg(test)]
mod sharing_without_consent {
    use super::*;

    const REFERRER: u128 = 1;
    const COUNCIL: u128 = 2;
    const ASSESSOR: u128 = 3;
    const CONTRACTOR: u128 = 4;

    fn case(sharing: ConsentStatus, decided: Vec<SharingRole>) -> CaseTies {
        CaseTies {
            status: CaseStatus::WorksOrdered,
            referring_organisation_id: Uuid::from_u128(REFERRER),
            assessor_organisation_id: Some(Uuid::from_u128(ASSESSOR)),
            contractor_organisation_id: Some(Uuid::from_u128(CONTRACTOR)),
            held_from: None,
            arson_risk: false,
            fire_check_measures: false,
            fire_register: None,
            contractor_access_ended: false,
            information_sharing: sharing,
            works_may_continue: false,
            shared_by_decision: decided,
            anonymised: false,
        }
    }

    fn view_of(case: &CaseTies, org: u128, role: Role) -> Option<View> {
        let relations = relations(case, Uuid::from_u128(org), |r| r == role);
        view(case, &[role], &relations)
    }

    #[test]
    fn a_decision_shares_with_the_roles_it_names_and_no_others() {
        for sharing in [ConsentStatus::Refused, ConsentStatus::Withdrawn] {
            let none = case(sharing, vec![]);
            assert_eq!(view_of(&none, ASSESSOR, Role::Assessor), Some(View::Status));
            assert_eq!(view_of(&none, CONTRACTOR, Role::Contractor), None);
            let decided = case(sharing, vec![SharingRole::Assessor]);
            assert_eq!(
                view_of(&decided, ASSESSOR, Role::Assessor),
                Some(View::Full)
            );
            assert_eq!(
                view_of(&decided, CONTRACTOR, Role::Contractor),
                None,
                "{sharing}"
            );
            assert_eq!(
                view_of(&decided, COUNCIL, Role::Coordinator),
                Some(View::Full)
            );
        }
        // Refused on the form, the referrer still reads what it sent; withdrawn, not.
        let refused = case(ConsentStatus::Refused, vec![SharingRole::Assessor]);
        assert_eq!(
            view_of(&refused, REFERRER, Role::Referrer),
            Some(View::Full)
        );
        let withdrawn = case(ConsentStatus::Withdrawn, vec![SharingRole::Assessor]);
        assert_eq!(
            view_of(&withdrawn, REFERRER, Role::Referrer),
            Some(View::Status)
        );
    }
}
