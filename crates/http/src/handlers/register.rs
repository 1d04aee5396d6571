//! The emergency-services register: what a fire or police control room keeps on its
//! call-out system, and the coordinator keeps whole.

use actix_web::get;
use actix_web::web::{Data, Json};
use sanctuary_app::register::{self, Reading};
use sanctuary_persistence::register::RegisterItem;

use super::cases::{Cursor, EARLIEST, decode_cursor, encode_cursor};
use crate::auth::Caller;
use crate::errors::ApiError;
use crate::extract::ValidQuery;
use crate::state::AppState;
use crate::wire::referral::AddressSection;
use crate::wire::register::{
    DEFAULT_REGISTER_PAGE, RegisterHomeView, RegisterItemView, RegisterPage, RegisterQueryParams,
    SafeRoomView,
};

/// Read the emergency-services register.
///
/// The homes a scheme asks its emergency services to flag on their call-out systems,
/// so that a call from the client is prioritised. The scheme's fire service reads the
/// fire service's entries, its police (control room or safeguarding hub) the police's,
/// the coordinator both. Each entry says when it was added and on what basis (consent
/// to share, or a safeguarding decision), when it is reviewed next, and when and why it
/// was removed; while it stands, what a call needs of the home: the address, the safe
/// room and where it is, an arson risk, the number of children, whether the client may
/// need help to leave, whether an interpreter is needed — no names, no risk answers, no
/// free text. The scheme's 24-hour contact heads the page. Oldest change first: keep in
/// step with `changed_since` and `next_cursor`, or subscribe to the `register.*`
/// events. Every home shown is audited.
#[utoipa::path(
    tag = "register",
    params(RegisterQueryParams),
    responses(
        (status = 200, description = "A page of the register.", body = RegisterPage),
        (status = 403, description = "Not the scheme's coordinator, fire service or police.", body = crate::errors::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such scheme.", body = crate::errors::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])),
)]
#[get("/register")]
pub async fn list_register(
    state: Data<AppState>,
    caller: Caller,
    query: ValidQuery<RegisterQueryParams>,
) -> Result<Json<RegisterPage>, ApiError> {
    let q = query.0;
    let limit = q.limit.unwrap_or(DEFAULT_REGISTER_PAGE);
    let after = q
        .cursor
        .as_deref()
        .map(decode_cursor)
        .transpose()?
        .map(|c| (c.updated_at.unwrap_or(EARLIEST), c.id));
    let reading = Reading {
        scheme: q.scheme,
        status: q.status,
        changed_since: q.changed_since,
        after,
        // One extra row tells whether another page follows.
        limit: u64::from(limit) + 1,
    };
    let mut page = register::read(&state.app, &caller, &reading).await?;
    let next_cursor = if page.items.len() > limit as usize {
        page.items.truncate(limit as usize);
        page.items.last().map(|last| {
            encode_cursor(Cursor {
                id: last.entry.id,
                updated_at: Some(last.entry.updated_at),
            })
        })
    } else {
        None
    };
    Ok(Json(RegisterPage {
        scheme: page.scheme,
        services: page.services,
        contact_24h: page.contact_24h,
        items: page.items.iter().map(item).collect(),
        next_cursor,
    }))
}

fn item(i: &RegisterItem) -> RegisterItemView {
    let e = &i.entry;
    RegisterItemView {
        id: e.id,
        case_id: e.case_id,
        reference: i.reference.clone(),
        service: e.service,
        status: e.presence(),
        basis: e.basis,
        added_at: e.added_at,
        review_due: e.review_due,
        last_reviewed_at: e.last_reviewed_at,
        removed_at: e.removed_at,
        removal_reason: e.removal_reason,
        updated_at: e.updated_at,
        home: i.reading.as_ref().map(|r| RegisterHomeView {
            address: AddressSection::from(&r.address),
            safe_room: r.safe_room.as_ref().map(|room| SafeRoomView {
                status: room.status,
                location: room.location.clone(),
            }),
            removed_measures: r.removed_measures.clone(),
            arson_risk: r.arson_risk,
            children: r.children,
            needs_help_to_leave: r.needs_help_to_leave,
            interpreter_needed: r.interpreter_needed,
        }),
    }
}
