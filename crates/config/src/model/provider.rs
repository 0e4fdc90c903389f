//! `ProviderEntry`: one provider's plain settings (its secrets live in the secrets file).

use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::AuthMethod;

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
    /// When the stored OAuth access token expires (RFC 3339). Plain so `provider list` can show
    /// it without decrypting.
    #[serde(
        rename = "OAuthTokenExpiry",
        default,
        with = "super::expiry",
        skip_serializing_if = "Option::is_none"
    )]
    pub oauth_token_expiry: Option<Timestamp>,
    /// Overrides of the type's OAuth client parameters.
    #[serde(rename = "OAuth", default, skip_serializing_if = "Option::is_none")]
    pub oauth: Option<OAuthOverrides>,
    /// A Codex login file (`auth.json`) this provider's credential is read from, read-only:
    /// netclaw never refreshes or writes it, and reads it again when it changes.
    #[serde(
        rename = "CredentialFile",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_file: Option<String>,
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
            oauth_token_expiry: None,
            oauth: None,
            credential_file: None,
            vendor_options: None,
            extra: Map::new(),
        }
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
