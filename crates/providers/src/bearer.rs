//! The credential a client sends, and the trait through which clients obtain and renew it.

use std::future::Future;
use std::pin::Pin;

use secrecy::SecretString;

/// A boxed, sendable future (keeps [`BearerSource`] usable as `dyn`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a client puts in `Authorization: Bearer …` (or `x-api-key`), plus the OpenAI account id
/// the Codex backend needs in `ChatGPT-Account-Id`.
#[derive(Debug, Clone)]
pub struct Bearer {
    /// The API key or OAuth access token.
    pub token: SecretString,
    /// The ChatGPT account id, for OpenAI through the ChatGPT subscription.
    pub account_id: Option<String>,
}

/// Why no usable credential could be produced.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CredentialError {
    /// The provider has no credential stored or in the environment.
    #[error("provider `{provider}` has no credential configured")]
    NotConfigured {
        /// Provider name.
        provider: String,
    },
    /// The refresh token was rejected; the user must log in again.
    #[error("provider `{provider}` needs a new login")]
    ReauthRequired {
        /// Provider name.
        provider: String,
    },
    /// The server rejected the credential and there is nothing newer to try.
    #[error("provider `{provider}` rejected the credential")]
    Rejected {
        /// Provider name.
        provider: String,
    },
    /// The stored credentials could not be read (a damaged secrets file, a wrong age identity).
    #[error("could not read the stored credentials of provider `{provider}`: {reason}")]
    StoreUnreadable {
        /// Provider name.
        provider: String,
        /// What went wrong, naming the file, never containing a secret.
        reason: String,
        /// What the user can do about it, when the store knows.
        hint: Option<String>,
    },
    /// The login is another program's, read-only, and has expired or was refused: netclaw does
    /// not refresh it (that would break the other program's copy).
    #[error(
        "the login of provider `{provider}` is read from another program's file and has expired; netclaw does not refresh it: use that program once (Codex: `codex login`) to renew it, or `netclaw provider login {provider}` for a login of netclaw's own"
    )]
    ReadOnlyExpired {
        /// Provider name.
        provider: String,
    },
    /// Refreshing or persisting failed for another reason (network, store).
    #[error("could not refresh the credential of provider `{provider}`: {reason}")]
    RefreshFailed {
        /// Provider name.
        provider: String,
        /// What went wrong, never containing a secret.
        reason: String,
    },
}

/// Where a chat client or probe gets its credential.
///
/// The credentials layer implements it for stored API keys and OAuth tokens (refreshing as
/// needed); [`StaticBearer`] serves a fixed key.
pub trait BearerSource: Send + Sync + std::fmt::Debug {
    /// A credential that is valid now (refreshed first when it is about to expire).
    fn bearer(&self) -> BoxFuture<'_, Result<Bearer, CredentialError>>;

    /// The server answered 401 to `rejected`: return a newer credential (someone else's
    /// refresh, or a forced one), or an error when there is none.
    fn after_rejection<'a>(
        &'a self,
        rejected: &'a Bearer,
    ) -> BoxFuture<'a, Result<Bearer, CredentialError>>;
}

/// A fixed credential that cannot be renewed (API keys, tests).
#[derive(Debug, Clone)]
pub struct StaticBearer {
    provider: String,
    bearer: Bearer,
}

impl StaticBearer {
    /// A source that always returns `bearer` for `provider`.
    pub fn new(provider: impl Into<String>, bearer: Bearer) -> Self {
        Self {
            provider: provider.into(),
            bearer,
        }
    }
}

impl BearerSource for StaticBearer {
    fn bearer(&self) -> BoxFuture<'_, Result<Bearer, CredentialError>> {
        Box::pin(async move { Ok(self.bearer.clone()) })
    }

    fn after_rejection<'a>(
        &'a self,
        _rejected: &'a Bearer,
    ) -> BoxFuture<'a, Result<Bearer, CredentialError>> {
        Box::pin(async move {
            Err(CredentialError::Rejected {
                provider: self.provider.clone(),
            })
        })
    }
}
