//! Gateway errors in OpenAI's shape (`{"error": {"message", "type", "param", "code"}}`), mapped
//! from chat failures so SDKs raise the matching exception (401, 404, 429, 5xx).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use netclaw_providers::chat::ChatError;
use serde_json::{Value, json};

/// An error answered by the `/v1` gateway.
#[derive(Debug, Clone)]
pub(crate) struct GatewayError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) kind: &'static str,
    pub(crate) code: &'static str,
    pub(crate) retry_after_secs: Option<u64>,
}

impl GatewayError {
    pub(crate) fn new(
        status: StatusCode,
        kind: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            message: message.into(),
            kind,
            code,
            retry_after_secs: None,
        }
    }

    /// 400 `invalid_request_error`.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_request",
            message,
        )
    }

    /// 404 `model_not_found`.
    pub(crate) fn model_not_found(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "model_not_found",
            message,
        )
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> Value {
        json!({"error": {"message": self.message, "type": self.kind, "param": null, "code": self.code}})
    }

    /// The same error in Anthropic's shape, for `/v1/messages` clients (Claude Code and the
    /// `anthropic` SDKs raise the matching exception from `error.type`).
    pub(crate) fn anthropic_body(&self) -> Value {
        let kind = match self.status.as_u16() {
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            503 | 529 => "overloaded_error",
            400..=499 => "invalid_request_error",
            _ => "api_error",
        };
        json!({"type": "error", "error": {"type": kind, "message": self.message}})
    }

    /// The response in Anthropic's shape.
    pub(crate) fn into_anthropic_response(self) -> Response {
        let body = self.anthropic_body();
        self.respond(body)
    }

    fn respond(self, body: Value) -> Response {
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

impl From<ChatError> for GatewayError {
    fn from(error: ChatError) -> Self {
        tracing::warn!(error = %error.technical_message(), "upstream chat failed");
        let message = error.user_message();
        let (status, kind, code) = match &error {
            ChatError::Unauthorized { .. }
            | ChatError::Credential { .. }
            | ChatError::MissingAccountId { .. } => (
                StatusCode::UNAUTHORIZED,
                "authentication_error",
                "provider_unauthorized",
            ),
            ChatError::RateLimited { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limit_error",
                "rate_limit_exceeded",
            ),
            ChatError::QuotaExceeded { .. } => (
                StatusCode::TOO_MANY_REQUESTS,
                "insufficient_quota",
                "insufficient_quota",
            ),
            ChatError::ContextLengthExceeded { .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "context_length_exceeded",
            ),
            ChatError::BadRequest { status: 404, .. } => (
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                "model_not_found",
            ),
            ChatError::BadRequest { .. } | ChatError::Unsupported { .. } => (
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                "invalid_request",
            ),
            ChatError::Timeout { .. } => (
                StatusCode::GATEWAY_TIMEOUT,
                "server_error",
                "upstream_timeout",
            ),
            ChatError::Server {
                status: Some(503), ..
            } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "server_error",
                "upstream_unavailable",
            ),
            ChatError::Server { .. }
            | ChatError::StreamInterrupted { .. }
            | ChatError::Network { .. }
            | ChatError::BadResponse { .. } => {
                (StatusCode::BAD_GATEWAY, "server_error", "upstream_error")
            }
            ChatError::Blocked { block, .. } => {
                (StatusCode::BAD_GATEWAY, "server_error", block.as_str())
            }
        };
        let mut gateway = Self::new(status, kind, code, message);
        gateway.retry_after_secs = error.retry_after().map(|d| d.as_secs().max(1));
        gateway
    }
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        let body = self.body();
        self.respond(body)
    }
}

impl From<netclaw_providers::runtime::ResolveError> for GatewayError {
    fn from(error: netclaw_providers::runtime::ResolveError) -> Self {
        match error {
            netclaw_providers::runtime::ResolveError::NoModel(m) => Self::model_not_found(m),
            netclaw_providers::runtime::ResolveError::Provider(m) => Self::model_not_found(m),
        }
    }
}
