//! The typed settings model of `netclaw.json`: PascalCase keys, so files the .NET netclaw wrote
//! load unchanged.

mod account;
mod auth_method;
mod daemon;
mod expiry;
mod models;
mod provider;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use account::{AccountEntry, AccountOrder, DEFAULT_ACCOUNT, ProviderAccount};
pub use auth_method::{AuthMethod, UnknownAuthMethod};
pub use daemon::DaemonSettings;
pub use models::{InvalidProviderModel, Modalities, ModelRef, ModelRole, Models, ProviderModel};
pub use provider::{OAuthOverrides, ProviderEntry};

/// Plain settings: the whole of `netclaw.json` (secrets live in the secrets file).
///
/// Keys this model does not know are kept in `extra` fields at every level, so a rewrite never
/// drops a user's hand-edited settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The schema version of the file (see [`crate::migrate`]).
    #[serde(rename = "configVersion", default = "current_version")]
    pub config_version: u32,
    /// Configured providers by name.
    #[serde(rename = "Providers", default)]
    pub providers: BTreeMap<String, ProviderEntry>,
    /// Model roles.
    #[serde(rename = "Models", default)]
    pub models: Models,
    /// Where the daemon listens.
    #[serde(rename = "Daemon", default)]
    pub daemon: DaemonSettings,
    /// Top-level keys this model does not know (`Slack`, `Logging`, …), kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn current_version() -> u32 {
    crate::migrate::CURRENT_VERSION
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            config_version: current_version(),
            providers: BTreeMap::new(),
            models: Models::default(),
            daemon: DaemonSettings::default(),
            extra: Map::new(),
        }
    }
}

impl Settings {
    /// The provider named `name`: an exact match first, then one that differs only in case
    /// (provider names are case-insensitive: users type them as they remember them).
    pub fn provider(&self, name: &str) -> Option<(&str, &ProviderEntry)> {
        let key = crate::ProviderName::find_in(self.providers.keys(), name)?;
        self.providers
            .get_key_value(key)
            .map(|(k, v)| (k.as_str(), v))
    }
}

/// Every key the settings model knows, in its canonical spelling (env overrides are matched
/// against these ignoring case).
pub(crate) const KNOWN_KEYS: &[&str] = &[
    "configVersion",
    "Providers",
    "Models",
    "Daemon",
    "Type",
    "AuthMethod",
    "Endpoint",
    "OAuthTokenExpiry",
    "Accounts",
    "AccountOrder",
    "OAuth",
    "CredentialFile",
    "Issuer",
    "ClientId",
    "RedirectUri",
    "Scope",
    "VendorOptions",
    "ApiKey",
    "OAuthAccessToken",
    "OAuthRefreshToken",
    "OAuthIdToken",
    "OAuthAccountId",
    "Main",
    "Fallback",
    "Compaction",
    "FallbackChain",
    "FallbackOnExplicit",
    "SwitchAtUsedPercent",
    "Provider",
    "ModelId",
    "ContextWindow",
    "Provenance",
    "InputModalities",
    "OutputModalities",
    "Host",
    "Port",
];

/// Replaces the contents of `raw` with `typed`, keeping the position of keys that stay, so a
/// rewrite of a typed edit changes as little of the user's file as possible.
pub(crate) fn merge_object(raw: &mut Map<String, Value>, mut typed: Map<String, Value>) {
    let mut merged = Map::with_capacity(typed.len());
    for (key, _) in std::mem::take(raw) {
        if let Some(value) = typed.remove(&key) {
            merged.insert(key, value);
        }
    }
    merged.extend(typed);
    *raw = merged;
}

#[cfg(test)]
mod tests;
