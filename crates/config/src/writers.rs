//! Writers that split a provider across both files: plain fields to netclaw.json, secrets to the
//! secrets file, so no secret ever lands in the plain file.

use std::fmt;

use jiff::Timestamp;
use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::document::{ConfigDocument, validate_provider_name};
use crate::error::ConfigError;
use crate::model::{ProviderEntry, ProviderModel};
use crate::secrets::{ProviderSecrets, SecretField};

/// Tokens from an OAuth login or refresh.
pub struct OAuthTokens {
    /// The new access token.
    pub access_token: SecretString,
    /// A new refresh token; `None` keeps the stored one (RFC 6749 §5.1).
    pub refresh_token: Option<SecretString>,
    /// A new id token; `None` keeps the stored one.
    pub id_token: Option<SecretString>,
    /// The account id; `None` keeps the stored one.
    pub account_id: Option<SecretString>,
    /// When the access token expires; `None` removes a stored expiry.
    pub expires_at: Option<Timestamp>,
}

impl fmt::Debug for OAuthTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthTokens")
            .field("refresh_token", &self.refresh_token.is_some())
            .field("id_token", &self.id_token.is_some())
            .field("account_id", &self.account_id.is_some())
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The credential part of [`ProviderWrite`].
#[derive(Debug)]
pub enum CredentialWrite {
    /// Leave the stored secrets as they are.
    Keep,
    /// Store an API key, replacing everything stored for the provider.
    ApiKey(SecretString),
    /// Store OAuth tokens (dropping a stored API key); omitted fields keep their stored values.
    OAuth(OAuthTokens),
}

/// What `netclaw provider add/login` writes for one provider.
#[derive(Debug)]
pub struct ProviderWrite {
    /// Plain fields: `Type`, `AuthMethod`, `Endpoint`, `OAuth`, `CredentialFile`,
    /// `VendorOptions`. The expiry is
    /// taken from the credentials, not from here.
    pub entry: ProviderEntry,
    /// What to store in the secrets file.
    pub credentials: CredentialWrite,
}

impl ConfigDocument {
    /// Creates or replaces provider `name` in both files.
    ///
    /// Plain fields replace the entry's known fields (keys the model does not know stay);
    /// secrets are stored as [`CredentialWrite`] says.
    pub fn write_provider(&mut self, name: &str, write: ProviderWrite) -> Result<(), ConfigError> {
        validate_provider_name(name)?;
        let key = self
            .resolve_provider_name(name)
            .unwrap_or_else(|| name.to_owned());
        let existing = self.provider(&key)?;
        let ProviderWrite { entry, credentials } = write;
        let expiry = match &credentials {
            CredentialWrite::Keep => existing.as_ref().and_then(|e| e.oauth_token_expiry),
            CredentialWrite::ApiKey(_) => None,
            CredentialWrite::OAuth(t) => t.expires_at,
        };
        let mut merged = existing.unwrap_or_else(|| ProviderEntry::new(""));
        merged.provider_type = entry.provider_type;
        merged.auth_method = entry.auth_method;
        merged.endpoint = entry.endpoint;
        merged.oauth = entry.oauth;
        merged.credential_file = entry.credential_file;
        merged.vendor_options = entry.vendor_options;
        merged.oauth_token_expiry = expiry;
        merged.extra.extend(entry.extra);
        match credentials {
            CredentialWrite::Keep => {}
            CredentialWrite::ApiKey(key_value) => {
                let secrets = self.secrets_mut()?;
                remove_ignoring_case(&mut secrets.providers, &key);
                secrets.providers.insert(
                    key.clone(),
                    ProviderSecrets {
                        api_key: Some(key_value),
                        ..ProviderSecrets::default()
                    },
                );
            }
            CredentialWrite::OAuth(tokens) => {
                let node = self.provider_secrets_mut(&key)?;
                node.api_key = None;
                merge_tokens(node, tokens);
            }
        }
        self.set_provider(&key, &merged)
    }

    /// Creates provider `name`, failing with [`ConfigError::ProviderExists`] when a provider of
    /// that name (ignoring case) is already configured. Run inside the locked update, the
    /// check sees every add that finished before it.
    pub fn add_provider(&mut self, name: &str, write: ProviderWrite) -> Result<(), ConfigError> {
        if let Some(existing) = self.resolve_provider_name(name) {
            return Err(ConfigError::ProviderExists { name: existing });
        }
        self.write_provider(name, write)
    }

    /// Stores refreshed (or newly obtained) tokens for provider `name`.
    ///
    /// Tokens and account id go to the secrets file; an omitted refresh token, id token or
    /// account id keeps the stored one. `OAuthTokenExpiry` is set (or removed when the tokens
    /// have none) in netclaw.json only when the provider is configured there: this never
    /// creates netclaw.json, so a provider configured only by environment stays stateless.
    pub fn persist_tokens(&mut self, name: &str, tokens: OAuthTokens) -> Result<(), ConfigError> {
        let key = self
            .resolve_provider_name(name)
            .unwrap_or_else(|| name.to_owned());
        let expires_at = tokens.expires_at;
        merge_tokens(self.provider_secrets_mut(&key)?, tokens);
        if self.resolve_provider_name(&key).is_some() {
            self.edit_provider(&key, |e| e.oauth_token_expiry = expires_at)?;
        }
        Ok(())
    }

    /// The stored secrets of provider `name` (exact name, else ignoring case).
    pub fn provider_secrets(
        &mut self,
        name: &str,
    ) -> Result<Option<&ProviderSecrets>, ConfigError> {
        let secrets = self.secrets()?;
        let key = find_ignoring_case(&secrets.providers, name);
        Ok(key.and_then(|k| secrets.providers.get(&k)))
    }

    fn provider_secrets_mut(&mut self, name: &str) -> Result<&mut ProviderSecrets, ConfigError> {
        let secrets = self.secrets_mut()?;
        let key = find_ignoring_case(&secrets.providers, name).unwrap_or_else(|| name.to_owned());
        Ok(secrets.providers.entry(key).or_default())
    }

    /// Removes provider `name` from both files. Returns whether anything was removed.
    ///
    /// The secrets are decrypted first, so a secrets file that cannot be read stops the removal
    /// before either file changes.
    pub fn remove_provider(&mut self, name: &str) -> Result<bool, ConfigError> {
        let has_secrets = {
            let secrets = self.secrets()?;
            find_ignoring_case(&secrets.providers, name).is_some()
        };
        if has_secrets {
            remove_ignoring_case(&mut self.secrets_mut()?.providers, name);
        }
        let key = self.resolve_provider_name(name);
        if let Some(key) = &key {
            self.providers_json_mut().shift_remove(key);
        }
        Ok(has_secrets || key.is_some())
    }

    /// Renames provider `from` to `to` in both files and in the model roles and fallback chain.
    pub fn rename_provider(&mut self, from: &str, to: &str) -> Result<(), ConfigError> {
        validate_provider_name(to)?;
        let Some(old) = self.resolve_provider_name(from) else {
            return Err(ConfigError::ProviderNotFound {
                name: from.to_owned(),
            });
        };
        if let Some(existing) = self.resolve_provider_name(to)
            && existing != old
        {
            return Err(ConfigError::ProviderExists { name: existing });
        }
        // Secrets first: if they cannot be read, nothing changes.
        let has_secrets = find_ignoring_case(&self.secrets()?.providers, &old).is_some();
        if has_secrets {
            let secrets = self.secrets_mut()?;
            let old_key = find_ignoring_case(&secrets.providers, &old).expect("found above");
            let node = secrets.providers.remove(&old_key).expect("key exists");
            secrets.providers.insert(to.to_owned(), node);
        }
        let providers = self.providers_json_mut();
        let renamed: Map<String, Value> = std::mem::take(providers)
            .into_iter()
            .map(|(k, v)| if k == old { (to.to_owned(), v) } else { (k, v) })
            .collect();
        *providers = renamed;
        let points_at_old = |p: &str| crate::ProviderName::same(p, &old);
        self.edit_models(|models| {
            for role in [
                &mut models.main,
                &mut models.fallback,
                &mut models.compaction,
            ] {
                if let Some(r) = role
                    && points_at_old(&r.provider)
                {
                    to.clone_into(&mut r.provider);
                }
            }
            for ProviderModel { provider, .. } in &mut models.fallback_chain {
                if points_at_old(provider) {
                    to.clone_into(provider);
                }
            }
        })
    }

    /// Stores a secret by dotted key: `Providers.<name>.<Field>` (field names ignore case), or
    /// a single top-level key such as `DeviceToken`.
    pub fn set_secret(&mut self, key: &str, value: SecretString) -> Result<(), ConfigError> {
        match parse_secret_key(key)? {
            SecretKey::Provider { name, field } => {
                validate_provider_name(&name)?;
                let name = self.resolve_provider_name(&name).unwrap_or(name);
                *self.provider_secrets_mut(&name)?.field_mut(field) = Some(value);
            }
            SecretKey::TopLevel(top) => {
                self.secrets_mut()?
                    .extra
                    .insert(top, crate::secret_serde::to_json(&value));
            }
        }
        Ok(())
    }

    /// Removes a secret by dotted key. Returns whether it was stored.
    pub fn remove_secret(&mut self, key: &str) -> Result<bool, ConfigError> {
        let parsed = parse_secret_key(key)?;
        let present = {
            let secrets = self.secrets()?;
            match &parsed {
                SecretKey::Provider { name, field } => find_ignoring_case(&secrets.providers, name)
                    .and_then(|k| secrets.providers.get(&k))
                    .is_some_and(|s| s.field(*field).is_some()),
                SecretKey::TopLevel(top) => secrets.extra.contains_key(top),
            }
        };
        if present {
            let secrets = self.secrets_mut()?;
            match parsed {
                SecretKey::Provider { name, field } => {
                    let k = find_ignoring_case(&secrets.providers, &name).expect("present");
                    let node = secrets.providers.get_mut(&k).expect("present");
                    *node.field_mut(field) = None;
                    if node.is_empty() {
                        secrets.providers.remove(&k);
                    }
                }
                SecretKey::TopLevel(top) => {
                    secrets.extra.shift_remove(&top);
                }
            }
        }
        Ok(present)
    }

    /// The dotted names of every stored secret, sorted (`Providers.openai.ApiKey`, …). Values
    /// are never returned.
    pub fn secret_names(&mut self) -> Result<Vec<String>, ConfigError> {
        let secrets = self.secrets()?;
        let mut names = Vec::new();
        for (provider, node) in &secrets.providers {
            for field in SecretField::ALL {
                if node.field(field).is_some() {
                    names.push(format!("Providers.{provider}.{field}"));
                }
            }
            for extra in node.extra.keys() {
                names.push(format!("Providers.{provider}.{extra}"));
            }
        }
        names.extend(secrets.extra.keys().cloned());
        names.sort();
        Ok(names)
    }
}

fn merge_tokens(node: &mut ProviderSecrets, tokens: OAuthTokens) {
    node.oauth_access_token = Some(tokens.access_token);
    if let Some(refresh) = tokens.refresh_token {
        node.oauth_refresh_token = Some(refresh);
    }
    if let Some(id) = tokens.id_token {
        node.oauth_id_token = Some(id);
    }
    if let Some(account) = tokens.account_id {
        node.oauth_account_id = Some(account);
    }
}

enum SecretKey {
    Provider { name: String, field: SecretField },
    TopLevel(String),
}

fn parse_secret_key(key: &str) -> Result<SecretKey, ConfigError> {
    let invalid = || ConfigError::InvalidSecretKey {
        key: key.to_owned(),
    };
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        [providers, name, field] if providers.eq_ignore_ascii_case("Providers") => {
            let field = field.parse::<SecretField>().map_err(|()| invalid())?;
            Ok(SecretKey::Provider {
                name: (*name).to_owned(),
                field,
            })
        }
        [top] if !top.is_empty() && !top.eq_ignore_ascii_case("Providers") => {
            Ok(SecretKey::TopLevel((*top).to_owned()))
        }
        _ => Err(invalid()),
    }
}

fn find_ignoring_case<V>(
    map: &std::collections::BTreeMap<String, V>,
    name: &str,
) -> Option<String> {
    crate::ProviderName::find_in(map.keys(), name).cloned()
}

fn remove_ignoring_case<V>(map: &mut std::collections::BTreeMap<String, V>, name: &str) -> bool {
    match find_ignoring_case(map, name) {
        Some(k) => map.remove(&k).is_some(),
        None => false,
    }
}
