//! Shared daemon state: identity, the bearer token, the providers runtime (swapped whole on
//! reload, over services that outlive it) and OAuth flows.

use netclaw_config::Hint;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use netclaw_config::{ConfigStore, EnvSnapshot, FilesStamp, Paths};
use netclaw_oauth::{Clock, SystemClock};
use netclaw_providers::chat::HttpSettings;
use netclaw_providers::credentials::CredentialManager;
use netclaw_providers::descriptor::ProviderRegistry;
use netclaw_providers::resilience::Resilience;
use netclaw_providers::runtime::{ProbeBook, Runtime, Services};
use secrecy::SecretString;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::gateway_keys::KeyBook;
use crate::oauth_flows::Flows;

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
    /// The clock for token expiry and refresh scheduling (tests inject a manual one).
    pub clock: Arc<dyn Clock>,
    /// Ports the OAuth loopback listener tries; `None` uses the provider's (1455, then 1457).
    pub callback_ports: Option<Vec<u16>>,
    /// Timeouts and retries of the chat clients; `None` uses the defaults (tests shorten them).
    pub chat_http: Option<HttpSettings>,
}

impl StateInit {
    /// Defaults: no extra host, the system clock, the providers' callback ports.
    pub fn new(paths: Paths, env: EnvSnapshot, token: SecretString, port: u16) -> Self {
        Self {
            paths,
            env,
            token,
            port,
            extra_host: None,
            clock: Arc::new(SystemClock),
            callback_ports: None,
            chat_http: None,
        }
    }
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
    store: ConfigStore,
    token: SecretString,
    port: u16,
    extra_host: Option<String>,
    started_at: jiff::Timestamp,
    shutdown: CancellationToken,
    next_request_id: AtomicU64,
    clock: Arc<dyn Clock>,
    services: Arc<Services>,
    runtime: RwLock<Arc<Runtime>>,
    /// The files' stamp taken just before the runtime in use was read.
    loaded_stamp: Mutex<FilesStamp>,
    config_error: RwLock<Option<String>>,
    reloads: watch::Sender<u64>,
    refresh_ticks: watch::Sender<u64>,
    reload_lock: tokio::sync::Mutex<()>,
    flows: Flows,
    callback_ports: Option<Vec<u16>>,
    gateway_keys: KeyBook,
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// State for a daemon (or a router under test) listening on `init.port`. Loads the config
    /// once; when it cannot be loaded the daemon still starts, with no providers, and reports the
    /// error on `/api/health`.
    pub fn new(init: StateInit) -> Self {
        let state = Self::without_keys(init);
        state.inner.gateway_keys.refresh(&state.inner.paths);
        state
    }

    fn without_keys(init: StateInit) -> Self {
        let store = ConfigStore::new(init.paths.clone(), &init.env);
        // One HTTP client for everything the daemon sends (tokens, probes, chat): building a
        // client loads the system's TLS roots, so a second one would cost its memory again.
        let connect_timeout = init.chat_http.as_ref().map_or_else(
            || HttpSettings::default().connect_timeout,
            |h| h.connect_timeout,
        );
        let http = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .build()
            .unwrap_or_default();
        let mut config_error = None;
        let services = Arc::new(
            Services::for_home(&store, &init.env, http, Arc::clone(&init.clock))
                .with_chat_http(init.chat_http),
        );
        let loaded_stamp = store.stamp();
        let runtime = match load(&store, &init.env) {
            Ok(config) => Runtime::new(Arc::clone(&services), config, init.clock.now()),
            Err(error) => {
                tracing::error!(%error, "cannot load the configuration; starting with none");
                config_error = Some(error);
                Runtime::empty(Arc::clone(&services), init.clock.now())
            }
        };
        Self {
            inner: Arc::new(Inner {
                paths: init.paths,
                env: init.env,
                store,
                token: init.token,
                port: init.port,
                extra_host: init.extra_host,
                started_at: jiff::Timestamp::now(),
                shutdown: CancellationToken::new(),
                next_request_id: AtomicU64::new(1),
                clock: init.clock,
                services,
                runtime: RwLock::new(Arc::new(runtime)),
                loaded_stamp: Mutex::new(loaded_stamp),
                config_error: RwLock::new(config_error),
                reloads: watch::channel(0).0,
                refresh_ticks: watch::channel(0).0,
                reload_lock: tokio::sync::Mutex::new(()),
                flows: Flows::default(),
                callback_ports: init.callback_ports,
                gateway_keys: KeyBook::default(),
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
    pub(crate) fn store(&self) -> &ConfigStore {
        &self.inner.store
    }
    /// How many times the daemon has read its config files: at start, on each reload and to
    /// refresh a token, never to serve a request.
    pub fn config_reads(&self) -> u64 {
        self.inner.store.reads()
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
    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.services.http
    }
    pub(crate) fn registry(&self) -> &ProviderRegistry {
        &self.inner.services.registry
    }
    /// The credentials manager: valid bearers per provider, refreshed single-flight.
    pub fn credentials(&self) -> &Arc<CredentialManager> {
        &self.inner.services.credentials
    }
    /// The last probe of each provider.
    pub(crate) fn probes(&self) -> &ProbeBook {
        &self.inner.services.probes
    }
    pub(crate) fn flows(&self) -> &Flows {
        &self.inner.flows
    }
    /// The gateway keys in force.
    pub(crate) fn gateway_keys(&self) -> &KeyBook {
        &self.inner.gateway_keys
    }
    pub(crate) fn callback_ports(&self) -> Option<&[u16]> {
        self.inner.callback_ports.as_deref()
    }
    /// Cooldowns and usage marks of the providers, shared by every chat.
    pub(crate) fn resilience(&self) -> &Resilience {
        &self.inner.services.resilience
    }

    /// The providers as configured now.
    pub(crate) fn runtime(&self) -> Arc<Runtime> {
        Arc::clone(&read(&self.inner.runtime))
    }

    /// The files' stamp the runtime in use was read at.
    pub(crate) fn loaded_stamp(&self) -> FilesStamp {
        *self
            .inner
            .loaded_stamp
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Why the latest files on disk were rejected, when they were.
    pub(crate) fn config_error(&self) -> Option<String> {
        read(&self.inner.config_error).clone()
    }

    /// Counts reloads attempted (successful or not); tests wait on it.
    pub fn reloads(&self) -> watch::Receiver<u64> {
        self.inner.reloads.subscribe()
    }

    /// Counts completed passes of the background refresher; tests wait on it.
    pub fn refresh_ticks(&self) -> watch::Receiver<u64> {
        self.inner.refresh_ticks.subscribe()
    }

    pub(crate) fn note_refresh_tick(&self) {
        self.inner.refresh_ticks.send_modify(|n| *n += 1);
    }

    /// Loads the files again. A broken edit keeps the running configuration and records the
    /// error (shown on `/api/health` and logged); returns it too.
    pub(crate) async fn reload(&self, why: &str) -> Result<(), String> {
        let _one_at_a_time = self.inner.reload_lock.lock().await;
        let store = self.inner.store.clone();
        let env = self.inner.env.clone();
        let loaded = tokio::task::spawn_blocking(move || {
            let stamp = store.stamp();
            load(&store, &env).map(|config| (config, stamp))
        })
        .await
        .map_err(|e| format!("the config loader stopped: {e}"))
        .and_then(|r| r);
        let result = match loaded {
            Ok((config, stamp)) => {
                let providers = config.settings.providers.len();
                let runtime = Runtime::new(
                    Arc::clone(&self.inner.services),
                    config,
                    self.inner.clock.now(),
                );
                *write(&self.inner.runtime) = Arc::new(runtime);
                *self
                    .inner
                    .loaded_stamp
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = stamp;
                *write(&self.inner.config_error) = None;
                tracing::info!(why, providers, "configuration reloaded");
                Ok(())
            }
            Err(error) => {
                tracing::error!(why, %error, "the configuration on disk is invalid; keeping the previous one");
                *write(&self.inner.config_error) = Some(error.clone());
                Err(error)
            }
        };
        self.inner.reloads.send_modify(|n| *n += 1);
        result
    }
}

/// Loads both files layered with `env`; the error as the daemon reports it.
fn load(store: &ConfigStore, env: &EnvSnapshot) -> Result<netclaw_config::Config, String> {
    let config = store.load(env).map_err(|e| match e.hint() {
        Some(hint) => format!("{e} (hint: {hint})"),
        None => e.to_string(),
    })?;
    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
    Ok(config)
}
