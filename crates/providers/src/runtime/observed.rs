//! Context windows learnt from refusals: a provider that answers "maximum context length is N
//! tokens" has said the model's real window, whatever its listing or the catalog claim (a model
//! listed at 1M that the backend refuses at ~370k). Kept per provider and model in
//! `state/observed-windows.json`, shared by the CLI and the daemon.

use std::collections::BTreeMap;

use jiff::Timestamp;
use netclaw_config::Paths;
use serde::{Deserialize, Serialize};

use super::state_map::{StateMap, find};

/// A context window a provider stated when it refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObservedWindow {
    /// The window in tokens.
    pub tokens: u32,
    /// When the provider said it.
    pub at: Timestamp,
}

/// Observed windows by provider, then model id.
#[derive(Debug)]
pub struct ObservedWindows {
    windows: StateMap<BTreeMap<String, ObservedWindow>>,
}

impl ObservedWindows {
    /// A book that lives in memory only.
    pub fn in_memory() -> Self {
        Self {
            windows: StateMap::in_memory(),
        }
    }

    /// The book of a home, in `state/observed-windows.json`.
    pub fn persistent(paths: &Paths) -> Self {
        Self {
            windows: StateMap::persistent(&paths.state_dir(), "observed-windows"),
        }
    }

    /// What `provider` said of `model`, from memory.
    pub fn get(&self, provider: &str, model: &str) -> Option<ObservedWindow> {
        let windows = self.windows.entries();
        find(&windows, provider)?.1.get(model).copied()
    }

    /// Every model of `provider` with an observed window.
    pub fn of_provider(&self, provider: &str) -> BTreeMap<String, ObservedWindow> {
        find(&self.windows.entries(), provider)
            .map(|(_, models)| models.clone())
            .unwrap_or_default()
    }

    /// Remembers that `provider` refused `model` beyond `tokens` at `at`; an unchanged window
    /// is not written again.
    pub fn record(&self, provider: &str, model: &str, tokens: u32, at: Timestamp) {
        if self
            .get(provider, model)
            .is_some_and(|known| known.tokens == tokens)
        {
            return;
        }
        self.windows.change(|all| {
            let key = find(all, provider).map_or_else(|| provider.to_owned(), |(k, _)| k.clone());
            all.entry(key)
                .or_default()
                .insert(model.to_owned(), ObservedWindow { tokens, at });
        });
    }

    /// Forgets `provider` (removed), or moves its windows to `renamed_to`.
    pub fn forget(&self, provider: &str, renamed_to: Option<&str>) {
        self.windows.forget(provider, renamed_to);
    }
}
