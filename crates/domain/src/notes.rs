//! Notes people write on a case, and who reads them (seed 004: "Detailed records should
//! be kept on all domestic abuse cases").
//!
//! A note is read by the scheme's coordinator, by the organisation that wrote it, and by
//! the roles of the case its audience names — only the coordinator names any. Notes
//! recorded with an action (an override reason, findings, a hold text) follow the same
//! rule with the default audience. A note is never edited: a correction supersedes it,
//! both are kept, and the correction reaches at least everyone the original reached.

use uuid::Uuid;

use crate::organisation::Role;
use crate::policy::Relation;
use crate::workflow::NoteKind;

vocabulary! {
    /// What a written note records.
    pub enum WrittenNoteKind {
        /// An attempt to reach the client (or someone about them).
        ContactAttempt = "contact_attempt",
        CaseNote = "case_note",
        /// Something that bears on the client's safety.
        SafetyConcern = "safety_concern",
        /// A decision of the scheme's management, and why.
        ManagementDecision = "management_decision",
    }
}

impl From<WrittenNoteKind> for NoteKind {
    fn from(kind: WrittenNoteKind) -> NoteKind {
        match kind {
            WrittenNoteKind::ContactAttempt => NoteKind::ContactAttempt,
            WrittenNoteKind::CaseNote => NoteKind::CaseNote,
            WrittenNoteKind::SafetyConcern => NoteKind::SafetyConcern,
            WrittenNoteKind::ManagementDecision => NoteKind::ManagementDecision,
        }
    }
}

/// Whether a note of `kind` was written as a note (not recorded with an action).
pub fn is_written(kind: NoteKind) -> bool {
    WrittenNoteKind::ALL
        .iter()
        .any(|w| NoteKind::from(*w) == kind)
}

vocabulary! {
    /// A role of the case a note may be shown to.
    pub enum NoteReader {
        /// Always: the scheme's coordinator reads every note.
        Coordinator = "coordinator",
        Referrer = "referrer",
        Assessor = "assessor",
        Contractor = "contractor",
        FireService = "fire_service",
    }
}

impl NoteReader {
    /// The reader an organisation is through its relation to the case.
    pub fn through(relation: Relation) -> Option<NoteReader> {
        match relation {
            Relation::SchemeCoordinator => Some(NoteReader::Coordinator),
            Relation::ReferringOrganisation => Some(NoteReader::Referrer),
            Relation::AssignedAssessor => Some(NoteReader::Assessor),
            Relation::WorksContractor => Some(NoteReader::Contractor),
            Relation::SchemeFireService => Some(NoteReader::FireService),
            Relation::SchemeReferrer
            | Relation::SchemePolice
            | Relation::SchemeMember
            | Relation::SchemeAuditor
            | Relation::SchemeFunder
            | Relation::PlatformOperator => None,
        }
    }
}

/// The roles of the case a note is shown to, beyond the coordinator and its author.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Audience {
    pub referrer: bool,
    pub assessor: bool,
    pub contractor: bool,
    pub fire_service: bool,
}

impl Audience {
    pub fn of(readers: &[NoteReader]) -> Self {
        Audience {
            referrer: readers.contains(&NoteReader::Referrer),
            assessor: readers.contains(&NoteReader::Assessor),
            contractor: readers.contains(&NoteReader::Contractor),
            fire_service: readers.contains(&NoteReader::FireService),
        }
    }

    /// Every reader, the coordinator first.
    pub fn readers(self) -> Vec<NoteReader> {
        NoteReader::ALL
            .iter()
            .copied()
            .filter(|r| self.includes(*r))
            .collect()
    }

    pub fn includes(self, reader: NoteReader) -> bool {
        match reader {
            NoteReader::Coordinator => true,
            NoteReader::Referrer => self.referrer,
            NoteReader::Assessor => self.assessor,
            NoteReader::Contractor => self.contractor,
            NoteReader::FireService => self.fire_service,
        }
    }

    /// Everyone either reaches.
    pub fn union(self, other: Audience) -> Audience {
        Audience {
            referrer: self.referrer || other.referrer,
            assessor: self.assessor || other.assessor,
            contractor: self.contractor || other.contractor,
            fire_service: self.fire_service || other.fire_service,
        }
    }
}

/// The audience of a note asked for `requested`: the coordinator may name any role of
/// the case; anyone else writes for the coordinator and itself only, so a partner
/// cannot send what it writes to organisations the coordinator has not chosen.
/// `Err` names the first reader the writer may not add.
pub fn audience_for(
    requested: &[NoteReader],
    as_coordinator: bool,
) -> Result<Audience, NoteReader> {
    if let Some(refused) = requested
        .iter()
        .find(|r| !as_coordinator && **r != NoteReader::Coordinator)
    {
        return Err(*refused);
    }
    Ok(Audience::of(requested))
}

impl NoteReader {
    /// The reader an organisation acting in `role` on the case is.
    pub fn of_role(role: Role) -> Option<NoteReader> {
        match role {
            Role::Coordinator => Some(NoteReader::Coordinator),
            Role::Referrer => Some(NoteReader::Referrer),
            Role::Assessor => Some(NoteReader::Assessor),
            Role::Contractor => Some(NoteReader::Contractor),
            Role::FireService => Some(NoteReader::FireService),
            Role::Police | Role::Auditor | Role::Funder | Role::Admin => None,
        }
    }
}

/// The audience of a correction: what its writer asked for, and everyone the note it
/// corrects reached — its audience and the role its author wrote in — so nobody who
/// read the mistake misses the correction.
pub fn correction_audience(
    requested: Audience,
    corrected: Audience,
    corrected_author_role: Role,
) -> Audience {
    let author = NoteReader::of_role(corrected_author_role)
        .map(|r| Audience::of(&[r]))
        .unwrap_or_default();
    requested.union(corrected).union(author)
}

/// Who wrote a note and for whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteAccess {
    pub author_organisation: Uuid,
    pub audience: Audience,
}

/// How an organisation reads a case's notes: all of them, or those it wrote and those
/// whose audience names a role it holds on the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadScope {
    All,
    Some {
        organisation: Uuid,
        readers: Vec<NoteReader>,
    },
}

impl ReadScope {
    /// The scope of `organisation`, whose relations to the case (those its token's roles
    /// let it read notes through) are `relations`.
    pub fn of(organisation: Uuid, relations: &[Relation]) -> ReadScope {
        let readers: Vec<NoteReader> = relations
            .iter()
            .filter_map(|r| NoteReader::through(*r))
            .collect();
        if readers.contains(&NoteReader::Coordinator) {
            return ReadScope::All;
        }
        ReadScope::Some {
            organisation,
            readers,
        }
    }

    pub fn may_read(&self, note: &NoteAccess) -> bool {
        match self {
            ReadScope::All => true,
            ReadScope::Some {
                organisation,
                readers,
            } => {
                note.author_organisation == *organisation
                    || readers.iter().any(|r| note.audience.includes(*r))
            }
        }
    }
}

/// Why a note cannot be corrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionRefusal {
    /// It was recorded with an action: the action's own record stands (correct the case
    /// through its actions, or write a note).
    RecordedWithAction,
    /// A later note already corrects it: correct that one.
    AlreadySuperseded,
    /// Only its author's organisation and the coordinator correct a note.
    NotTheAuthor,
}

/// What a correction needs to know of the note it supersedes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Correctable {
    pub kind: NoteKind,
    pub access: NoteAccess,
    pub superseded: bool,
}

/// Whether `organisation` (the coordinator, or not) may correct `note`.
pub fn may_correct(
    note: &Correctable,
    organisation: Uuid,
    as_coordinator: bool,
) -> Result<(), CorrectionRefusal> {
    if !is_written(note.kind) {
        return Err(CorrectionRefusal::RecordedWithAction);
    }
    if !as_coordinator && note.access.author_organisation != organisation {
        return Err(CorrectionRefusal::NotTheAuthor);
    }
    if note.superseded {
        return Err(CorrectionRefusal::AlreadySuperseded);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(author: Uuid, audience: Audience) -> NoteAccess {
        NoteAccess {
            author_organisation: author,
            audience,
        }
    }

    #[test]
    fn only_the_coordinator_widens_the_audience() {
        let wide = [NoteReader::Assessor, NoteReader::Contractor];
        assert_eq!(audience_for(&wide, false), Err(NoteReader::Assessor));
        assert_eq!(
            audience_for(&[NoteReader::Referrer], false),
            Err(NoteReader::Referrer)
        );
        assert_eq!(
            audience_for(&[NoteReader::Coordinator], false),
            Ok(Audience::default())
        );
        let granted = audience_for(&wide, true).unwrap();
        assert_eq!(
            granted.readers(),
            [
                NoteReader::Coordinator,
                NoteReader::Assessor,
                NoteReader::Contractor
            ]
        );
    }

    #[test]
    fn a_note_is_read_by_the_coordinator_its_author_and_its_audience() {
        let (author, other) = (Uuid::now_v7(), Uuid::now_v7());
        let for_assessor = note(
            author,
            Audience {
                assessor: true,
                ..Audience::default()
            },
        );
        let private = note(author, Audience::default());
        let coordinator = ReadScope::of(other, &[Relation::SchemeCoordinator]);
        assert!(coordinator.may_read(&private));
        let author_scope = ReadScope::of(author, &[Relation::ReferringOrganisation]);
        assert!(author_scope.may_read(&private));
        let assessor = ReadScope::of(other, &[Relation::AssignedAssessor]);
        assert!(assessor.may_read(&for_assessor));
        assert!(!assessor.may_read(&private));
        let contractor = ReadScope::of(other, &[Relation::WorksContractor]);
        assert!(!contractor.may_read(&for_assessor));
        // Belonging to the scheme is no relation to the case.
        let member = ReadScope::of(other, &[Relation::SchemeMember, Relation::SchemeReferrer]);
        assert!(!member.may_read(&for_assessor));
    }

    #[test]
    fn a_correction_is_the_authors_or_the_coordinators_and_only_once() {
        let author = Uuid::now_v7();
        let written = Correctable {
            kind: NoteKind::SafetyConcern,
            access: note(author, Audience::default()),
            superseded: false,
        };
        assert_eq!(may_correct(&written, author, false), Ok(()));
        assert_eq!(may_correct(&written, Uuid::now_v7(), true), Ok(()));
        assert_eq!(
            may_correct(&written, Uuid::now_v7(), false),
            Err(CorrectionRefusal::NotTheAuthor)
        );
        let corrected = Correctable {
            superseded: true,
            ..written
        };
        assert_eq!(
            may_correct(&corrected, author, false),
            Err(CorrectionRefusal::AlreadySuperseded)
        );
        let with_action = Correctable {
            kind: NoteKind::HoldDetail,
            ..written
        };
        assert_eq!(
            may_correct(&with_action, author, true),
            Err(CorrectionRefusal::RecordedWithAction)
        );
    }

    #[test]
    fn a_correction_reaches_everyone_the_mistake_reached() {
        let shown_to_contractor = Audience {
            contractor: true,
            ..Audience::default()
        };
        let reach = correction_audience(Audience::default(), shown_to_contractor, Role::Assessor);
        assert_eq!(
            reach.readers(),
            [
                NoteReader::Coordinator,
                NoteReader::Assessor,
                NoteReader::Contractor
            ]
        );
    }

    #[test]
    fn written_kinds_are_note_kinds_and_no_action_kind_is_written() {
        for kind in WrittenNoteKind::ALL {
            assert!(is_written(NoteKind::from(*kind)));
            assert_eq!(NoteKind::from(*kind).as_str(), kind.as_str());
        }
        assert!(!is_written(NoteKind::AssessmentFindings));
    }
}
