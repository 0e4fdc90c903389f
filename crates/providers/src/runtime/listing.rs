//! Every provider's models with their capabilities and where each value came from: live
//! discovery (the last probe), the bundled catalog, what the configuration says, and the
//! context windows providers stated when they refused a prompt.

use netclaw_config::ProviderName;
use netclaw_config::Settings;
use serde::{Deserialize, Serialize};

use crate::models::{BundledCatalog, ModelFacts, ModelInfo, apply_observed_window, merge_listing};

use super::Runtime;

/// One provider's models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelListing {
    /// The provider's stored name.
    pub provider: String,
    /// The models (live when the provider answered, else the bundled catalog's).
    pub models: Vec<ModelInfo>,
    /// Why live discovery failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What the configuration says of `provider`'s models: every role (`Main`, `Fallback`,
/// `Compaction`) that names one of them counts, and a context window given there is the
/// user's word for that model wherever it is listed.
pub(super) fn configured_facts(settings: &Settings, provider: &str) -> Vec<ModelFacts> {
    let mut facts: Vec<ModelFacts> = Vec::new();
    let roles = netclaw_config::ModelRole::ALL
        .into_iter()
        .filter_map(|role| settings.models.role(role))
        .filter(|r| ProviderName::same(&r.provider, provider));
    for role in roles {
        let window = role.context_window.and_then(|w| u32::try_from(w).ok());
        match facts.iter_mut().find(|f| f.id == role.model_id) {
            Some(known) => known.context_window = known.context_window.or(window),
            None => facts.push(ModelFacts {
                context_window: window,
                ..ModelFacts::new(role.model_id.clone())
            }),
        }
    }
    facts
}

impl Runtime {
    /// The listings of `names` (configured names). With `fresh`, every provider is probed
    /// now; otherwise only those never probed, and the rest come from the probe book.
    pub async fn listings(&self, names: &[String], fresh: bool) -> Vec<ModelListing> {
        let probes = &self.services.probes;
        let to_probe: Vec<String> = names
            .iter()
            .filter(|n| fresh || probes.last(n).is_none())
            .cloned()
            .collect();
        self.probe_all(&to_probe).await;
        names
            .iter()
            .filter_map(|name| self.provider(name))
            .map(|provider| {
                let record = probes.last(provider.name);
                let live = record
                    .as_ref()
                    .filter(|r| r.report.is_ok())
                    .map(|r| r.report.models.as_slice());
                let catalog = provider
                    .descriptor
                    .map_or(&[][..], |d| BundledCatalog::models_for(d.kind));
                let overrides = configured_facts(self.settings(), provider.name);
                let error = record
                    .as_ref()
                    .filter(|r| !r.report.is_ok())
                    .map(|r| r.report.message.clone().unwrap_or_default());
                let (mut models, error) = match merge_listing(live, catalog, &overrides) {
                    Ok(models) => (models, error),
                    Err(e) => (Vec::new(), Some(e.to_string())),
                };
                let observed = self.services.observed.of_provider(provider.name);
                for model in &mut models {
                    if let Some(window) = observed.get(&model.id) {
                        apply_observed_window(model, window.tokens, window.at);
                    }
                }
                ModelListing {
                    provider: provider.name.to_owned(),
                    models,
                    error,
                }
            })
            .collect()
    }
}
