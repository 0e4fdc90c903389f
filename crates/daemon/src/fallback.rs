//! How the HTTP routes tell which model answered, or why none did: the served-by header and
//! the gateway's refusal. The plan and the fallback itself live in the providers runtime.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use netclaw_providers::resilience::{FALLBACK_ON_EXPLICIT_HINT, Refusal};

use crate::gateway::GatewayError;
use crate::state::AppState;

/// The response header naming the model that answered (`<provider>/<model>`).
pub(crate) const SERVED_BY_HEADER: HeaderName = HeaderName::from_static("x-netclaw-served-by");

impl AppState {
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
