//! OpenAI-compatible probe (llama.cpp, vLLM, LM Studio, LiteLLM and other gateways) and its
//! `/v1` path rules.

use secrecy::ExposeSecret;
use serde_json::Value;

use super::http::{data_models, str_field, token_count};
use super::{ProbeContext, ProbeFailure};
use crate::models::{Modalities, ModelFacts};

const LABEL: &str = "openai-compatible";

/// The URLs of an OpenAI-compatible server, from the base URL the user configured.
///
/// A base whose path already ends in `/v1` or `/api/v1` gets `chat/completions` and `models`
/// appended; any other base gets `v1/chat/completions` and `v1/models` (users give either form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAiCompatibleEndpoint {
    /// `POST` target of Chat Completions.
    pub chat_completions: String,
    /// `GET` target of the model listing.
    pub models: String,
    /// `GET` target of LiteLLM's per-model details (`/v1/model/info`).
    pub model_info: String,
}

impl OpenAiCompatibleEndpoint {
    /// The URLs for `base_url` (trailing slashes ignored).
    pub fn from_base_url(base_url: &str) -> Self {
        let base = base_url.trim().trim_end_matches('/');
        let path = base
            .split_once("://")
            .map_or(base, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
        let prefix = if path.ends_with("/v1") {
            base.to_owned()
        } else {
            format!("{base}/v1")
        };
        Self {
            chat_completions: format!("{prefix}/chat/completions"),
            models: format!("{prefix}/models"),
            model_info: format!("{prefix}/model/info"),
        }
    }
}

pub(super) async fn probe(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let urls = OpenAiCompatibleEndpoint::from_base_url(&ctx.endpoint);
    let body = ctx.http.json(LABEL, authorized(ctx, &urls.models)).await?;
    let mut models = data_models(LABEL, &body, parse_model)?;
    if models.iter().any(|m| m.context_window.is_none()) {
        fill_from_model_info(ctx, &urls.model_info, &mut models).await;
    }
    Ok(models)
}

fn authorized(ctx: &ProbeContext<'_>, url: &str) -> reqwest::RequestBuilder {
    let request = ctx.http.client().get(url);
    match &ctx.target.bearer {
        Some(bearer) => request.bearer_auth(bearer.token.expose_secret()),
        None => request,
    }
}

/// LiteLLM lists bare ids at `/v1/models` unless configured otherwise, and says the limits at
/// `/v1/model/info`; a server without that route (a 404) simply adds nothing.
async fn fill_from_model_info(ctx: &ProbeContext<'_>, url: &str, models: &mut [ModelFacts]) {
    let body = match ctx.http.json(LABEL, authorized(ctx, url)).await {
        Ok(body) => body,
        Err(failure) => {
            tracing::debug!(class = failure.class.as_str(), "no /v1/model/info here");
            return;
        }
    };
    let Some(entries) = body.get("data").and_then(Value::as_array) else {
        return;
    };
    for entry in entries {
        let (Some(name), Some(info)) = (str_field(entry, "model_name"), entry.get("model_info"))
        else {
            continue;
        };
        for model in models.iter_mut().filter(|m| m.id == name) {
            if model.context_window.is_none() {
                model.context_window = token_count(info.get("max_input_tokens"));
            }
            if model.max_output_tokens.is_none() {
                model.max_output_tokens = token_count(info.get("max_output_tokens"));
            }
            if model.input_modalities.is_none()
                && let Some(vision) = info.get("supports_vision").and_then(Value::as_bool)
            {
                model.input_modalities = Some(Modalities::text_and_images_if(vision));
            }
            if model.supports_tools.is_none() {
                model.supports_tools = info
                    .get("supports_function_calling")
                    .and_then(Value::as_bool);
            }
        }
    }
}

/// Context window from `max_model_len` (vLLM), `max_input_tokens` (LiteLLM),
/// `context_length` / `top_provider.context_length`, then `meta.n_ctx` (llama.cpp;
/// `n_ctx_train` only when `n_ctx` is absent); output limit from `max_output_tokens`.
fn parse_model(m: &Value) -> Option<ModelFacts> {
    let meta = m.get("meta");
    let n_ctx = meta.and_then(|x| x.get("n_ctx"));
    let context_window = token_count(m.get("max_model_len"))
        .or_else(|| token_count(m.get("max_input_tokens")))
        .or_else(|| token_count(m.get("context_length")))
        .or_else(|| token_count(m.pointer("/top_provider/context_length")))
        .or_else(|| match n_ctx {
            Some(v) => token_count(Some(v)),
            None => token_count(meta.and_then(|x| x.get("n_ctx_train"))),
        });
    Some(ModelFacts {
        id: str_field(m, "id")?.to_owned(),
        context_window,
        max_output_tokens: token_count(m.get("max_output_tokens")),
        ..ModelFacts::default()
    })
}
