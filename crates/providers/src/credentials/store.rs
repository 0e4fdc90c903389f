//! What the credentials layer reads and writes, behind a small trait the config adapter implements.

use std::fmt;

use jiff::Timestamp;
use netclaw_oauth::TokenSet;
use secrecy::SecretString;

use crate::bearer::CredentialError;
use crate::descriptor::{AuthMethod, OAuthOverrides};

/// One provider's settings and secrets as stored (no env fallback applied).
#[derive(Clone, Default)]
pub struct StoredCredential {
    /// The provider's name as stored.
    pub name: String,
    /// The account's name as stored.
    pub account: String,
    /// Its type key.
    pub type_key: String,
    /// How it signs in.
    pub auth_method: Option<AuthMethod>,
    /// Its configured endpoint.
    pub endpoint: Option<String>,
    /// Its `OAuth` overrides.
    pub oauth: OAuthOverrides,
    /// `OAuthTokenExpiry`.
    pub expires_at: Option<Timestamp>,
    /// `ApiKey` (stored, or from the environment when the store layers it).
    pub api_key: Option<SecretString>,
    /// Where `api_key` came from.
    pub api_key_source: Option<super::CredentialSource>,
    /// `OAuthAccessToken`.
    pub access_token: Option<SecretString>,
    /// `OAuthRefreshToken`.
    pub refresh_token: Option<SecretString>,
    /// `OAuthIdToken`.
    pub id_token: Option<SecretString>,
    /// `OAuthAccountId`.
    pub account_id: Option<String>,
    /// The login is another program's (`CredentialFile`): never refreshed here, only read again.
    pub read_only: bool,
}

impl fmt::Debug for StoredCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredCredential")
            .field("name", &self.name)
            .field("account", &self.account)
            .field("type_key", &self.type_key)
            .field("auth_method", &self.auth_method)
            .field("endpoint", &self.endpoint)
            .field("expires_at", &self.expires_at)
            .field("api_key", &self.api_key.is_some())
            .field("access_token", &self.access_token.is_some())
            .field("refresh_token", &self.refresh_token.is_some())
            .finish_non_exhaustive()
    }
}

impl StoredCredential {
    /// The key its records are filed under (`provider`, or `provider/account`).
    pub fn key(&self) -> String {
        netclaw_config::ProviderAccount::new(&self.name, &self.account).key()
    }

    /// The stored OAuth tokens as a [`TokenSet`], when there is an access token.
    pub fn token_set(&self) -> Option<TokenSet> {
        Some(TokenSet {
            access_token: self.access_token.clone()?,
            refresh_token: self.refresh_token.clone(),
            id_token: self.id_token.clone(),
            expires_at: self.expires_at,
            account_id: self.account_id.clone(),
        })
    }
}

/// Decides, under the store's write lock, what (if anything) to persist.
pub type LockedDecision<'a> =
    dyn FnMut(&StoredCredential) -> Result<Option<TokenSet>, CredentialError> + Send + 'a;

/// Where credentials live. Both calls block (file I/O and locks); the manager runs them on the
/// blocking pool.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The account (by its key: `provider`, or `provider/account`) as stored now, or
    /// `NotConfigured`.
    fn read(&self, provider: &str) -> Result<StoredCredential, CredentialError>;

    /// Takes the cross-process write lock, re-reads the account, and calls `decide` with it.
    /// When `decide` returns tokens, they are persisted (access, refresh, id token, account id
    /// and expiry at once) before the lock is released; when it fails, nothing is written.
    fn update_locked(
        &self,
        provider: &str,
        decide: &mut LockedDecision<'_>,
    ) -> Result<(), CredentialError>;
}
