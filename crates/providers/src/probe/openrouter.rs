//! OpenRouter probe: `GET /models` with context length, modalities, tools and pricing.

use secrecy::ExposeSecret;
use serde_json::Value;

use super::http::{self, data_models, str_field, token_count};
use super::{ProbeClass, ProbeContext, ProbeFailure};
use crate::models::{ModelFacts, Pricing};

const LABEL: &str = "openrouter";

pub(super) async fn probe(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let Some(bearer) = &ctx.target.bearer else {
        return Err(ProbeFailure::new(
            ProbeClass::NotConfigured,
            "API key is required for OpenRouter.",
        ));
    };
    let request = ctx
        .http
        .client()
        .get(format!("{}/models", ctx.endpoint))
        .bearer_auth(bearer.token.expose_secret());
    let body = ctx.http.json(LABEL, request).await?;
    data_models(LABEL, &body, parse_model)
}

fn parse_model(m: &Value) -> Option<ModelFacts> {
    let arch = m.get("architecture");
    let supports_tools = m
        .get("supported_parameters")
        .and_then(Value::as_array)
        .map(|p| p.iter().any(|v| v.as_str() == Some("tools")));
    Some(ModelFacts {
        id: str_field(m, "id")?.to_owned(),
        display_name: str_field(m, "name").map(str::to_owned),
        context_window: token_count(m.get("context_length"))
            .or_else(|| token_count(m.pointer("/top_provider/context_length"))),
        max_output_tokens: token_count(m.pointer("/top_provider/max_completion_tokens")),
        input_modalities: http::modalities(arch.and_then(|a| a.get("input_modalities"))),
        output_modalities: http::modalities(arch.and_then(|a| a.get("output_modalities"))),
        supports_tools,
        pricing: pricing(m.get("pricing")),
    })
}

/// OpenRouter quotes dollars per token as strings; netclaw keeps dollars per million.
fn pricing(p: Option<&Value>) -> Option<Pricing> {
    let per_token = |key: &str| -> Option<f64> {
        match p?.get(key)? {
            Value::String(s) => s.trim().parse().ok(),
            Value::Number(n) => n.as_f64(),
            _ => None,
        }
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
    };
    Some(Pricing {
        input_per_million: round_cents(per_token("prompt")? * 1_000_000.0),
        output_per_million: round_cents(per_token("completion")? * 1_000_000.0),
    })
}

/// Removes float noise from the per-token → per-million conversion (0.000003 × 1e6).
fn round_cents(v: f64) -> f64 {
    (v * 1_000_000.0).round() / 1_000_000.0
}
