//! Ollama probe: `GET /api/tags`, then `POST /api/show` per model for context length and vision.

use futures_util::future::join_all;
use serde_json::{Value, json};

use super::http::{str_field, token_count};
use super::{ProbeContext, ProbeFailure};
use crate::models::{Modalities, ModelFacts};

const LABEL: &str = "ollama";

pub(super) async fn probe(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let request = ctx.http.client().get(format!("{}/api/tags", ctx.endpoint));
    let body = ctx.http.json(LABEL, request).await?;
    let names: Vec<String> = body
        .get("models")
        .and_then(Value::as_array)
        .ok_or_else(|| super::http::invalid(LABEL, "response did not contain a models array"))?
        .iter()
        .filter_map(|m| str_field(m, "name").or_else(|| str_field(m, "model")))
        .map(str::to_owned)
        .collect();
    Ok(join_all(names.into_iter().map(|name| show(ctx, name))).await)
}

/// Capabilities from `/api/show`; a model whose details cannot be read keeps unknown values.
async fn show(ctx: &ProbeContext<'_>, name: String) -> ModelFacts {
    let request = ctx
        .http
        .client()
        .post(format!("{}/api/show", ctx.endpoint))
        .json(&json!({ "model": name }));
    match ctx.http.json(LABEL, request).await {
        Ok(details) => parse_show(name, &details),
        Err(failure) => {
            tracing::debug!(model = %name, class = failure.class.as_str(), "ollama /api/show failed");
            ModelFacts::new(name)
        }
    }
}

pub(crate) fn parse_show(name: String, details: &Value) -> ModelFacts {
    let info = details.get("model_info");
    let arch = info.and_then(|i| str_field(i, "general.architecture"));
    let arch_value = |suffix: &str| {
        arch.and_then(|a| info.and_then(|i| i.get(format!("{a}.{suffix}").as_str())))
    };
    let capabilities: Vec<&str> = details
        .get("capabilities")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let vision =
        token_count(arch_value("vision.block_count")).is_some() || capabilities.contains(&"vision");
    let input = Modalities::text_and_images_if(vision);
    ModelFacts {
        context_window: token_count(arch_value("context_length")),
        input_modalities: arch.is_some().then_some(input),
        output_modalities: arch.is_some().then(Modalities::text),
        supports_tools: (!capabilities.is_empty()).then(|| capabilities.contains(&"tools")),
        ..ModelFacts::new(name)
    }
}
