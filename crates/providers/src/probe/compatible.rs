//! OpenAI-compatible probe (llama.cpp, vLLM, LM Studio, gateways) and its `/v1` path rules.

use secrecy::ExposeSecret;
use serde_json::Value;

use super::http::{data_array, str_field, token_count};
use super::{ProbeContext, ProbeFailure};
use crate::models::ModelFacts;

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
        }
    }
}

pub(super) async fn probe(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let urls = OpenAiCompatibleEndpoint::from_base_url(&ctx.endpoint);
    let mut request = ctx.http.client().get(urls.models);
    if let Some(bearer) = &ctx.target.bearer {
        request = request.bearer_auth(bearer.token.expose_secret());
    }
    let body = ctx.http.json(LABEL, request).await?;
    Ok(data_array(LABEL, &body)?
        .iter()
        .filter_map(parse_model)
        .collect())
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
