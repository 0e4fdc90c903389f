//! [`Services`]: what a runtime needs that outlives one loaded configuration.

use std::sync::Arc;

use netclaw_config::{ConfigStore, EnvSnapshot, Paths};
use netclaw_oauth::Clock;

use crate::chat::HttpSettings;
use crate::credentials::{ConfigTokenStore, CredentialManager};
use crate::descriptor::ProviderRegistry;
use crate::probe::ProbeOptions;
use crate::resilience::Resilience;

use super::{ObservedWindows, ProbeBook, UsageReads};

/// The provider types, credentials, cooldowns, probes and HTTP client of one process.
#[derive(Debug)]
pub struct Services {
    /// The provider types.
    pub registry: ProviderRegistry,
    /// Valid bearers per provider, refreshed single-flight.
    pub credentials: Arc<CredentialManager>,
    /// Cooldowns and usage marks, shared by every chat.
    pub resilience: Resilience,
    /// The last probe of each provider.
    pub probes: ProbeBook,
    /// Context windows providers stated when they refused a request.
    pub observed: ObservedWindows,
    /// The last usage read of each provider without a turn.
    pub usage_reads: UsageReads,
    /// The one HTTP client for chats, refreshes and probes (one pool, one set of TLS roots).
    pub http: reqwest::Client,
    /// Timeouts and retries of the chat clients; `None` uses the defaults.
    pub chat_http: Option<HttpSettings>,
    /// The clock for expiry, cooldowns and probe times.
    pub clock: Arc<dyn Clock>,
}

impl Services {
    /// The services of the home behind `store`: credentials read and refreshed through it,
    /// cooldowns in `state/cooldowns.json`, probes in `state/probes.json`, observed context
    /// windows in `state/observed-windows.json`.
    pub fn for_home(
        store: &ConfigStore,
        env: &EnvSnapshot,
        http: reqwest::Client,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let paths: &Paths = store.paths();
        let token_store = Arc::new(ConfigTokenStore::new(store.clone(), env.clone()));
        let credentials = Arc::new(CredentialManager::new(
            token_store,
            http.clone(),
            Arc::clone(&clock),
            env.clone(),
        ));
        Self {
            registry: ProviderRegistry::builtin(),
            credentials,
            resilience: Resilience::persistent(paths.cooldowns_file(), Arc::clone(&clock)),
            probes: ProbeBook::persistent(paths),
            observed: ObservedWindows::persistent(paths),
            usage_reads: UsageReads::default(),
            http,
            chat_http: None,
            clock,
        }
    }

    /// The same with chat clients using `http` (timeouts, retries) instead of the defaults.
    #[must_use]
    pub fn with_chat_http(mut self, http: Option<HttpSettings>) -> Self {
        self.chat_http = http;
        self
    }

    /// The options of a probe started now.
    pub fn probe_options(&self) -> ProbeOptions {
        ProbeOptions::at(self.clock.now())
    }
}
