//! The model catalog bundled with netclaw (`data/openai-models.json`), read once.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::ModelFacts;
use crate::descriptor::ProviderKind;

const OPENAI_JSON: &str = include_str!("../../data/openai-models.json");

#[cfg(test)]
pub(super) const OPENAI_JSON_FOR_TESTS: &str = OPENAI_JSON;

/// The bundled catalog file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the bundled model catalog is not valid: {0}")]
pub struct CatalogError(#[from] serde_json::Error);

/// A catalog file: where it came from, when, and its models in picker order.
///
/// `cargo xtask update-openai-models` writes this shape with [`BundledCatalog::to_json`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct BundledCatalog {
    /// Where the data was read from.
    pub source: String,
    /// The date it was read (`YYYY-MM-DD`).
    pub updated: String,
    /// The models, most capable first.
    pub models: Vec<ModelFacts>,
}

impl BundledCatalog {
    /// Parses a catalog file.
    pub fn parse(json: &str) -> Result<Self, CatalogError> {
        Ok(serde_json::from_str(json)?)
    }

    /// The file's canonical text (pretty, stable order, trailing newline).
    pub fn to_json(&self) -> Result<String, CatalogError> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }

    /// The bundled OpenAI catalog (parsed on first use).
    pub fn openai() -> &'static Self {
        static OPENAI: OnceLock<BundledCatalog> = OnceLock::new();
        OPENAI.get_or_init(|| {
            // The file is checked by a unit test, so a parse failure is a build defect.
            Self::parse(OPENAI_JSON).unwrap_or_else(|_| Self {
                source: String::new(),
                updated: String::new(),
                models: Vec::new(),
            })
        })
    }

    /// The bundled models for a provider family (OpenAI's catalog, Z.ai's known windows).
    pub fn models_for(kind: ProviderKind) -> &'static [ModelFacts] {
        match kind {
            ProviderKind::OpenAi => &Self::openai().models,
            ProviderKind::Zai => zai(),
            _ => &[],
        }
    }
}

/// Z.ai's listing names its GLM models without their windows; these are the vendor's figures.
fn zai() -> &'static [ModelFacts] {
    static ZAI: OnceLock<Vec<ModelFacts>> = OnceLock::new();
    ZAI.get_or_init(|| {
        [("glm-5.3", 1_000_000), ("glm-5.2", 200_000)]
            .into_iter()
            .map(|(id, window)| ModelFacts {
                context_window: Some(window),
                input_modalities: Some(super::Modalities::text()),
                output_modalities: Some(super::Modalities::text()),
                ..ModelFacts::new(id)
            })
            .collect()
    })
}
