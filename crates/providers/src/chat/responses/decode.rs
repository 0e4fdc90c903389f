//! Responses API SSE events → normalized events.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

use crate::chat::error::{ChatError, ProviderRef};
use crate::chat::event::{StopReason, StreamEvent, Usage};
use crate::chat::request::ToolCall;
use crate::chat::settings::server_delay;
use crate::chat::wire::Decoder;

/// Decodes one Responses stream. Function calls are announced by `output_item.added`,
/// grow through `function_call_arguments.delta` and are emitted whole at `output_item.done`.
#[derive(Debug)]
pub(crate) struct ResponsesDecoder {
    provider: ProviderRef,
    calls: HashMap<String, PendingCall>,
    called_tools: bool,
    completed: bool,
}

#[derive(Debug, Default)]
struct PendingCall {
    call_id: String,
    name: String,
    arguments: String,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    delta: Option<String>,
    #[serde(default)]
    item_id: Option<String>,
    #[serde(default)]
    item: Option<Item>,
    #[serde(default)]
    response: Option<Response>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    call_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    error: Option<ErrorBody>,
    #[serde(default)]
    incomplete_details: Option<IncompleteDetails>,
}

#[derive(Deserialize)]
struct IncompleteDetails {
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    input_tokens_details: Option<InputDetails>,
    #[serde(default)]
    output_tokens_details: Option<OutputDetails>,
}

#[derive(Deserialize)]
struct InputDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct OutputDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

/// `{type, code, message, resets_at}` as found in `response.error`, `error` events and
/// HTTP error bodies.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) resets_at: Option<i64>,
    #[serde(default)]
    pub(crate) resets_in_seconds: Option<u64>,
}

impl ResponsesDecoder {
    pub(crate) fn new(provider: ProviderRef) -> Self {
        Self {
            provider,
            calls: HashMap::new(),
            called_tools: false,
            completed: false,
        }
    }
}

impl Decoder for ResponsesDecoder {
    fn frame(
        &mut self,
        _event: &str,
        data: &str,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), ChatError> {
        if data == "[DONE]" {
            return Ok(());
        }
        let Ok(event) = serde_json::from_str::<Event>(data) else {
            tracing::debug!(provider = %self.provider.name, "skipping unparseable SSE data");
            return Ok(());
        };
        match event.kind.as_str() {
            "response.output_text.delta" => {
                if let Some(text) = event.delta.filter(|text| !text.is_empty()) {
                    out.push(StreamEvent::TextDelta { text });
                }
            }
            "response.reasoning_summary_text.delta" | "response.reasoning_text.delta" => {
                if let Some(text) = event.delta.filter(|text| !text.is_empty()) {
                    out.push(StreamEvent::ReasoningDelta { text });
                }
            }
            "response.output_item.added" => {
                if let Some(item) = event.item.filter(|item| item.kind == "function_call") {
                    let key = item.id.clone().or(item.call_id.clone()).unwrap_or_default();
                    self.calls.insert(
                        key,
                        PendingCall {
                            call_id: item.call_id.unwrap_or_default(),
                            name: item.name.unwrap_or_default(),
                            arguments: item.arguments.unwrap_or_default(),
                        },
                    );
                }
            }
            "response.function_call_arguments.delta" => {
                let key = event.item_id.unwrap_or_default();
                let delta = event.delta.unwrap_or_default();
                self.calls
                    .entry(key)
                    .or_default()
                    .arguments
                    .push_str(&delta);
            }
            "response.output_item.done" => {
                if let Some(item) = event.item.filter(|item| item.kind == "function_call") {
                    let key = item.id.clone().or(item.call_id.clone()).unwrap_or_default();
                    let pending = self.calls.remove(&key).unwrap_or_default();
                    let arguments = if pending.arguments.is_empty() {
                        item.arguments.unwrap_or_default()
                    } else {
                        pending.arguments
                    };
                    self.called_tools = true;
                    out.push(StreamEvent::ToolCall(ToolCall {
                        id: item.call_id.unwrap_or(pending.call_id),
                        name: item.name.unwrap_or(pending.name),
                        arguments: if arguments.is_empty() {
                            "{}".into()
                        } else {
                            arguments
                        },
                    }));
                }
            }
            "response.completed" | "response.incomplete" | "response.done" => {
                let response = event.response;
                if let Some(usage) = response.as_ref().and_then(|r| r.usage.as_ref()) {
                    out.push(StreamEvent::Usage(Usage {
                        input_tokens: usage.input_tokens,
                        output_tokens: usage.output_tokens,
                        cached_input_tokens: usage
                            .input_tokens_details
                            .as_ref()
                            .and_then(|d| d.cached_tokens),
                        reasoning_tokens: usage
                            .output_tokens_details
                            .as_ref()
                            .and_then(|d| d.reasoning_tokens),
                    }));
                }
                let incomplete_reason = response
                    .as_ref()
                    .filter(|r| r.status.as_deref() == Some("incomplete"))
                    .and_then(|r| r.incomplete_details.as_ref())
                    .and_then(|d| d.reason.clone());
                let stop_reason = match incomplete_reason.as_deref() {
                    Some("max_output_tokens") => StopReason::MaxTokens,
                    Some("content_filter") => StopReason::ContentFilter,
                    _ if event.kind == "response.incomplete" => StopReason::MaxTokens,
                    _ if self.called_tools => StopReason::ToolUse,
                    _ => StopReason::EndTurn,
                };
                self.completed = true;
                out.push(StreamEvent::Done { stop_reason });
            }
            "response.failed" => {
                let error = event.response.and_then(|r| r.error).unwrap_or_default();
                return Err(stream_error(&self.provider, error));
            }
            "error" => {
                let error = event.error.unwrap_or(ErrorBody {
                    kind: None,
                    code: event.code,
                    message: event.message,
                    resets_at: None,
                    resets_in_seconds: None,
                });
                return Err(stream_error(&self.provider, error));
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut Vec<StreamEvent>) -> Result<(), ChatError> {
        if self.completed {
            return Ok(());
        }
        Err(ChatError::StreamInterrupted {
            provider: self.provider.clone(),
            detail: "stream closed before response.completed".into(),
        })
    }
}

/// The error for a `response.failed` or `error` event.
pub(crate) fn stream_error(provider: &ProviderRef, error: ErrorBody) -> ChatError {
    let provider = provider.clone();
    let code = error
        .code
        .clone()
        .or_else(|| error.kind.clone())
        .unwrap_or_default();
    let detail = error.message.clone();
    match code.as_str() {
        "context_length_exceeded" => ChatError::ContextLengthExceeded { provider, detail },
        "insufficient_quota" | "usage_not_included" => ChatError::QuotaExceeded {
            provider,
            code,
            detail,
        },
        "usage_limit_reached" => ChatError::RateLimited {
            provider,
            retry_after: None,
            resets_at: error
                .resets_at
                .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok()),
            usage_limit: true,
            snapshot: None,
            detail,
        },
        "rate_limit_exceeded" => ChatError::RateLimited {
            provider,
            retry_after: detail.as_deref().and_then(try_again_in),
            resets_at: None,
            usage_limit: false,
            snapshot: None,
            detail,
        },
        _ => ChatError::Server {
            provider,
            status: None,
            detail: Some(match detail {
                Some(text) if !code.is_empty() => format!("{code}: {text}"),
                Some(text) => text,
                None if !code.is_empty() => code,
                None => "response.failed without an error".into(),
            }),
        },
    }
}

/// The delay in "Please try again in 1.5s" / "in 20ms" / "in 3 seconds".
pub(crate) fn try_again_in(message: &str) -> Option<Duration> {
    let lower = message.to_ascii_lowercase();
    let start = lower.find("try again in")? + "try again in".len();
    let rest = lower[start..].trim_start();
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let value: f64 = rest[..number_end].parse().ok()?;
    let unit = rest[number_end..].trim_start();
    if unit.starts_with("ms") {
        server_delay(value / 1000.0)
    } else if unit.starts_with('s') {
        server_delay(value)
    } else {
        None
    }
}
