//! Writers for a provider's accounts: which one a write goes to, and removing, renaming and
//! ordering them in both files at once.

use crate::document::{ConfigDocument, validate_provider_name};
use crate::error::ConfigError;
use crate::model::{AccountOrder, ProviderAccount};

/// Account names follow the provider-name rule (letters, digits, `-`, `_`), so
/// `provider/account` and the secrets file's keys stay unambiguous.
pub fn validate_account_name(name: &str) -> Result<(), ConfigError> {
    validate_provider_name(name).map_err(|error| match error {
        ConfigError::InvalidProviderName { name, reason } => {
            ConfigError::InvalidAccountName { name, reason }
        }
        other => other,
    })
}

impl ConfigDocument {
    /// Every account of provider `name`, in order: those `netclaw.json` lists, then those only
    /// the secrets file holds. Empty for a provider with nothing stored.
    pub fn account_names(&mut self, name: &str) -> Result<Vec<String>, ConfigError> {
        let mut names: Vec<String> = self
            .provider(name)?
            .map(|entry| entry.accounts.keys().cloned().collect())
            .unwrap_or_default();
        let secrets = self.secrets()?;
        let stored = crate::ProviderName::find_in(secrets.providers.keys(), name)
            .and_then(|key| secrets.providers.get(key));
        for account in stored.into_iter().flat_map(|p| p.accounts.keys()) {
            if !names.iter().any(|n| crate::ProviderName::same(n, account)) {
                names.push(account.clone());
            }
        }
        Ok(names)
    }

    /// The account a write to provider `key` goes to: `account` as stored (or as given, for a
    /// new one); without one, the provider's only account, else the default account, and a
    /// provider with several accounts and no default must be told which.
    pub fn account_to_write(
        &mut self,
        key: &str,
        account: Option<&str>,
    ) -> Result<String, ConfigError> {
        let names = self.account_names(key)?;
        if let Some(account) = account {
            let stored = crate::ProviderName::find_in(names.iter(), account);
            return Ok(stored.cloned().unwrap_or_else(|| account.to_owned()));
        }
        match names.as_slice() {
            [] => Ok(crate::DEFAULT_ACCOUNT.to_owned()),
            [only] => Ok(only.clone()),
            several => crate::ProviderName::find_in(several.iter(), crate::DEFAULT_ACCOUNT)
                .cloned()
                .ok_or_else(|| ConfigError::AccountAmbiguous {
                    provider: key.to_owned(),
                    accounts: several.to_vec(),
                }),
        }
    }

    fn stored_account(
        &mut self,
        account: &ProviderAccount,
    ) -> Result<(String, String), ConfigError> {
        let Some(provider) = self.resolve_provider_name(&account.provider) else {
            return Err(ConfigError::ProviderNotFound {
                name: account.provider.clone(),
            });
        };
        let names = self.account_names(&provider)?;
        let stored = crate::ProviderName::find_in(names.iter(), &account.account)
            .cloned()
            .ok_or_else(|| ConfigError::AccountNotFound {
                provider: provider.clone(),
                account: account.account.clone(),
            })?;
        Ok((provider, stored))
    }

    /// Removes one account from both files; the provider and its other accounts stay.
    pub fn remove_account(&mut self, account: &ProviderAccount) -> Result<(), ConfigError> {
        let (provider, stored) = self.stored_account(account)?;
        // Secrets first: if they cannot be read, nothing changes.
        let secrets = self.secrets_mut()?;
        if let Some(key) =
            crate::ProviderName::find_in(secrets.providers.keys(), &provider).cloned()
            && let Some(node) = secrets.providers.get_mut(&key)
        {
            node.accounts.remove(&stored);
            if node.is_empty() {
                secrets.providers.remove(&key);
            }
        }
        self.edit_provider(&provider, |entry| {
            entry.accounts.shift_remove(&stored);
        })
    }

    /// Renames one account in both files, keeping its place in the order.
    pub fn rename_account(
        &mut self,
        account: &ProviderAccount,
        to: &str,
    ) -> Result<(), ConfigError> {
        validate_account_name(to)?;
        let (provider, stored) = self.stored_account(account)?;
        let names = self.account_names(&provider)?;
        if let Some(existing) = crate::ProviderName::find_in(names.iter(), to)
            && *existing != stored
        {
            return Err(ConfigError::AccountExists {
                provider,
                account: existing.clone(),
            });
        }
        let secrets = self.secrets_mut()?;
        if let Some(key) =
            crate::ProviderName::find_in(secrets.providers.keys(), &provider).cloned()
            && let Some(node) = secrets.providers.get_mut(&key)
            && let Some(moved) = node.accounts.remove(&stored)
        {
            node.accounts.insert(to.to_owned(), moved);
        }
        self.edit_provider(&provider, |entry| {
            let renamed = std::mem::take(&mut entry.accounts)
                .into_iter()
                .map(|(name, plain)| {
                    if name == stored {
                        (to.to_owned(), plain)
                    } else {
                        (name, plain)
                    }
                })
                .collect();
            entry.accounts = renamed;
            if !entry.accounts.contains_key(to) {
                // An account only the secrets file held gets its place in the order now.
                entry
                    .accounts
                    .insert(to.to_owned(), crate::AccountEntry::default());
            }
        })
    }

    /// Sets the order provider `name`'s accounts are tried in.
    pub fn set_account_order(
        &mut self,
        name: &str,
        order: AccountOrder,
    ) -> Result<(), ConfigError> {
        self.edit_provider(name, |entry| entry.account_order = order)
    }
}
