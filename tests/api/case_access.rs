//! Who sees which cases, how much of them, and who may act.

use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::fixtures::{self, set};
use crate::support::{Org, TestApp, problem};

fn today() -> String {
    time::OffsetDateTime::now_utc().date().to_string()
}

/// A case taken as far as `works_completed` (see `TestApp::case_with_works`).
async fn completed_case(app: &TestApp) -> String {
    app.case_with_works(true).await
}

#[tokio::test]
async fn the_contractor_sees_the_property_and_the_works_and_nothing_else() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = completed_case(&app).await;
    let (case, _) = app.read(&w.contractor, "contractor", &id).await;
    assert_eq!(case["view"], "contractor");
    let keys: Vec<&str> = case
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for absent in [
        "referral",
        "flags",
        "risk_level",
        "dash_score",
        "referral_source",
        "clocks",
        "workflow",
        "referring_organisation",
    ] {
        assert!(!keys.contains(&absent), "{absent} in the contractor's view");
    }
    assert_eq!(case["property"]["address"]["postcode"], "DL1 1AA");
    assert!(
        case["property"]["unsafe_contact_times"]
            .as_str()
            .unwrap()
            .contains("evenings")
    );
    assert!(
        case["property"]["installation"]["concerns"]
            .as_str()
            .unwrap()
            .contains("female installer")
    );
    let codes: Vec<&str> = case["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["measure_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["safe_room", "window_locks"], "approved items only");
    let text = case.to_string();
    for secret in [
        "John Roe",
        "Middlesbrough",
        "DUR-26-118822",
        "white_british",
        "shotgun",
        "Jane Doe",
    ] {
        assert!(!text.contains(secret), "{secret} leaked to the contractor");
    }
    // The other contractor (same scheme, no works order) cannot see it at all.
    let other = app
        .get_as(
            &w.other_contractor,
            &["contractor"],
            &format!("/api/v1/cases/{id}"),
        )
        .await;
    problem(other, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_fire_service_sees_cases_once_works_are_complete_with_address_and_measures_only() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let mut body = fixtures::minimal();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    let early = app.refer_ok(&w.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = app
        .get_as(
            &w.fire_service,
            &["fire_service"],
            &format!("/api/v1/cases/{early}"),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
    let id = completed_case(&app).await;
    let (case, etag) = app.read(&w.fire_service, "fire_service", &id).await;
    assert_eq!(case["view"], "fire_service");
    assert_eq!(
        case["property"]["safe_room_location"],
        "ground-floor bedroom"
    );
    assert!(case["property"].get("unsafe_contact_times").is_none());
    assert!(case["property"].get("installation").is_none());
    let items = case["works"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "fitted measures only");
    assert!(items[0].get("actual_cost_pence").is_none(), "no costs");
    assert!(case["works"].get("works_cost_pence").is_none());
    assert_eq!(
        case["allowed_actions"],
        json!([{
            "action": "record_fire_check",
            "method": "POST",
            "href": format!("/api/v1/cases/{}/record-fire-check", case["id"].as_str().unwrap()),
        }])
    );
    let page: Value = app
        .get_as(&w.fire_service, &["fire_service"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [id.as_str()]);
    assert!(
        page["items"][0].get("flags").is_none(),
        "list items follow the view too"
    );
    let check = json!({"checked_on": today(), "outcome": "actions_required", "notes": "Safe room door closer missing"});
    let response = app
        .act(
            &w.fire_service,
            "fire_service",
            &id,
            "record-fire-check",
            &etag,
            Some(check),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_assessor_sees_the_cases_assigned_to_it_in_full() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = completed_case(&app).await;
    let other = app.refer_ok(&w.harbour, &fixtures::minimal()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (case, _) = app.read(&w.assessor, "assessor", &id).await;
    assert_eq!(case["view"], "full");
    assert_eq!(case["referral"]["safety"]["perpetrator_name"], "John Roe");
    problem(
        app.get_as(
            &w.assessor,
            &["assessor"],
            &format!("/api/v1/cases/{other}"),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get_as(
            &w.tees_assessor,
            &["assessor"],
            &format!("/api/v1/cases/{id}"),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let page: Value = app
        .get_as(&w.assessor, &["assessor"], "/api/v1/cases")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
}

async fn forbidden(app: &TestApp, org: &Org, role: &str, id: &str, action: &str, body: Value) {
    let (_, etag) = app.read(org, role, id).await;
    let response = app.act(org, role, id, action, &etag, Some(body)).await;
    let p = problem(response, StatusCode::FORBIDDEN).await;
    assert_eq!(p["code"], "forbidden", "{role} {action}");
}

#[tokio::test]
async fn each_role_can_call_only_its_own_actions() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = completed_case(&app).await;
    forbidden(
        &app,
        &w.contractor,
        "contractor",
        &id,
        "close",
        json!({"reason": "completed"}),
    )
    .await;
    forbidden(
        &app,
        &w.assessor,
        "assessor",
        &id,
        "close",
        json!({"reason": "completed"}),
    )
    .await;
    forbidden(
        &app,
        &w.harbour,
        "referrer",
        &id,
        "record-fire-check",
        json!({"checked_on": today(), "outcome": "satisfactory"}),
    )
    .await;
    forbidden(
        &app,
        &w.contractor,
        "contractor",
        &id,
        "record-contact",
        json!({"method": "phone", "outcome": "no_answer"}),
    )
    .await;
    // Not visible at all: 404, whatever the action.
    let response = app
        .act(
            &w.stranger,
            "coordinator",
            &id,
            "close",
            "\"1\"",
            Some(json!({"reason": "completed"})),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
    let response = app
        .act(
            &w.tees_council,
            "coordinator",
            &id,
            "close",
            "\"1\"",
            Some(json!({"reason": "completed"})),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
    let fresh = app.refer_ok(&w.harbour, &fixtures::minimal()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    forbidden(&app, &w.harbour, "referrer", &fresh, "accept", json!({})).await;
}

#[tokio::test]
async fn the_history_is_for_the_full_view_only() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let id = completed_case(&app).await;
    for (org, role) in [
        (&w.council, "coordinator"),
        (&w.harbour, "referrer"),
        (&w.assessor, "assessor"),
    ] {
        let response = app
            .get_as(org, &[role], &format!("/api/v1/cases/{id}/timeline"))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{role}");
    }
    let response = app
        .get_as(
            &w.contractor,
            &["contractor"],
            &format!("/api/v1/cases/{id}/timeline"),
        )
        .await;
    problem(response, StatusCode::FORBIDDEN).await;
    let response = app
        .get_as(
            &w.contractor,
            &["contractor"],
            &format!("/api/v1/cases/{id}/risk-assessments"),
        )
        .await;
    problem(response, StatusCode::FORBIDDEN).await;
    let response = app
        .get_as(
            &w.stranger,
            &["referrer"],
            &format!("/api/v1/cases/{id}/timeline"),
        )
        .await;
    problem(response, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn clock_queues_list_breached_and_soon_due_cases_from_the_due_dates() {
    use sanctuary_persistence::entities::case_clock;
    let app = TestApp::spawn().await;
    let w = &app.world;
    let late = app.refer_ok(&w.harbour, &fixtures::minimal()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fresh = app.refer_ok(&w.harbour, &fixtures::minimal()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Arrange: the first case's initial-contact clock fell due yesterday.
    let yesterday = time::OffsetDateTime::now_utc() - time::Duration::days(1);
    case_clock::Entity::update_many()
        .col_expr(
            case_clock::Column::DueAt,
            sea_orm::sea_query::Expr::value(yesterday),
        )
        .filter(case_clock::Column::CaseId.eq(uuid::Uuid::parse_str(&late).unwrap()))
        .exec(app.store.connection())
        .await
        .unwrap();
    let ids = |query: &'static str| {
        let app = &app;
        async move {
            let page: Value = app
                .get_as(
                    &app.world.council,
                    &["coordinator"],
                    &format!("/api/v1/cases?{query}"),
                )
                .await
                .json()
                .await
                .unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        ids("clock_state=breached").await,
        std::slice::from_ref(&late)
    );
    assert_eq!(
        ids("clock_state=running").await,
        std::slice::from_ref(&fresh)
    );
    assert_eq!(
        ids("due_within_days=7").await,
        std::slice::from_ref(&fresh),
        "running and due in the coming days"
    );
    assert!(ids("clock_state=met").await.is_empty());
    let (case, _) = app.read(&w.council, "coordinator", &late).await;
    assert_eq!(case["clocks"][0]["state"], "breached");
    assert!(
        case["clocks"][0]["working_days_remaining"]
            .as_i64()
            .unwrap()
            <= 0
    );
    // The referrer's queue holds the same case, the other referrer's holds nothing.
    let page: Value = app
        .get_as(
            &w.housing,
            &["referrer"],
            "/api/v1/cases?clock_state=breached",
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(page["items"].as_array().unwrap().is_empty());
    let p = problem(
        app.get_as(
            &w.council,
            &["coordinator"],
            "/api/v1/cases?due_within_days=0",
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(p["errors"][0]["parameter"], "due_within_days");
}

#[tokio::test]
async fn the_measures_catalogue_is_shipped_and_each_scheme_can_price_its_own() {
    let app = TestApp::spawn().await;
    let w = &app.world;
    let shipped: Value = app
        .get_as(&w.harbour, &["referrer"], "/api/v1/measures")
        .await
        .json()
        .await
        .unwrap();
    let shipped = shipped.as_array().unwrap();
    assert_eq!(shipped.len(), 29);
    let safe_room = shipped.iter().find(|m| m["code"] == "safe_room").unwrap();
    assert_eq!(safe_room["report_row"], "safe_room");
    assert_eq!(safe_room["requires_fire_check"], true);
    let put = |org: &Org, role: &str, scheme: &str, code: &str, body: Value| {
        app.client
            .put(app.url(&format!("/api/v1/schemes/{scheme}/measures/{code}")))
            .bearer_auth(app.token(org, &[role]))
            .json(&body)
            .send()
    };
    let deadlock = json!({"name": "Deadlock (British Standard)", "report_row": "deadlock", "unit_cost_pence": 9900, "requires_fire_check": false});
    let response = put(
        &w.council,
        "coordinator",
        "darlington",
        "deadlock",
        deadlock.clone(),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let gate = json!({"name": "Side gate lock", "report_row": "other", "unit_cost_pence": 4500, "requires_fire_check": false});
    put(
        &w.council,
        "coordinator",
        "darlington",
        "side_gate_lock",
        gate,
    )
    .await
    .unwrap()
    .error_for_status()
    .unwrap();
    let ours: Value = app
        .get_as(
            &w.assessor,
            &["assessor"],
            "/api/v1/measures?scheme=darlington",
        )
        .await
        .json()
        .await
        .unwrap();
    let ours = ours.as_array().unwrap();
    assert_eq!(ours.len(), 30);
    assert_eq!(
        ours.iter().find(|m| m["code"] == "deadlock").unwrap()["unit_cost_pence"],
        9900
    );
    let theirs: Value = app
        .get_as(
            &w.tees_council,
            &["coordinator"],
            "/api/v1/measures?scheme=teesside",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        theirs.as_array().unwrap().len(),
        29,
        "other schemes keep the shipped prices"
    );
    problem(
        put(
            &w.harbour,
            "referrer",
            "darlington",
            "deadlock",
            deadlock.clone(),
        )
        .await
        .unwrap(),
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        put(
            &w.tees_council,
            "coordinator",
            "darlington",
            "deadlock",
            deadlock.clone(),
        )
        .await
        .unwrap(),
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        app.get_as(
            &w.stranger,
            &["referrer"],
            "/api/v1/measures?scheme=darlington",
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    problem(
        put(
            &w.council,
            "coordinator",
            "darlington",
            "Bad-Code",
            deadlock,
        )
        .await
        .unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    // An assessment prices the scheme's measures at the scheme's price.
    let mut body = fixtures::minimal();
    set(
        &mut body,
        "/safety/perpetrator_lives_at_property",
        json!(false),
    );
    set(&mut body, "/household/client_wishes_to_remain", json!(true));
    let id = app.refer_ok(&w.harbour, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act_ok(&w.council, "coordinator", &id, "accept", None)
        .await;
    app.act_ok(
        &w.council,
        "coordinator",
        &id,
        "assign-assessor",
        Some(json!({"organisation_id": w.assessor.id})),
    )
    .await;
    let assessment = json!({"visit_date": today(), "recommended_measures": [
        {"measure_code": "deadlock", "quantity": 2}, {"measure_code": "side_gate_lock", "quantity": 1},
    ]});
    let (case, _) = app
        .act_ok(
            &w.assessor,
            "assessor",
            &id,
            "record-assessment",
            Some(assessment),
        )
        .await;
    let costs: Vec<i64> = case["works"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["estimated_cost_pence"].as_i64().unwrap())
        .collect();
    assert_eq!(costs, [19_800, 4_500]);
}
