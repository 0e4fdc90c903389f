//! [`TokenStore`] over netclaw-config: reads layered settings and secrets, refreshes under its lock.

use netclaw_config::{
    ConfigDocument, ConfigError, ConfigStore, EnvSnapshot, OAuthTokens, ProviderEntry,
};
use secrecy::SecretString;

use super::CredentialSource;
use super::store::{LockedDecision, StoredCredential, TokenStore};
use crate::bearer::CredentialError;
use crate::descriptor::{AuthMethod, OAuthOverrides, ProviderRegistry};

/// The credentials of the providers in a netclaw home (`netclaw.json` + `secrets.json.age`).
#[derive(Debug, Clone)]
pub struct ConfigTokenStore {
    store: ConfigStore,
    env: EnvSnapshot,
}

impl ConfigTokenStore {
    /// Reads and writes through `store`; `env` supplies overrides and conventional key variables.
    pub fn new(store: ConfigStore, env: EnvSnapshot) -> Self {
        Self { store, env }
    }
}

enum Failure {
    Config(ConfigError),
    Credential(CredentialError),
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

fn into_credential(provider: &str, failure: Failure) -> CredentialError {
    match failure {
        Failure::Credential(e) => e,
        Failure::Config(e) => CredentialError::StoreUnreadable {
            provider: provider.to_owned(),
            reason: e.to_string(),
            hint: e.hint(),
        },
    }
}

fn not_configured(provider: &str) -> Failure {
    Failure::Credential(CredentialError::NotConfigured {
        provider: provider.to_owned(),
    })
}

fn base(name: &str, entry: &ProviderEntry) -> StoredCredential {
    let registry = ProviderRegistry::builtin();
    let supports_none = registry
        .try_get(&entry.provider_type)
        .is_some_and(|d| d.supports(AuthMethod::None));
    // A missing `AuthMethod` reads as `None`; for a type that needs a credential it means
    // "the type's default" instead.
    let auth_method =
        (entry.auth_method != AuthMethod::None || supports_none).then_some(entry.auth_method);
    let oauth = entry
        .oauth
        .as_ref()
        .map_or_else(OAuthOverrides::default, |o| OAuthOverrides {
            issuer: o.issuer.clone(),
            client_id: o.client_id.clone(),
            redirect_uri: o.redirect_uri.clone(),
            scope: o.scope.clone(),
        });
    StoredCredential {
        name: name.to_owned(),
        type_key: entry.provider_type.clone(),
        auth_method,
        endpoint: entry.endpoint.clone(),
        oauth,
        expires_at: entry.oauth_token_expiry,
        ..StoredCredential::default()
    }
}

fn layered(
    doc: &mut ConfigDocument,
    env: &EnvSnapshot,
    provider: &str,
) -> Result<StoredCredential, Failure> {
    let config = netclaw_config::Config::from_document(doc, env)?;
    let Some((name, entry, creds)) = config.provider(provider) else {
        return Err(not_configured(provider));
    };
    let value = |c: Option<&netclaw_config::Credential>| c.map(|c| c.value.clone());
    let source = creds.api_key.as_ref().map(|c| match &c.source {
        netclaw_config::CredentialSource::Secrets => CredentialSource::Secrets,
        netclaw_config::CredentialSource::Env { name } => CredentialSource::Env(name.clone()),
    });
    Ok(StoredCredential {
        api_key: value(creds.api_key.as_ref()),
        api_key_source: source,
        access_token: value(creds.oauth_access_token.as_ref()),
        refresh_token: value(creds.oauth_refresh_token.as_ref()),
        id_token: value(creds.oauth_id_token.as_ref()),
        account_id: creds
            .oauth_account_id
            .as_ref()
            .map(|c| secrecy::ExposeSecret::expose_secret(&c.value).to_owned()),
        ..base(name, entry)
    })
}

impl TokenStore for ConfigTokenStore {
    fn read(&self, provider: &str) -> Result<StoredCredential, CredentialError> {
        self.store
            .read()
            .map_err(Failure::from)
            .and_then(|mut doc| layered(&mut doc, &self.env, provider))
            .map_err(|f| into_credential(provider, f))
    }

    fn update_locked(
        &self,
        provider: &str,
        decide: &mut LockedDecision<'_>,
    ) -> Result<(), CredentialError> {
        self.store
            .update(|doc: &mut ConfigDocument| -> Result<(), Failure> {
                let fresh = layered(doc, &self.env, provider)?;
                let Some(tokens) = decide(&fresh).map_err(Failure::Credential)? else {
                    return Ok(());
                };
                let to_secret = |s: String| SecretString::from(s);
                doc.persist_tokens(
                    &fresh.name,
                    OAuthTokens {
                        access_token: tokens.access_token,
                        refresh_token: tokens.refresh_token,
                        id_token: tokens.id_token,
                        account_id: tokens.account_id.map(to_secret),
                        expires_at: tokens.expires_at,
                    },
                )?;
                Ok(())
            })
            .map_err(|f| into_credential(provider, f))
    }
}
