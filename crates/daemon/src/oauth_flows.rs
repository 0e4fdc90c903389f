//! Browser logins run by the daemon: it owns the loopback listener (1455, then 1457), exchanges
//! the code, stores the tokens through the config layer and probes the provider. Status shows
//! `pending` until the tokens are on disk, then `completed` with the expiry — never a token.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use netclaw_config::{CredentialWrite, ProviderEntry, ProviderWrite, validate_provider_name};
use netclaw_oauth::{
    CallbackCanceller, CallbackListener, CompletedFlow, DEFAULT_CALLBACK_TIMEOUT, FlowRegistry,
    FlowStatus, OAuthClient, OAuthClientConfig, OAuthError, StartedFlow,
};
use netclaw_providers::credentials::oauth_tokens;
use netclaw_providers::descriptor::{
    AuthMethod, OAuthOverrides, OAuthSetupError, ProviderDescriptor,
};
use secrecy::SecretString;

use crate::api::{OAuthFlowStatus, OAuthStatusResponse};
use crate::error::ApiError;
use crate::state::AppState;

/// Which provider a browser login is for.
#[derive(Debug, Clone)]
pub(crate) struct FlowTag {
    name: String,
    account: Option<String>,
    entry: ProviderEntry,
}

#[derive(Debug, Clone)]
enum Outcome {
    Stored,
    Failed(String),
}

/// Every browser login in progress or recently finished.
#[derive(Debug, Default)]
pub(crate) struct Flows {
    registry: FlowRegistry<FlowTag>,
    outcomes: Mutex<HashMap<String, Outcome>>,
    cancellers: Mutex<HashMap<String, CallbackCanceller>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message)
}

/// The OAuth client settings of a provider type with the entry's `OAuth` overrides.
fn client_config(
    descriptor: &ProviderDescriptor,
    entry: &ProviderEntry,
) -> Result<OAuthClientConfig, ApiError> {
    descriptor
        .oauth_client_config(&OAuthOverrides::of(entry))
        .map_err(|e| match e {
            OAuthSetupError::NoIssuer { .. } => bad_request(format!(
                "provider type `{}` does not support browser OAuth",
                descriptor.type_key
            ))
            .with_hint(
                "set `OAuth.Issuer` for an `openai-compatible` provider, or log in with an API key",
            ),
            other => bad_request(other.to_string()),
        })
}

impl Flows {
    /// Starts a browser login for `provider` (a type key or a configured name) stored as `name`,
    /// for `account` of it.
    pub(crate) async fn start(
        &self,
        state: &AppState,
        provider: &str,
        name: Option<&str>,
        account: Option<&str>,
    ) -> Result<StartedFlow, ApiError> {
        if let Some(account) = account {
            netclaw_config::validate_account_name(account)
                .map_err(|e| bad_request(e.to_string()))?;
        }
        let runtime = state.runtime();
        let configured_entry = |n: &str| runtime.provider(n).map(|p| (p.name.to_owned(), p.entry));
        let (name, mut entry) = match (configured_entry(provider), name) {
            (Some((key, entry)), None) => (key, entry.clone()),
            (configured, name) => {
                let name = name.unwrap_or(provider).to_owned();
                let existing = configured_entry(&name).map(|(_, e)| e.clone());
                let type_key = match (&configured, state.registry().try_get(provider)) {
                    (Some((_, e)), _) => e.provider_type.clone(),
                    (None, Some(d)) => d.type_key.to_owned(),
                    (None, None) => {
                        return Err(ApiError::not_found(format!(
                            "unknown provider type `{provider}`"
                        ))
                        .with_hint(
                            "use a type such as `openai`, or the name of a configured provider",
                        ));
                    }
                };
                let entry = existing
                    .filter(|e| e.is_type(&type_key))
                    .or_else(|| configured.map(|(_, e)| e.clone()))
                    .unwrap_or_else(|| ProviderEntry::new(type_key));
                (name, entry)
            }
        };
        validate_provider_name(&name).map_err(|e| bad_request(e.to_string()))?;
        let descriptor = state
            .registry()
            .try_get(&entry.provider_type)
            .ok_or_else(|| {
                bad_request(format!("unknown provider type `{}`", entry.provider_type))
            })?;
        if !descriptor.supports(AuthMethod::OAuthPkce) && !descriptor.oauth_needs_issuer {
            return Err(bad_request(format!(
                "provider type `{}` does not support browser OAuth",
                descriptor.type_key
            )));
        }
        entry.auth_method = AuthMethod::OAuthPkce;
        let config = client_config(descriptor, &entry)?;
        let ports = state
            .callback_ports()
            .map_or_else(|| config.callback_ports(), <[u16]>::to_vec);
        let configured_redirect = config.redirect_uri.clone();
        let client = OAuthClient::discover(state.http().clone(), config)
            .await
            .map_err(|e| {
                ApiError::new(
                    http::StatusCode::BAD_GATEWAY,
                    "oauth_discovery",
                    e.to_string(),
                )
            })?;
        let listener = CallbackListener::bind(&ports, configured_redirect.path())
            .await
            .map_err(|e| {
                ApiError::new(
                    http::StatusCode::CONFLICT,
                    "callback_port_busy",
                    e.to_string(),
                )
                .with_hint(format!(
                    "log in with the device code instead: `netclaw provider login {name} --auth device`"
                ))
            })?;
        let redirect = listener.redirect_uri(&configured_redirect);
        let started = self
            .registry
            .start(
                client,
                &redirect,
                FlowTag {
                    name,
                    account: account.map(str::to_owned),
                    entry,
                },
                state.clock().now(),
            )
            .map_err(|e| bad_request(e.to_string()))?;
        lock(&self.cancellers).insert(started.state.clone(), listener.canceller());
        let flow_state = started.state.clone();
        let task_state = state.clone();
        tokio::spawn(async move {
            let shutdown = task_state.shutdown_token().clone();
            let canceller = listener.canceller();
            let served = listener.serve(&flow_state, DEFAULT_CALLBACK_TIMEOUT, |code| {
                let state = task_state.clone();
                let flow_state = flow_state.clone();
                async move {
                    state
                        .flows()
                        .complete_code(&state, &flow_state, &code)
                        .await
                }
            });
            let result = tokio::select! {
                r = served => r,
                () = shutdown.cancelled() => { canceller.cancel(); Err(OAuthError::Cancelled) }
            };
            let flows = task_state.flows();
            lock(&flows.cancellers).remove(&flow_state);
            match result {
                Ok(()) | Err(OAuthError::Cancelled) => {}
                Err(error) => {
                    tracing::warn!(%error, "browser login ended without tokens");
                    flows
                        .registry
                        .fail(&flow_state, &error, task_state.clock().now());
                    lock(&flows.outcomes)
                        .insert(flow_state.clone(), Outcome::Failed(error.to_string()));
                }
            }
        });
        Ok(started)
    }

    /// Exchanges `code` for flow `state_id` and stores the tokens.
    async fn complete_code(
        &self,
        state: &AppState,
        state_id: &str,
        code: &SecretString,
    ) -> Result<(), OAuthError> {
        let completed = self
            .registry
            .complete_with_code(state_id, code, state.clock().now())
            .await?;
        self.store(state, completed).await
    }

    /// Completes a flow from the redirect URL the user pasted.
    pub(crate) async fn complete_redirect(
        &self,
        state: &AppState,
        pasted: &str,
    ) -> Result<OAuthStatusResponse, ApiError> {
        let completed = self
            .registry
            .complete_with_redirect(pasted, state.clock().now())
            .await
            .map_err(|e| match e {
                OAuthError::UnknownState { .. } => ApiError::bad_request(
                    "the pasted URL belongs to no login in progress (wrong or expired `state`)",
                )
                .with_hint("start the login again"),
                other => ApiError::bad_request(other.to_string()),
            })?;
        let state_id = completed.state.clone();
        if let Some(canceller) = lock(&self.cancellers).remove(&state_id) {
            canceller.cancel();
        }
        self.store(state, completed)
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
        self.status(state, &state_id)
    }

    /// Persists the tokens (secrets file; expiry in netclaw.json), reloads and probes.
    async fn store(
        &self,
        state: &AppState,
        completed: CompletedFlow<FlowTag>,
    ) -> Result<(), OAuthError> {
        let CompletedFlow {
            state: state_id,
            tag,
            tokens,
        } = completed;
        let write = ProviderWrite {
            entry: tag.entry,
            credentials: CredentialWrite::OAuth(oauth_tokens(tokens)),
        };
        let store = state.store().clone();
        let name = tag.name.clone();
        let account = tag.account.clone();
        let written = tokio::task::spawn_blocking(move || {
            store.write_account(&name, account.as_deref(), write)
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()));
        if let Err(error) = written {
            tracing::error!(provider = %tag.name, %error, "could not store the login");
            lock(&self.outcomes).insert(
                state_id,
                Outcome::Failed(format!("could not store the tokens: {error}")),
            );
            return Err(OAuthError::Config {
                message: format!("could not store the tokens: {error}"),
            });
        }
        tracing::info!(provider = %tag.name, "browser login completed; tokens stored");
        let _ = state.reload("browser login").await;
        if let Err(error) = crate::routes::probe_provider(state, &tag.name).await {
            tracing::warn!(provider = %tag.name, error = %error.message, "probe after login failed");
        }
        lock(&self.outcomes).insert(state_id, Outcome::Stored);
        Ok(())
    }

    /// The status of flow `state_id`; `pending` until the tokens are on disk.
    pub(crate) fn status(
        &self,
        state: &AppState,
        state_id: &str,
    ) -> Result<OAuthStatusResponse, ApiError> {
        let status = self
            .registry
            .status(state_id, state.clock().now())
            .ok_or_else(|| {
                ApiError::not_found(format!("no login with state `{state_id}` is in progress"))
                    .with_hint("logins are forgotten 10 minutes after they end; start it again")
            })?;
        let outcome = lock(&self.outcomes).get(state_id).cloned();
        Ok(match (status, outcome) {
            (_, Some(Outcome::Failed(error))) | (FlowStatus::Failed { error }, _) => {
                OAuthStatusResponse {
                    status: OAuthFlowStatus::Failed,
                    error: Some(error),
                    expires_at: None,
                }
            }
            (FlowStatus::Completed { expires_at }, Some(Outcome::Stored)) => OAuthStatusResponse {
                status: OAuthFlowStatus::Completed,
                error: None,
                expires_at,
            },
            _ => OAuthStatusResponse {
                status: OAuthFlowStatus::Pending,
                error: None,
                expires_at: None,
            },
        })
    }
}
