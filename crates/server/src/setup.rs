//! `sanctuary admin init`: a scheme's set-up as a declarative file, applied idempotently.
//!
//! Organisations are matched by name and schemes by code; a scheme's `members` is its
//! complete list. Applying the same file twice changes nothing the second time.

use std::collections::{BTreeMap, BTreeSet};

use sanctuary_app::App;
use sanctuary_app::AppError;
use sanctuary_app::admin::Admin;
use sanctuary_domain::organisation::{OrganisationKind, Role};
use sanctuary_domain::scheme::{Nation, SchemeCode, YearStart, check_reference_prefix};
use sanctuary_domain::settings::SchemeSettings;
use sanctuary_persistence::StoreError;
use sanctuary_persistence::admin::AdminError;
use sanctuary_persistence::organisations::{self, NewOrganisation, OrganisationChanges};
use sanctuary_persistence::schemes::{self, NewScheme, SchemeChanges};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetupFile {
    #[serde(default)]
    pub organisations: Vec<OrganisationEntry>,
    #[serde(default)]
    pub schemes: Vec<SchemeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationEntry {
    /// Optional: the id a new organisation gets (the demo fixes its organisations' ids,
    /// so the contract's examples name them). An existing organisation keeps its own.
    #[serde(default)]
    pub id: Option<uuid::Uuid>,
    pub name: String,
    pub kind: OrganisationKind,
    #[serde(default = "yes")]
    pub active: bool,
    /// Operates the deployment: its admin tokens administer every scheme.
    #[serde(default)]
    pub administrator: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeEntry {
    pub code: String,
    pub name: String,
    #[serde(default = "england_and_wales")]
    pub nation: Nation,
    pub reference_prefix: String,
    /// `MM-DD`, default `04-01`.
    pub year_start: Option<String>,
    /// Omitted: unchanged (the defaults for a new scheme).
    pub settings: Option<SchemeSettings>,
    /// Organisation name → roles. The scheme's complete membership.
    #[serde(default)]
    pub members: BTreeMap<String, Vec<Role>>,
}

fn england_and_wales() -> Nation {
    Nation::EnglandAndWales
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Admin(String),
}

impl From<AppError> for SetupError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Store(s)
            | AppError::Admin {
                error: AdminError::Store(s),
                ..
            } => SetupError::Store(s),
            AppError::Admin { error, .. } => SetupError::Admin(error.to_string()),
            other => SetupError::Admin(other.to_string()),
        }
    }
}

impl SetupFile {
    pub fn parse(toml_text: &str) -> Result<Self, SetupError> {
        toml::from_str(toml_text)
            .map_err(|e| SetupError::Invalid(format!("not a valid set-up file: {e}")))
    }

    /// Everything wrong with the file, before anything is changed.
    fn check(&self) -> Result<(), SetupError> {
        let mut problems = Vec::new();
        let mut names = BTreeSet::new();
        for org in &self.organisations {
            if !names.insert(org.name.as_str()) {
                problems.push(format!("organisation `{}` is listed twice", org.name));
            }
            if org.name.trim().is_empty() || org.name.len() > 200 {
                problems.push("organisation names must be 1 to 200 characters".into());
            }
        }
        for scheme in &self.schemes {
            let at = format!("scheme `{}`", scheme.code);
            if SchemeCode::parse(&scheme.code).is_err() {
                problems.push(format!(
                    "{at}: the code must be 2 to 40 lower-case letters, digits or hyphens"
                ));
            }
            if let Err(e) = check_reference_prefix(&scheme.reference_prefix) {
                problems.push(format!("{at}: reference_prefix {}", e.message));
            }
            if let Err(e) = year_start(scheme) {
                problems.push(format!("{at}: year_start {e}"));
            }
            if let Some(settings) = &scheme.settings {
                for v in settings.violations() {
                    problems.push(format!("{at}: settings{}: {}", v.pointer, v.message));
                }
            }
            let coordinators = scheme
                .members
                .values()
                .filter(|r| r.contains(&Role::Coordinator))
                .count();
            if coordinators > 1 {
                problems.push(format!(
                    "{at}: only one organisation may coordinate a scheme"
                ));
            }
            for (name, roles) in &scheme.members {
                if roles.contains(&Role::Admin) {
                    problems.push(format!("{at}: `admin` is not a scheme role ({name})"));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SetupError::Invalid(problems.join("\n")))
        }
    }
}

fn year_start(scheme: &SchemeEntry) -> Result<YearStart, String> {
    match &scheme.year_start {
        None => Ok(YearStart::default()),
        Some(text) => YearStart::parse(text).map_err(|e| e.message.into_owned()),
    }
}

/// Applies `file`; returns what changed (empty when nothing did).
pub async fn apply(app: &App, file: &SetupFile, by: &Admin) -> Result<Vec<String>, SetupError> {
    let store = app.store();
    file.check()?;
    // Every member must be an organisation of the file or already registered: checked
    // before anything changes.
    for scheme in &file.schemes {
        for name in scheme.members.keys() {
            let listed = file.organisations.iter().any(|o| &o.name == name);
            if !listed
                && organisations::find_by_name(store.connection(), name)
                    .await?
                    .is_none()
            {
                return Err(SetupError::Invalid(format!(
                    "scheme `{}`: no organisation named `{name}`",
                    scheme.code
                )));
            }
        }
    }
    let db = store.connection();
    let mut changes = Vec::new();
    for entry in &file.organisations {
        match organisations::find_by_name(db, &entry.name).await? {
            None => {
                let new = NewOrganisation {
                    id: entry.id,
                    name: &entry.name,
                    kind: entry.kind,
                    is_administrator: entry.administrator,
                };
                let org = by.create_organisation(app, new).await?;
                if !entry.active {
                    let off = OrganisationChanges {
                        active: Some(false),
                        ..Default::default()
                    };
                    by.update_organisation(app, &org, &off).await?;
                }
                changes.push(format!("created organisation `{}`", entry.name));
            }
            Some(org) => {
                let diff = OrganisationChanges {
                    name: None,
                    kind: (org.kind != entry.kind).then_some(entry.kind),
                    active: (org.active != entry.active).then_some(entry.active),
                    is_administrator: (org.is_administrator != entry.administrator)
                        .then_some(entry.administrator),
                };
                if diff.kind.is_some() || diff.active.is_some() || diff.is_administrator.is_some() {
                    by.update_organisation(app, &org, &diff).await?;
                    changes.push(format!("updated organisation `{}`", entry.name));
                }
            }
        }
    }
    for entry in &file.schemes {
        apply_scheme(app, entry, by, &mut changes).await?;
    }
    Ok(changes)
}

async fn apply_scheme(
    app: &App,
    entry: &SchemeEntry,
    by: &Admin,
    changes: &mut Vec<String>,
) -> Result<(), SetupError> {
    let db = app.store().connection();
    let code =
        SchemeCode::parse(&entry.code).map_err(|e| SetupError::Invalid(e.message.into_owned()))?;
    let start = year_start(entry).map_err(SetupError::Invalid)?;
    let mut scheme = match schemes::find_by_code(db, code.as_str()).await? {
        None => {
            let new = NewScheme {
                code: &code,
                name: &entry.name,
                reference_prefix: &entry.reference_prefix,
                nation: entry.nation,
                year_start: start,
                settings: entry.settings.clone().unwrap_or_default(),
            };
            changes.push(format!("created scheme `{code}`"));
            by.create_scheme(app, new).await?
        }
        Some(scheme) => {
            if scheme.reference_prefix != entry.reference_prefix {
                return Err(SetupError::Invalid(format!(
                    "scheme `{code}`: reference_prefix is `{}` and cannot change (case references carry it)",
                    scheme.reference_prefix
                )));
            }
            let diff = SchemeChanges {
                name: (scheme.name != entry.name).then(|| entry.name.clone()),
                nation: (scheme.nation != entry.nation).then_some(entry.nation),
                year_start: (scheme.year_start != start).then_some(start),
            };
            if diff.name.is_some() || diff.nation.is_some() || diff.year_start.is_some() {
                changes.push(format!("updated scheme `{code}`"));
                by.update_scheme(app, &scheme, &diff).await?
            } else {
                scheme
            }
        }
    };
    if let Some(settings) = &entry.settings
        && *settings != scheme.settings
    {
        let keys = scheme.settings.changed_keys(settings).join(", ");
        scheme = by.change_settings(app, scheme, settings).await?;
        changes.push(format!(
            "changed settings of `{code}` ({keys}): now version {}",
            scheme.settings_version
        ));
    }
    // Memberships: make them exactly the file's. Removals first, to free a coordinator.
    let mut current: BTreeMap<uuid::Uuid, (String, Vec<Role>)> = BTreeMap::new();
    for (org, role) in schemes::members(db, scheme.id).await? {
        current
            .entry(org.id)
            .or_insert_with(|| (org.name.clone(), Vec::new()))
            .1
            .push(role);
    }
    let mut desired: BTreeMap<uuid::Uuid, (String, Vec<Role>)> = BTreeMap::new();
    for (name, roles) in &entry.members {
        let org = organisations::find_by_name(db, name)
            .await?
            .ok_or_else(|| {
                SetupError::Invalid(format!("scheme `{code}`: no organisation named `{name}`"))
            })?;
        let mut roles = roles.clone();
        roles.sort();
        roles.dedup();
        desired.insert(org.id, (name.clone(), roles));
    }
    for (org, (name, _)) in current.iter().filter(|(id, _)| !desired.contains_key(id)) {
        by.set_member_roles(app, &scheme, *org, &[]).await?;
        changes.push(format!("removed `{name}` from `{code}`"));
    }
    for (org, (name, roles)) in &desired {
        let mut have = current.get(org).map(|(_, r)| r.clone()).unwrap_or_default();
        have.sort();
        if &have != roles {
            by.set_member_roles(app, &scheme, *org, roles).await?;
            let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            changes.push(format!("set `{name}` in `{code}` to: {}", roles.join(", ")));
        }
    }
    Ok(())
}
