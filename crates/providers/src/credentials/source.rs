//! Where a credential came from, and the [`BearerSource`] handed to chat clients per provider.

use std::fmt;
use std::sync::Arc;

use serde::{Serialize, Serializer};

use super::CredentialManager;
use crate::bearer::{Bearer, BearerSource, BoxFuture, CredentialError};

/// Where a provider's credential came from (listings show it; never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// The encrypted secrets file.
    Secrets,
    /// The named environment variable (`OPENAI_API_KEY`, …).
    Env(String),
    /// An OAuth login stored in the secrets file.
    OAuth,
    /// Another program's login file, read-only.
    File(String),
    /// The provider needs no credential.
    None,
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Secrets => f.write_str("secrets"),
            Self::Env(name) => write!(f, "env {name}"),
            Self::OAuth => f.write_str("oauth"),
            Self::File(path) => write!(f, "file {path}"),
            Self::None => f.write_str("none"),
        }
    }
}

impl Serialize for CredentialSource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A provider's credential for chat clients: [`BearerSource`] over a [`CredentialManager`].
#[derive(Debug, Clone)]
pub struct ProviderBearer {
    manager: Arc<CredentialManager>,
    provider: String,
}

impl ProviderBearer {
    /// The source of `provider`'s credential.
    pub fn new(manager: Arc<CredentialManager>, provider: impl Into<String>) -> Self {
        Self {
            manager,
            provider: provider.into(),
        }
    }
}

impl BearerSource for ProviderBearer {
    fn bearer(&self) -> BoxFuture<'_, Result<Bearer, CredentialError>> {
        Box::pin(self.manager.bearer(&self.provider))
    }

    fn after_rejection<'a>(
        &'a self,
        rejected: &'a Bearer,
    ) -> BoxFuture<'a, Result<Bearer, CredentialError>> {
        Box::pin(self.manager.after_rejection(&self.provider, rejected))
    }
}
