//! Probe of hosted OpenAI-style APIs that take a key (Venice.ai, Z.ai): `GET {endpoint}/models`
//! with the bearer; Venice states each model's window and vision and tool support in
//! `model_spec`.

use secrecy::ExposeSecret;
use serde_json::Value;

use super::http::{data_models, str_field, token_count};
use super::{ProbeClass, ProbeContext, ProbeFailure};
use crate::models::{Modalities, ModelFacts};

pub(super) async fn probe(
    ctx: &ProbeContext<'_>,
    label: &str,
    display: &str,
    key_url: &str,
) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let Some(bearer) = &ctx.target.bearer else {
        return Err(ProbeFailure::new(
            ProbeClass::NotConfigured,
            format!("API key is required for {display}. Get one at {key_url}"),
        ));
    };
    let request = ctx
        .http
        .client()
        .get(format!("{}/models", ctx.endpoint.trim_end_matches('/')))
        .bearer_auth(bearer.token.expose_secret());
    let body = ctx.http.json(label, request).await?;
    data_models(label, &body, parse_model)
}

fn parse_model(m: &Value) -> Option<ModelFacts> {
    let spec = m.get("model_spec");
    let capability = |name: &str| {
        spec.and_then(|s| s.pointer(&format!("/capabilities/{name}")))
            .and_then(Value::as_bool)
    };
    Some(ModelFacts {
        context_window: token_count(spec.and_then(|s| s.get("availableContextTokens")))
            .or_else(|| token_count(m.get("context_length"))),
        input_modalities: capability("supportsVision").map(Modalities::text_and_images_if),
        supports_tools: capability("supportsFunctionCalling"),
        ..ModelFacts::new(str_field(m, "id")?)
    })
}
