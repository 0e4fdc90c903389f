//! `POST /api/chat`: the normalized chat as server-sent events (`event: served_by|text|
//! reasoning|tool_call|usage|done|error`, and `retrying` while a failure before any output is
//! retried). A client that disconnects cancels the upstream request.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use netclaw_config::Hint;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::StreamExt;
use netclaw_providers::chat::{ChatError, ChatRequest, Progress, ProgressSink, StreamEvent};
use netclaw_providers::resilience::{Refusal, Served};
use tokio::sync::mpsc::UnboundedReceiver;

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
        account: Some(served.candidate.account.clone())
            .filter(|a| !netclaw_config::ProviderName::same(a, netclaw_config::DEFAULT_ACCOUNT)),
        requested: served.requested.served_name(),
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
    let (progress, mut heard) = ProgressSink::channel();
    let chat = ChatRequest {
        model: plan.first_model(),
        messages: request.messages,
        tools: request.tools,
        progress,
        ..ChatRequest::default()
    };
    let serve = async move { runtime.serve(&plan, chat).await };
    let mut serve = Box::pin(serve);
    // The usual answer waits for the first output, so its status says how the chat went. A
    // retry changes that: the client hears of it at once (a 200 stream of `retrying` events),
    // and the outcome, answer or refusal, follows in the same stream.
    let first_news = tokio::select! {
        result = &mut serve => {
            return match result {
                Ok(served) => answer(state, served).await,
                Err(refusal) => refused(&refusal),
            };
        }
        Some(news) = heard.recv() => news,
    };
    answer_after_retries(state, serve, heard, &first_news).await
}

/// The answer of a chat whose failures are being retried: a 200 stream that starts with the
/// `retrying` news heard so far, goes on with each new one, and ends with the outcome.
async fn answer_after_retries(
    state: AppState,
    mut serve: Pin<Box<impl Future<Output = Result<Served, Refusal>> + Send + 'static>>,
    mut heard: UnboundedReceiver<Progress>,
    first_news: &Progress,
) -> Response {
    let (frames, body) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
    let news_frame = |news: &Progress| {
        frame(&ChatEvent::Retrying {
            message: news.to_string(),
        })
    };
    let _ = frames.send(Bytes::from(news_frame(first_news).unwrap_or_default()));
    tokio::spawn(async move {
        let result = loop {
            tokio::select! {
                result = &mut serve => break result,
                Some(news) = heard.recv() => {
                    if frames.send(Bytes::from(news_frame(&news).unwrap_or_default())).is_err() {
                        return;
                    }
                }
            }
        };
        match result {
            Ok(served) => {
                let mut rest = Box::pin(answer_frames(state, served));
                while let Some(Ok(bytes)) = rest.next().await {
                    if frames.send(bytes).is_err() {
                        return;
                    }
                }
            }
            Err(refusal) => {
                let _ = frames.send(Bytes::from(
                    frame(&ChatEvent::Error(refusal_body(&refusal))).unwrap_or_default(),
                ));
            }
        }
    });
    let stream = futures_util::stream::unfold(body, |mut body| async move {
        body.recv()
            .await
            .map(|bytes| (Ok::<_, Infallible>(bytes), body))
    });
    sse_response(stream).await
}

/// The answer's frames: `served_by`, then the events.
fn answer_frames(
    state: AppState,
    served: Served,
) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
    let head = frame(&served_by_event(&served)).unwrap_or_default();
    sse_frames(
        state,
        head,
        served.first,
        served.stream,
        |item| match item {
            Frame::Event(event) => to_event(event).and_then(|e| frame(&e)),
            Frame::End(stop_reason) => frame(&ChatEvent::Done { stop_reason }),
            Frame::Error(error) => frame(&ChatEvent::Error(error_body(&error))),
        },
    )
}

/// The answer as a response of its own, with the served-by header.
async fn answer(state: AppState, served: Served) -> Response {
    let public_name = served.candidate.served_name();
    crate::fallback::served_by(
        sse_response(answer_frames(state, served)).await,
        &public_name,
    )
}

/// A refusal as the error event of a stream already under way.
fn refusal_body(refusal: &Refusal) -> ErrorBody {
    ErrorBody {
        code: refusal.error().map_or("cooling_down", code).to_owned(),
        message: refusal.message(),
        hint: refusal.hint(),
    }
}
