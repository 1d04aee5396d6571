//! The organisations and schemes every test starts with.
//!
//! Two schemes, so every access test has an "other tenant": Darlington (Harbour refers,
//! the council coordinates) and Teesside (its own referrer and coordinator). Plus an
//! organisation that belongs to no scheme and one that has been deactivated.

use sanctuary_domain::organisation::{OrganisationKind, Role};
use sanctuary_domain::scheme::{Nation, SchemeCode, YearStart};
use sanctuary_domain::settings::SchemeSettings;
use sanctuary_persistence::organisations::NewOrganisation;
use sanctuary_persistence::schemes::{self, ChangedBy, NewScheme};
use sanctuary_persistence::{Store, organisations};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Org {
    pub id: Uuid,
    pub name: String,
}

pub struct World {
    /// Refers into Darlington (a specialist DA service).
    pub harbour: Org,
    /// Also refers into Darlington (a housing association).
    pub housing: Org,
    /// Coordinates Darlington.
    pub council: Org,
    /// Refers into Teesside only.
    pub tees_referrer: Org,
    /// Coordinates Teesside.
    pub tees_council: Org,
    /// A member of no scheme.
    pub stranger: Org,
    /// Was a Darlington referrer; now deactivated.
    pub inactive: Org,
    /// Darlington's crime prevention officers.
    pub assessor: Org,
    /// Darlington's other assessor (the council's surveyors).
    pub other_assessor: Org,
    /// Darlington's contractors.
    pub contractor: Org,
    pub other_contractor: Org,
    /// Darlington's fire service.
    pub fire_service: Org,
    /// Darlington's police control room (reads the register, never a case).
    pub police: Org,
    /// Teesside's assessor (not Darlington's).
    pub tees_assessor: Org,
    /// Operates the deployment (`is_administrator`); a member of no scheme.
    pub operator: Org,
    /// Darlington's auditor (information governance).
    pub auditor: Org,
    /// Funds Darlington (sees anonymised aggregates only).
    pub funder: Org,
}

impl World {
    pub async fn create(store: &Store) -> World {
        let db = store.connection();
        let scheme = |code: &'static str, prefix: &'static str| async move {
            schemes::create(
                db,
                NewScheme {
                    code: &SchemeCode::parse(code).unwrap(),
                    name: code,
                    reference_prefix: prefix,
                    nation: Nation::EnglandAndWales,
                    year_start: YearStart::default(),
                    settings: SchemeSettings::default(),
                },
                &ChangedBy::system("test"),
            )
            .await
            .unwrap()
            .id
        };
        let org = |name: &'static str, kind| async move {
            let o = organisations::create(db, name, kind).await.unwrap();
            Org {
                id: o.id,
                name: o.name,
            }
        };
        let darlington = scheme("darlington", "DAR").await;
        let teesside = scheme("teesside", "TEE").await;
        let harbour = org(
            "Harbour Support Services",
            OrganisationKind::SpecialistDomesticAbuseService,
        )
        .await;
        let housing = org("Darlington Housing", OrganisationKind::HousingAssociation).await;
        let council = org("Darlington Borough Council", OrganisationKind::Council).await;
        let tees_referrer = org(
            "Tees Women's Aid",
            OrganisationKind::SpecialistDomesticAbuseService,
        )
        .await;
        let tees_council = org("Teesside Council", OrganisationKind::Council).await;
        let stranger = org("Elsewhere Housing", OrganisationKind::HousingAssociation).await;
        let inactive = org("Closed Agency", OrganisationKind::Other).await;
        let assessor = org("Durham Constabulary CPO Unit", OrganisationKind::Police).await;
        let other_assessor = org("Darlington Surveyors", OrganisationKind::Council).await;
        let contractor = org("SecureHome Installations", OrganisationKind::Contractor).await;
        let other_contractor = org("Lock & Key Ltd", OrganisationKind::Contractor).await;
        let fire_service = org(
            "County Durham Fire and Rescue",
            OrganisationKind::FireService,
        )
        .await;
        let tees_assessor = org("Cleveland Police CPO", OrganisationKind::Police).await;
        let police = org("Durham Police Control Room", OrganisationKind::Police).await;
        let auditor = org(
            "Darlington Information Governance",
            OrganisationKind::Council,
        )
        .await;
        let funder = org(
            "Durham Police and Crime Commissioner",
            OrganisationKind::Funder,
        )
        .await;
        for (scheme, org, role) in [
            (darlington, &harbour, Role::Referrer),
            (darlington, &housing, Role::Referrer),
            (darlington, &council, Role::Coordinator),
            (teesside, &tees_referrer, Role::Referrer),
            (teesside, &tees_council, Role::Coordinator),
            (darlington, &inactive, Role::Referrer),
            (darlington, &assessor, Role::Assessor),
            (darlington, &other_assessor, Role::Assessor),
            (darlington, &contractor, Role::Contractor),
            (darlington, &other_contractor, Role::Contractor),
            (darlington, &fire_service, Role::FireService),
            (darlington, &police, Role::Police),
            (teesside, &tees_assessor, Role::Assessor),
            (darlington, &auditor, Role::Auditor),
            (darlington, &funder, Role::Funder),
        ] {
            schemes::add_member(db, scheme, org.id, role).await.unwrap();
        }
        let operator = organisations::create_with(
            db,
            NewOrganisation {
                id: None,
                name: "Platform Operators",
                kind: OrganisationKind::Other,
                is_administrator: true,
            },
        )
        .await
        .unwrap();
        let operator = Org {
            id: operator.id,
            name: operator.name,
        };
        organisations::set_active(db, inactive.id, false)
            .await
            .unwrap();
        World {
            harbour,
            housing,
            council,
            tees_referrer,
            tees_council,
            stranger,
            inactive,
            assessor,
            other_assessor,
            contractor,
            other_contractor,
            fire_service,
            police,
            tees_assessor,
            operator,
            auditor,
            funder,
        }
    }
}
