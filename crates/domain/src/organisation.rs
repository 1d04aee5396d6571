//! Organisations, the roles they play in a scheme, and the report's referral sources.

vocabulary! {
    /// What kind of body an organisation is; drives the report's referral source.
    pub enum OrganisationKind {
        Council = "council",
        HousingAssociation = "housing_association",
        Police = "police",
        /// An IDVA service or other specialist domestic abuse service.
        SpecialistDomesticAbuseService = "specialist_domestic_abuse_service",
        SocialServices = "social_services",
        PrivateRentedSectorAgency = "private_rented_sector_agency",
        Contractor = "contractor",
        FireService = "fire_service",
        Funder = "funder",
        Other = "other",
    }
}

vocabulary! {
    /// A role an organisation (and a token) can hold in a scheme.
    pub enum Role {
        /// Posts referrals into the scheme and follows its own referrals.
        Referrer = "referrer",
        /// Runs the scheme: sees and decides every case in it.
        Coordinator = "coordinator",
        /// Crime prevention officer or surveyor: assesses assigned properties.
        Assessor = "assessor",
        /// Installs approved measures.
        Contractor = "contractor",
        /// Carries out fire safety checks after works; reads the emergency-services
        /// register for its call-out system.
        FireService = "fire_service",
        /// A police control room or safeguarding hub: reads the emergency-services
        /// register (never a case).
        Police = "police",
        /// Sees anonymised aggregates only.
        Funder = "funder",
        /// Reads the audit trail.
        Auditor = "auditor",
        /// Administers schemes, organisations and memberships.
        Admin = "admin",
    }
}

vocabulary! {
    /// The monitoring template's referral sources.
    pub enum ReferralSource {
        HousingAssociation = "housing_association",
        Police = "police",
        PrivateRentedSectorAgency = "private_rented_sector_agency",
        SocialServices = "social_services",
        SpecialistDomesticAbuseService = "specialist_domestic_abuse_service",
        /// The client came to the scheme directly (phone, walk-in, the council's online
        /// form) and the coordinator entered the referral.
        SelfReferral = "self_referral",
        Other = "other",
    }
}

impl From<OrganisationKind> for ReferralSource {
    fn from(kind: OrganisationKind) -> Self {
        use OrganisationKind as K;
        match kind {
            K::HousingAssociation => Self::HousingAssociation,
            K::Police => Self::Police,
            K::PrivateRentedSectorAgency => Self::PrivateRentedSectorAgency,
            K::SocialServices => Self::SocialServices,
            K::SpecialistDomesticAbuseService => Self::SpecialistDomesticAbuseService,
            K::Council | K::Contractor | K::FireService | K::Funder | K::Other => Self::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_referral_source_has_a_matching_organisation_kind() {
        let by_organisations = ReferralSource::ALL
            .iter()
            .filter(|s| **s != ReferralSource::SelfReferral);
        for source in by_organisations {
            let kind: OrganisationKind = source.as_str().parse().unwrap();
            assert_eq!(ReferralSource::from(kind), *source);
        }
    }

    #[test]
    fn councils_refer_as_other() {
        assert_eq!(
            ReferralSource::from(OrganisationKind::Council),
            ReferralSource::Other
        );
    }
}
