//! `ProviderEntry`: one provider's plain settings (its secrets live in the secrets file).

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use indexmap::IndexMap;

use super::AuthMethod;
use super::account::{AccountEntry, AccountOrder};

/// One entry of `Providers` in `netclaw.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderEntry {
    /// The provider type key (`openai`, `anthropic`, `openrouter`, `ollama`, …); default `ollama`.
    #[serde(rename = "Type", default = "default_type")]
    pub provider_type: String,
    /// How it authenticates; written only when not `None`.
    #[serde(rename = "AuthMethod", default, skip_serializing_if = "is_auth_none")]
    pub auth_method: AuthMethod,
    /// The base URL; `None` (or `""` in the file) means the type's default.
    #[serde(
        rename = "Endpoint",
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub endpoint: Option<String>,
    /// Overrides of the type's OAuth client parameters.
    #[serde(rename = "OAuth", default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuthOverrides>,
    /// The provider's accounts by name, in the order they were added; a provider without any
    /// has the one [`crate::DEFAULT_ACCOUNT`] with nothing stored.
    #[serde(
        rename = "Accounts",
        default,
        skip_serializing_if = "IndexMap::is_empty"
    )]
    pub accounts: IndexMap<String, AccountEntry>,
    /// Which account a new conversation goes to first.
    #[serde(
        rename = "AccountOrder",
        default,
        skip_serializing_if = "AccountOrder::is_default"
    )]
    pub account_order: AccountOrder,
    /// An opaque object each provider type owns (e.g. Ollama's `DisableThinking`).
    #[serde(
        rename = "VendorOptions",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vendor_options: Option<Map<String, Value>>,
    /// Keys this model does not know, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ProviderEntry {
    /// A new entry of type `provider_type` with everything else defaulted.
    pub fn new(provider_type: impl Into<String>) -> Self {
        Self {
            provider_type: provider_type.into(),
            auth_method: AuthMethod::None,
            endpoint: None,
            oauth: None,
            accounts: IndexMap::new(),
            account_order: AccountOrder::FirstAvailable,
            vendor_options: None,
            extra: Map::new(),
        }
    }

    /// The stored name of account `name` (exact, else ignoring case), when it has an entry.
    pub fn account_name(&self, name: &str) -> Option<&str> {
        crate::ProviderName::find_in(self.accounts.keys(), name).map(String::as_str)
    }

    /// Account `name`'s plain fields (ignoring case), when it has an entry.
    pub fn account(&self, name: &str) -> Option<&AccountEntry> {
        self.accounts.get(self.account_name(name)?)
    }

    /// Account `name`'s plain fields, created when missing.
    pub fn account_mut(&mut self, name: &str) -> &mut AccountEntry {
        let key = self
            .account_name(name)
            .map_or_else(|| name.to_owned(), str::to_owned);
        self.accounts.entry(key).or_default()
    }

    /// When account `name`'s access token expires, if stored.
    pub fn token_expiry(&self, account: &str) -> Option<Timestamp> {
        self.account(account)?.oauth_token_expiry
    }

    /// The first account's expiry: what a provider with one account shows.
    pub fn first_token_expiry(&self) -> Option<Timestamp> {
        self.accounts.values().next()?.oauth_token_expiry
    }

    /// True when the type is `ty`, ignoring case.
    pub fn is_type(&self, ty: &str) -> bool {
        self.provider_type.eq_ignore_ascii_case(ty)
    }
}

/// Overrides of a provider type's OAuth client parameters (`OAuth` in a provider entry).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OAuthOverrides {
    /// The issuer base URL.
    #[serde(rename = "Issuer", default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The OAuth client id.
    #[serde(rename = "ClientId", default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The redirect URI registered for the client.
    #[serde(
        rename = "RedirectUri",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub redirect_uri: Option<String>,
    /// Space-separated scopes.
    #[serde(rename = "Scope", default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Keys this model does not know, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn default_type() -> String {
    "ollama".to_owned()
}

fn is_auth_none(m: &AuthMethod) -> bool {
    *m == AuthMethod::None
}

fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}
