//! Who may do what: one table of (role, action, relation) rules.
//!
//! A caller acts for an organisation with the roles its token grants. Its organisation's
//! *relation* to a case (or scheme) decides which rules apply. Handlers ask [`permits`];
//! list queries ask [`relations_permitting`] and turn the answer into SQL, so a case is
//! listed exactly when it could be fetched. The view a caller gets of a case is decided
//! here too ([`view_for`]).

use uuid::Uuid;

use crate::organisation::Role;

vocabulary! {
    /// How the caller's organisation stands to a case or scheme.
    pub enum Relation {
        /// The organisation referred the case.
        ReferringOrganisation = "referring_organisation",
        /// The organisation coordinates the case's scheme.
        SchemeCoordinator = "scheme_coordinator",
        /// The organisation is a referrer member of the scheme.
        SchemeReferrer = "scheme_referrer",
        /// The organisation was assigned to assess the case.
        AssignedAssessor = "assigned_assessor",
        /// The organisation holds the case's works order.
        WorksContractor = "works_contractor",
        /// The scheme's fire service: to a case, while it has a part in it
        /// (`access::concerns_fire_service`); to the scheme, as a register reader.
        SchemeFireService = "scheme_fire_service",
        /// The scheme's police control room or safeguarding hub (the police role): reads
        /// the emergency-services register.
        SchemePolice = "scheme_police",
        /// The organisation belongs to the scheme, in any role.
        SchemeMember = "scheme_member",
        /// The organisation audits the scheme (holds the auditor role in it).
        SchemeAuditor = "scheme_auditor",
        /// The organisation funds the scheme (holds the funder role in it).
        SchemeFunder = "scheme_funder",
        /// The organisation operates this deployment (`is_administrator`).
        PlatformOperator = "platform_operator",
    }
}

vocabulary! {
    /// Something a caller asks to do. Case actions are also the state machine's.
    pub enum Action {
        CreateReferral = "create_referral",
        ViewCase = "view_case",
        ViewTimeline = "view_timeline",
        /// Write a note on a case (for the coordinator and the writer; the coordinator
        /// may show it to more roles of the case).
        WriteNote = "write_note",
        /// Read a case's notes (those the caller's organisation wrote or is an audience of).
        ReadNotes = "read_notes",
        /// Attach a document to a case (for the coordinator and the uploader; the
        /// coordinator may show it to more roles of the case).
        AddDocument = "add_document",
        /// List and download a case's documents (those meant for the caller).
        ReadDocuments = "read_documents",
        /// Delete a document's content (its record stays on the timeline).
        DeleteDocument = "delete_document",
        ManageMeasures = "manage_measures",
        /// Read a scheme's details.
        ViewScheme = "view_scheme",
        /// Read a scheme's settings and their history.
        ViewSchemeSettings = "view_scheme_settings",
        /// Read which organisations belong to a scheme, in which roles.
        ViewSchemeMembers = "view_scheme_members",
        /// Read the audit trail of a scheme's cases.
        ViewAudit = "view_audit",
        /// Read the quarterly monitoring report (funders always with disclosure control).
        ViewReport = "view_report",
        /// Set a year's budget: its funding streams.
        ManageBudget = "manage_budget",
        /// Read a year's budget and what is committed and spent against it (a funder:
        /// its own streams).
        ViewBudget = "view_budget",
        /// Write the report's note on wider scheme work.
        WriteReportNotes = "write_report_notes",
        /// A referring agency rates the scheme (speed, communication, outcome).
        GiveFeedback = "give_feedback",
        /// Read referring agencies' feedback, comments included.
        ReadFeedback = "read_feedback",
        /// Create and change schemes, organisations, memberships, settings, holidays;
        /// revoke tokens.
        Administer = "administer",
        Accept = "accept",
        Decline = "decline",
        AssignAssessor = "assign_assessor",
        /// Give the assessment to another assessor organisation.
        ReassignAssessor = "reassign_assessor",
        RecordAssessment = "record_assessment",
        ApproveWorks = "approve_works",
        OrderWorks = "order_works",
        /// Give the works order to another contractor.
        ReassignContractor = "reassign_contractor",
        StartWorks = "start_works",
        CompleteWorks = "complete_works",
        RecordContact = "record_contact",
        RecordFireCheck = "record_fire_check",
        RecordFollowUpVisit = "record_follow_up_visit",
        RecordFollowUpContact = "record_follow_up_contact",
        RecordRiskAssessment = "record_risk_assessment",
        /// Record that the client was referred on (MARAC, safeguarding, IDVA, ...).
        RecordReferralMade = "record_referral_made",
        /// Order the remedial works a fire check asked for.
        OrderRemedialWorks = "order_remedial_works",
        /// Record the remedial works done (or not).
        CompleteRemedialWorks = "complete_remedial_works",
        /// Record how the fitted measures were found on a review.
        RecordEquipmentReview = "record_equipment_review",
        /// Order fitted measures taken out.
        OrderRemoval = "order_removal",
        /// Record the measures taken out (or not).
        RecordRemoval = "record_removal",
        /// Open a closed case again, within the scheme's window.
        Reopen = "reopen",
        /// Book a visit to the home (assessment, installation, follow-up).
        BookVisit = "book_visit",
        /// Record how a booked visit went (or rebook it).
        RecordVisitOutcome = "record_visit_outcome",
        /// Order interim measures at once (an urgent case), from a contractor.
        OrderInterimMeasures = "order_interim_measures",
        /// Record the interim measures fitted (or not).
        RecordInterimMeasuresFitted = "record_interim_measures_fitted",
        /// Record that the client had to leave the home (and where, never the address),
        /// or came back.
        RecordEmergencyAccommodation = "record_emergency_accommodation",
        /// Record that the landlord was asked for permission, or granted or refused it.
        RecordLandlordPermission = "record_landlord_permission",
        /// Record a decision to share without consent because a person is at risk.
        RecordSafeguardingDecision = "record_safeguarding_decision",
        Close = "close",
        Cancel = "cancel",
        Hold = "hold",
        Resume = "resume",
        Withdraw = "withdraw",
        /// Record that the client gave, refused or withdrew a consent.
        RecordConsent = "record_consent",
        /// Place or lift a legal hold (keeps the case from anonymisation).
        SetLegalHold = "set_legal_hold",
        /// Correct the referral (rectification).
        RectifyReferral = "rectify_referral",
        /// Export everything held about the client (subject access).
        ExportCase = "export_case",
        /// Print the spare-room evidence letter for the client (it names them and
        /// their address).
        IssueEvidenceLetter = "issue_evidence_letter",
        /// Read the assessment copy (the recorded assessment, in the reader's view).
        ViewAssessment = "view_assessment",
        /// Read the scheme's emergency-services register (the entries for the services
        /// the caller may read).
        ViewRegister = "view_register",
        /// Record that the case's register entries were reviewed and stay.
        ReviewRegisterEntry = "review_register_entry",
        /// Take the case off the register (one service, or both).
        RemoveRegisterEntry = "remove_register_entry",
    }
}

impl Action {
    /// Actions taken on a case through the workflow.
    pub fn is_case_action(self) -> bool {
        !matches!(
            self,
            Action::CreateReferral
                | Action::ViewCase
                | Action::ViewTimeline
                | Action::WriteNote
                | Action::ReadNotes
                | Action::AddDocument
                | Action::ReadDocuments
                | Action::DeleteDocument
                | Action::ManageMeasures
                | Action::ViewScheme
                | Action::ViewSchemeSettings
                | Action::ViewSchemeMembers
                | Action::ViewAudit
                | Action::ViewReport
                | Action::ManageBudget
                | Action::ViewBudget
                | Action::WriteReportNotes
                | Action::GiveFeedback
                | Action::ReadFeedback
                | Action::ExportCase
                | Action::IssueEvidenceLetter
                | Action::ViewAssessment
                | Action::RectifyReferral
                | Action::Administer
                | Action::ViewRegister
        )
    }

    /// The URL segment of a case action: `assign-assessor`.
    pub fn path_segment(self) -> String {
        self.as_str().replace('_', "-")
    }
}

vocabulary! {
    /// How much of a case a caller sees.
    pub enum View {
        /// Everything: coordinator, referrer, assigned assessor.
        Full = "full",
        /// Address, safe-contact times, installation requests, approved measures, works.
        Contractor = "contractor",
        /// Address, safe room location and measures.
        FireService = "fire_service",
        /// Reference and status only: the client withdrew consent to share information.
        Status = "status",
    }
}

use Action::*;
use Relation::*;
use Role as R;

/// Every permission in the product. Anything not listed is refused.
const RULES: &[(Role, Action, Relation)] = &[
    (R::Referrer, CreateReferral, SchemeReferrer),
    // A client who comes to the scheme directly: the coordinator enters the referral.
    (R::Coordinator, CreateReferral, SchemeCoordinator),
    (R::Referrer, ViewCase, ReferringOrganisation),
    (R::Referrer, ViewTimeline, ReferringOrganisation),
    // The assessment copy goes to the commissioner and the referrer (seed 000, step 6),
    // to its author, and to the contractor that fits the measures.
    (R::Referrer, ViewAssessment, ReferringOrganisation),
    (R::Coordinator, ViewAssessment, SchemeCoordinator),
    (R::Assessor, ViewAssessment, AssignedAssessor),
    (R::Contractor, ViewAssessment, WorksContractor),
    (R::Referrer, RecordRiskAssessment, ReferringOrganisation),
    (R::Referrer, Withdraw, ReferringOrganisation),
    // The referrer (often the IDVA service) makes the MARAC referral as often as the
    // coordinator does.
    (R::Referrer, RecordReferralMade, ReferringOrganisation),
    (R::Coordinator, RecordReferralMade, SchemeCoordinator),
    // Sharing without consent is the coordinator's decision alone.
    (
        R::Coordinator,
        RecordSafeguardingDecision,
        SchemeCoordinator,
    ),
    // Withdrawing consent is as easy as giving it: the referrer can record it too.
    (R::Referrer, RecordConsent, ReferringOrganisation),
    (R::Coordinator, ViewCase, SchemeCoordinator),
    (R::Coordinator, ViewTimeline, SchemeCoordinator),
    (R::Coordinator, ManageMeasures, SchemeCoordinator),
    (R::Coordinator, Accept, SchemeCoordinator),
    (R::Coordinator, Decline, SchemeCoordinator),
    (R::Coordinator, AssignAssessor, SchemeCoordinator),
    (R::Coordinator, ReassignAssessor, SchemeCoordinator),
    (R::Coordinator, ReassignContractor, SchemeCoordinator),
    (R::Coordinator, ApproveWorks, SchemeCoordinator),
    (R::Coordinator, RecordLandlordPermission, SchemeCoordinator),
    (R::Coordinator, OrderInterimMeasures, SchemeCoordinator),
    (R::Coordinator, Reopen, SchemeCoordinator),
    (R::Coordinator, OrderRemedialWorks, SchemeCoordinator),
    (R::Coordinator, RecordEquipmentReview, SchemeCoordinator),
    (R::Coordinator, OrderRemoval, SchemeCoordinator),
    // Visits: the coordinator books any, the assessor its assessment, the contractor its
    // installations (`visits::may_book`); whoever booked one records how it went.
    (R::Coordinator, BookVisit, SchemeCoordinator),
    (R::Coordinator, RecordVisitOutcome, SchemeCoordinator),
    (R::Assessor, BookVisit, AssignedAssessor),
    (R::Assessor, RecordVisitOutcome, AssignedAssessor),
    (R::Contractor, BookVisit, WorksContractor),
    (R::Contractor, RecordVisitOutcome, WorksContractor),
    (
        R::Coordinator,
        RecordEmergencyAccommodation,
        SchemeCoordinator,
    ),
    (R::Coordinator, OrderWorks, SchemeCoordinator),
    (R::Coordinator, RecordContact, SchemeCoordinator),
    (R::Coordinator, RecordFireCheck, SchemeCoordinator),
    (R::Coordinator, RecordFollowUpVisit, SchemeCoordinator),
    (R::Coordinator, RecordFollowUpContact, SchemeCoordinator),
    (R::Coordinator, RecordRiskAssessment, SchemeCoordinator),
    (R::Coordinator, Close, SchemeCoordinator),
    (R::Coordinator, Cancel, SchemeCoordinator),
    (R::Coordinator, Hold, SchemeCoordinator),
    (R::Coordinator, Resume, SchemeCoordinator),
    (R::Coordinator, Withdraw, SchemeCoordinator),
    (R::Coordinator, RecordConsent, SchemeCoordinator),
    // Subject access requests go through the scheme's coordinator.
    (R::Coordinator, ExportCase, SchemeCoordinator),
    (R::Coordinator, IssueEvidenceLetter, SchemeCoordinator),
    // Rectification: the organisation that referred, and the coordinator.
    (R::Coordinator, RectifyReferral, SchemeCoordinator),
    (R::Referrer, RectifyReferral, ReferringOrganisation),
    (R::Coordinator, SetLegalHold, SchemeCoordinator),
    (R::Assessor, ViewCase, AssignedAssessor),
    (R::Assessor, ViewTimeline, AssignedAssessor),
    (R::Assessor, RecordAssessment, AssignedAssessor),
    (R::Assessor, RecordRiskAssessment, AssignedAssessor),
    (R::Contractor, ViewCase, WorksContractor),
    (R::Contractor, StartWorks, WorksContractor),
    (R::Contractor, CompleteWorks, WorksContractor),
    (R::Contractor, RecordInterimMeasuresFitted, WorksContractor),
    (R::Contractor, CompleteRemedialWorks, WorksContractor),
    (R::Contractor, RecordRemoval, WorksContractor),
    (R::FireService, ViewCase, SchemeFireService),
    (R::FireService, RecordFireCheck, SchemeFireService),
    // The emergency-services register: the coordinator keeps it; the fire service and
    // the police read their entries (register::services_readable says which).
    (R::Coordinator, ViewRegister, SchemeCoordinator),
    (R::FireService, ViewRegister, SchemeFireService),
    (R::Police, ViewRegister, SchemePolice),
    (R::Coordinator, ReviewRegisterEntry, SchemeCoordinator),
    (R::Coordinator, RemoveRegisterEntry, SchemeCoordinator),
    // Notes: everyone with a part in the case writes them and reads those meant for it
    // (`notes::ReadScope`); the police and the auditor have no part in a case.
    (R::Coordinator, WriteNote, SchemeCoordinator),
    (R::Coordinator, ReadNotes, SchemeCoordinator),
    (R::Referrer, WriteNote, ReferringOrganisation),
    (R::Referrer, ReadNotes, ReferringOrganisation),
    (R::Assessor, WriteNote, AssignedAssessor),
    (R::Assessor, ReadNotes, AssignedAssessor),
    (R::Contractor, WriteNote, WorksContractor),
    (R::Contractor, ReadNotes, WorksContractor),
    (R::FireService, WriteNote, SchemeFireService),
    (R::FireService, ReadNotes, SchemeFireService),
    // Documents: as notes; only the coordinator deletes one.
    (R::Coordinator, AddDocument, SchemeCoordinator),
    (R::Coordinator, ReadDocuments, SchemeCoordinator),
    (R::Coordinator, DeleteDocument, SchemeCoordinator),
    (R::Referrer, AddDocument, ReferringOrganisation),
    (R::Referrer, ReadDocuments, ReferringOrganisation),
    (R::Assessor, AddDocument, AssignedAssessor),
    (R::Assessor, ReadDocuments, AssignedAssessor),
    (R::Contractor, AddDocument, WorksContractor),
    (R::Contractor, ReadDocuments, WorksContractor),
    (R::FireService, AddDocument, SchemeFireService),
    (R::FireService, ReadDocuments, SchemeFireService),
    // Schemes: every member reads the basics; the coordinator also its settings.
    (R::Referrer, ViewScheme, SchemeMember),
    (R::Coordinator, ViewScheme, SchemeMember),
    (R::Assessor, ViewScheme, SchemeMember),
    (R::Contractor, ViewScheme, SchemeMember),
    (R::FireService, ViewScheme, SchemeMember),
    (R::Police, ViewScheme, SchemeMember),
    (R::Funder, ViewScheme, SchemeMember),
    (R::Auditor, ViewScheme, SchemeMember),
    (R::Coordinator, ViewSchemeSettings, SchemeCoordinator),
    (R::Coordinator, ViewSchemeMembers, SchemeCoordinator),
    // Auditors read who did what to the scheme's cases; nobody else does.
    (R::Auditor, ViewAudit, SchemeAuditor),
    // The monitoring report: the coordinator's own, and anonymised for its funders.
    (R::Coordinator, ViewReport, SchemeCoordinator),
    (R::Coordinator, WriteReportNotes, SchemeCoordinator),
    (R::Funder, ViewReport, SchemeFunder),
    (R::Coordinator, ManageBudget, SchemeCoordinator),
    (R::Coordinator, ViewBudget, SchemeCoordinator),
    (R::Funder, ViewBudget, SchemeFunder),
    // Referring agencies tell the scheme how it served them; only the coordinator reads
    // their comments (the report shows the ratings, added up).
    (R::Referrer, GiveFeedback, SchemeReferrer),
    (R::Coordinator, ReadFeedback, SchemeCoordinator),
    // The deployment's operators administer it, and read every scheme.
    (R::Admin, Administer, PlatformOperator),
    (R::Admin, ViewScheme, PlatformOperator),
    (R::Admin, ViewSchemeSettings, PlatformOperator),
    (R::Admin, ViewSchemeMembers, PlatformOperator),
];

/// Whether a caller holding `role`, whose organisation has `relation`, may do `action`.
pub fn permits(role: Role, action: Action, relation: Relation) -> bool {
    RULES.contains(&(role, action, relation))
}

/// Four eyes on privilege: an organisation never grants itself roles in a scheme; an
/// administrator of another operating organisation does it. Giving roles up (an empty
/// list) is always allowed.
pub fn may_grant_scheme_roles(granting: Uuid, grantee: Uuid, roles: &[Role]) -> bool {
    roles.is_empty() || granting != grantee
}

/// Whether any of `roles` may do `action` through any of `relations`.
pub fn permits_any(roles: &[Role], action: Action, relations: &[Relation]) -> bool {
    roles.iter().any(|role| {
        relations
            .iter()
            .any(|relation| permits(*role, action, *relation))
    })
}

/// The role a caller acts in to do `action` through `relations`, if any permits it
/// (recorded on the timeline).
pub fn acting_role(roles: &[Role], action: Action, relations: &[Relation]) -> Option<Role> {
    roles.iter().copied().find(|role| {
        relations
            .iter()
            .any(|relation| permits(*role, action, *relation))
    })
}

/// The relations through which any of `roles` may do `action` (for list queries).
pub fn relations_permitting(roles: &[Role], action: Action) -> Vec<Relation> {
    let mut relations: Vec<Relation> = RULES
        .iter()
        .filter(|(role, a, _)| *a == action && roles.contains(role))
        .map(|(_, _, relation)| *relation)
        .collect();
    relations.sort();
    relations.dedup();
    relations
}

/// The view of a case for a caller who may see it, the widest its relations allow.
/// The view left once the client has withdrawn (or refused) consent to share
/// information: only the coordinating organisation still sees identifiable data; the
/// referrer and the assessor see status only; the contractor keeps its view only while
/// works it holds are in progress and the client agreed to finish them; the fire
/// service sees nothing.
pub fn view_without_sharing(
    view: View,
    relations: &[Relation],
    works_in_progress_may_continue: bool,
) -> Option<View> {
    match view {
        View::Full if relations.contains(&SchemeCoordinator) => Some(View::Full),
        View::Full | View::Status => Some(View::Status),
        View::Contractor if works_in_progress_may_continue => Some(View::Contractor),
        View::Contractor | View::FireService => None,
    }
}

/// Whether `view` lets its holder take `action` at all. An organisation left with the
/// status view (the client withdrew consent to share information) sees the case's
/// reference and status and nothing behind them: not its history (the timeline, the
/// risk assessments with their DASH scores and MARAC dates), not the assessment copy,
/// not its notes or documents, not an export.
pub fn view_allows(view: View, action: Action) -> bool {
    let behind_the_status = matches!(
        action,
        Action::ViewTimeline
            | Action::ViewAssessment
            | Action::ExportCase
            | Action::IssueEvidenceLetter
            | Action::ReadNotes
            | Action::ReadDocuments
    );
    !(view == View::Status && behind_the_status)
}

pub fn view_for(roles: &[Role], relations: &[Relation]) -> Option<View> {
    let through = |relation: Relation| {
        relations.contains(&relation) && roles.iter().any(|r| permits(*r, ViewCase, relation))
    };
    if through(SchemeCoordinator) || through(ReferringOrganisation) || through(AssignedAssessor) {
        Some(View::Full)
    } else if through(WorksContractor) {
        Some(View::Contractor)
    } else if through(SchemeFireService) {
        Some(View::FireService)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_view_shows_nothing_behind_the_status() {
        for action in [
            ViewTimeline,
            ViewAssessment,
            ExportCase,
            ReadNotes,
            ReadDocuments,
        ] {
            assert!(!view_allows(View::Status, action), "{action}");
            assert!(view_allows(View::Full, action), "{action}");
        }
        assert!(view_allows(View::Status, ViewCase));
        assert!(view_allows(View::Status, RecordConsent));
        assert!(view_allows(View::Contractor, ViewAssessment));
    }

    #[test]
    fn referrers_see_only_what_they_referred() {
        assert!(permits(R::Referrer, ViewCase, ReferringOrganisation));
        assert!(!permits(R::Referrer, ViewCase, SchemeCoordinator));
        assert_eq!(
            relations_permitting(&[R::Referrer], ViewCase),
            [ReferringOrganisation]
        );
    }

    #[test]
    fn a_token_without_the_role_gets_nothing_through_its_organisation() {
        assert!(!permits_any(
            &[R::Funder],
            ViewCase,
            &[SchemeCoordinator, ReferringOrganisation]
        ));
        assert!(relations_permitting(&[R::Funder, R::Auditor], ViewCase).is_empty());
    }

    #[test]
    fn each_role_takes_only_its_own_actions() {
        assert!(permits(R::Contractor, StartWorks, WorksContractor));
        assert!(!permits(R::Coordinator, StartWorks, SchemeCoordinator));
        assert!(!permits(R::Contractor, ApproveWorks, WorksContractor));
        assert!(permits(R::Assessor, RecordAssessment, AssignedAssessor));
        assert!(!permits(R::Referrer, Accept, ReferringOrganisation));
        for role in Role::ALL {
            assert_eq!(
                permits(*role, CreateReferral, SchemeReferrer),
                *role == R::Referrer
            );
        }
        // Self-referrals: the coordinator of the scheme, no one else through it.
        assert!(permits(R::Coordinator, CreateReferral, SchemeCoordinator));
        assert!(!permits(R::Funder, CreateReferral, SchemeCoordinator));
    }

    #[test]
    fn every_case_action_can_be_taken_by_someone() {
        for action in Action::ALL.iter().filter(|a| a.is_case_action()) {
            assert!(RULES.iter().any(|(_, a, _)| a == action), "{action}");
        }
    }

    #[test]
    fn views_widen_with_the_relation() {
        assert_eq!(
            view_for(&[R::Coordinator], &[SchemeCoordinator]),
            Some(View::Full)
        );
        assert_eq!(
            view_for(&[R::Contractor], &[WorksContractor]),
            Some(View::Contractor)
        );
        assert_eq!(
            view_for(&[R::FireService], &[SchemeFireService]),
            Some(View::FireService)
        );
        assert_eq!(
            view_for(
                &[R::Contractor, R::Coordinator],
                &[WorksContractor, SchemeCoordinator]
            ),
            Some(View::Full)
        );
        // The relation without the role gives nothing.
        assert_eq!(view_for(&[R::Referrer], &[WorksContractor]), None);
    }

    #[test]
    fn only_an_operators_admin_token_administers() {
        assert!(permits(R::Admin, Administer, PlatformOperator));
        for role in Role::ALL.iter().filter(|r| **r != R::Admin) {
            for relation in Relation::ALL {
                assert!(!permits(*role, Administer, *relation), "{role} {relation}");
            }
        }
        // An admin token of an ordinary organisation gets nothing through membership.
        assert!(!permits_any(
            &[R::Admin],
            Administer,
            &[SchemeMember, SchemeCoordinator]
        ));
        assert!(!permits_any(&[R::Admin], ViewScheme, &[SchemeMember]));
    }

    #[test]
    fn members_read_a_scheme_but_only_its_coordinator_its_settings() {
        for role in [
            R::Referrer,
            R::Assessor,
            R::Contractor,
            R::FireService,
            R::Funder,
        ] {
            assert!(permits(role, ViewScheme, SchemeMember), "{role}");
            assert!(
                !permits_any(&[role], ViewSchemeSettings, &[SchemeMember]),
                "{role}"
            );
            assert!(
                !permits_any(&[role], ViewSchemeMembers, &[SchemeMember]),
                "{role}"
            );
        }
        assert!(permits(
            R::Coordinator,
            ViewSchemeSettings,
            SchemeCoordinator
        ));
        assert!(permits(
            R::Coordinator,
            ViewSchemeMembers,
            SchemeCoordinator
        ));
    }

    #[test]
    fn without_information_sharing_only_the_coordinator_sees_identifiable_data() {
        let coordinator = [SchemeCoordinator];
        let referrer = [ReferringOrganisation];
        assert_eq!(
            view_without_sharing(View::Full, &coordinator, false),
            Some(View::Full)
        );
        assert_eq!(
            view_without_sharing(View::Full, &referrer, false),
            Some(View::Status)
        );
        assert_eq!(
            view_without_sharing(View::Contractor, &[WorksContractor], false),
            None
        );
        assert_eq!(
            view_without_sharing(View::Contractor, &[WorksContractor], true),
            Some(View::Contractor)
        );
        assert_eq!(
            view_without_sharing(View::FireService, &[SchemeFireService], true),
            None
        );
    }

    #[test]
    fn case_action_paths_are_kebab_case() {
        assert_eq!(AssignAssessor.path_segment(), "assign-assessor");
        assert_eq!(
            RecordFollowUpContact.path_segment(),
            "record-follow-up-contact"
        );
    }
}
