//! From a Codex `/models` response to the catalog's models: visible only, normalized, in picker order.

use std::collections::HashSet;

use netclaw_providers::models::{Modalities, ModelFacts};
use netclaw_providers::probe::parse_codex_catalog;
use serde_json::Value;

/// A response that cannot become a catalog.
#[derive(Debug, thiserror::Error)]
pub enum ResponseError {
    /// The text is not JSON.
    #[error("the response is not JSON")]
    NotJson(#[source] serde_json::Error),
    /// The JSON is not a usable Codex `/models` response (the probe's message).
    #[error(transparent)]
    NotACatalog(#[from] netclaw_providers::probe::CodexCatalogError),
}

/// The catalog's models from the text of a Codex `/models` response.
///
/// The response is read exactly as the probe reads it (see
/// [`netclaw_providers::probe::parse_codex_catalog`]: entries with `visibility` `hide` or `none`
/// are dropped; every visible model must have a context window and input modalities), then
/// normalized:
/// - order: ascending `priority` (the Codex picker order; the first is the default), entries
///   without a priority after those with one, ties in response order;
/// - a model listed twice keeps its first (highest-priority) entry;
/// - display name: the response's, else the id;
/// - output modalities: the response's, else text (the backend serves models that answer in
///   text through the Responses API);
/// - tools: supported (every model the backend lists runs the Codex agent, which calls tools).
pub fn models_from_response(text: &str) -> Result<Vec<ModelFacts>, ResponseError> {
    let body: Value = serde_json::from_str(text).map_err(ResponseError::NotJson)?;
    let parsed = parse_codex_catalog(&body)?;
    let priorities = visible_priorities(&body);
    let mut ranked: Vec<_> = parsed
        .into_iter()
        .enumerate()
        .map(|(index, model)| {
            // The probe keeps visible entries in response order, so position `index` here is
            // the same entry as in `priorities`.
            let priority = priorities
                .get(index)
                .filter(|(id, _)| *id == model.id)
                .and_then(|(_, p)| *p);
            ((priority.is_none(), priority.unwrap_or(0), index), model)
        })
        .collect();
    ranked.sort_by_key(|(key, _)| *key);
    let mut seen = HashSet::new();
    Ok(ranked
        .into_iter()
        .map(|(_, model)| normalized(model))
        .filter(|model| seen.insert(model.id.clone()))
        .collect())
}

fn normalized(model: ModelFacts) -> ModelFacts {
    ModelFacts {
        display_name: Some(model.display_name.unwrap_or_else(|| model.id.clone())),
        output_modalities: Some(model.output_modalities.unwrap_or_else(Modalities::text)),
        supports_tools: Some(true),
        ..model
    }
}

/// Each picker-visible entry's id and `priority`, in response order: the id is the first
/// non-blank of `slug`, `id`, `model` and an entry is hidden when `visibility` is `hide` or
/// `none`, as the probe reads them.
fn visible_priorities(body: &Value) -> Vec<(String, Option<i64>)> {
    let Some(entries) = body.get("models").and_then(Value::as_array) else {
        return Vec::new();
    };
    let text = |entry: &Value, key: &str| {
        entry
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    entries
        .iter()
        .filter(|entry| {
            !text(entry, "visibility")
                .is_some_and(|v| v.eq_ignore_ascii_case("hide") || v.eq_ignore_ascii_case("none"))
        })
        .filter_map(|entry| {
            let id = ["slug", "id", "model"]
                .iter()
                .find_map(|k| text(entry, k))?;
            Some((id, entry.get("priority").and_then(Value::as_i64)))
        })
        .collect()
}
