//! The rules for sending events to partners' webhooks: where the service may connect,
//! how often it retries, when it gives up on an event and when on an endpoint.
//!
//! Delivery follows Standard Webhooks (<https://www.standardwebhooks.com/>): at least
//! once, signed, with the event id for de-duplication.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use time::Duration;

vocabulary! {
    /// Where a delivery stands.
    pub enum DeliveryStatus {
        /// Not yet delivered; attempted (again) at `next_attempt_at`.
        Pending = "pending",
        /// The endpoint answered 2xx.
        Delivered = "delivered",
        /// Retried for 72 hours without success; retry it by hand if still wanted.
        Failed = "failed",
    }
}

vocabulary! {
    /// Why an endpoint is disabled.
    pub enum DisabledReason {
        /// Its organisation turned it off.
        DisabledByOwner = "disabled_by_owner",
        /// Every attempt failed for five days.
        FailingFor5Days = "failing_for_5_days",
    }
}

/// How long an event is retried before it is given up (Standard Webhooks suggests days).
pub const GIVE_UP_AFTER: Duration = Duration::hours(72);

/// An endpoint that has failed every attempt for this long is disabled and its
/// organisation told.
pub const DISABLE_AFTER: Duration = Duration::days(5);

/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::hours(1);

/// How long a rotated-out signing secret still signs beside the new one.
pub const ROTATION_GRACE: Duration = Duration::hours(24);

/// The wait before attempt `attempts + 1`, after `attempts` failures: `base` doubled per
/// failure up to [`MAX_BACKOFF`], then spread by `jitter` (0.0–1.0, random) over ±20%
/// so endpoints that failed together are not retried together.
pub fn backoff(attempts: u32, base: Duration, jitter: f64) -> Duration {
    let doubled = base * 2f64.powi(attempts.saturating_sub(1).min(30) as i32);
    let capped = if doubled > MAX_BACKOFF {
        MAX_BACKOFF
    } else {
        doubled
    };
    capped * (0.8 + 0.4 * jitter.clamp(0.0, 1.0))
}

/// Why the service will not connect to an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreachable {
    Loopback,
    Private,
    LinkLocal,
    /// Cloud metadata services, multicast, broadcast, documentation and other special
    /// ranges: nothing a partner's endpoint lives on.
    Reserved,
}

impl Unreachable {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::LinkLocal => "link-local",
            Self::Reserved => "reserved",
        }
    }
}

/// Whether a webhook may connect to `ip` (server-side request forgery: a partner must
/// not point the service at its own network). `loopback_allowed` is for demo mode and
/// tests, set explicitly.
pub fn check_address(ip: IpAddr, loopback_allowed: bool) -> Result<(), Unreachable> {
    let ip = match ip {
        // An IPv4-mapped IPv6 address is judged as the IPv4 address it maps.
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    };
    let verdict = match ip {
        IpAddr::V4(v4) => check_v4(v4),
        IpAddr::V6(v6) => check_v6(v6),
    };
    match verdict {
        Err(Unreachable::Loopback) if loopback_allowed => Ok(()),
        other => other,
    }
}

fn check_v4(ip: Ipv4Addr) -> Result<(), Unreachable> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        Err(Unreachable::Loopback)
    } else if ip.is_private() || (a == 100 && (64..128).contains(&b)) {
        // RFC 1918 and carrier-grade NAT (RFC 6598).
        Err(Unreachable::Private)
    } else if ip.is_link_local() {
        // 169.254.0.0/16, where cloud metadata services (169.254.169.254) answer.
        Err(Unreachable::LinkLocal)
    } else if ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
    {
        Err(Unreachable::Reserved)
    } else {
        Ok(())
    }
}

fn check_v6(ip: Ipv6Addr) -> Result<(), Unreachable> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        Err(Unreachable::Loopback)
    } else if first & 0xfe00 == 0xfc00 {
        // Unique local addresses (fc00::/7).
        Err(Unreachable::Private)
    } else if first & 0xffc0 == 0xfe80 {
        Err(Unreachable::LinkLocal)
    } else if ip.is_unspecified()
        || ip.is_multicast()
        // Documentation (2001:db8::/32), NAT64 (64:ff9b::/96, which could reach IPv4
        // private space) and the old site-local range.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        || first == 0x0064
        || first & 0xffc0 == 0xfec0
        // IPv4-compatible (deprecated) and other ::/8 forms.
        || first == 0
    {
        Err(Unreachable::Reserved)
    } else {
        Ok(())
    }
}

/// What is wrong with an endpoint URL's form (its host is checked when resolved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    /// Only `https://`, except `http://` to loopback where that is allowed.
    NotHttps,
    /// User names and passwords do not belong in a URL the service keeps.
    Credentials,
    /// No host, or a fragment.
    Malformed,
}

/// Whether a URL with this `scheme` and host may be registered: `https`, or `http` to
/// a loopback host when `loopback_allowed`.
pub fn check_scheme(
    scheme: &str,
    host_is_loopback: bool,
    loopback_allowed: bool,
) -> Result<(), UrlProblem> {
    match scheme {
        "https" => Ok(()),
        "http" if loopback_allowed && host_is_loopback => Ok(()),
        _ => Err(UrlProblem::NotHttps),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn partners_public_addresses_are_reachable() {
        for a in ["93.184.216.34", "2a00:1450:4009:81f::200e", "8.8.8.8"] {
            assert_eq!(check_address(ip(a), false), Ok(()), "{a}");
        }
    }

    #[test]
    fn internal_and_metadata_addresses_are_not() {
        let cases = [
            ("127.0.0.1", Unreachable::Loopback),
            ("::1", Unreachable::Loopback),
            ("::ffff:127.0.0.1", Unreachable::Loopback),
            ("10.1.2.3", Unreachable::Private),
            ("172.16.0.1", Unreachable::Private),
            ("192.168.1.1", Unreachable::Private),
            ("100.64.0.1", Unreachable::Private),
            ("fd00::1", Unreachable::Private),
            ("169.254.169.254", Unreachable::LinkLocal),
            ("::ffff:169.254.169.254", Unreachable::LinkLocal),
            ("fe80::1", Unreachable::LinkLocal),
            ("0.0.0.0", Unreachable::Reserved),
            ("::", Unreachable::Reserved),
            ("224.0.0.1", Unreachable::Reserved),
            ("255.255.255.255", Unreachable::Reserved),
            ("64:ff9b::a00:1", Unreachable::Reserved),
            ("192.0.2.1", Unreachable::Reserved),
        ];
        for (a, why) in cases {
            assert_eq!(check_address(ip(a), false), Err(why), "{a}");
        }
    }

    #[test]
    fn loopback_only_by_explicit_setting_and_never_the_rest() {
        assert_eq!(check_address(ip("127.0.0.1"), true), Ok(()));
        assert_eq!(
            check_address(ip("169.254.169.254"), true),
            Err(Unreachable::LinkLocal)
        );
        assert_eq!(
            check_address(ip("10.0.0.1"), true),
            Err(Unreachable::Private)
        );
    }

    #[test]
    fn only_https_unless_loopback_is_allowed() {
        assert_eq!(check_scheme("https", false, false), Ok(()));
        assert_eq!(check_scheme("http", true, false), Err(UrlProblem::NotHttps));
        assert_eq!(check_scheme("http", true, true), Ok(()));
        assert_eq!(check_scheme("http", false, true), Err(UrlProblem::NotHttps));
        assert_eq!(check_scheme("ftp", true, true), Err(UrlProblem::NotHttps));
    }

    #[test]
    fn backoff_doubles_to_an_hour_with_a_fifth_either_way() {
        let base = Duration::seconds(10);
        assert_eq!(backoff(1, base, 0.5), Duration::seconds(10));
        assert_eq!(backoff(2, base, 0.5), Duration::seconds(20));
        assert_eq!(backoff(4, base, 0.5), Duration::seconds(80));
        assert_eq!(backoff(40, base, 0.5), MAX_BACKOFF);
        assert_eq!(backoff(1, base, 0.0), Duration::seconds(8));
        assert_eq!(backoff(1, base, 1.0), Duration::seconds(12));
    }
}
