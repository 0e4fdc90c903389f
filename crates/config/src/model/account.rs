//! Accounts: the named credentials a provider holds (a personal and a work plan, two keys with
//! separate limits), their plain fields, the order they are tried in, and how one is named.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The account a provider's credential belongs to when none was named: the one a home written
/// before accounts existed has, and the one `provider add` and `provider login` use by default.
pub const DEFAULT_ACCOUNT: &str = "default";

/// One entry of a provider's `Accounts` in `netclaw.json`: an account's plain fields (its
/// secrets live under the same names in the secrets file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountEntry {
    /// When the stored OAuth access token expires (RFC 3339). Plain so listings can show it
    /// without decrypting.
    #[serde(
        rename = "OAuthTokenExpiry",
        default,
        with = "super::expiry",
        skip_serializing_if = "Option::is_none"
    )]
    pub oauth_token_expiry: Option<Timestamp>,
    /// A Codex login file (`auth.json`) this account's credential is read from, read-only:
    /// netclaw never refreshes or writes it, and reads it again when it changes.
    #[serde(
        rename = "CredentialFile",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub credential_file: Option<String>,
    /// Keys this model does not know, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Which of a provider's accounts a new conversation goes to first (`AccountOrder`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountOrder {
    /// The accounts in the order they were added: the first that can answer does.
    #[default]
    FirstAvailable,
    /// Each new conversation starts at the next account.
    RoundRobin,
    /// The account whose binding limit is least used starts.
    LeastUsed,
}

impl AccountOrder {
    /// Every order.
    pub const ALL: [Self; 3] = [Self::FirstAvailable, Self::RoundRobin, Self::LeastUsed];

    /// The name in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FirstAvailable => "first-available",
            Self::RoundRobin => "round-robin",
            Self::LeastUsed => "least-used",
        }
    }

    /// The order named `name`, ignoring case.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|o| o.as_str().eq_ignore_ascii_case(name))
    }

    /// True for the default, which files leave out.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

impl fmt::Display for AccountOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One account of one provider: `work/personal` on the command line and in listings.
///
/// Files that key records by credential (cooldowns, limits, usage) use [`Self::key`]: the
/// provider's name alone for its [`DEFAULT_ACCOUNT`], so records written before accounts
/// existed still apply to the account they were about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderAccount {
    /// The provider's name.
    pub provider: String,
    /// The account's name.
    pub account: String,
}

impl ProviderAccount {
    /// Account `account` of `provider`.
    pub fn new(provider: impl Into<String>, account: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            account: account.into(),
        }
    }

    /// The provider's default account.
    pub fn default_of(provider: impl Into<String>) -> Self {
        Self::new(provider, DEFAULT_ACCOUNT)
    }

    /// Whether this is its provider's [`DEFAULT_ACCOUNT`].
    pub fn is_default(&self) -> bool {
        self.account.eq_ignore_ascii_case(DEFAULT_ACCOUNT)
    }

    /// The key records about this credential are filed under: `provider` for the default
    /// account, `provider/account` for another.
    pub fn key(&self) -> String {
        if self.is_default() {
            self.provider.clone()
        } else {
            format!("{}/{}", self.provider, self.account)
        }
    }

    /// Reads a key or a `provider/account` reference; a bare provider name is its default
    /// account.
    pub fn parse(key: &str) -> Self {
        match Self::split(key) {
            (provider, Some(account)) => Self::new(provider, account),
            (provider, None) => Self::default_of(provider),
        }
    }

    /// `work/personal` as the provider and the account it names; `work` (or `work/`) names no
    /// account. Provider names hold no `/`, so the split is unambiguous.
    pub fn split(reference: &str) -> (&str, Option<&str>) {
        match reference.split_once('/') {
            Some((provider, account)) if !account.is_empty() => (provider, Some(account)),
            Some((provider, _)) => (provider, None),
            None => (reference, None),
        }
    }
}

impl fmt::Display for ProviderAccount {
    /// `provider/account`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.provider, self.account)
    }
}
