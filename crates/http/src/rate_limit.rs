//! A request budget per organisation (GCRA via `governor`), so one partner system in a
//! loop cannot starve the others. Kept per instance, in memory: it protects capacity and
//! decides nothing about correctness, so losing it on restart is harmless.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use uuid::Uuid;

/// How many requests an organisation may make: `per_minute` sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

pub struct RateLimiter {
    limiter: Option<DefaultKeyedRateLimiter<Uuid>>,
    clock: DefaultClock,
}

impl RateLimiter {
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

    /// Takes one request from `organisation`'s budget, or says how long to wait.
    pub fn check(&self, organisation: Uuid) -> Result<(), Duration> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        let result = limiter
            .check_key(&organisation)
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()));
        // Forget organisations whose budget is full again, so the map stays small.
        if limiter.len() > 1024 {
            limiter.retain_recent();
        }
        result
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
