//! Shared daemon state: identity, the bearer token, and (swapped on reload) the loaded config.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use netclaw_config::{EnvSnapshot, Paths};
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

/// What [`AppState::new`] needs.
#[derive(Debug)]
pub struct StateInit {
    /// The netclaw home.
    pub paths: Paths,
    /// The environment captured at start.
    pub env: EnvSnapshot,
    /// The bearer token every protected route requires.
    pub token: SecretString,
    /// The port the daemon listens on (the `Host` header must name it).
    pub port: u16,
    /// A non-loopback host name also accepted in `Host` (when `Daemon.Host` binds elsewhere).
    pub extra_host: Option<String>,
}

/// The state every handler sees; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    paths: Paths,
    env: EnvSnapshot,
    token: SecretString,
    port: u16,
    extra_host: Option<String>,
    started_at: jiff::Timestamp,
    shutdown: CancellationToken,
    next_request_id: AtomicU64,
}

impl AppState {
    /// State for a daemon (or a router under test) listening on `init.port`.
    pub fn new(init: StateInit) -> Self {
        Self {
            inner: Arc::new(Inner {
                paths: init.paths,
                env: init.env,
                token: init.token,
                port: init.port,
                extra_host: init.extra_host,
                started_at: jiff::Timestamp::now(),
                shutdown: CancellationToken::new(),
                next_request_id: AtomicU64::new(1),
            }),
        }
    }

    /// The netclaw home.
    pub fn paths(&self) -> &Paths {
        &self.inner.paths
    }
    /// The environment captured at start.
    pub fn env(&self) -> &EnvSnapshot {
        &self.inner.env
    }
    pub(crate) fn token(&self) -> &SecretString {
        &self.inner.token
    }
    pub(crate) fn port(&self) -> u16 {
        self.inner.port
    }
    pub(crate) fn extra_host(&self) -> Option<&str> {
        self.inner.extra_host.as_deref()
    }
    pub(crate) fn started_at(&self) -> jiff::Timestamp {
        self.inner.started_at
    }
    /// Cancelled when the daemon shuts down; open streams end when it fires.
    pub fn shutdown_token(&self) -> &CancellationToken {
        &self.inner.shutdown
    }
    pub(crate) fn next_request_id(&self) -> u64 {
        self.inner.next_request_id.fetch_add(1, Ordering::Relaxed)
    }
}
