//! Ollama `/api/chat` NDJSON lines → normalized events.

use serde::Deserialize;

use crate::chat::error::{ChatError, ProviderRef};
use crate::chat::event::{StopReason, StreamEvent, Usage};
use crate::chat::request::ToolCall;
use crate::chat::wire::Decoder;

/// Decodes one `/api/chat` stream: `message.content` and `message.thinking` deltas, whole
/// `tool_calls` (Ollama sends them complete), and the final `done: true` line with counts.
#[derive(Debug)]
pub(crate) struct OllamaDecoder {
    provider: ProviderRef,
    calls: usize,
    completed: bool,
}

#[derive(Deserialize)]
struct Line {
    #[serde(default)]
    message: Option<WireMessage>,
    #[serde(default)]
    done: bool,
    #[serde(default)]
    done_reason: Option<String>,
    #[serde(default)]
    prompt_eval_count: Option<u64>,
    #[serde(default)]
    eval_count: Option<u64>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Deserialize)]
struct WireMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    thinking: Option<String>,
    #[serde(default)]
    tool_calls: Vec<WireCall>,
}

#[derive(Deserialize)]
struct WireCall {
    #[serde(default)]
    id: Option<String>,
    function: WireFunction,
}

#[derive(Deserialize)]
struct WireFunction {
    name: String,
    #[serde(default)]
    arguments: serde_json::Value,
}

impl OllamaDecoder {
    pub(crate) fn new(provider: ProviderRef) -> Self {
        Self {
            provider,
            calls: 0,
            completed: false,
        }
    }
}

impl Decoder for OllamaDecoder {
    fn frame(
        &mut self,
        _event: &str,
        data: &str,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), ChatError> {
        let line: Line = serde_json::from_str(data).map_err(|error| ChatError::BadResponse {
            provider: self.provider.clone(),
            detail: format!("invalid NDJSON line: {error}"),
        })?;
        if let Some(message) = line.error {
            return Err(error(&self.provider, message, None));
        }
        if let Some(message) = line.message {
            if let Some(text) = message.thinking.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::ReasoningDelta { text });
            }
            if let Some(text) = message.content.filter(|t| !t.is_empty()) {
                out.push(StreamEvent::TextDelta { text });
            }
            for call in message.tool_calls {
                self.calls += 1;
                let arguments = match call.function.arguments {
                    serde_json::Value::Null => "{}".to_owned(),
                    serde_json::Value::String(text) => text,
                    other => other.to_string(),
                };
                out.push(StreamEvent::ToolCall(ToolCall {
                    id: call
                        .id
                        .filter(|id| !id.is_empty())
                        .unwrap_or_else(|| format!("call_{}", self.calls)),
                    name: call.function.name,
                    arguments,
                }));
            }
        }
        if line.done {
            self.completed = true;
            out.push(StreamEvent::Usage(Usage {
                input_tokens: line.prompt_eval_count.unwrap_or_default(),
                output_tokens: line.eval_count.unwrap_or_default(),
                cached_input_tokens: None,
                reasoning_tokens: None,
            }));
            let stop_reason = match line.done_reason.as_deref() {
                Some("length") => StopReason::MaxTokens,
                _ if self.calls > 0 => StopReason::ToolUse,
                _ => StopReason::EndTurn,
            };
            out.push(StreamEvent::Done { stop_reason });
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut Vec<StreamEvent>) -> Result<(), ChatError> {
        if self.completed {
            return Ok(());
        }
        Err(ChatError::StreamInterrupted {
            provider: self.provider.clone(),
            detail: "stream closed before the `done` line".into(),
        })
    }
}

/// The error for Ollama's `{"error": "…"}` (in the stream, or an HTTP body with `status`).
pub(crate) fn error(provider: &ProviderRef, message: String, status: Option<u16>) -> ChatError {
    let provider = provider.clone();
    let lower = message.to_ascii_lowercase();
    if lower.contains("context length") || lower.contains("context window") {
        return ChatError::ContextLengthExceeded {
            provider,
            detail: Some(message),
        };
    }
    match status {
        Some(code @ 500..=599) | Some(code @ 0) => ChatError::Server {
            provider,
            status: Some(code),
            detail: Some(message),
        },
        Some(code) => ChatError::BadRequest {
            provider,
            status: code,
            message,
        },
        None => ChatError::Server {
            provider,
            status: None,
            detail: Some(message),
        },
    }
}
