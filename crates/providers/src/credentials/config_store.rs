//! [`TokenStore`] over netclaw-config: reads layered settings and secrets, refreshes under its lock.

use netclaw_config::Hint;
use netclaw_config::{ConfigDocument, ConfigError, ConfigStore, EnvSnapshot};

use super::CredentialSource;
use super::store::{LockedDecision, StoredCredential, TokenStore};
use crate::bearer::CredentialError;
use crate::descriptor::{OAuthOverrides, ProviderRegistry};

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

/// Account `wanted` (names case ignored) of a loaded configuration as the credentials layer
/// sees it; `None` when it is not configured.
pub(crate) fn stored_from_config(
    config: &netclaw_config::Config,
    registry: &ProviderRegistry,
    wanted: &netclaw_config::ProviderAccount,
) -> Option<StoredCredential> {
    let (name, entry, provider) = config.provider(&wanted.provider)?;
    let creds = provider.account(&wanted.account)?;
    let value = |c: Option<&netclaw_config::Credential>| c.map(|c| c.value.clone());
    let source = creds.api_key.as_ref().map(|c| match &c.source {
        netclaw_config::CredentialSource::Secrets => CredentialSource::Secrets,
        netclaw_config::CredentialSource::Env { name } => CredentialSource::Env(name.clone()),
        netclaw_config::CredentialSource::File { path } => CredentialSource::File(path.clone()),
    });
    let auth_method = registry
        .try_get(&entry.provider_type)
        .map(|d| d.effective_auth_method(entry.auth_method, creds.api_key.is_some()));
    let oauth = OAuthOverrides::of(entry);
    Some(StoredCredential {
        name: name.to_owned(),
        account: creds.name.clone(),
        type_key: entry.provider_type.clone(),
        auth_method,
        endpoint: entry.endpoint.clone(),
        oauth,
        expires_at: entry.token_expiry(&creds.name),
        read_only: entry
            .account(&creds.name)
            .is_some_and(|a| a.credential_file.is_some()),
        api_key: value(creds.api_key.as_ref()),
        api_key_source: source,
        access_token: value(creds.oauth_access_token.as_ref()),
        refresh_token: value(creds.oauth_refresh_token.as_ref()),
        id_token: value(creds.oauth_id_token.as_ref()),
        account_id: creds
            .oauth_account_id
            .as_ref()
            .map(|c| secrecy::ExposeSecret::expose_secret(&c.value).to_owned()),
    })
}

fn layered(
    doc: &mut ConfigDocument,
    env: &EnvSnapshot,
    provider: &str,
) -> Result<StoredCredential, Failure> {
    let config = netclaw_config::Config::from_document(doc, env)?;
    let wanted = netclaw_config::ProviderAccount::parse(provider);
    stored_from_config(&config, &ProviderRegistry::builtin(), &wanted)
        .ok_or_else(|| not_configured(provider))
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
                let account = netclaw_config::ProviderAccount::new(&fresh.name, &fresh.account);
                doc.persist_tokens(&account, super::oauth_tokens(tokens))?;
                Ok(())
            })
            .map_err(|f| into_credential(provider, f))
    }
}
