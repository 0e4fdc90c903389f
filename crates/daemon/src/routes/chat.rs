//! `POST /api/chat`: the normalized chat as server-sent events (`event: text|reasoning|
//! tool_call|usage|done|error`). A client that disconnects cancels the upstream request.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use netclaw_providers::chat::{ChatError, ChatRequest, StreamEvent};

use crate::api::{self, ChatEvent, ErrorBody};
use crate::error::ApiError;
use crate::gateway::{Frame, GatewayError, first_output_raw, sse_frames, sse_response};
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
        StreamEvent::RateLimits(_) => return None,
    })
}

pub(crate) async fn chat(
    State(state): State<AppState>,
    Json(request): Json<api::ChatRequest>,
) -> Response {
    let target = match state.resolve_chat(request.provider.as_deref(), request.model.as_deref()) {
        Ok(target) => target,
        Err(error) => {
            return ApiError::not_found(error.message())
                .with_hint(
                    "`netclaw model list` shows the models; `netclaw model set` picks the main one",
                )
                .into_response();
        }
    };
    let chat = ChatRequest {
        model: target.model_id.clone(),
        messages: request.messages,
        tools: request.tools,
        ..ChatRequest::default()
    };
    let events = target.client.stream(chat);
    let (first, events) = match first_output_raw(events).await {
        Ok(pair) => pair,
        Err(error) => {
            let body = error_body(&error);
            let mut api_error = ApiError::new(status(&error), "chat_failed", body.message);
            api_error.code = code(&error);
            api_error.hint = body.hint;
            return api_error.into_response();
        }
    };
    let frames = sse_frames(state, String::new(), first, events, |item| match item {
        Frame::Event(event) => to_event(event).and_then(|e| frame(&e)),
        Frame::End(stop_reason) => frame(&ChatEvent::Done { stop_reason }),
        Frame::Error(error) => frame(&ChatEvent::Error(error_body(&error))),
    });
    sse_response(frames)
}
