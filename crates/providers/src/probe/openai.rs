//! OpenAI probes: the Codex `/models` catalog (ChatGPT subscription) or `/models` with an API key.

use serde_json::Value;

use super::http::{self, data_models, invalid, str_field, token_count};
use super::{ProbeClass, ProbeContext, ProbeFailure};
use crate::credentials::account_id_for;
use crate::models::ModelFacts;
use secrecy::ExposeSecret;

/// The `client_version` the Codex backend filters its catalog by; must track the official
/// `@openai/codex` release.
pub const CODEX_CLIENT_VERSION: &str = "0.147.0";

const CODEX_LABEL: &str = "OpenAI Codex";
const KEY_LABEL: &str = "openai";

pub(super) async fn probe(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    if ctx.target.auth_method.is_oauth() {
        codex(ctx).await
    } else {
        api_key(ctx).await
    }
}

async fn api_key(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let Some(bearer) = &ctx.target.bearer else {
        return Err(ProbeFailure::new(
            ProbeClass::NotConfigured,
            "API key is required for OpenAI. Get one at https://platform.openai.com/api-keys",
        ));
    };
    let request = ctx
        .http
        .client()
        .get(format!("{}/models", ctx.endpoint))
        .bearer_auth(bearer.token.expose_secret());
    let body = ctx.http.json(KEY_LABEL, request).await?;
    data_models(KEY_LABEL, &body, |m| {
        str_field(m, "id").map(ModelFacts::new)
    })
}

async fn codex(ctx: &ProbeContext<'_>) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let name = &ctx.target.provider_name;
    let Some(bearer) = &ctx.target.bearer else {
        return Err(ProbeFailure::new(
            ProbeClass::NotConfigured,
            format!("OAuth token is required for OpenAI. Run `netclaw provider login {name}`."),
        ));
    };
    if let Some(expiry) = ctx.target.token_expiry
        && expiry < ctx.options.now
    {
        return Err(ProbeFailure::new(
            ProbeClass::Auth,
            format!(
                "OAuth token expired {expiry}. Re-authenticate with `netclaw provider login {name}`."
            ),
        ));
    }
    let Some(account_id) = account_id_for(bearer) else {
        return Err(ProbeFailure::new(
            ProbeClass::Auth,
            format!(
                "OpenAI OAuth login did not return a ChatGPT account ID. Re-authenticate with `netclaw provider login {name}`."
            ),
        ));
    };
    let request = ctx
        .http
        .client()
        .get(format!("{}/models", ctx.endpoint))
        .query(&[("client_version", ctx.options.codex_client_version.as_str())])
        .bearer_auth(bearer.token.expose_secret())
        .header("ChatGPT-Account-Id", account_id)
        .header(reqwest::header::ACCEPT, "application/json");
    let body = ctx.http.json(CODEX_LABEL, request).await?;
    parse_codex_models(&body)
}

/// A Codex `/models` response netclaw cannot use; the message is the one the probe reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CodexCatalogError {
    /// What is wrong with the response, e.g. which models lack a context window.
    pub message: String,
}

/// Reads a Codex `/models` response body exactly as the probe does (picker-visible models,
/// each with a context window and input modalities), in response order.
///
/// `cargo xtask update-openai-models` builds the bundled catalog with it.
pub fn parse_codex_catalog(body: &Value) -> Result<Vec<ModelFacts>, CodexCatalogError> {
    parse_codex_models(body).map_err(|f| CodexCatalogError { message: f.message })
}

/// Reads the Codex catalog as the ChatGPT picker shows it: picker-visible models only, each with a
/// context window and input modalities (missing values are never guessed).
pub(crate) fn parse_codex_models(body: &Value) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let entries = body
        .get("models")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(CODEX_LABEL, "response did not contain a models array"))?;
    let mut models = Vec::new();
    for entry in entries {
        let Some(id) = ["slug", "id", "model"]
            .iter()
            .find_map(|k| str_field(entry, k))
        else {
            continue;
        };
        let hidden = str_field(entry, "visibility")
            .is_some_and(|v| v.eq_ignore_ascii_case("hide") || v.eq_ignore_ascii_case("none"));
        if hidden {
            continue;
        }
        models.push(ModelFacts {
            id: id.to_owned(),
            display_name: str_field(entry, "display_name").map(str::to_owned),
            context_window: token_count(entry.get("context_window"))
                .or_else(|| token_count(entry.get("max_context_window"))),
            input_modalities: http::modalities(entry.get("input_modalities")),
            output_modalities: http::modalities(entry.get("output_modalities")),
            ..ModelFacts::default()
        });
    }
    if models.is_empty() {
        return Err(invalid(
            CODEX_LABEL,
            "response contained no picker-visible models",
        ));
    }
    let missing = |f: &dyn Fn(&ModelFacts) -> bool| -> Vec<&str> {
        models
            .iter()
            .filter(|m| f(m))
            .map(|m| m.id.as_str())
            .collect()
    };
    let no_context = missing(&|m| m.context_window.is_none());
    if !no_context.is_empty() {
        return Err(ProbeFailure::new(
            ProbeClass::BadResponse,
            format!(
                "OpenAI Codex /models returned incomplete context-window metadata for: {}",
                no_context.join(", ")
            ),
        ));
    }
    let no_input = missing(&|m| m.input_modalities.is_none());
    if !no_input.is_empty() {
        return Err(ProbeFailure::new(
            ProbeClass::BadResponse,
            format!(
                "OpenAI Codex /models returned incomplete input-modality metadata for: {}",
                no_input.join(", ")
            ),
        ));
    }
    Ok(models)
}
