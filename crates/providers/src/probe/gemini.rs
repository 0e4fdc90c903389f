//! Gemini probe: Google's native `GET {v1beta}/models` (the key in `x-goog-api-key`), which
//! states each model's real `inputTokenLimit` and `outputTokenLimit`; chat goes to the
//! OpenAI-compatible endpoint beneath it (`{v1beta}/openai`).

use secrecy::ExposeSecret;
use serde_json::Value;

use super::http::{str_field, token_count};
use super::{ProbeClass, ProbeContext, ProbeFailure};
use crate::models::{Modalities, ModelFacts};

const LABEL: &str = "gemini";

/// The native API's base for a configured endpoint: `…/v1beta/openai` → `…/v1beta`.
pub(crate) fn native_base(endpoint: &str) -> &str {
    let base = endpoint.trim_end_matches('/');
    base.strip_suffix("/openai").unwrap_or(base)
}

pub(super) async fn probe(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let Some(bearer) = &ctx.target.bearer else {
        return Err(ProbeFailure::new(
            ProbeClass::NotConfigured,
            "API key is required for Gemini. Get one at https://aistudio.google.com/apikey",
        ));
    };
    let request = ctx
        .http
        .client()
        .get(format!("{}/models", native_base(&ctx.endpoint)))
        .query(&[("pageSize", "1000")])
        .header("x-goog-api-key", bearer.token.expose_secret());
    let body = ctx.http.json(LABEL, request).await?;
    let models = body
        .get("models")
        .and_then(Value::as_array)
        .ok_or_else(|| super::http::invalid(LABEL, "response did not contain a models array"))?;
    Ok(models.iter().filter_map(parse_model).collect())
}

/// A model that can chat (`generateContent`); its id without the `models/` prefix. Gemini
/// models take images as well as text.
fn parse_model(m: &Value) -> Option<ModelFacts> {
    let methods = m.get("supportedGenerationMethods")?.as_array()?;
    if !methods
        .iter()
        .any(|x| x.as_str() == Some("generateContent"))
    {
        return None;
    }
    let name = str_field(m, "name")?;
    let id = name.strip_prefix("models/").unwrap_or(name).to_owned();
    let input = Modalities::text_and_images_if(id.starts_with("gemini"));
    Some(ModelFacts {
        display_name: str_field(m, "displayName").map(str::to_owned),
        context_window: token_count(m.get("inputTokenLimit")),
        max_output_tokens: token_count(m.get("outputTokenLimit")),
        input_modalities: Some(input),
        ..ModelFacts::new(id)
    })
}
