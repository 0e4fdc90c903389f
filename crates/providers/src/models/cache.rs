//! The last successful live discovery per provider, so listings don't hit the network each time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};

use super::ModelFacts;

/// One provider's discovered models and when they were fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedDiscovery {
    /// The models the provider listed.
    pub models: Arc<[ModelFacts]>,
    /// When the listing was fetched.
    pub fetched_at: Timestamp,
}

/// An in-memory cache of the last successful discovery per provider name (names ignore case).
#[derive(Debug, Default)]
pub struct DiscoveryCache {
    entries: Mutex<HashMap<String, CachedDiscovery>>,
}

impl DiscoveryCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a successful discovery for `provider`, replacing the previous one.
    pub fn store(&self, provider: &str, models: Vec<ModelFacts>, fetched_at: Timestamp) {
        let entry = CachedDiscovery {
            models: models.into(),
            fetched_at,
        };
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(provider.to_ascii_lowercase(), entry);
    }

    /// The last discovery for `provider`, however old.
    pub fn get(&self, provider: &str) -> Option<CachedDiscovery> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&provider.to_ascii_lowercase())
            .cloned()
    }

    /// The last discovery for `provider` when it is at most `max_age` old at `now`.
    pub fn get_fresh(
        &self,
        provider: &str,
        now: Timestamp,
        max_age: SignedDuration,
    ) -> Option<CachedDiscovery> {
        self.get(provider)
            .filter(|c| now.duration_since(c.fetched_at) <= max_age)
    }

    /// Forgets `provider` (after removal, rename or re-login).
    pub fn forget(&self, provider: &str) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&provider.to_ascii_lowercase());
    }
}
