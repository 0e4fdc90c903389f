//! `SecretsPayload`: the decrypted JSON `{"Providers": {"<name>": {"ApiKey": "…", …}}}`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::secret_serde::expose_option;

/// Everything in the secrets file, decrypted. Values are [`SecretString`]s; `Debug` redacts them.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct SecretsPayload {
    /// Per-provider secrets by provider name.
    #[serde(rename = "Providers", default)]
    pub providers: BTreeMap<String, ProviderSecrets>,
    /// Other top-level entries (e.g. a paired device's `DeviceToken`), kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One provider's secrets.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProviderSecrets {
    /// A static API key.
    #[serde(
        rename = "ApiKey",
        default,
        serialize_with = "expose_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub api_key: Option<SecretString>,
    /// The OAuth access token.
    #[serde(
        rename = "OAuthAccessToken",
        default,
        serialize_with = "expose_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub oauth_access_token: Option<SecretString>,
    /// The OAuth refresh token.
    #[serde(
        rename = "OAuthRefreshToken",
        default,
        serialize_with = "expose_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub oauth_refresh_token: Option<SecretString>,
    /// The OpenID Connect id token.
    #[serde(
        rename = "OAuthIdToken",
        default,
        serialize_with = "expose_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub oauth_id_token: Option<SecretString>,
    /// The vendor account id (ChatGPT's `chatgpt_account_id`).
    #[serde(
        rename = "OAuthAccountId",
        default,
        serialize_with = "expose_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub oauth_account_id: Option<SecretString>,
    /// Other entries, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SecretsPayload {
    /// What a two-file save writes first when `next` drops anything `self` holds: every
    /// secret of `self` with every secret of `next` laid over it. With it on disk, both the
    /// old `netclaw.json` and the new one find all the secrets they name, so a crash between
    /// the replaces loses nothing. `None` when `next` drops nothing (it is then safe as is).
    pub(crate) fn staged_before(&self, next: &Self) -> Option<Self> {
        let drops_provider = self
            .providers
            .iter()
            .any(|(name, old)| next.providers.get(name).is_none_or(|new| old.drops_in(new)));
        let drops_extra = self.extra.keys().any(|key| !next.extra.contains_key(key));
        if !(drops_provider || drops_extra) {
            return None;
        }
        let mut staged = self.clone();
        for (name, new) in &next.providers {
            let slot = staged.providers.entry(name.clone()).or_default();
            for field in SecretField::ALL {
                if let Some(value) = new.field(field) {
                    *slot.field_mut(field) = Some(value.clone());
                }
            }
            for (key, value) in &new.extra {
                slot.extra.insert(key.clone(), value.clone());
            }
        }
        for (key, value) in &next.extra {
            staged.extra.insert(key.clone(), value.clone());
        }
        Some(staged)
    }
}

impl ProviderSecrets {
    /// True when `next` lacks a field or extra entry that `self` has.
    fn drops_in(&self, next: &Self) -> bool {
        SecretField::ALL
            .iter()
            .any(|f| self.field(*f).is_some() && next.field(*f).is_none())
            || self.extra.keys().any(|key| !next.extra.contains_key(key))
    }

    /// The slot for `field`.
    pub fn field(&self, field: SecretField) -> Option<&SecretString> {
        match field {
            SecretField::ApiKey => self.api_key.as_ref(),
            SecretField::OAuthAccessToken => self.oauth_access_token.as_ref(),
            SecretField::OAuthRefreshToken => self.oauth_refresh_token.as_ref(),
            SecretField::OAuthIdToken => self.oauth_id_token.as_ref(),
            SecretField::OAuthAccountId => self.oauth_account_id.as_ref(),
        }
    }

    /// The mutable slot for `field`.
    pub fn field_mut(&mut self, field: SecretField) -> &mut Option<SecretString> {
        match field {
            SecretField::ApiKey => &mut self.api_key,
            SecretField::OAuthAccessToken => &mut self.oauth_access_token,
            SecretField::OAuthRefreshToken => &mut self.oauth_refresh_token,
            SecretField::OAuthIdToken => &mut self.oauth_id_token,
            SecretField::OAuthAccountId => &mut self.oauth_account_id,
        }
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        SecretField::ALL.iter().all(|f| self.field(*f).is_none()) && self.extra.is_empty()
    }
}

/// The secret fields a provider can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretField {
    /// `ApiKey`.
    ApiKey,
    /// `OAuthAccessToken`.
    OAuthAccessToken,
    /// `OAuthRefreshToken`.
    OAuthRefreshToken,
    /// `OAuthIdToken`.
    OAuthIdToken,
    /// `OAuthAccountId`.
    OAuthAccountId,
}

impl SecretField {
    /// Every field.
    pub const ALL: [Self; 5] = [
        Self::ApiKey,
        Self::OAuthAccessToken,
        Self::OAuthRefreshToken,
        Self::OAuthIdToken,
        Self::OAuthAccountId,
    ];

    /// The JSON key.
    pub fn key(self) -> &'static str {
        match self {
            Self::ApiKey => "ApiKey",
            Self::OAuthAccessToken => "OAuthAccessToken",
            Self::OAuthRefreshToken => "OAuthRefreshToken",
            Self::OAuthIdToken => "OAuthIdToken",
            Self::OAuthAccountId => "OAuthAccountId",
        }
    }
}

impl fmt::Display for SecretField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for SecretField {
    type Err = ();

    /// Parses a field key, ignoring case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|f| f.key().eq_ignore_ascii_case(s))
            .ok_or(())
    }
}
