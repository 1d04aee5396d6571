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
use governor::{DefaultKeyedRateLimiter, Quota};
use uuid::Uuid;

/// How many requests a key may make: `per_minute` sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// One budget per key (an organisation by default).
pub struct RateLimiter<K: Hash + Eq + Clone = Uuid> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
    clock: DefaultClock,
}

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// `None`, or a zero rate, turns limiting off.
    pub fn new(limit: Option<RateLimit>) -> Self {
        let limiter = limit.and_then(|l| {
            let per_minute = NonZeroU32::new(l.per_minute)?;
            let burst = NonZeroU32::new(l.burst.max(1))?;
            Some(DefaultKeyedRateLimiter::keyed(
                Quota::per_minute(per_minute).allow_burst(burst),
            ))
        });
        Self {
            limiter,
            clock: DefaultClock::default(),
        }
    }

    /// Takes one request from `key`'s budget, or says how long to wait.
    pub fn check(&self, key: K) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let result = limiter
            .check_key(&key)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()));
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
            limiter: RateLimiter::new(limit),
            header,
        })
    }

    /// Charges one failed request to the client's address.
    pub fn check(&self, req: &HttpRequest) -> Result<(), Duration> {
        match self.client_address(req) {
            Some(address) => self.limiter.check(address),
            None => Ok(()),
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
        let limiter = RateLimiter::new(Some(RateLimit {
            per_minute: 60,
            burst: 3,
        }));
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        for _ in 0..3 {
            assert!(limiter.check(a).is_ok());
        }
        let wait = limiter.check(a).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
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
            let limiter = RateLimiter::new(limit);
            let org = Uuid::now_v7();
            assert!((0..10_000).all(|_| limiter.check(org).is_ok()));
        }
    }
}
