//! `AuthMethod`: how a provider authenticates; parsed ignoring case, written in PascalCase.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How a provider authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum AuthMethod {
    /// No credential (local servers such as Ollama).
    #[default]
    None,
    /// A static API key.
    ApiKey,
    /// OAuth device authorization (RFC 8628 or the vendor's variant).
    OAuthDevice,
    /// OAuth authorization code with PKCE through the browser.
    OAuthPkce,
}

impl AuthMethod {
    /// Every method, in display order.
    pub const ALL: [Self; 4] = [Self::None, Self::ApiKey, Self::OAuthDevice, Self::OAuthPkce];

    /// The spelling written to `netclaw.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::ApiKey => "ApiKey",
            Self::OAuthDevice => "OAuthDevice",
            Self::OAuthPkce => "OAuthPkce",
        }
    }

    /// True for the OAuth methods.
    pub fn is_oauth(self) -> bool {
        matches!(self, Self::OAuthDevice | Self::OAuthPkce)
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that names no [`AuthMethod`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown auth method `{0}`: expected one of `None`, `ApiKey`, `OAuthDevice`, `OAuthPkce`")]
pub struct UnknownAuthMethod(pub String);

impl FromStr for AuthMethod {
    type Err = UnknownAuthMethod;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownAuthMethod(s.to_owned()))
    }
}

impl Serialize for AuthMethod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuthMethod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
