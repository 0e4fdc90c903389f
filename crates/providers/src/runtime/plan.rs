//! Which models may answer a request: the one it named, or the configured chain
//! (`Models.Main`, `Models.Fallback`, `Models.FallbackChain`), each candidate completed with
//! its provider's stored name and the model's known context window, then one candidate per
//! account of its provider, in the provider's `AccountOrder`.

use crate::models::BundledCatalog;
use crate::resilience::{Candidate, Plan};

use super::resolve::{names_a_model, pick};
use super::{ConfiguredProvider, ResolveError, Runtime};

impl Runtime {
    /// The candidates for a request naming `provider` and/or `model` (either may be absent).
    /// The model asked for must be usable; a broken fallback is only skipped when served.
    pub fn plan(&self, provider: Option<&str>, model: Option<&str>) -> Result<Plan, ResolveError> {
        let settings = self.settings();
        let (key, model_id) = pick(settings, || self.known_models(), provider, model)?;
        self.client(&key)
            .map_err(|e| ResolveError::Provider(e.to_string()))?;
        let mut plan = if names_a_model(settings, provider, model) {
            Plan::explicit(&settings.models, Candidate::new(key, model_id))
        } else {
            Plan::configured(&settings.models)
        };
        let mut expanded = Vec::with_capacity(plan.candidates.len());
        for mut candidate in plan.candidates.drain(..) {
            let Some(provider) = self.fill_in(&mut candidate) else {
                expanded.push(candidate);
                continue;
            };
            // One candidate per account of its provider, in the provider's `AccountOrder`,
            // each with that account's login stamp.
            let accounts: Vec<_> = provider.accounts().collect();
            let order = provider.entry.account_order;
            for account in self.services.resilience.accounts_in_order(accounts, order) {
                expanded.push(Candidate {
                    login_stamp: provider.entry.token_expiry(&account.account),
                    account: account.account,
                    ..candidate.clone()
                });
            }
        }
        plan.candidates = expanded;
        Ok(plan)
    }

    /// Every `(provider, model)` the configuration knows of: the listed ones and the models
    /// the roles name.
    pub fn known_models(&self) -> Vec<(String, String)> {
        let mut known = self.listed_models();
        let roles = netclaw_config::ModelRole::ALL
            .into_iter()
            .filter_map(|role| self.settings().models.role(role));
        for role in roles {
            let Some(provider) = self.provider(&role.provider) else {
                continue;
            };
            let entry = (provider.name.to_owned(), role.model_id.clone());
            if !known.contains(&entry) {
                known.push(entry);
            }
        }
        known
    }

    /// Every `(provider, model)` the providers list: each one's last successful listing (else
    /// its bundled catalog).
    pub fn listed_models(&self) -> Vec<(String, String)> {
        let mut known = Vec::new();
        for provider in self.providers() {
            let probed = self
                .services
                .probes
                .last(provider.name)
                .filter(|r| r.report.is_ok())
                .map(|r| {
                    r.report
                        .models
                        .into_iter()
                        .map(|m| m.id)
                        .collect::<Vec<_>>()
                });
            let ids = probed.unwrap_or_else(|| {
                provider.descriptor.map_or_else(Vec::new, |d| {
                    BundledCatalog::models_for(d.kind)
                        .iter()
                        .map(|m| m.id.clone())
                        .collect()
                })
            });
            known.extend(ids.into_iter().map(|id| (provider.name.to_owned(), id)));
        }
        known
    }

    /// The provider's stored spelling and the model's known context window
    /// (configured, else the one the provider stated when it refused a prompt, else the last
    /// probe's listing, else the bundled catalog); the provider, when it is configured.
    fn fill_in(&self, candidate: &mut Candidate) -> Option<ConfiguredProvider<'_>> {
        let provider = self.provider(&candidate.provider)?;
        if candidate.context_window.is_none() {
            let observed = (self.services.observed)
                .get(provider.name, &candidate.model)
                .map(|o| o.tokens);
            let live = || (self.services.probes).context_window(provider.name, &candidate.model);
            let catalog = || {
                BundledCatalog::models_for(provider.descriptor?.kind)
                    .iter()
                    .find(|m| m.id == candidate.model)?
                    .context_window
            };
            candidate.context_window = observed.or_else(live).or_else(catalog).map(u64::from);
        }
        provider.name.clone_into(&mut candidate.provider);
        Some(provider)
    }
}
