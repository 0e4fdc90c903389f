//! The model catalog: every model with its capabilities and where each value came from.

mod catalog;
mod merge;
mod modality;

#[cfg(test)]
mod tests;

pub use catalog::{BundledCatalog, CatalogError};
pub use merge::{
    ContextWindowExceeded, DEFAULT_CONTEXT_WINDOW, apply_observed_window, merge_listing,
    merge_model,
};
pub use modality::{Modalities, Modality};

use serde::{Deserialize, Serialize};

/// Where a value in a [`ModelInfo`] came from, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provenance {
    /// The user's configuration (`Models` or the provider's settings).
    Override,
    /// The provider's own model listing, fetched live.
    Live,
    /// The catalog bundled with netclaw (`data/openai-models.json`).
    Catalog,
    /// What the provider stated when it refused a request as too long.
    Observed,
    /// netclaw's fallback when nothing else is known.
    Default,
}

impl Provenance {
    /// `override`, `live`, `catalog`, `observed` or `default`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Override => "override",
            Self::Live => "live",
            Self::Catalog => "catalog",
            Self::Observed => "observed",
            Self::Default => "default",
        }
    }
}

/// A value together with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Its origin.
    pub source: Provenance,
}

impl<T> Sourced<T> {
    /// Pairs `value` with `source`.
    pub fn new(value: T, source: Provenance) -> Self {
        Self { value, source }
    }
}

/// Price in US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pricing {
    /// Dollars per million input (prompt) tokens.
    pub input_per_million: f64,
    /// Dollars per million output (completion) tokens.
    pub output_per_million: f64,
}

/// What one source knows about a model; every field may be unknown.
///
/// Live discovery, the bundled catalog and the user's overrides all produce this shape;
/// [`merge_model`] layers them into a [`ModelInfo`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelFacts {
    /// The model id the provider expects in requests.
    pub id: String,
    /// A human name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Context window in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u32>,
    /// Largest output in tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    /// Accepted input kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_modalities: Option<Modalities>,
    /// Produced output kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_modalities: Option<Modalities>,
    /// Whether the model can call tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supports_tools: Option<bool>,
    /// Price, when the provider publishes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pricing: Option<Pricing>,
}

impl ModelFacts {
    /// Facts about `id` with nothing else known.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }
}

/// A model as netclaw presents it: every capability with its [`Provenance`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelInfo {
    /// The model id the provider expects in requests.
    pub id: String,
    /// A human name (the id when nothing better is known).
    pub display_name: Sourced<String>,
    /// Context window in tokens (32 768 when nothing is known).
    pub context_window: Sourced<u32>,
    /// What the listing or catalog claimed, when an observed window replaced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advertised_context_window: Option<Sourced<u32>>,
    /// When the observed window was stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_at: Option<jiff::Timestamp>,
    /// Largest output in tokens, when known.
    pub max_output_tokens: Option<Sourced<u32>>,
    /// Accepted input kinds (text when nothing is known).
    pub input_modalities: Sourced<Modalities>,
    /// Produced output kinds (text when nothing is known).
    pub output_modalities: Sourced<Modalities>,
    /// Whether the model can call tools, when known.
    pub supports_tools: Option<Sourced<bool>>,
    /// Price, when known.
    pub pricing: Option<Sourced<Pricing>>,
}
