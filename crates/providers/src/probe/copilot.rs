//! GitHub Copilot probe: exchange the GitHub credential for a Copilot token (a revoked token,
//! a seat without Copilot and a plan limit are told apart), then `GET {api}/models` with the
//! Copilot headers; when only the listing fails, the curated models stand in, with a note.

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::http::{data_models, str_field, token_count};
use super::{ProbeClass, ProbeContext, ProbeFailure};
use crate::copilot::{COPILOT_HEADERS, CURATED_MODELS, ExchangeError, exchange};
use crate::models::{Modalities, ModelFacts};

const LABEL: &str = "github-copilot";

pub(super) async fn probe(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let name = &ctx.target.provider_name;
    let (Some(github), Some(token_url)) = (&ctx.target.bearer, &ctx.target.token_exchange) else {
        return Err(ProbeFailure::new(
            ProbeClass::NotConfigured,
            format!("A GitHub login or token is required. Run `netclaw provider login {name}`."),
        ));
    };
    let copilot = exchange(ctx.http.client(), token_url, &github.token)
        .await
        .map_err(|error| exchange_failure(name, &error))?;
    let api = copilot.api.clone().unwrap_or_else(|| ctx.endpoint.clone());
    match list(ctx, &api, &copilot.token).await {
        Ok(models) => Ok(models),
        Err(failure) => {
            *ctx.note
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(format!(
                "The Copilot model list could not be read ({}); showing the curated list.",
                failure.message
            ));
            Ok(CURATED_MODELS
                .iter()
                .map(|id| ModelFacts::new(*id))
                .collect())
        }
    }
}

fn exchange_failure(name: &str, error: &ExchangeError) -> ProbeFailure {
    match error {
        ExchangeError::Revoked => ProbeFailure::new(
            ProbeClass::ReauthRequired,
            format!(
                "GitHub refused the login of `{name}`: it was revoked or has expired. Run `netclaw provider login {name}`."
            ),
        ),
        ExchangeError::NoSeat { .. } => ProbeFailure::new(
            ProbeClass::Forbidden,
            format!(
                "{error}. Check the account's Copilot seat at https://github.com/settings/copilot."
            ),
        ),
        ExchangeError::Limited { .. } => ProbeFailure::new(
            ProbeClass::Quota,
            format!("{error}. Wait for the plan's limit to reset, or use another provider."),
        ),
        ExchangeError::Failed(_) => ProbeFailure::new(ProbeClass::Unreachable, error.to_string()),
    }
}

async fn list(
    ctx: &ProbeContext<'_>,
    api: &str,
    token: &SecretString,
) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let mut request = ctx
        .http
        .client()
        .get(format!("{api}/models"))
        .bearer_auth(token.expose_secret());
    for (header, value) in COPILOT_HEADERS {
        request = request.header(header, value);
    }
    let body = ctx.http.json(LABEL, request).await?;
    data_models(LABEL, &body, parse_model)
}

/// A model the picker offers for chat, with its limits and vision and tool support.
fn parse_model(m: &Value) -> Option<ModelFacts> {
    if m.get("model_picker_enabled").and_then(Value::as_bool) == Some(false) {
        return None;
    }
    let capabilities = m.get("capabilities");
    if capabilities
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t != "chat")
    {
        return None;
    }
    let limits = capabilities.and_then(|c| c.get("limits"));
    let supports = capabilities.and_then(|c| c.get("supports"));
    let flag = |name: &str| supports.and_then(|s| s.get(name)).and_then(Value::as_bool);
    Some(ModelFacts {
        display_name: str_field(m, "name").map(str::to_owned),
        context_window: token_count(limits.and_then(|l| l.get("max_context_window_tokens")))
            .or_else(|| token_count(limits.and_then(|l| l.get("max_prompt_tokens")))),
        max_output_tokens: token_count(limits.and_then(|l| l.get("max_output_tokens"))),
        input_modalities: flag("vision").map(Modalities::text_and_images_if),
        supports_tools: flag("tool_calls"),
        ..ModelFacts::new(str_field(m, "id")?)
    })
}
