//! Throttling of failed sign-ins per (account name, address), with increasing delays.
//!
//! It replaces a hard lock of the account after five failures, which had two faults: anyone
//! could lock an administrator out with five requests from anywhere, and the "account locked"
//! answer told which names exist. Now the failures count per name *as typed* and per address, so
//!
//! * an unknown name is throttled exactly like a real one (nothing to learn from the answers);
//! * an attacker's failures from one address never delay the right password from another;
//! * from the attacker's own address each further failure doubles the wait (2 s, 4 s, 8 s, … up
//!   to 15 minutes), which makes guessing hopeless without blocking anyone for good.
//!
//! The per-address quota over all names (`governor`, 20 a minute) still bounds how many names one
//! address can try. State is in memory: a restart forgets it, which only ever helps the owner.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures in a row (per name and address) that are free of any delay.
pub const FREE_FAILURES: u32 = 5;
/// The longest wait between two attempts.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// A record untouched for this long is forgotten (the count starts again).
const FORGET_AFTER: Duration = Duration::from_secs(24 * 3600);
/// Past this many records, forgotten ones are swept on the next failure.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// When the next attempt is allowed.
    fn next_allowed(&self) -> Instant {
        if self.count < FREE_FAILURES {
            return self.last;
        }
        let doublings = (self.count - FREE_FAILURES + 1).min(20);
        let delay = Duration::from_secs(1u64 << doublings).min(MAX_DELAY);
        self.last + delay
    }
}

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<(String, IpAddr), Failures>>,
}

fn key(name: &str, ip: Option<IpAddr>) -> (String, IpAddr) {
    (
        name.trim().to_lowercase(),
        ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
    )
}

impl LoginThrottle {
    /// `Err(wait)` while this name may not be tried again from this address.
    pub fn check(&self, name: &str, ip: Option<IpAddr>) -> Result<(), Duration> {
        let map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&key(name, ip)) {
            Some(f) => {
                let at = f.next_allowed();
                let now = Instant::now();
                if at > now {
                    Err(at - now)
                } else {
                    Ok(())
                }
            }
            None => Ok(()),
        }
    }

    pub fn failed(&self, name: &str, ip: Option<IpAddr>) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if map.len() > SWEEP_ABOVE {
            map.retain(|_, f| now.duration_since(f.last) < FORGET_AFTER);
        }
        let f = map.entry(key(name, ip)).or_insert(Failures {
            count: 0,
            last: now,
        });
        if now.duration_since(f.last) >= FORGET_AFTER {
            f.count = 0;
        }
        f.count = f.count.saturating_add(1);
        f.last = now;
    }

    pub fn succeeded(&self, name: &str, ip: Option<IpAddr>) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&key(name, ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_per_name_and_address_only() {
        let t = LoginThrottle::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            assert!(t.check("Admin", Some(a)).is_ok());
            t.failed("admin", Some(a));
        }
        let wait = t.check("admin ", Some(a)).unwrap_err();
        assert!(wait <= Duration::from_secs(2) && wait > Duration::from_secs(1));
        assert!(
            t.check("admin", Some(b)).is_ok(),
            "another address is not delayed"
        );
        assert!(
            t.check("other", Some(a)).is_ok(),
            "another name is not delayed"
        );
        for _ in 0..30 {
            t.failed("admin", Some(a));
        }
        let wait = t.check("admin", Some(a)).unwrap_err();
        assert!(wait > Duration::from_secs(60) && wait <= MAX_DELAY);
        t.succeeded("admin", Some(a));
        assert!(t.check("admin", Some(a)).is_ok());
    }
}
