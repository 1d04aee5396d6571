//! Request budgets (GCRA via `governor`): per organisation, so one partner system in a
//! loop cannot starve the others; and per client address for requests that fail to
//! authenticate, so nobody can spend an organisation's budget with a token they do not
//! hold (a revoked or forged one) and unauthenticated floods stay cheap. Kept per
//! instance, in memory: they protect capacity and decide nothing about correctness, so
//! losing them on restart is harmless.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultKeyedRateLimiter, Quota};
use uuid::Uuid;

/// How many requests a key may make: `per_minute` sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// Where a key's budget stands after a request, for the `RateLimit-Policy` and
/// `RateLimit` response headers (IETF httpapi rate-limit headers draft). The budget is
/// a GCRA bucket: up to `quota` requests at once, refilled evenly over `window`
/// seconds; `remaining` may be sent now, and it is full again in `reset` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The policy's name in the headers: `organisation` or `address`.
    pub policy: &'static str,
    pub quota: u32,
    pub window: u64,
    pub remaining: u32,
    pub reset: u64,
}

impl Budget {
    fn new(policy: &'static str, quota: &Quota, remaining: u32) -> Self {
        let burst = quota.burst_size().get();
        let refill = quota.replenish_interval();
        Self {
            policy,
            quota: burst,
            window: ceil_secs(refill * burst),
            remaining,
            reset: ceil_secs(refill * burst.saturating_sub(remaining)),
        }
    }

    /// `RateLimit-Policy: "organisation";q=120;w=12`
    pub fn policy_header(&self) -> String {
        format!("\"{}\";q={};w={}", self.policy, self.quota, self.window)
    }

    /// `RateLimit: "organisation";r=119;t=1`
    pub fn header(&self) -> String {
        format!("\"{}\";r={};t={}", self.policy, self.remaining, self.reset)
    }
}

/// Whole seconds, rounded up.
pub fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

/// A refusal: how long to wait, and the (empty) budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub wait: Duration,
    pub budget: Budget,
}

/// One budget per key (an organisation by default).
pub struct RateLimiter<K: Hash + Eq + Clone = Uuid> {
    limiter: Option<(
        Quota,
        DefaultKeyedRateLimiter<K, StateInformationMiddleware>,
    )>,
    clock: DefaultClock,
    policy: &'static str,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// `None`, or a zero rate, turns limiting off. `policy` names the budget in the
    /// response headers.
    pub fn new(limit: Option<RateLimit>, policy: &'static str) -> Self {
        let limiter = limit.and_then(|l| {
            let per_minute = NonZeroU32::new(l.per_minute)?;
            let burst = NonZeroU32::new(l.burst.max(1))?;
            let quota = Quota::per_minute(per_minute).allow_burst(burst);
            Some((
                quota,
                DefaultKeyedRateLimiter::keyed(quota)
                    .with_middleware::<StateInformationMiddleware>(),
            ))
        });
        Self {
            limiter,
            clock: DefaultClock::default(),
            policy,
        }
    }

    /// Takes one request from `key`'s budget and says what is left (`None` when
    /// limiting is off), or how long to wait.
    pub fn check(&self, key: K) -> Result<Option<Budget>, Refused> {
        let Some((quota, limiter)) = &self.limiter else {
            return Ok(None);
        };
        let result = match limiter.check_key(&key) {
            Ok(snapshot) => Ok(Some(Budget::new(
                self.policy,
                quota,
                snapshot.remaining_burst_capacity(),
            ))),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let mut budget = Budget::new(self.policy, quota, 0);
                budget.reset = budget.reset.max(ceil_secs(wait));
                Err(Refused { wait, budget })
            }
        };
        // Forget keys whose budget is full again, so the map stays small.
        if limiter.len() > 1024 {
            limiter.retain_recent();
        }
        result
    }
}

/// The budget of client addresses whose requests fail to authenticate.
pub struct AddressLimiter {
    limiter: RateLimiter<IpAddr>,
    /// The trusted reverse proxy's header naming the client, if any.
    header: Option<HeaderName>,
}

impl AddressLimiter {
    pub fn new(limit: Option<RateLimit>, header: Option<&str>) -> Result<Self, String> {
        let header = header
            .map(|h| HeaderName::try_from(h).map_err(|_| format!("`{h}` is not a header name")))
            .transpose()?;
        Ok(Self {
            limiter: RateLimiter::new(limit, "address"),
            header,
        })
    }

    /// Charges one failed request to the client's address.
    pub fn check(&self, req: &HttpRequest) -> Result<Option<Budget>, Refused> {
        match self.client_address(req) {
            Some(address) => self.limiter.check(address),
            None => Ok(None),
        }
    }

    /// The configured proxy header's last entry (the address the proxy itself saw), or
    /// the peer address. Without a configured header, forwarded headers are ignored.
    fn client_address(&self, req: &HttpRequest) -> Option<IpAddr> {
        let forwarded = self.header.as_ref().and_then(|name| {
            let value = req.headers().get(name)?.to_str().ok()?;
            value.rsplit(',').next()?.trim().parse().ok()
        });
        forwarded.or_else(|| req.peer_addr().map(|a| a.ip()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_burst_is_spent_then_refused_with_a_wait_per_organisation() {
        let limiter = RateLimiter::new(
            Some(RateLimit {
                per_minute: 60,
                burst: 3,
            }),
            "organisation",
        );
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        for left in [2, 1, 0] {
            let budget = limiter.check(a).unwrap().unwrap();
            assert_eq!(
                (budget.quota, budget.window, budget.remaining),
                (3, 3, left)
            );
            assert_eq!(
                budget.reset,
                u64::from(3 - left),
                "one second per request spent"
            );
        }
        let refused = limiter.check(a).unwrap_err();
        let wait = refused.wait;
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert_eq!(refused.budget.remaining, 0);
        assert_eq!(refused.budget.policy_header(), r#""organisation";q=3;w=3"#);
        assert_eq!(refused.budget.header(), r#""organisation";r=0;t=3"#);
        assert!(
            limiter.check(b).is_ok(),
            "another organisation has its own budget"
        );
    }

    #[test]
    fn zero_or_none_means_unlimited() {
        for limit in [
            None,
            Some(RateLimit {
                per_minute: 0,
                burst: 1,
            }),
        ] {
            let limiter = RateLimiter::new(limit, "organisation");
            let org = Uuid::now_v7();
            assert!((0..10_000).all(|_| limiter.check(org) == Ok(None)));
        }
    }
}
