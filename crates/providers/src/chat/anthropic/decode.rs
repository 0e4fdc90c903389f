//! Anthropic Messages SSE events → normalized events.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::chat::error::{ChatError, ProviderRef};
use crate::chat::event::{StopReason, StreamEvent, Usage};
use crate::chat::request::ToolCall;
use crate::chat::wire::Decoder;

/// Decodes one Messages stream: text and thinking deltas pass through, `tool_use` blocks
/// collect their `input_json_delta`s and are emitted at `content_block_stop`; usage and the
/// stop reason come at `message_stop`.
#[derive(Debug)]
pub(crate) struct AnthropicDecoder {
    provider: ProviderRef,
    tools: BTreeMap<u64, ToolCall>,
    usage: Usage,
    stop_reason: Option<String>,
    completed: bool,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    message: Option<MessageStart>,
    #[serde(default)]
    content_block: Option<Block>,
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    error: Option<WireError>,
}

#[derive(Deserialize)]
struct MessageStart {
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct Block {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    thinking: Option<String>,
    #[serde(default)]
    partial_json: Option<String>,
    #[serde(default)]
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
}

/// `{type, message}` of an `error` event or an HTTP error body's `error`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct WireError {
    #[serde(default, rename = "type")]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) message: String,
}

impl AnthropicDecoder {
    pub(crate) fn new(provider: ProviderRef) -> Self {
        Self {
            provider,
            tools: BTreeMap::new(),
            usage: Usage::default(),
            stop_reason: None,
            completed: false,
        }
    }

    fn add_usage(&mut self, usage: &WireUsage) {
        if let Some(input) = usage.input_tokens {
            self.usage.input_tokens = input;
        }
        if let Some(output) = usage.output_tokens {
            self.usage.output_tokens = output;
        }
        if usage.cache_read_input_tokens.is_some() {
            self.usage.cached_input_tokens = usage.cache_read_input_tokens;
        }
    }
}

impl Decoder for AnthropicDecoder {
    fn frame(
        &mut self,
        _event: &str,
        data: &str,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), ChatError> {
        let Ok(event) = serde_json::from_str::<Event>(data) else {
            tracing::debug!(provider = %self.provider.name, "skipping unparseable SSE data");
            return Ok(());
        };
        match event.kind.as_str() {
            "message_start" => {
                if let Some(usage) = event.message.as_ref().and_then(|m| m.usage.as_ref()) {
                    self.add_usage(usage);
                }
            }
            "content_block_start" => {
                if let Some(block) = event.content_block {
                    match block.kind.as_str() {
                        "tool_use" => {
                            self.tools.insert(
                                event.index.unwrap_or_default(),
                                ToolCall {
                                    id: block.id.unwrap_or_default(),
                                    name: block.name.unwrap_or_default(),
                                    arguments: String::new(),
                                },
                            );
                        }
                        "text" => {
                            if let Some(text) = block.text.filter(|t| !t.is_empty()) {
                                out.push(StreamEvent::TextDelta { text });
                            }
                        }
                        _ => {}
                    }
                }
            }
            "content_block_delta" => {
                let Some(delta) = event.delta else {
                    return Ok(());
                };
                match delta.kind.as_deref() {
                    Some("text_delta") => {
                        if let Some(text) = delta.text.filter(|t| !t.is_empty()) {
                            out.push(StreamEvent::TextDelta { text });
                        }
                    }
                    Some("thinking_delta") => {
                        if let Some(text) = delta.thinking.filter(|t| !t.is_empty()) {
                            out.push(StreamEvent::ReasoningDelta { text });
                        }
                    }
                    Some("input_json_delta") => {
                        if let Some(call) = self.tools.get_mut(&event.index.unwrap_or_default()) {
                            call.arguments
                                .push_str(delta.partial_json.as_deref().unwrap_or_default());
                        }
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                if let Some(mut call) = self.tools.remove(&event.index.unwrap_or_default()) {
                    if call.arguments.trim().is_empty() {
                        call.arguments = "{}".into();
                    }
                    out.push(StreamEvent::ToolCall(call));
                }
            }
            "message_delta" => {
                if let Some(reason) = event.delta.and_then(|d| d.stop_reason) {
                    self.stop_reason = Some(reason);
                }
                if let Some(usage) = &event.usage {
                    self.add_usage(usage);
                }
            }
            "message_stop" => {
                self.completed = true;
                out.push(StreamEvent::Usage(self.usage));
                let stop_reason = match self.stop_reason.as_deref() {
                    Some("max_tokens") => StopReason::MaxTokens,
                    Some("tool_use") => StopReason::ToolUse,
                    Some("stop_sequence") => StopReason::StopSequence,
                    Some("refusal") => StopReason::ContentFilter,
                    _ => StopReason::EndTurn,
                };
                out.push(StreamEvent::Done { stop_reason });
            }
            "error" => {
                return Err(error(&self.provider, event.error.unwrap_or_default(), None));
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
            detail: "stream closed before message_stop".into(),
        })
    }
}

/// The error for an Anthropic error object (in the stream, or in an HTTP body with `status`).
pub(crate) fn error(provider: &ProviderRef, error: WireError, status: Option<u16>) -> ChatError {
    let provider = provider.clone();
    let detail = (!error.message.is_empty()).then(|| error.message.clone());
    let lower = error.message.to_ascii_lowercase();
    if lower.contains("prompt is too long") || lower.contains("context window") {
        return ChatError::ContextLengthExceeded { provider, detail };
    }
    if lower.contains("credit balance") {
        return ChatError::QuotaExceeded {
            provider,
            code: "credit_balance_too_low".into(),
            detail,
        };
    }
    match error.kind.as_str() {
        "overloaded_error" => ChatError::Server {
            provider,
            status: Some(status.unwrap_or(529)),
            detail,
        },
        "api_error" => ChatError::Server {
            provider,
            status,
            detail,
        },
        "rate_limit_error" => ChatError::RateLimited {
            provider,
            retry_after: None,
            resets_at: None,
            usage_limit: false,
            snapshot: None,
            detail,
        },
        "authentication_error" | "permission_error" => ChatError::Unauthorized {
            provider,
            status: status.unwrap_or(401),
            detail,
        },
        _ => ChatError::BadRequest {
            provider,
            status: status.unwrap_or(400),
            message: detail.unwrap_or_else(|| error.kind.clone()),
        },
    }
}
