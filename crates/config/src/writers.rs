//! Writers that split a provider across both files: plain fields to netclaw.json, secrets to the
//! secrets file, so no secret ever lands in the plain file.

use std::fmt;

use jiff::Timestamp;
use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::accounts::validate_account_name;
use crate::document::{ConfigDocument, validate_provider_name};
use crate::error::ConfigError;
use crate::model::ProviderAccount;
use crate::model::{ProviderEntry, ProviderModel};
use crate::secrets::{AccountSecrets, ProviderSecrets, SecretField};

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
    /// Read the credential from another program's login file (`CredentialFile`), storing
    /// nothing: the account's stored secrets are removed.
    File(String),
}

/// What `netclaw provider add/login` writes for one provider.
#[derive(Debug)]
pub struct ProviderWrite {
    /// Plain fields: `Type`, `AuthMethod`, `Endpoint`, `OAuth`, `VendorOptions`. Its
    /// `Accounts` are ignored: the stored ones stay, and the credential's account is given
    /// apart.
    pub entry: ProviderEntry,
    /// What to store for the account written.
    pub credentials: CredentialWrite,
}

impl ConfigDocument {
    /// Creates or replaces provider `name` in both files, its credential stored for its first
    /// account (the default account when it has none).
    pub fn write_provider(&mut self, name: &str, write: ProviderWrite) -> Result<(), ConfigError> {
        self.write_account(name, None, write)
    }

    /// Creates or replaces provider `name` in both files, its credential stored for account
    /// `account` (`None`: the first, or the default account when it has none).
    ///
    /// Plain fields replace the entry's known fields (keys the model does not know stay);
    /// the account's secrets are stored as [`CredentialWrite`] says, and no other account's
    /// are touched.
    pub fn write_account(
        &mut self,
        name: &str,
        account: Option<&str>,
        write: ProviderWrite,
    ) -> Result<(), ConfigError> {
        validate_provider_name(name)?;
        if let Some(account) = account {
            validate_account_name(account)?;
        }
        let key = self
            .resolve_provider_name(name)
            .unwrap_or_else(|| name.to_owned());
        let account = self.account_to_write(&key, account)?;
        let existing = self.provider(&key)?;
        let ProviderWrite { entry, credentials } = write;
        let mut merged = existing.unwrap_or_else(|| ProviderEntry::new(""));
        merged.provider_type = entry.provider_type;
        merged.auth_method = entry.auth_method;
        merged.endpoint = entry.endpoint;
        merged.oauth = entry.oauth;
        merged.vendor_options = entry.vendor_options;
        merged.account_order = entry.account_order;
        merged.extra.extend(entry.extra);
        // The account's plain fields follow its credential; a write that keeps the credential
        // creates no account (a login that never completes leaves none behind).
        let plain_fields = match &credentials {
            CredentialWrite::Keep => None,
            CredentialWrite::ApiKey(_) => Some((None, None)),
            CredentialWrite::OAuth(t) => Some((t.expires_at, None)),
            CredentialWrite::File(path) => Some((None, Some(path.clone()))),
        };
        if let Some((expiry, file)) = plain_fields {
            let plain = merged.account_mut(&account);
            plain.oauth_token_expiry = expiry;
            plain.credential_file = file;
        }
        match credentials {
            CredentialWrite::Keep => {}
            CredentialWrite::ApiKey(key_value) => {
                *self.provider_secrets_mut(&key)?.account_mut(&account) = AccountSecrets {
                    api_key: Some(key_value),
                    ..AccountSecrets::default()
                };
            }
            CredentialWrite::OAuth(tokens) => {
                let node = self.provider_secrets_mut(&key)?.account_mut(&account);
                node.api_key = None;
                merge_tokens(node, tokens);
            }
            CredentialWrite::File(_) => {
                let has_secrets = self
                    .provider_secrets(&key)?
                    .is_some_and(|p| p.account(&account).is_some());
                if has_secrets {
                    let node = self.provider_secrets_mut(&key)?;
                    let stored = node.account_name(&account).map(str::to_owned);
                    if let Some(stored) = stored {
                        node.accounts.remove(&stored);
                    }
                }
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

    /// Stores refreshed (or newly obtained) tokens for one account.
    ///
    /// Tokens and account id go to the secrets file; an omitted refresh token, id token or
    /// account id keeps the stored one. The account's `OAuthTokenExpiry` is set (or removed
    /// when the tokens have none) in netclaw.json only when the provider is configured there:
    /// this never creates netclaw.json, so a provider configured only by environment stays
    /// stateless. No other account is touched.
    pub fn persist_tokens(
        &mut self,
        account: &ProviderAccount,
        tokens: OAuthTokens,
    ) -> Result<(), ConfigError> {
        let key = self
            .resolve_provider_name(&account.provider)
            .unwrap_or_else(|| account.provider.clone());
        let expires_at = tokens.expires_at;
        merge_tokens(
            self.provider_secrets_mut(&key)?
                .account_mut(&account.account),
            tokens,
        );
        if self.resolve_provider_name(&key).is_some() {
            self.edit_provider(&key, |e| {
                e.account_mut(&account.account).oauth_token_expiry = expires_at;
            })?;
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

    /// Stores a secret by dotted key: `Providers.<name>.<Field>` (the default account),
    /// `Providers.<name>.Accounts.<account>.<Field>` (field names ignore case), or a single
    /// top-level key such as `DeviceToken`.
    pub fn set_secret(&mut self, key: &str, value: SecretString) -> Result<(), ConfigError> {
        match parse_secret_key(key)? {
            SecretKey::Provider {
                name,
                account,
                field,
            } => {
                validate_provider_name(&name)?;
                validate_account_name(&account)?;
                let name = self.resolve_provider_name(&name).unwrap_or(name);
                *self
                    .provider_secrets_mut(&name)?
                    .account_mut(&account)
                    .field_mut(field) = Some(value);
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
                SecretKey::Provider {
                    name,
                    account,
                    field,
                } => find_ignoring_case(&secrets.providers, name)
                    .and_then(|k| secrets.providers.get(&k))
                    .and_then(|p| p.account(account))
                    .is_some_and(|s| s.field(*field).is_some()),
                SecretKey::TopLevel(top) => secrets.extra.contains_key(top),
            }
        };
        if present {
            let secrets = self.secrets_mut()?;
            match parsed {
                SecretKey::Provider {
                    name,
                    account,
                    field,
                } => {
                    let k = find_ignoring_case(&secrets.providers, &name).expect("present");
                    let node = secrets.providers.get_mut(&k).expect("present");
                    let stored = node.account_name(&account).expect("present").to_owned();
                    let slot = node.accounts.get_mut(&stored).expect("present");
                    *slot.field_mut(field) = None;
                    if slot.is_empty() {
                        node.accounts.remove(&stored);
                    }
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

    /// The dotted names of every stored secret, sorted (`Providers.openai.ApiKey` for a
    /// default account, `Providers.openai.Accounts.work.ApiKey` for another, …). Values are
    /// never returned.
    pub fn secret_names(&mut self) -> Result<Vec<String>, ConfigError> {
        let secrets = self.secrets()?;
        let mut names = Vec::new();
        for (provider, node) in &secrets.providers {
            for (account, stored) in &node.accounts {
                let prefix = if account.eq_ignore_ascii_case(crate::DEFAULT_ACCOUNT) {
                    format!("Providers.{provider}")
                } else {
                    format!("Providers.{provider}.Accounts.{account}")
                };
                for field in SecretField::ALL {
                    if stored.field(field).is_some() {
                        names.push(format!("{prefix}.{field}"));
                    }
                }
                for extra in stored.extra.keys() {
                    names.push(format!("{prefix}.{extra}"));
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

fn merge_tokens(node: &mut AccountSecrets, tokens: OAuthTokens) {
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
    Provider {
        name: String,
        account: String,
        field: SecretField,
    },
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
                account: crate::DEFAULT_ACCOUNT.to_owned(),
                field,
            })
        }
        [providers, name, accounts, account, field]
            if providers.eq_ignore_ascii_case("Providers")
                && accounts.eq_ignore_ascii_case("Accounts") =>
        {
            let field = field.parse::<SecretField>().map_err(|()| invalid())?;
            Ok(SecretKey::Provider {
                name: (*name).to_owned(),
                account: (*account).to_owned(),
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
