//! One loaded configuration and what is built from it (chat clients), replaced whole on reload.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use netclaw_config::{Config, ConfigStore, EnvSnapshot, ProviderEntry, Settings};
use netclaw_providers::chat::{ChatClient, ClientConfig, HttpSettings, client_for};
use netclaw_providers::credentials::CredentialManager;
use netclaw_providers::descriptor::{AuthMethod, ProviderDescriptor, ProviderRegistry};

/// The configuration in use and the chat clients built from it.
#[derive(Debug)]
pub(crate) struct Runtime {
    config: Config,
    pub(crate) loaded_at: jiff::Timestamp,
    /// The files' stamps taken just before they were read.
    pub(crate) stamps: crate::watch::Stamps,
    clients: Mutex<HashMap<String, Arc<dyn ChatClient>>>,
    /// Timeouts and retries of the chat clients; `None` uses the defaults.
    http: Option<HttpSettings>,
    /// The daemon's one HTTP client, shared by every chat client (one pool, one set of roots).
    http_client: Option<reqwest::Client>,
}

/// Why a provider cannot be used for chat.
#[derive(Debug, Clone)]
pub(crate) enum ClientError {
    UnknownProvider(String),
    UnknownType { provider: String, type_key: String },
    NoEndpoint { provider: String, type_key: String },
    Build(String),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::UnknownProvider(name) => write!(f, "no provider named `{name}` is configured"),
            Self::UnknownType { provider, type_key } => {
                write!(f, "provider `{provider}` has the unknown type `{type_key}`")
            }
            Self::NoEndpoint { provider, type_key } => write!(
                f,
                "provider `{provider}` of type `{type_key}` needs an endpoint; set it with `netclaw provider add {provider} {type_key} --endpoint URL`"
            ),
            Self::Build(message) => f.write_str(message),
        }
    }
}

impl Runtime {
    /// Loads both files layered with `env`.
    pub(crate) fn load(
        store: &ConfigStore,
        env: &EnvSnapshot,
        now: jiff::Timestamp,
    ) -> Result<Self, String> {
        let stamps = crate::watch::stamps(store.paths());
        let config = store.load(env).map_err(|e| match e.hint() {
            Some(hint) => format!("{e} (hint: {hint})"),
            None => e.to_string(),
        })?;
        for warning in &config.warnings {
            tracing::warn!("{warning}");
        }
        Ok(Self {
            config,
            loaded_at: now,
            stamps,
            clients: Mutex::new(HashMap::new()),
            http: None,
            http_client: None,
        })
    }

    /// Builds chat clients with `http` (timeouts, retries) instead of the defaults, sending
    /// over `client` (the daemon's one HTTP client: each client of its own would load the TLS
    /// roots again, about 1.7 MB).
    pub(crate) fn with_http(mut self, http: Option<HttpSettings>, client: reqwest::Client) -> Self {
        self.http = http;
        self.http_client = Some(client);
        self
    }

    /// No providers (the files could not be read at start).
    pub(crate) fn empty(now: jiff::Timestamp) -> Self {
        Self {
            config: Config {
                settings: Settings::default(),
                credentials: std::collections::BTreeMap::new(),
                warnings: Vec::new(),
            },
            loaded_at: now,
            stamps: [None, None],
            clients: Mutex::new(HashMap::new()),
            http: None,
            http_client: None,
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.config.settings
    }

    pub(crate) fn provider_names(&self) -> Vec<String> {
        self.config.settings.providers.keys().cloned().collect()
    }

    /// The stored spelling and entry of provider `name` (case ignored).
    pub(crate) fn provider(&self, name: &str) -> Option<(String, &ProviderEntry)> {
        self.config
            .settings
            .provider(name)
            .map(|(k, v)| (k.to_owned(), v))
    }

    /// The chat client of provider `name`, built on first use.
    pub(crate) fn client(
        &self,
        name: &str,
        registry: &ProviderRegistry,
        credentials: &Arc<CredentialManager>,
    ) -> Result<Arc<dyn ChatClient>, ClientError> {
        let (key, entry) = self
            .provider(name)
            .ok_or_else(|| ClientError::UnknownProvider(name.to_owned()))?;
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = clients.get(&key) {
            return Ok(Arc::clone(client));
        }
        let client = self.build_client(&key, entry, registry, credentials)?;
        clients.insert(key, Arc::clone(&client));
        Ok(client)
    }

    fn build_client(
        &self,
        name: &str,
        entry: &ProviderEntry,
        registry: &ProviderRegistry,
        credentials: &Arc<CredentialManager>,
    ) -> Result<Arc<dyn ChatClient>, ClientError> {
        let descriptor =
            registry
                .try_get(&entry.provider_type)
                .ok_or_else(|| ClientError::UnknownType {
                    provider: name.to_owned(),
                    type_key: entry.provider_type.clone(),
                })?;
        let method = effective_method(descriptor, entry, self.has_key(name));
        let endpoint = descriptor
            .effective_endpoint(entry.endpoint.as_deref(), method)
            .ok_or_else(|| ClientError::NoEndpoint {
                provider: name.to_owned(),
                type_key: entry.provider_type.clone(),
            })?;
        let mut config = ClientConfig::new(name, endpoint);
        if let Some(http) = &self.http {
            config = config.with_http(http.clone());
        }
        if let Some(client) = &self.http_client {
            config = config.with_http_client(client.clone());
        }
        if method != AuthMethod::None {
            config = config.with_bearer(credentials.bearer_source(name));
        }
        client_for(descriptor.kind, method, config)
            .map_err(|e| ClientError::Build(e.user_message()))
    }

    /// True when provider `name` has an API key (stored or from the environment).
    pub(crate) fn has_key(&self, name: &str) -> bool {
        self.config
            .credentials
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .is_some_and(|(_, c)| c.api_key.is_some())
    }
}

/// The method a provider really uses: the configured one, else a key when one is present,
/// else the type's default (`None` for types that need no credential).
pub(crate) fn effective_method(
    descriptor: &ProviderDescriptor,
    entry: &ProviderEntry,
    has_key: bool,
) -> AuthMethod {
    descriptor.effective_auth_method(entry.auth_method, has_key)
}
