//! Layering what each source knows: override → live → bundled catalog → default.

use super::{Modalities, ModelFacts, ModelInfo, Provenance, Sourced};

/// Context window assumed when no source knows one: small enough that no model refuses it.
pub const DEFAULT_CONTEXT_WINDOW: u32 = 32_768;

/// A configured context window is larger than the one the provider reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the configured context window `{configured}` of model `{model}` exceeds the context window \
     `{discovered}` reported by the {} source; lower it or clear it with `netclaw model set`",
    discovered_source.as_str()
)]
pub struct ContextWindowExceeded {
    /// The model id.
    pub model: String,
    /// What the user configured.
    pub configured: u32,
    /// What live discovery (or the catalog) reports.
    pub discovered: u32,
    /// Which source reported `discovered`.
    pub discovered_source: Provenance,
}

fn pick<T: Clone>(
    layers: [(Option<&ModelFacts>, Provenance); 3],
    field: impl Fn(&ModelFacts) -> Option<&T>,
) -> Option<Sourced<T>> {
    layers.into_iter().find_map(|(facts, source)| {
        facts
            .and_then(&field)
            .map(|value| Sourced::new(value.clone(), source))
    })
}

/// Merges one model's facts; `overrides` wins, then `live`, then `catalog`, then defaults
/// (32 768 tokens, text in and out, the id as display name).
///
/// Fails when the overridden context window is larger than the one live discovery (or, without
/// it, the catalog) reports.
pub fn merge_model(
    id: &str,
    overrides: Option<&ModelFacts>,
    live: Option<&ModelFacts>,
    catalog: Option<&ModelFacts>,
) -> Result<ModelInfo, ContextWindowExceeded> {
    let layers = [
        (overrides, Provenance::Override),
        (live, Provenance::Live),
        (catalog, Provenance::Catalog),
    ];
    let discovered = pick(
        [
            (live, Provenance::Live),
            (catalog, Provenance::Catalog),
            (None, Provenance::Default),
        ],
        |f| f.context_window.as_ref(),
    );
    if let (Some(configured), Some(discovered)) = (
        overrides.and_then(|o| o.context_window),
        discovered.as_ref(),
    ) && configured > discovered.value
    {
        return Err(ContextWindowExceeded {
            model: id.to_owned(),
            configured,
            discovered: discovered.value,
            discovered_source: discovered.source,
        });
    }
    Ok(ModelInfo {
        id: id.to_owned(),
        display_name: pick(layers, |f| f.display_name.as_ref())
            .unwrap_or_else(|| Sourced::new(id.to_owned(), Provenance::Default)),
        context_window: pick(layers, |f| f.context_window.as_ref())
            .unwrap_or_else(|| Sourced::new(DEFAULT_CONTEXT_WINDOW, Provenance::Default)),
        advertised_context_window: None,
        observed_at: None,
        max_output_tokens: pick(layers, |f| f.max_output_tokens.as_ref()),
        input_modalities: pick(layers, |f| f.input_modalities.as_ref())
            .unwrap_or_else(|| Sourced::new(Modalities::text(), Provenance::Default)),
        output_modalities: pick(layers, |f| f.output_modalities.as_ref())
            .unwrap_or_else(|| Sourced::new(Modalities::text(), Provenance::Default)),
        supports_tools: pick(layers, |f| f.supports_tools.as_ref()),
        pricing: pick(layers, |f| f.pricing.as_ref()),
    })
}

/// Lays a window the provider stated (at `at`) over what it advertised: the refusal is the
/// truth about the backend. The user's configured window still wins.
pub fn apply_observed_window(info: &mut ModelInfo, tokens: u32, at: jiff::Timestamp) {
    if info.context_window.source == Provenance::Override {
        return;
    }
    let advertised = std::mem::replace(
        &mut info.context_window,
        Sourced::new(tokens, Provenance::Observed),
    );
    info.advertised_context_window = Some(advertised);
    info.observed_at = Some(at);
}

/// Merges a provider's whole listing.
///
/// The models listed are the live ones when discovery succeeded (the provider knows what the
/// account may use), else the catalog's; a model named only by an override is appended. Each is
/// merged with [`merge_model`].
pub fn merge_listing(
    live: Option<&[ModelFacts]>,
    catalog: &[ModelFacts],
    overrides: &[ModelFacts],
) -> Result<Vec<ModelInfo>, ContextWindowExceeded> {
    let find = |list: &[ModelFacts], id: &str| list.iter().find(|m| m.id == id).cloned();
    let base = live.unwrap_or(catalog);
    let mut ids: Vec<&str> = base.iter().map(|m| m.id.as_str()).collect();
    for o in overrides {
        if !ids.contains(&o.id.as_str()) {
            ids.push(&o.id);
        }
    }
    ids.into_iter()
        .map(|id| {
            merge_model(
                id,
                find(overrides, id).as_ref(),
                live.and_then(|l| find(l, id)).as_ref(),
                find(catalog, id).as_ref(),
            )
        })
        .collect()
}
