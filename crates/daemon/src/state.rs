//! Shared daemon state: identity, the bearer token, the loaded config (swapped whole on reload),
//! the credentials manager, probe results and OAuth flows.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use netclaw_config::{ConfigStore, EnvSnapshot, Paths};
use netclaw_oauth::{Clock, SystemClock};
use netclaw_providers::chat::HttpSettings;
use netclaw_providers::credentials::{ConfigTokenStore, CredentialManager};
use netclaw_providers::descriptor::ProviderRegistry;
use netclaw_providers::probe::ProbeReport;
use netclaw_providers::resilience::Resilience;
use secrecy::SecretString;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::oauth_flows::Flows;
use crate::runtime::Runtime;

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

/// The last probe of a provider.
#[derive(Debug, Clone)]
pub(crate) struct ProbeRecord {
    pub(crate) report: ProbeReport,
    pub(crate) at: jiff::Timestamp,
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
    http: reqwest::Client,
    registry: ProviderRegistry,
    credentials: Arc<CredentialManager>,
    runtime: RwLock<Arc<Runtime>>,
    config_error: RwLock<Option<String>>,
    reloads: watch::Sender<u64>,
    refresh_ticks: watch::Sender<u64>,
    reload_lock: tokio::sync::Mutex<()>,
    probes: Mutex<HashMap<String, ProbeRecord>>,
    flows: Flows,
    callback_ports: Option<Vec<u16>>,
    chat_http: Option<HttpSettings>,
    resilience: Resilience,
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
        let token_store = Arc::new(ConfigTokenStore::new(store.clone(), init.env.clone()));
        let credentials = Arc::new(CredentialManager::new(
            token_store,
            http.clone(),
            init.clock.clone(),
            init.env.clone(),
        ));
        let (runtime, error) = match Runtime::load(&store, &init.env, init.clock.now()) {
            Ok(runtime) => (
                runtime.with_http(init.chat_http.clone(), http.clone()),
                None,
            ),
            Err(error) => {
                tracing::error!(%error, "cannot load the configuration; starting with none");
                let empty = Runtime::empty(init.clock.now());
                (
                    empty.with_http(init.chat_http.clone(), http.clone()),
                    Some(error),
                )
            }
        };
        let resilience =
            Resilience::persistent(init.paths.cooldowns_file(), Arc::clone(&init.clock));
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
                http,
                registry: ProviderRegistry::builtin(),
                credentials,
                runtime: RwLock::new(Arc::new(runtime)),
                config_error: RwLock::new(error),
                reloads: watch::channel(0).0,
                refresh_ticks: watch::channel(0).0,
                reload_lock: tokio::sync::Mutex::new(()),
                probes: Mutex::new(HashMap::new()),
                flows: Flows::default(),
                callback_ports: init.callback_ports,
                chat_http: init.chat_http,
                resilience,
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
        &self.inner.http
    }
    pub(crate) fn registry(&self) -> &ProviderRegistry {
        &self.inner.registry
    }
    /// The credentials manager: valid bearers per provider, refreshed single-flight.
    pub fn credentials(&self) -> &Arc<CredentialManager> {
        &self.inner.credentials
    }
    pub(crate) fn flows(&self) -> &Flows {
        &self.inner.flows
    }
    pub(crate) fn callback_ports(&self) -> Option<&[u16]> {
        self.inner.callback_ports.as_deref()
    }
    /// Cooldowns and usage marks of the providers, shared by every chat.
    pub(crate) fn resilience(&self) -> &Resilience {
        &self.inner.resilience
    }

    /// The configuration in use.
    pub(crate) fn runtime(&self) -> Arc<Runtime> {
        Arc::clone(&read(&self.inner.runtime))
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
        let now = self.inner.clock.now();
        let loaded = tokio::task::spawn_blocking(move || Runtime::load(&store, &env, now))
            .await
            .map_err(|e| format!("the config loader stopped: {e}"))
            .and_then(|r| r);
        let result = match loaded {
            Ok(runtime) => {
                let runtime =
                    runtime.with_http(self.inner.chat_http.clone(), self.inner.http.clone());
                let providers = runtime.provider_names().len();
                *write(&self.inner.runtime) = Arc::new(runtime);
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

    pub(crate) fn record_probe(&self, provider: &str, report: ProbeReport) {
        let record = ProbeRecord {
            report,
            at: self.inner.clock.now(),
        };
        self.inner
            .probes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(provider.to_ascii_lowercase(), record);
    }

    pub(crate) fn last_probe(&self, provider: &str) -> Option<ProbeRecord> {
        self.inner
            .probes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&provider.to_ascii_lowercase())
            .cloned()
    }
}
