//! [`ConfiguredProvider`]: one provider of a loaded configuration, resolved once: its stored
//! name, entry, descriptor, the auth method it really uses and its endpoint.

use netclaw_config::{Config, ProviderAccount, ProviderCredentials, ProviderEntry};

use crate::bearer::Bearer;
use crate::descriptor::{AuthMethod, OAuthOverrides, ProviderDescriptor, ProviderRegistry};
use crate::probe::ProbeTarget;

/// Why a configured provider cannot chat.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnusableProvider {
    /// No provider of that name is configured.
    #[error("no provider named `{0}` is configured")]
    Unknown(String),
    /// Its `Type` is not one netclaw knows.
    #[error("provider `{provider}` has the unknown type `{type_key}`")]
    UnknownType {
        /// The provider's stored name.
        provider: String,
        /// Its type key.
        type_key: String,
    },
    /// Its type has no default endpoint and none is configured.
    #[error(
        "provider `{provider}` of type `{type_key}` needs an endpoint; set it with `netclaw provider add {provider} {type_key} --endpoint URL`"
    )]
    NoEndpoint {
        /// The provider's stored name.
        provider: String,
        /// Its type key.
        type_key: String,
    },
    /// The chat client could not be built.
    #[error("{0}")]
    Build(String),
}

/// One provider as configured, with everything derived from its entry decided in one place.
#[derive(Debug, Clone, Copy)]
pub struct ConfiguredProvider<'a> {
    /// The name as stored in `Providers`.
    pub name: &'a str,
    /// Its settings.
    pub entry: &'a ProviderEntry,
    /// Its credentials as loaded (each with its source).
    pub credentials: &'a ProviderCredentials,
    /// Its type, when netclaw knows it.
    pub descriptor: Option<&'a ProviderDescriptor>,
    /// The auth method it really uses: the configured one, else a key when one is present
    /// (stored or from the environment), else the type's default.
    pub method: AuthMethod,
}

impl<'a> ConfiguredProvider<'a> {
    /// Provider `name` (case ignored) of `config`.
    pub fn find(config: &'a Config, registry: &'a ProviderRegistry, name: &str) -> Option<Self> {
        let (name, entry, credentials) = config.provider(name)?;
        let descriptor = registry.try_get(&entry.provider_type);
        let method = descriptor.map_or(entry.auth_method, |d| {
            let has_key = credentials.accounts.iter().any(|a| a.api_key.is_some());
            d.effective_auth_method(entry.auth_method, has_key)
        });
        Some(Self {
            name,
            entry,
            credentials,
            descriptor,
            method,
        })
    }

    /// Its descriptor, or why it has none.
    pub fn descriptor(&self) -> Result<&'a ProviderDescriptor, UnusableProvider> {
        self.descriptor
            .ok_or_else(|| UnusableProvider::UnknownType {
                provider: self.name.to_owned(),
                type_key: self.entry.provider_type.clone(),
            })
    }

    /// The endpoint requests go to: the configured one, else the type's default for the
    /// method in use.
    pub fn endpoint(&self) -> Option<String> {
        self.descriptor?
            .effective_endpoint(self.entry.endpoint.as_deref(), self.method)
    }

    /// Where its first account's credential comes from (`secrets`, `env NAME`), when it has
    /// one.
    pub fn credential_source(&self) -> Option<String> {
        self.account_credential_source(self.credentials.first())
    }

    /// Where `account`'s credential comes from, when it has one.
    pub fn account_credential_source(
        &self,
        account: &netclaw_config::AccountCredentials,
    ) -> Option<String> {
        let credential = if self.method.is_oauth() {
            account.oauth_access_token.as_ref()
        } else {
            account.api_key.as_ref()
        };
        credential.map(|c| c.source.to_string())
    }

    /// Its accounts, in the order they are listed.
    pub fn accounts(&self) -> impl Iterator<Item = ProviderAccount> + '_ {
        self.credentials
            .accounts
            .iter()
            .map(|a| ProviderAccount::new(self.name, &a.name))
    }

    /// Its first account: what probes and listings use.
    pub fn first_account(&self) -> ProviderAccount {
        ProviderAccount::new(self.name, &self.credentials.first().name)
    }

    /// Its `OAuth` overrides.
    pub fn oauth_overrides(&self) -> OAuthOverrides {
        OAuthOverrides::of(self.entry)
    }

    /// What a probe of it needs, with the credential to send.
    pub fn probe_target(
        &self,
        bearer: Option<Bearer>,
        token_expiry: Option<jiff::Timestamp>,
    ) -> ProbeTarget {
        ProbeTarget {
            provider_name: self.name.to_owned(),
            type_key: self.entry.provider_type.clone(),
            endpoint: self.entry.endpoint.clone(),
            auth_method: self.method,
            bearer,
            token_expiry,
            token_exchange: (self.descriptor.map(|d| d.kind)
                == Some(crate::descriptor::ProviderKind::Copilot))
            .then(|| crate::copilot::token_url(self.entry)),
        }
    }
}
