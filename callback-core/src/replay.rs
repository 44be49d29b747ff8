//! The opt-in replay guard: a signed body seen recently is refused.
//!
//! Zoho's `HASH` covers the body only: no timestamp, no nonce, no path. A
//! callback captured once verifies forever, so a replayed `onInstall` sent
//! after `onUninstall` would run its handler again. The guard remembers the
//! SHA-256 of each body the router accepted for a window and refuses the
//! same body again within it. Callbacks carry no delivery id either, so a
//! genuine redelivery by Zoho of a callback already handled is refused the
//! same way: that is why the guard is off unless configured.

use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The bodies remembered unless [`ReplayGuard::capacity`] says otherwise.
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// Remembers the bodies of recently handled callbacks and refuses the same
/// body again within `window` with `409 replayed_callback`, before any
/// handler runs.
///
/// A body is claimed once it is verified and routed, before its handler
/// runs, and released again if the handler fails, panics or times out (so
/// that a retry runs it). Only verified bodies are remembered: unsigned
/// traffic cannot fill the guard. Past `capacity`, the oldest bodies are
/// forgotten first.
///
/// What it does not do: refuse a replay after the window, or across several
/// server instances (each remembers its own), or survive a restart.
///
/// ```
/// use callback_core::{ReplayGuard, Router, Secret, callbacks};
/// use std::time::Duration;
///
/// let router = Router::builder(callbacks![])
///     .secret(Secret::new("s3cr3t")?)
///     .replay_guard(ReplayGuard::new(Duration::from_secs(600)))
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ReplayGuard {
    window: Duration,
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    /// Each remembered digest and when it was claimed.
    at: HashMap<[u8; 32], Instant>,
    /// The same, oldest first, for expiry and eviction. An entry whose
    /// digest was released, or claimed again since, is skipped.
    order: VecDeque<([u8; 32], Instant)>,
}

/// A body the guard holds for one callback; given back with
/// [`ReplayGuard::release`] when the handler did not succeed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Claim {
    digest: [u8; 32],
    at: Instant,
}

impl ReplayGuard {
    /// A guard that refuses a body seen within `window`, remembering at
    /// most [`DEFAULT_REPLAY_CAPACITY`] bodies.
    pub fn new(window: Duration) -> Self {
        ReplayGuard {
            window,
            capacity: DEFAULT_REPLAY_CAPACITY,
            seen: Mutex::default(),
        }
    }

    /// Remembers at most `bodies` bodies (at least one); the oldest are
    /// forgotten first.
    pub fn capacity(mut self, bodies: usize) -> Self {
        self.capacity = bodies.max(1);
        self
    }

    /// How long a body is remembered.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Claims `body`, or `None` when it was claimed within the window.
    pub(crate) fn claim(&self, body: &[u8]) -> Option<Claim> {
        let digest: [u8; 32] = Sha256::digest(body).into();
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.expire(now, self.window);
        if seen.at.contains_key(&digest) {
            return None;
        }
        while seen.at.len() >= self.capacity {
            seen.forget_oldest();
        }
        seen.at.insert(digest, now);
        seen.order.push_back((digest, now));
        Some(Claim { digest, at: now })
    }

    /// Forgets `claim`, so that the same body is accepted again.
    pub(crate) fn release(&self, claim: Claim) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if seen.at.get(&claim.digest) == Some(&claim.at) {
            seen.at.remove(&claim.digest);
        }
    }
}

impl Seen {
    fn expire(&mut self, now: Instant, window: Duration) {
        while let Some(&(_, at)) = self.order.front() {
            if now.duration_since(at) < window {
                break;
            }
            self.forget_oldest();
        }
    }

    fn forget_oldest(&mut self) {
        if let Some((digest, at)) = self.order.pop_front()
            && self.at.get(&digest) == Some(&at)
        {
            self.at.remove(&digest);
        }
    }
}

impl fmt::Debug for ReplayGuard {
    /// The window and capacity; never a digest.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayGuard")
            .field("window", &self.window)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_refused_again_until_released() {
        let guard = ReplayGuard::new(Duration::from_secs(60));
        let claim = guard.claim(b"one").expect("first");
        assert!(guard.claim(b"one").is_none());
        assert!(guard.claim(b"two").is_some());
        guard.release(claim);
        assert!(guard.claim(b"one").is_some());
        assert!(guard.claim(b"one").is_none());
    }

    #[test]
    fn a_body_is_accepted_again_after_the_window() {
        let guard = ReplayGuard::new(Duration::from_millis(20));
        guard.claim(b"one").expect("first");
        std::thread::sleep(Duration::from_millis(40));
        assert!(guard.claim(b"one").is_some());
    }

    #[test]
    fn past_its_capacity_the_oldest_body_is_forgotten() {
        let guard = ReplayGuard::new(Duration::from_secs(60)).capacity(2);
        for body in [&b"a"[..], b"b", b"c"] {
            guard.claim(body).expect("new");
        }
        assert!(guard.claim(b"c").is_none());
        assert!(guard.claim(b"b").is_none());
        assert!(guard.claim(b"a").is_some(), "a was the oldest");
        assert_eq!(guard.seen.lock().unwrap().at.len(), 2);
    }

    #[test]
    fn a_stale_release_does_not_forget_a_newer_claim() {
        let guard = ReplayGuard::new(Duration::from_millis(20));
        let old = guard.claim(b"one").expect("first");
        std::thread::sleep(Duration::from_millis(40));
        guard.claim(b"one").expect("after the window");
        guard.release(old);
        assert!(guard.claim(b"one").is_none());
    }
}
