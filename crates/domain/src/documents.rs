//! Documents attached to a case: the assessment report and photos, the landlord's
//! letter, the signed consent form, the fire-check certificate, the completion sheet.
//!
//! What a file is, is decided by its content, never by its name or the header it came
//! with: a PDF, a JPEG, a PNG or an HEIC photo. Who reads a document is decided as for notes
//! (`notes::ReadScope`): the coordinator, the organisation that uploaded it, and the
//! roles of the case its audience names.

use uuid::Uuid;

use crate::access::{self, CaseTies};
use crate::notes::{NoteAccess, ReadScope};
use crate::organisation::Role;
use crate::policy::{self, Action, Relation};

vocabulary! {
    /// What a document is.
    pub enum DocumentKind {
        AssessmentReport = "assessment_report",
        Photo = "photo",
        LandlordLetter = "landlord_letter",
        ConsentForm = "consent_form",
        FireCheckCertificate = "fire_check_certificate",
        CompletionSheet = "completion_sheet",
        Other = "other",
    }
}

vocabulary! {
    /// The types of file a case takes, by their content.
    pub enum MediaType {
        Pdf = "pdf",
        Jpeg = "jpeg",
        Png = "png",
        Heic = "heic",
    }
}

impl MediaType {
    /// The bytes [`MediaType::sniff`] needs to decide.
    pub const SNIFF_LEN: usize = 12;

    /// The type the file's first bytes (at least [`MediaType::SNIFF_LEN`] of them, or
    /// the whole file) announce, if it is one the service takes.
    pub fn sniff(head: &[u8]) -> Option<MediaType> {
        if head.starts_with(b"%PDF-") {
            Some(MediaType::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(MediaType::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(MediaType::Png)
        } else if head.len() >= 12
            && &head[4..8] == b"ftyp"
            && matches!(&head[8..12], b"heic" | b"heix" | b"heim" | b"heis")
        {
            // An HEIF file whose major brand is HEVC-coded still images: what phones
            // take photos as.
            Some(MediaType::Heic)
        } else {
            None
        }
    }

    /// An image, whose metadata (EXIF: GPS position, camera, time) is removed before
    /// it is stored.
    pub fn is_image(self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png | MediaType::Heic)
    }

    /// Its `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Heic => "image/heic",
        }
    }

    /// The file name extension a download is given.
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Heic => "heic",
        }
    }
}

/// The organisations among a scheme's `members` (organisation, role held in the
/// scheme) that may read a document of `case` with `access` now: the coordinator, its
/// uploader, the roles of its audience — none left with the status view. They are told
/// it was added; nobody else is.
pub fn readers(case: &CaseTies, members: &[(Uuid, Role)], access: &NoteAccess) -> Vec<Uuid> {
    access::readers(case, members)
        .into_iter()
        .filter(|org| {
            let roles: Vec<Role> = members
                .iter()
                .filter(|(o, _)| o == org)
                .map(|(_, r)| *r)
                .collect();
            let relations = access::relations(case, *org, |r| roles.contains(&r));
            let Some(view) = access::view(case, &roles, &relations) else {
                return false;
            };
            let reading: Vec<Relation> = relations
                .into_iter()
                .filter(|r| policy::permits_any(&roles, Action::ReadDocuments, &[*r]))
                .collect();
            policy::view_allows(view, Action::ReadDocuments)
                && !reading.is_empty()
                && ReadScope::of(*org, &reading).may_read(access)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_those_who_may_read_a_document_are_told_of_it() {
        use crate::case::CaseStatus;
        use crate::consent::ConsentStatus;
        use crate::notes::Audience;
        let org = Uuid::from_u128;
        let (coordinator, referrer, assessor, contractor) = (org(1), org(2), org(3), org(4));
        let case = CaseTies {
            status: CaseStatus::WorksInProgress,
            referring_organisation_id: referrer,
            assessor_organisation_id: Some(assessor),
            contractor_organisation_id: Some(contractor),
            held_from: None,
            arson_risk: false,
            fire_check_measures: false,
            fire_register: None,
            contractor_access_ended: false,
            information_sharing: ConsentStatus::Given,
            works_may_continue: false,
            shared_by_decision: Vec::new(),
            anonymised: false,
        };
        let members = [
            (coordinator, Role::Coordinator),
            (referrer, Role::Referrer),
            (assessor, Role::Assessor),
            (contractor, Role::Contractor),
        ];
        let for_assessor = NoteAccess {
            author_organisation: coordinator,
            audience: Audience {
                assessor: true,
                ..Audience::default()
            },
        };
        assert_eq!(
            readers(&case, &members, &for_assessor),
            [coordinator, assessor]
        );
        let referrers_own = NoteAccess {
            author_organisation: referrer,
            audience: Audience::default(),
        };
        assert_eq!(
            readers(&case, &members, &referrers_own),
            [coordinator, referrer]
        );
        // Left with the status view, the referrer reads no documents: it is not told.
        let withdrawn = CaseTies {
            information_sharing: ConsentStatus::Withdrawn,
            ..case
        };
        assert_eq!(readers(&withdrawn, &members, &referrers_own), [coordinator]);
    }

    #[test]
    fn a_file_is_what_its_content_says() {
        assert_eq!(MediaType::sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        assert_eq!(
            MediaType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(MediaType::Jpeg)
        );
        assert_eq!(
            MediaType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(MediaType::Png)
        );
        assert_eq!(
            MediaType::sniff(b"\0\0\0\x1cftypheic\0\0\0\0mif1"),
            Some(MediaType::Heic)
        );
        // A zip, an HTML page, a script named .pdf, nothing at all.
        for other in [
            &b"PK\x03\x04\x14\0"[..],
            b"<html><script>",
            b"#!/bin/sh\n%PDF-",
            b"",
            b"%PD",
            // An MP4 video and an AVIF are ISO media files too, and not taken.
            b"\0\0\0\x18ftypmp42",
            b"\0\0\0\x1cftypavif",
        ] {
            assert_eq!(MediaType::sniff(other), None, "{other:?}");
        }
    }
}
