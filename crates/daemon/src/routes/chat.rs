//! `POST /api/chat`: the normalized chat as server-sent events (`event: text|reasoning|
//! tool_call|usage|done|error`). A client that disconnects cancels the upstream request.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use netclaw_config::Hint;
use netclaw_providers::chat::{ChatError, ChatRequest, StreamEvent};
use netclaw_providers::resilience::{Refusal, Served};

use crate::api::{self, ChatEvent, ErrorBody, ServedBy};
use crate::error::ApiError;
use crate::gateway::{Frame, GatewayError, sse_frames, sse_response};
use crate::state::AppState;

/// The management API's code for a chat failure.
fn code(error: &ChatError) -> &'static str {
    match error {
        ChatError::Unauthorized { .. } => "provider_unauthorized",
        ChatError::RateLimited { .. } => "rate_limited",
        ChatError::ContextLengthExceeded { .. } => "context_length_exceeded",
        ChatError::QuotaExceeded { .. } => "quota_exceeded",
        ChatError::Server { .. } => "upstream_error",
        ChatError::BadRequest { .. } | ChatError::Unsupported { .. } => "bad_request",
        ChatError::StreamInterrupted { .. } => "stream_interrupted",
        ChatError::Network { .. } => "network",
        ChatError::Timeout { .. } => "timeout",
        ChatError::Credential { .. } | ChatError::MissingAccountId { .. } => "credential",
        ChatError::BadResponse { .. } => "bad_response",
        ChatError::Blocked { block, .. } => block.as_str(),
    }
}

fn error_body(error: &ChatError) -> ErrorBody {
    tracing::warn!(error = %error.technical_message(), "chat failed");
    ErrorBody {
        code: code(error).to_owned(),
        message: error.summary(),
        hint: error.hint(),
    }
}

fn status(error: &ChatError) -> StatusCode {
    GatewayError::from(error.clone()).status
}

fn frame(event: &ChatEvent) -> Option<String> {
    let value = serde_json::to_value(event).ok()?;
    let data = value
        .get("data")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    Some(format!("event: {}\ndata: {data}\n\n", event.name()))
}

fn to_event(event: StreamEvent) -> Option<ChatEvent> {
    Some(match event {
        StreamEvent::TextDelta { text } => ChatEvent::Text { text },
        StreamEvent::ReasoningDelta { text } => ChatEvent::Reasoning { text },
        StreamEvent::ToolCall(call) => ChatEvent::ToolCall(call),
        StreamEvent::Usage(usage) => ChatEvent::Usage(usage),
        StreamEvent::Done { stop_reason } => ChatEvent::Done { stop_reason },
        StreamEvent::RateLimits(_) | StreamEvent::Relayed { .. } => return None,
    })
}

/// The answer when no model answered: the failure's status and code, or 429 `cooling_down`
/// (401 when every model waits for a new login), with what to do about it.
fn refused(refusal: &Refusal) -> Response {
    let mut api_error = match refusal.error() {
        Some(error) => {
            tracing::warn!(error = %error.technical_message(), "chat failed");
            let mut api_error = ApiError::new(status(error), "chat_failed", "");
            api_error.code = code(error);
            api_error
        }
        None if refusal.needs_login() => {
            ApiError::new(StatusCode::UNAUTHORIZED, "provider_unauthorized", "")
        }
        None => ApiError::new(StatusCode::TOO_MANY_REQUESTS, "cooling_down", ""),
    };
    api_error.message = refusal.message();
    api_error.hint = refusal.hint();
    api_error.into_response()
}

fn served_by_event(served: &Served) -> ChatEvent {
    ChatEvent::ServedBy(ServedBy {
        provider: served.candidate.provider.clone(),
        model: served.candidate.model.clone(),
        requested: served.requested.public_name(),
        fallback_reason: served.fallback_reason(),
    })
}

pub(crate) async fn chat(
    State(state): State<AppState>,
    Json(request): Json<api::ChatRequest>,
) -> Response {
    let runtime = state.runtime();
    let plan = match runtime.plan(request.provider.as_deref(), request.model.as_deref()) {
        Ok(plan) => plan,
        Err(error) => {
            return ApiError::not_found(error.message())
                .with_hint(
                    "`netclaw model list` shows the models; `netclaw model set` picks the main one",
                )
                .into_response();
        }
    };
    let chat = ChatRequest {
        model: plan.first_model(),
        messages: request.messages,
        tools: request.tools,
        ..ChatRequest::default()
    };
    let served = match runtime.serve(&plan, chat).await {
        Ok(served) => served,
        Err(refusal) => return refused(&refusal),
    };
    let head = frame(&served_by_event(&served)).unwrap_or_default();
    let public_name = served.candidate.public_name();
    let frames = sse_frames(
        state,
        head,
        served.first,
        served.stream,
        |item| match item {
            Frame::Event(event) => to_event(event).and_then(|e| frame(&e)),
            Frame::End(stop_reason) => frame(&ChatEvent::Done { stop_reason }),
            Frame::Error(error) => frame(&ChatEvent::Error(error_body(&error))),
        },
    );
    crate::fallback::served_by(sse_response(frames).await, &public_name)
}
