//! Which model answers a chat: the one the request named, or the configured chain
//! (`Models.Main`, `Models.Fallback`, `Models.FallbackChain`), skipping providers that are
//! cooling down and moving on when one fails before any output. `/api/chat` and both gateway
//! routes go through [`AppState::plan_chat`] and [`AppState::serve_chat`].

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use netclaw_providers::chat::ChatRequest;
use netclaw_providers::models::BundledCatalog;
use netclaw_providers::resilience::{Candidate, FALLBACK_ON_EXPLICIT_HINT, Plan, Refusal, Served};

use crate::gateway::{GatewayError, ResolveError};
use crate::runtime::Runtime;
use crate::state::AppState;

/// The response header naming the model that answered (`<provider>/<model>`).
pub(crate) const SERVED_BY_HEADER: HeaderName = HeaderName::from_static("x-netclaw-served-by");

/// Whether the request names its model rather than leaving the choice to the configuration:
/// a provider, a `provider/model`, or a bare model id other than the main one (`default` and
/// an empty model mean the main model).
fn names_a_model(runtime: &Runtime, provider: Option<&str>, model: Option<&str>) -> bool {
    if provider.is_some() {
        return true;
    }
    let Some(model) = model.map(str::trim).filter(|m| !m.is_empty()) else {
        return false;
    };
    if model.contains('/') {
        return true;
    }
    model != "default"
        && runtime
            .settings()
            .models
            .main
            .as_ref()
            .is_none_or(|main| main.model_id != model)
}

impl AppState {
    /// The candidates for a request naming `provider` and/or `model` (either may be absent).
    pub(crate) fn plan_chat(
        &self,
        provider: Option<&str>,
        model: Option<&str>,
    ) -> Result<Plan, ResolveError> {
        let runtime = self.runtime();
        let models = &runtime.settings().models;
        let mut plan = if names_a_model(&runtime, provider, model) {
            let (key, model_id) = crate::gateway::pick(&runtime, provider, model)?;
            runtime
                .client(&key, self.registry(), self.credentials())
                .map_err(|e| ResolveError::Provider(e.to_string()))?;
            Plan::explicit(models, Candidate::new(key, model_id))
        } else {
            let plan = Plan::configured(models);
            // No main model, or one whose provider cannot chat: the same answers as before
            // there was a chain (a broken fallback is only skipped).
            let (key, _) = crate::gateway::pick(&runtime, provider, model)?;
            runtime
                .client(&key, self.registry(), self.credentials())
                .map_err(|e| ResolveError::Provider(e.to_string()))?;
            plan
        };
        for candidate in &mut plan.candidates {
            self.fill_in(&runtime, candidate);
        }
        Ok(plan)
    }

    /// The provider's stored spelling, its login stamp and the model's known context window.
    fn fill_in(&self, runtime: &Runtime, candidate: &mut Candidate) {
        let Some((key, entry)) = runtime.provider(&candidate.provider) else {
            return;
        };
        candidate.login_stamp = entry.oauth_token_expiry;
        if candidate.context_window.is_none() {
            let live = self.last_probe(&key).and_then(|p| {
                p.report
                    .models
                    .iter()
                    .find(|m| m.id == candidate.model)
                    .and_then(|m| m.context_window)
            });
            let catalog = || {
                let kind = self.registry().try_get(&entry.provider_type)?.kind;
                BundledCatalog::models_for(kind)
                    .iter()
                    .find(|m| m.id == candidate.model)?
                    .context_window
            };
            candidate.context_window = live.or_else(catalog).map(u64::from);
        }
        candidate.provider = key;
    }

    /// Sends `request` along `plan`: the first candidate that answers serves it.
    pub(crate) async fn serve_chat(
        &self,
        plan: &Plan,
        request: ChatRequest,
    ) -> Result<Served, Refusal> {
        let runtime = self.runtime();
        let threshold = runtime.settings().models.switch_at_used_percent;
        self.resilience()
            .first_answer(plan, request, threshold, |candidate| {
                runtime
                    .client(&candidate.provider, self.registry(), self.credentials())
                    .map_err(|e| e.to_string())
            })
            .await
    }

    /// Seconds until the soonest skipped model comes back.
    pub(crate) fn retry_after_secs(&self, refusal: &Refusal) -> Option<u64> {
        let wait = refusal.retry_at()?.duration_since(self.resilience().now());
        u64::try_from(wait.as_secs()).ok().map(|s| s.max(1))
    }
}

/// `response` with `x-netclaw-served-by: <provider>/<model>`.
pub(crate) fn served_by(mut response: Response, public_name: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(public_name) {
        response.headers_mut().insert(SERVED_BY_HEADER, value);
    }
    response
}

/// The gateway's answer when no model answered.
pub(crate) fn gateway_error(state: &AppState, refusal: &Refusal) -> GatewayError {
    let mut error = match refusal.error() {
        Some(chat) => GatewayError::from(chat.clone()),
        None if refusal.needs_login() => GatewayError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "provider_unauthorized",
            String::new(),
        ),
        None => GatewayError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            "rate_limit_exceeded",
            String::new(),
        ),
    };
    error.message = refusal.message();
    if refusal.fallback_withheld() {
        error.message = format!(
            "{}; not falling back because the request named its model: {FALLBACK_ON_EXPLICIT_HINT}",
            error.message
        );
    }
    if refusal.error().is_none() {
        error.retry_after_secs = state.retry_after_secs(refusal);
    }
    error
}
