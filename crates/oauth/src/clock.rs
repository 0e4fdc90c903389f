//! Time for polling loops: the current instant and sleeping, injectable so tests never wait.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

/// A boxed sleep future.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Wall-clock time and sleeping, as the device flows need them.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time (token expiries and flow deadlines are computed from it).
    fn now(&self) -> Timestamp;
    /// Waits `duration`.
    fn sleep(&self, duration: Duration) -> Sleep<'_>;
}

/// The real clock: `Timestamp::now()` and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// A clock for tests: `sleep` returns at once, advances `now` by the duration and records it,
/// so a test can assert the spacing a flow asked for without waiting.
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    now: Timestamp,
    sleeps: Vec<Duration>,
}

impl ManualClock {
    /// A clock standing at `now`.
    #[must_use]
    pub fn new(now: Timestamp) -> Self {
        Self {
            inner: Arc::new(Mutex::new(ManualState {
                now,
                sleeps: Vec::new(),
            })),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.now = add(state.now, by);
    }

    /// Every sleep requested so far, in order.
    #[must_use]
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        self.lock().now
    }

    fn sleep(&self, duration: Duration) -> Sleep<'_> {
        {
            let mut state = self.lock();
            state.sleeps.push(duration);
            state.now = add(state.now, duration);
        }
        Box::pin(tokio::task::yield_now())
    }
}

pub(crate) fn add(t: Timestamp, d: Duration) -> Timestamp {
    SignedDuration::try_from(d)
        .ok()
        .and_then(|d| t.checked_add(d).ok())
        .unwrap_or(Timestamp::MAX)
}
