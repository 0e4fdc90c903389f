//! `SecretsPayload`: the decrypted JSON
//! `{"Providers": {"<name>": {"Accounts": {"<account>": {"ApiKey": "…", …}}}}}`.
//!
//! A file written before accounts existed holds a provider's fields directly under its name;
//! they are read as its default account and written back under `Accounts` at the next save.

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

/// One provider's secrets: its accounts'.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ProviderSecrets {
    /// Each account's secrets by account name.
    #[serde(
        rename = "Accounts",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub accounts: BTreeMap<String, AccountSecrets>,
    /// Other entries, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for ProviderSecrets {
    /// Reads `Accounts`, and the fields of a file written before accounts existed as the
    /// default account (unless it has one already).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Raw {
            #[serde(rename = "Accounts", default)]
            accounts: BTreeMap<String, AccountSecrets>,
            #[serde(flatten)]
            rest: Map<String, Value>,
        }
        let Raw { mut accounts, rest } = Raw::deserialize(d)?;
        let (legacy, extra): (Map<String, Value>, Map<String, Value>) = rest
            .into_iter()
            .partition(|(key, _)| key.parse::<SecretField>().is_ok());
        if !legacy.is_empty() {
            let account: AccountSecrets =
                serde_json::from_value(Value::Object(legacy)).map_err(serde::de::Error::custom)?;
            let has_default = accounts
                .keys()
                .any(|name| name.eq_ignore_ascii_case(crate::DEFAULT_ACCOUNT));
            if !has_default {
                accounts.insert(crate::DEFAULT_ACCOUNT.to_owned(), account);
            }
        }
        Ok(Self { accounts, extra })
    }
}

/// One account's secrets.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct AccountSecrets {
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
            let provider = staged.providers.entry(name.clone()).or_default();
            for (account, new) in &new.accounts {
                let slot = provider.accounts.entry(account.clone()).or_default();
                for field in SecretField::ALL {
                    if let Some(value) = new.field(field) {
                        *slot.field_mut(field) = Some(value.clone());
                    }
                }
                for (key, value) in &new.extra {
                    slot.extra.insert(key.clone(), value.clone());
                }
            }
            for (key, value) in &new.extra {
                provider.extra.insert(key.clone(), value.clone());
            }
        }
        for (key, value) in &next.extra {
            staged.extra.insert(key.clone(), value.clone());
        }
        Some(staged)
    }
}

impl ProviderSecrets {
    /// True when `next` lacks an account's field, or an extra entry, that `self` has.
    fn drops_in(&self, next: &Self) -> bool {
        self.accounts
            .iter()
            .any(|(name, old)| next.accounts.get(name).is_none_or(|new| old.drops_in(new)))
            || self.extra.keys().any(|key| !next.extra.contains_key(key))
    }

    /// The stored name of account `name` (exact, else ignoring case).
    pub fn account_name(&self, name: &str) -> Option<&str> {
        crate::ProviderName::find_in(self.accounts.keys(), name).map(String::as_str)
    }

    /// Account `name`'s secrets (ignoring case).
    pub fn account(&self, name: &str) -> Option<&AccountSecrets> {
        self.accounts.get(self.account_name(name)?)
    }

    /// Account `name`'s secrets, created when missing.
    pub fn account_mut(&mut self, name: &str) -> &mut AccountSecrets {
        let key = self
            .account_name(name)
            .map_or_else(|| name.to_owned(), str::to_owned);
        self.accounts.entry(key).or_default()
    }

    /// True when no account holds anything and nothing else is stored.
    pub fn is_empty(&self) -> bool {
        self.accounts.values().all(AccountSecrets::is_empty) && self.extra.is_empty()
    }
}

impl AccountSecrets {
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
