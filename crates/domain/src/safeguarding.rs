//! Safeguarding decisions: sharing without consent where a person is at risk.
//!
//! Seed 004: "Consent to share information is not needed where there is a safeguarding
//! concern because a person is at risk." The coordinator records the decision, its
//! lawful basis, the officer who took it, why (sealed) and when it is to be reviewed.
//! A decision stands in for the client's consent to share information with the roles
//! it names, or to contact the landlord; never for consent to installation (no works in
//! a home without the client's agreement).

use crate::case::ProgressBlock;
use crate::consent::{ConsentPurpose, ConsentsInForce};
use crate::organisation::Role;
use crate::policy::Relation;

vocabulary! {
    /// The lawful basis for sharing without consent.
    pub enum LawfulBasis {
        /// UK GDPR Art. 6(1)(e): a task in the public interest.
        PublicTask = "uk_gdpr_6_1_e_public_task",
        /// UK GDPR Art. 6(1)(d): to protect someone's vital interests.
        VitalInterests = "uk_gdpr_6_1_d_vital_interests",
        /// UK GDPR Art. 9(2)(g) with DPA 2018 Sch. 1 para 18: safeguarding of children
        /// and of individuals at risk.
        SafeguardingIndividualsAtRisk = "uk_gdpr_9_2_g_dpa_2018_sch_1_para_18",
        /// Crime and Disorder Act 1998 s.115: disclosure to prevent crime.
        CrimeAndDisorderAct = "crime_and_disorder_act_1998_s_115",
    }
}

vocabulary! {
    /// What a safeguarding decision lets the scheme do without the client's consent.
    pub enum DecisionPurpose {
        /// Share the case with the roles the decision names.
        InformationSharing = "information_sharing",
        /// Contact the landlord for permission.
        LandlordContact = "landlord_contact",
    }
}

vocabulary! {
    /// Who a safeguarding decision may share the case with.
    pub enum SharingRole {
        Assessor = "assessor",
        Contractor = "contractor",
        FireService = "fire_service",
        /// The scheme's police control room or safeguarding hub: a decision naming it
        /// puts the home on the police's register (it never reads the case).
        Police = "police",
    }
}

impl SharingRole {
    pub fn role(self) -> Role {
        match self {
            SharingRole::Assessor => Role::Assessor,
            SharingRole::Contractor => Role::Contractor,
            SharingRole::FireService => Role::FireService,
            SharingRole::Police => Role::Police,
        }
    }

    /// The tie to a case through which this role reads it.
    fn relation(self) -> Relation {
        match self {
            SharingRole::Assessor => Relation::AssignedAssessor,
            SharingRole::Contractor => Relation::WorksContractor,
            SharingRole::FireService => Relation::SchemeFireService,
            SharingRole::Police => Relation::SchemePolice,
        }
    }
}

/// Whether a decision sharing with `roles` covers a reader tied by `relations`.
pub fn shares_with(roles: &[SharingRole], relations: &[Relation]) -> bool {
    roles.iter().any(|r| relations.contains(&r.relation()))
}

/// The safeguarding decisions standing on a case (each adds to the ones before).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Safeguarding {
    /// The roles information is shared with without consent.
    pub sharing_with: Vec<SharingRole>,
    /// The landlord may be contacted without consent.
    pub landlord_contact: bool,
}

impl Safeguarding {
    /// Whether the case may go on without the client's consent for `purpose`: for
    /// information sharing and landlord contact, a decision may stand in; for
    /// installation and follow-up contact, nothing does.
    pub fn stands_in_for(&self, purpose: ConsentPurpose) -> bool {
        match purpose {
            ConsentPurpose::InformationSharing => !self.sharing_with.is_empty(),
            ConsentPurpose::LandlordContact => self.landlord_contact,
            ConsentPurpose::Installation | ConsentPurpose::FollowUpContact => false,
        }
    }

    /// Whether a reader tied to the case by `relations` reads it under a decision.
    pub fn shares_with(&self, relations: &[Relation]) -> bool {
        shares_with(&self.sharing_with, relations)
    }

    /// These decisions with one more.
    pub fn with(&self, purpose: DecisionPurpose, roles: &[SharingRole]) -> Self {
        let mut next = self.clone();
        match purpose {
            DecisionPurpose::InformationSharing => {
                for role in roles {
                    if !next.sharing_with.contains(role) {
                        next.sharing_with.push(*role);
                    }
                }
                next.sharing_with.sort();
            }
            DecisionPurpose::LandlordContact => next.landlord_contact = true,
        }
        next
    }
}

/// What stops the case progressing past the coordinator's decision now: the consents
/// in force, with the safeguarding decisions that stand in for them.
pub fn progress_blocks(
    consents: &ConsentsInForce,
    safeguarding: &Safeguarding,
) -> Vec<ProgressBlock> {
    let missing = |purpose| !consents.given(purpose) && !safeguarding.stands_in_for(purpose);
    let mut blocks = Vec::new();
    if missing(ConsentPurpose::Installation) {
        blocks.push(ProgressBlock::InstallationConsentRefused);
    }
    if missing(ConsentPurpose::InformationSharing) {
        blocks.push(ProgressBlock::InformationSharingConsentRefused);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent::{ConsentDecision, ConsentMethod, IntakeConsents};
    use time::macros::date;

    fn refused_sharing() -> ConsentsInForce {
        ConsentsInForce::from_intake(&IntakeConsents {
            installation: ConsentDecision::Given,
            landlord_contact: ConsentDecision::Refused,
            information_sharing: ConsentDecision::Refused,
            follow_up_contact: ConsentDecision::Given,
            method: ConsentMethod::Verbal,
            obtained_on: date!(2026 - 11 - 20),
        })
    }

    #[test]
    fn a_decision_stands_in_for_sharing_and_landlord_contact_never_for_installation() {
        let none = Safeguarding::default();
        let sharing = none.with(
            DecisionPurpose::InformationSharing,
            &[SharingRole::Assessor],
        );
        assert!(sharing.stands_in_for(ConsentPurpose::InformationSharing));
        assert!(!sharing.stands_in_for(ConsentPurpose::LandlordContact));
        let both = sharing.with(DecisionPurpose::LandlordContact, &[]);
        assert!(both.stands_in_for(ConsentPurpose::LandlordContact));
        for s in [&none, &sharing, &both] {
            assert!(!s.stands_in_for(ConsentPurpose::Installation));
            assert!(!s.stands_in_for(ConsentPurpose::FollowUpContact));
        }
    }

    #[test]
    fn decisions_add_up_and_share_only_with_the_roles_they_name() {
        let s = Safeguarding::default()
            .with(
                DecisionPurpose::InformationSharing,
                &[SharingRole::FireService],
            )
            .with(
                DecisionPurpose::InformationSharing,
                &[SharingRole::Assessor, SharingRole::FireService],
            );
        assert_eq!(
            s.sharing_with,
            [SharingRole::Assessor, SharingRole::FireService]
        );
        assert!(s.shares_with(&[Relation::AssignedAssessor]));
        assert!(s.shares_with(&[Relation::SchemeFireService]));
        assert!(!s.shares_with(&[Relation::WorksContractor]));
        assert!(!s.shares_with(&[Relation::ReferringOrganisation]));
    }

    #[test]
    fn the_blocks_in_force_follow_consent_and_decisions() {
        let consents = refused_sharing();
        assert_eq!(
            progress_blocks(&consents, &Safeguarding::default()),
            [ProgressBlock::InformationSharingConsentRefused]
        );
        let decided = Safeguarding::default().with(
            DecisionPurpose::InformationSharing,
            &[SharingRole::Assessor],
        );
        assert!(progress_blocks(&consents, &decided).is_empty());
        let mut no_installation = consents.clone();
        no_installation.installation = crate::consent::ConsentStatus::Withdrawn;
        assert_eq!(
            progress_blocks(&no_installation, &decided),
            [ProgressBlock::InstallationConsentRefused]
        );
    }
}
