//! Anthropic probe: `GET /v1/models` with `x-api-key` and `anthropic-version`.

use secrecy::ExposeSecret;

use super::http::{data_models, str_field, token_count};
use super::{ProbeClass, ProbeContext, ProbeFailure};
use crate::models::ModelFacts;

/// The API version header value netclaw speaks.
pub(crate) const ANTHROPIC_VERSION: &str = "2023-06-01";
const LABEL: &str = "anthropic";

pub(super) async fn probe(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let Some(bearer) = &ctx.target.bearer else {
        return Err(ProbeFailure::new(
            ProbeClass::NotConfigured,
            "API key is required for Anthropic.",
        ));
    };
    // The chat client accepts the API's base with or without `/v1`; so does the probe.
    let base = ctx.endpoint.trim_end_matches('/').trim_end_matches("/v1");
    let request = ctx
        .http
        .client()
        .get(format!("{base}/v1/models"))
        .header("x-api-key", bearer.token.expose_secret())
        .header("anthropic-version", ANTHROPIC_VERSION);
    let body = ctx.http.json(LABEL, request).await?;
    data_models(LABEL, &body, |m| {
        Some(ModelFacts {
            id: str_field(m, "id")?.to_owned(),
            display_name: str_field(m, "display_name").map(str::to_owned),
            context_window: token_count(m.get("max_input_tokens")),
            max_output_tokens: token_count(m.get("max_tokens")),
            ..ModelFacts::default()
        })
    })
}
