//! Looking provider types up by key: case-insensitive, with the legacy `openai-codex` alias.

use super::{AuthMethod, ProviderDescriptor, builtin};

/// A provider type key that no descriptor answers to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "Unknown provider type '{requested}'{}. Known: {}",
    suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default(),
    known.join(", ")
)]
pub struct UnknownProviderType {
    /// What was asked for.
    pub requested: String,
    /// The known key it is closest to, when one is close.
    pub suggestion: Option<&'static str>,
    /// Every known key, sorted.
    pub known: Vec<&'static str>,
}

/// Legacy type keys still accepted, with the type and auth method they stand for.
const ALIASES: &[(&str, &str, AuthMethod)] = &[("openai-codex", "openai", AuthMethod::OAuthPkce)];

/// Every provider type netclaw knows.
#[derive(Debug, Clone)]
pub struct ProviderRegistry {
    descriptors: Vec<ProviderDescriptor>,
}

impl Default for ProviderRegistry {
    fn default() -> Self {
        Self::builtin()
    }
}

impl ProviderRegistry {
    /// The five built-in types: `openai`, `anthropic`, `openrouter`, `ollama`, `openai-compatible`.
    pub fn builtin() -> Self {
        Self {
            descriptors: builtin::all(),
        }
    }

    /// Every descriptor, in catalog order.
    pub fn all(&self) -> &[ProviderDescriptor] {
        &self.descriptors
    }

    /// Known type keys, sorted alphabetically (aliases not included).
    pub fn known_type_keys(&self) -> Vec<&'static str> {
        let mut keys: Vec<_> = self.descriptors.iter().map(|d| d.type_key).collect();
        keys.sort_unstable();
        keys
    }

    /// The descriptor for `type_key` (ignoring case; `openai-codex` gives `openai`), or `None`.
    pub fn try_get(&self, type_key: &str) -> Option<&ProviderDescriptor> {
        let key = type_key.trim();
        let key = ALIASES
            .iter()
            .find(|(alias, _, _)| alias.eq_ignore_ascii_case(key))
            .map_or(key, |(_, target, _)| *target);
        self.descriptors
            .iter()
            .find(|d| d.type_key.eq_ignore_ascii_case(key))
    }

    /// The descriptor for `type_key`, or an error listing the known keys.
    pub fn get(&self, type_key: &str) -> Result<&ProviderDescriptor, UnknownProviderType> {
        self.try_get(type_key).ok_or_else(|| {
            let known = self.known_type_keys();
            let suggestion = known
                .iter()
                .copied()
                .filter(|k| crate::similar::close(type_key.trim(), k))
                .min_by_key(|k| crate::similar::edit_distance(&type_key.to_ascii_lowercase(), k));
            UnknownProviderType {
                requested: type_key.to_owned(),
                suggestion,
                known,
            }
        })
    }

    /// The auth method a legacy alias implies (`openai-codex` → `OAuthPkce`); `None` for
    /// ordinary keys.
    pub fn alias_auth_method(type_key: &str) -> Option<AuthMethod> {
        ALIASES
            .iter()
            .find(|(alias, _, _)| alias.eq_ignore_ascii_case(type_key.trim()))
            .map(|(_, _, method)| *method)
    }
}
