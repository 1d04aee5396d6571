//! CORS for browser front ends on other origins: only the configured origins, only the
//! API's methods and request headers, and the response headers a client needs exposed.
//! Requests from any other origin are served as usual but get no CORS headers, so a
//! browser will not let that page read the answer.

use actix_cors::Cors;
use actix_web::http::{Method, header};

/// Who may call from a browser, from `[cors]` in the configuration.
#[derive(Debug, Clone, Default)]
pub struct CorsPolicy {
    pub allowed_origins: Vec<String>,
    pub max_age_seconds: u32,
}

/// Request headers the API reads.
pub const ALLOWED_HEADERS: [&str; 5] = [
    "authorization",
    "content-type",
    "accept",
    "if-match",
    "idempotency-key",
];

/// Response headers a browser client may read besides the CORS-safelisted ones.
pub const EXPOSED_HEADERS: [&str; 7] = [
    "etag",
    "location",
    "ratelimit",
    "ratelimit-policy",
    "retry-after",
    "www-authenticate",
    "x-request-id",
];

impl CorsPolicy {
    /// The middleware (validated origins only: see [`is_origin`]).
    pub fn middleware(&self) -> Cors {
        let mut cors = Cors::default()
            .allowed_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allowed_headers(ALLOWED_HEADERS.map(header::HeaderName::from_static))
            .expose_headers(EXPOSED_HEADERS.map(header::HeaderName::from_static))
            .max_age(Some(self.max_age_seconds as usize))
            // Other origins: no CORS headers rather than an error, so curl and server
            // clients that happen to send `Origin` still work.
            .block_on_origin_mismatch(false);
        for origin in self.allowed_origins.iter().filter(|o| is_origin(o)) {
            cors = cors.allowed_origin(origin);
        }
        cors
    }
}

/// `scheme://host[:port]` with scheme http or https, a lower-case host and no path:
/// the exact form browsers send in `Origin`.
pub fn is_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::is_origin;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        for ok in [
            "https://cases.darlington.gov.uk",
            "http://localhost:5173",
            "https://10.0.0.4:8443",
        ] {
            assert!(is_origin(ok), "{ok}");
        }
        for bad in [
            "*",
            "null",
            "https://cases.example/",
            "https://cases.example/app",
            "ftp://cases.example",
            "https://Cases.Example",
            "https://",
            "https://cases.example:",
            "https://cases.example:99999",
            "cases.example",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
    }
}
