//! Credentials that stay valid: API keys and OAuth tokens refreshed single-flight and persisted.
//!
//! [`CredentialManager`] answers "give me a bearer for provider `x`": an API key (stored, else
//! the conventional env var) or an OAuth access token, refreshed through netclaw-oauth when it is
//! within [`REFRESH_SKEW`] of expiry or after the server rejected it. Refreshes are single-flight
//! per provider inside a process (a per-provider async mutex) and safe across processes (the
//! config write lock is held while the store is re-read, the token refreshed and every rotated
//! value persisted; a token someone else already refreshed is used as is).

mod account_id;
mod config_store;
mod manager;
mod oauth_client;
mod source;
mod store;

#[cfg(test)]
mod tests;

pub use account_id::{account_id_for, account_id_from_jwt, login_identity};
pub use config_store::ConfigTokenStore;
pub use manager::{CredentialManager, REFRESH_SKEW, ResolvedCredential};
pub use source::{CredentialSource, ProviderBearer};
pub use store::{LockedDecision, StoredCredential, TokenStore};

/// The tokens of a login or refresh as the config writers store them, with the account id
/// read from the tokens when the server sent none.
pub fn oauth_tokens(tokens: netclaw_oauth::TokenSet) -> netclaw_config::OAuthTokens {
    let account_id = tokens.resolved_account_id();
    netclaw_config::OAuthTokens {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        id_token: tokens.id_token,
        account_id: account_id.map(secrecy::SecretString::from),
        expires_at: tokens.expires_at,
    }
}
