//! `GET /api/providers`, `POST /api/providers/{name}/probe`, `GET /api/models`.

use axum::Json;
use axum::extract::{Path, State};
use netclaw_providers::bearer::CredentialError;
use netclaw_providers::models::{BundledCatalog, ModelFacts, merge_listing};
use netclaw_providers::probe::{ProbeClass, ProbeOptions, ProbeReport, ProbeTarget, probe};

use crate::api::{
    ModelsResponse, ProbeResponse, ProbeSummary, ProviderModels, ProviderSummary, ProvidersResponse,
};
use crate::error::ApiError;
use crate::runtime::effective_method;
use crate::state::{AppState, ProbeRecord};

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
    let config = runtime.config();
    let mut providers = Vec::new();
    for (name, entry) in &config.settings.providers {
        let descriptor = state.registry().try_get(&entry.provider_type);
        let method = descriptor.map_or(entry.auth_method, |d| {
            effective_method(d, entry, runtime.has_key(name))
        });
        let credentials = config
            .credentials
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, c)| c);
        let credential_source = credentials.and_then(|c| {
            if method.is_oauth() {
                c.oauth_access_token.as_ref().map(|t| t.source.to_string())
            } else {
                c.api_key.as_ref().map(|k| k.source.to_string())
            }
        });
        let last_probe = state.last_probe(name);
        let reauth_required = state.credentials().needs_reauth(name)
            || last_probe
                .as_ref()
                .is_some_and(|p| p.report.class == ProbeClass::ReauthRequired);
        let cooldown = state.resilience().current(
            name,
            runtime.settings().models.switch_at_used_percent,
            entry.oauth_token_expiry,
        );
        providers.push(ProviderSummary {
            name: name.clone(),
            provider_type: entry.provider_type.clone(),
            auth_method: method.as_str().to_owned(),
            endpoint: descriptor
                .and_then(|d| d.effective_endpoint(entry.endpoint.as_deref(), method)),
            credential_source,
            token_expiry: entry.oauth_token_expiry,
            last_probe: last_probe.as_ref().map(summary),
            reauth_required,
            hint: reauth_required.then(|| login_hint(name)),
            cooldown_until: cooldown.as_ref().and_then(|c| c.until),
            cooldown_reason: cooldown.map(|c| c.reason.as_str().to_owned()),
        });
    }
    Json(ProvidersResponse { providers })
}

/// Probes provider `name` with a valid credential (refreshed first when needed) and records it.
pub(crate) async fn probe_provider(
    state: &AppState,
    name: &str,
) -> Result<(String, ProbeRecord), ApiError> {
    let runtime = state.runtime();
    let (key, entry) = runtime
        .provider(name)
        .ok_or_else(|| unknown_provider(name))?;
    let entry = entry.clone();
    let now = state.clock().now();
    let report = match state.credentials().resolve(&key).await {
        Ok(resolved) => {
            let method = state
                .registry()
                .try_get(&entry.provider_type)
                .map_or(entry.auth_method, |d| {
                    effective_method(d, &entry, runtime.has_key(&key))
                });
            let target = ProbeTarget {
                provider_name: key.clone(),
                type_key: entry.provider_type.clone(),
                endpoint: entry.endpoint.clone(),
                auth_method: method,
                bearer: resolved.bearer,
                token_expiry: resolved.expires_at,
            };
            probe(
                state.http(),
                state.registry(),
                &target,
                &ProbeOptions::at(now),
            )
            .await
        }
        Err(CredentialError::ReauthRequired { .. }) => ProbeReport::failed(
            ProbeClass::ReauthRequired,
            format!(
                "the login of provider `{key}` has expired; {}",
                login_hint(&key)
            ),
        ),
        Err(CredentialError::NotConfigured { .. }) => ProbeReport::failed(
            ProbeClass::NotConfigured,
            format!(
                "provider `{key}` has no credential configured; {}",
                login_hint(&key)
            ),
        ),
        Err(other) => ProbeReport::failed(ProbeClass::Auth, other.to_string()),
    };
    tracing::info!(provider = %key, class = report.class.as_str(), "probed");
    state.record_probe(&key, report);
    let record = state
        .last_probe(&key)
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
    Json(ModelsResponse {
        providers: all_models(&state).await,
    })
}

pub(crate) async fn all_models(state: &AppState) -> Vec<ProviderModels> {
    let runtime = state.runtime();
    let names = runtime.provider_names();
    let unprobed: Vec<_> = names
        .iter()
        .filter(|n| state.last_probe(n).is_none())
        .cloned()
        .collect();
    futures_util::future::join_all(unprobed.iter().map(|n| probe_provider(state, n))).await;
    let mut out = Vec::new();
    for name in names {
        let Some((key, entry)) = runtime.provider(&name) else {
            continue;
        };
        let record = state.last_probe(&key);
        let live = record
            .as_ref()
            .filter(|r| r.report.is_ok())
            .map(|r| r.report.models.as_slice());
        let kind = state
            .registry()
            .try_get(&entry.provider_type)
            .map(|d| d.kind);
        let catalog = kind.map(BundledCatalog::models_for).unwrap_or_default();
        let overrides: Vec<ModelFacts> = [
            runtime.settings().models.main.as_ref(),
            runtime.settings().models.fallback.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter(|m| m.provider.eq_ignore_ascii_case(&key))
        .map(|m| ModelFacts {
            context_window: m.context_window.and_then(|c| u32::try_from(c).ok()),
            ..ModelFacts::new(m.model_id.clone())
        })
        .collect();
        let error = record.as_ref().and_then(|r| r.report.message.clone());
        let (models, error) = match merge_listing(live, catalog, &overrides) {
            Ok(models) => (models, error),
            Err(e) => (Vec::new(), Some(e.to_string())),
        };
        out.push(ProviderModels {
            provider: key,
            models,
            error,
        });
    }
    out
}
