//! `sanctuary admin init`: a scheme's set-up from a declarative file, applied
//! idempotently, then seen over HTTP.

use reqwest::StatusCode;
use sanctuary_persistence::organisations;
use sanctuary_server::setup::{self, SetupFile};
use serde_json::Value;

use crate::support::{Org, TestApp};

const HARTLEPOOL: &str = r#"
[[organisations]]
name = "Hartlepool Borough Council"
kind = "council"

[[organisations]]
name = "Hartlepool Womens Refuge"
kind = "specialist_domestic_abuse_service"

[[organisations]]
name = "Hartlepool Locksmiths"
kind = "contractor"

[[schemes]]
code = "hartlepool"
name = "Hartlepool Sanctuary Scheme"
reference_prefix = "HPL"
year_start = "01-01"

[schemes.members]
"Hartlepool Borough Council" = ["coordinator"]
"Hartlepool Womens Refuge" = ["referrer"]
"Hartlepool Locksmiths" = ["contractor"]

[schemes.settings]
household_budget_limit_pence = 150000
"#;

async fn org(app: &TestApp, name: &str) -> Org {
    let found = organisations::find_by_name(app.store.connection(), name)
        .await
        .unwrap()
        .unwrap();
    Org {
        id: found.id,
        name: found.name,
    }
}

async fn apply(app: &TestApp, text: &str) -> Result<Vec<String>, String> {
    let file = SetupFile::parse(text).map_err(|e| e.to_string())?;
    let use_cases = sanctuary_app::App::new(app.store.clone());
    setup::apply(&use_cases, &file, &sanctuary_app::admin::system("test"))
        .await
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn applying_a_set_up_file_twice_changes_nothing_the_second_time() {
    let app = TestApp::spawn().await;
    let first = apply(&app, HARTLEPOOL).await.unwrap();
    assert_eq!(first.len(), 3 + 1 + 3, "{first:#?}");
    assert!(first.contains(&"created scheme `hartlepool`".to_owned()));
    assert_eq!(apply(&app, HARTLEPOOL).await.unwrap(), Vec::<String>::new());

    let council = org(&app, "Hartlepool Borough Council").await;
    let response = app
        .get_as(&council, &["coordinator"], "/api/v1/schemes/hartlepool")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let scheme: Value = response.json().await.unwrap();
    assert_eq!(scheme["year_start"], "01-01");
    assert_eq!(scheme["reference_prefix"], "HPL");
    assert_eq!(scheme["settings"]["household_budget_limit_pence"], 150000);
    assert_eq!(scheme["settings_version"], 1);

    // Edit the file: a new budget limit, and the contractor leaves.
    let edited = HARTLEPOOL
        .replace("150000", "175000")
        .replace("\"Hartlepool Locksmiths\" = [\"contractor\"]\n", "");
    let changes = apply(&app, &edited).await.unwrap();
    assert_eq!(changes.len(), 2, "{changes:#?}");
    assert!(
        changes[0].contains("household_budget_limit_pence"),
        "{changes:#?}"
    );
    assert_eq!(
        changes[1],
        "removed `Hartlepool Locksmiths` from `hartlepool`"
    );
    assert_eq!(apply(&app, &edited).await.unwrap(), Vec::<String>::new());
    let scheme: Value = app
        .get_as(&council, &["coordinator"], "/api/v1/schemes/hartlepool")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(scheme["settings_version"], 2);
    let locksmiths = org(&app, "Hartlepool Locksmiths").await;
    let gone = app
        .get_as(&locksmiths, &["contractor"], "/api/v1/schemes/hartlepool")
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_set_up_file_is_refused_whole_with_every_problem() {
    let app = TestApp::spawn().await;
    let bad = HARTLEPOOL
        .replace("reference_prefix = \"HPL\"", "reference_prefix = \"hpl\"")
        .replace("year_start = \"01-01\"", "year_start = \"02-30\"")
        .replace(
            "household_budget_limit_pence = 150000",
            "retention_years = 0",
        )
        .replace(
            "\"Hartlepool Womens Refuge\" = [\"referrer\"]",
            "\"Hartlepool Womens Refuge\" = [\"coordinator\"]",
        );
    let error = apply(&app, &bad).await.unwrap_err();
    for expected in [
        "reference_prefix",
        "year_start",
        "settings/retention_years",
        "only one organisation may coordinate",
    ] {
        assert!(error.contains(expected), "{expected} not in: {error}");
    }
    // Nothing was created.
    assert!(
        organisations::find_by_name(app.store.connection(), "Hartlepool Borough Council")
            .await
            .unwrap()
            .is_none()
    );
    // A member that is no organisation is refused before anything changes.
    let stranger = HARTLEPOOL.replace(
        "\"Hartlepool Locksmiths\" = [\"contractor\"]",
        "\"Nobody Ltd\" = [\"contractor\"]",
    );
    let error = apply(&app, &stranger).await.unwrap_err();
    assert!(
        error.contains("no organisation named `Nobody Ltd`"),
        "{error}"
    );
    assert!(
        organisations::find_by_name(app.store.connection(), "Hartlepool Borough Council")
            .await
            .unwrap()
            .is_none()
    );
    // Unknown keys and roles are refused when the file is read.
    let unknown = apply(&app, &format!("{HARTLEPOOL}\nsurprise = true\n")).await;
    assert!(unknown.unwrap_err().contains("surprise"));
    // A reference prefix cannot change once cases may carry it.
    apply(&app, HARTLEPOOL).await.unwrap();
    let renamed = apply(&app, &HARTLEPOOL.replace("\"HPL\"", "\"HAR\"")).await;
    assert!(renamed.unwrap_err().contains("cannot change"));
}
