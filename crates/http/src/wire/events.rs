//! The events feed on the wire (the event itself is the domain's `Event`).

use sanctuary_domain::events::Event;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

/// A page of the caller's organisation's events, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<Event>,
    /// Pass as `after` for the next page. Always present: on an empty page it is the
    /// position asked for, so a client keeps one cursor and polls (or waits) with it.
    #[schema(min_length = 1, max_length = 18, pattern = "^[0-9]{1,18}$")]
    pub next_cursor: String,
}

pub const DEFAULT_EVENT_PAGE: u64 = 50;
/// The largest page of events.
pub const MAX_EVENT_PAGE: u64 = 100;
/// The longest long poll, in seconds.
pub const MAX_WAIT_SECONDS: u64 = 30;

/// Where to read from, how much, and how long to wait for the first event.
#[derive(Debug, Clone, Default, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsQueryParams {
    /// The `next_cursor` of the previous page; omit (or `0`) to start from the oldest
    /// event still kept.
    #[param(
        min_length = 1,
        max_length = 18,
        pattern = "^[0-9]{1,18}$",
        example = "0"
    )]
    pub after: Option<String>,
    /// Events per page (default 50, at most 100).
    #[param(minimum = 1, maximum = 100)]
    #[validate(range(min = 1, max = MAX_EVENT_PAGE))]
    pub limit: Option<u64>,
    /// If no event is waiting, hold the request open up to this many seconds (at most
    /// 30) and answer as soon as one commits. Default 0: answer at once.
    #[param(minimum = 0, maximum = 30)]
    #[validate(range(max = MAX_WAIT_SECONDS))]
    pub wait: Option<u64>,
}
