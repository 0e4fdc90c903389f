//! Providers as configured: the one place that turns a loaded configuration into chat clients,
//! fallback plans, probes and model listings, used alike by the daemon and by the CLI when no
//! daemon runs.
//!
//! [`Services`] are what outlives a configuration (the credentials manager with the
//! credentials it holds in memory, cooldowns, the probe book, the HTTP client); a [`Runtime`]
//! is one loaded [`Config`] over them, replaced whole when the files change. Nothing here reads
//! a file on a request path: credentials come from memory, and the files are read again only
//! to refresh a token (under the lock) or when the owner loads a new configuration.

mod configured;
mod listing;
mod observed;
mod plan;
mod probe;
mod probes;
mod resolve;
mod services;
mod state_map;
mod usage;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use jiff::Timestamp;
use netclaw_config::{Config, ProviderAccount, Settings};

use crate::chat::{ChatClient, ChatRequest, ClientConfig, client_for};
use crate::descriptor::AuthMethod;
use crate::resilience::{Plan, Refusal, Served};

pub use configured::{ConfiguredProvider, UnusableProvider};
pub use listing::ModelListing;
pub use observed::{ObservedWindow, ObservedWindows};
pub use probes::{ProbeBook, ProbeRecord};
pub use resolve::ResolveError;
pub use services::Services;
pub use usage::{USAGE_FRESH_FOR, UsageReads};

/// One loaded configuration over the [`Services`], with the chat clients built from it.
#[derive(Debug)]
pub struct Runtime {
    services: Arc<Services>,
    config: Config,
    loaded_at: Timestamp,
    /// Chat clients by account key (`provider`, or `provider/account`), built on first use.
    clients: Mutex<HashMap<String, Arc<dyn ChatClient>>>,
}

impl Runtime {
    /// `config` over `services`; from now on the credentials manager serves `config`'s
    /// credentials from memory.
    pub fn new(services: Arc<Services>, config: Config, loaded_at: Timestamp) -> Self {
        services.credentials.hold(&config);
        Self {
            services,
            config,
            loaded_at,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// No providers (the files could not be read).
    pub fn empty(services: Arc<Services>, loaded_at: Timestamp) -> Self {
        let config = Config {
            settings: Settings::default(),
            credentials: std::collections::BTreeMap::new(),
            warnings: Vec::new(),
        };
        Self::new(services, config, loaded_at)
    }

    /// What outlives this configuration.
    pub fn services(&self) -> &Arc<Services> {
        &self.services
    }

    /// The loaded configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Its settings.
    pub fn settings(&self) -> &Settings {
        &self.config.settings
    }

    /// When it was loaded.
    pub fn loaded_at(&self) -> Timestamp {
        self.loaded_at
    }

    /// The configured providers' stored names.
    pub fn provider_names(&self) -> Vec<String> {
        self.config.settings.providers.keys().cloned().collect()
    }

    /// Provider `name` (case ignored), resolved.
    pub fn provider(&self, name: &str) -> Option<ConfiguredProvider<'_>> {
        ConfiguredProvider::find(&self.config, &self.services.registry, name)
    }

    /// Every configured provider, resolved, in name order.
    pub fn providers(&self) -> impl Iterator<Item = ConfiguredProvider<'_>> {
        self.config
            .settings
            .providers
            .keys()
            .filter_map(|name| self.provider(name))
    }

    /// The chat client of provider `name`'s first account, built on first use.
    pub fn client(&self, name: &str) -> Result<Arc<dyn ChatClient>, UnusableProvider> {
        let provider = self
            .provider(name)
            .ok_or_else(|| UnusableProvider::Unknown(name.to_owned()))?;
        self.account_client(&provider.first_account())
    }

    /// The chat client of one account, built on first use: each account's client sends its
    /// own credential.
    pub fn account_client(
        &self,
        account: &ProviderAccount,
    ) -> Result<Arc<dyn ChatClient>, UnusableProvider> {
        let provider = self
            .provider(&account.provider)
            .ok_or_else(|| UnusableProvider::Unknown(account.provider.clone()))?;
        let key = ProviderAccount::new(provider.name, &account.account).key();
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = clients.get(&key) {
            return Ok(Arc::clone(client));
        }
        let client = self.build_client(&provider, &key)?;
        clients.insert(key, Arc::clone(&client));
        Ok(client)
    }

    /// The client of `provider` for the account with key `key`; errors and logs name the key,
    /// so their hints (`netclaw provider login <key>`) reach that account.
    fn build_client(
        &self,
        provider: &ConfiguredProvider<'_>,
        key: &str,
    ) -> Result<Arc<dyn ChatClient>, UnusableProvider> {
        let descriptor = provider.descriptor()?;
        let endpoint = provider
            .endpoint()
            .ok_or_else(|| UnusableProvider::NoEndpoint {
                provider: provider.name.to_owned(),
                type_key: provider.entry.provider_type.clone(),
            })?;
        let services = &self.services;
        let mut config = ClientConfig::new(key, endpoint).with_http_client(services.http.clone());
        if let Some(http) = &services.chat_http {
            config = config.with_http(http.clone());
        }
        if provider.method != AuthMethod::None {
            config = config.with_bearer(services.credentials.bearer_source(key));
        }
        if descriptor.kind == crate::descriptor::ProviderKind::Copilot
            && let Some(github) = config.bearer.clone()
        {
            config = config.with_copilot(crate::copilot::CopilotSession::new(
                key,
                github,
                services.http.clone(),
                crate::copilot::token_url(provider.entry),
                Arc::clone(&services.clock),
            ));
        }
        client_for(descriptor.kind, provider.method, config)
            .map_err(|e| UnusableProvider::Build(e.user_message()))
    }

    /// Sends `request` along `plan`: the first candidate that answers serves it, skipping
    /// those cooling down and moving on when one fails before any output.
    pub async fn serve(&self, plan: &Plan, request: ChatRequest) -> Result<Served, Refusal> {
        let threshold = self.settings().models.switch_at_used_percent;
        let result = self
            .services
            .resilience
            .first_answer(plan, request, threshold, |candidate| {
                self.account_client(&candidate.provider_account())
                    .map_err(|e| e.to_string())
            })
            .await;
        let attempts = match &result {
            Ok(served) => &served.attempts,
            Err(Refusal::Failed { attempts, .. }) => attempts,
            Err(Refusal::NoneAvailable { .. }) => return result,
        };
        let now = self.services.clock.now();
        for attempt in attempts {
            if let Some(tokens) = attempt.stated_window {
                let candidate = &attempt.candidate;
                self.services
                    .observed
                    .record(&candidate.provider, &candidate.model, tokens, now);
            }
        }
        result
    }
}
