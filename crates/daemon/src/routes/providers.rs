//! `GET /api/providers`, `POST /api/providers/{name}/probe`, `GET /api/models`: each asks the
//! providers runtime and renders its answer.

use axum::Json;
use axum::extract::{Path, State};
use netclaw_providers::probe::ProbeClass;
use netclaw_providers::runtime::ProbeRecord;

use netclaw_config::ProviderAccount;

use crate::api::{
    AccountSummary, ModelsResponse, ProbeResponse, ProbeSummary, ProviderModels, ProviderSummary,
    ProvidersResponse,
};
use crate::error::ApiError;
use crate::state::AppState;

pub(crate) fn login_hint(name: &str) -> String {
    format!("run `netclaw provider login {name}`")
}

fn summary(record: &ProbeRecord) -> ProbeSummary {
    ProbeSummary {
        status: record.report.class,
        message: record.report.message.clone(),
        latency_ms: u64::try_from(record.report.latency.as_millis()).unwrap_or(u64::MAX),
        at: record.at,
    }
}

fn unknown_provider(name: &str) -> ApiError {
    ApiError::not_found(format!("no provider named `{name}` is configured"))
        .with_hint("`netclaw provider list` shows the configured providers")
}

/// `GET /api/providers`.
pub(crate) async fn list(State(state): State<AppState>) -> Json<ProvidersResponse> {
    let runtime = state.runtime();
    let threshold = runtime.settings().models.switch_at_used_percent;
    let providers = runtime
        .providers()
        .map(|provider| {
            let name = provider.name;
            let last_probe = state.probes().last(name);
            let accounts: Vec<AccountSummary> = provider
                .credentials
                .accounts
                .iter()
                .map(|account| {
                    let key = ProviderAccount::new(name, &account.name).key();
                    let token_expiry = provider.entry.token_expiry(&account.name);
                    let cooldown = state.resilience().current(&key, threshold, token_expiry);
                    AccountSummary {
                        name: account.name.clone(),
                        credential_source: provider.account_credential_source(account),
                        token_expiry,
                        reauth_required: state.credentials().needs_reauth(&key),
                        cooldown_until: cooldown.as_ref().and_then(|c| c.until),
                        cooldown_reason: cooldown.map(|c| c.reason.as_str().to_owned()),
                    }
                })
                .collect();
            let first = accounts.first().cloned();
            let reauth_required = first.as_ref().is_some_and(|a| a.reauth_required)
                || last_probe
                    .as_ref()
                    .is_some_and(|p| p.report.class == ProbeClass::ReauthRequired);
            ProviderSummary {
                name: name.to_owned(),
                provider_type: provider.entry.provider_type.clone(),
                auth_method: provider.method.as_str().to_owned(),
                endpoint: provider.endpoint(),
                credential_source: provider.credential_source(),
                token_expiry: first.as_ref().and_then(|a| a.token_expiry),
                last_probe: last_probe.as_ref().map(summary),
                reauth_required,
                hint: reauth_required.then(|| login_hint(&provider.first_account().key())),
                cooldown_until: first.as_ref().and_then(|a| a.cooldown_until),
                cooldown_reason: first.and_then(|a| a.cooldown_reason),
                accounts,
                account_order: provider.entry.account_order.as_str().to_owned(),
            }
        })
        .collect();
    Json(ProvidersResponse { providers })
}

/// Probes provider `name` through the runtime; its stored name and the record kept.
pub(crate) async fn probe_provider(
    state: &AppState,
    name: &str,
) -> Result<(String, ProbeRecord), ApiError> {
    let runtime = state.runtime();
    let key = runtime
        .provider(name)
        .ok_or_else(|| unknown_provider(name))?
        .name
        .to_owned();
    runtime.probe(&key).await;
    let record = state
        .probes()
        .last(&key)
        .ok_or_else(|| ApiError::internal("the probe was not recorded"))?;
    Ok((key, record))
}

/// `POST /api/providers/{name}/probe`.
pub(crate) async fn probe_one(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<ProbeResponse>, ApiError> {
    let (provider, record) = probe_provider(&state, &name).await?;
    Ok(Json(ProbeResponse {
        provider,
        summary: summary(&record),
        endpoint: record.report.endpoint.clone(),
        models: record.report.models.iter().map(|m| m.id.clone()).collect(),
    }))
}

/// `GET /api/models`: probes providers not probed yet (concurrently), then merges live,
/// catalog and configured facts per model.
pub(crate) async fn models(State(state): State<AppState>) -> Json<ModelsResponse> {
    let runtime = state.runtime();
    let providers = runtime
        .listings(&runtime.provider_names(), false)
        .await
        .into_iter()
        .map(|l| ProviderModels {
            provider: l.provider,
            models: l.models,
            error: l.error,
        })
        .collect();
    Json(ModelsResponse { providers })
}
