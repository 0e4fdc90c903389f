//! Chat Completions SSE chunks → normalized events.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::chat::error::{ChatError, ProviderRef};
use crate::chat::event::{StopReason, StreamEvent, Usage};
use crate::chat::request::ToolCall;
use crate::chat::wire::Decoder;

/// Decodes one Chat Completions stream. Tool calls are assembled by their `index` and
/// emitted when the choice finishes; usage may arrive in a last chunk with no choices;
/// `[DONE]` ends the answer.
#[derive(Debug)]
pub(crate) struct CompletionsDecoder {
    provider: ProviderRef,
    calls: BTreeMap<u64, ToolCall>,
    finish_reason: Option<String>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    error: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Choice {
    #[serde(default)]
    delta: Option<Delta>,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Delta {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    reasoning_content: Option<String>,
    #[serde(default)]
    reasoning: Option<String>,
    #[serde(default)]
    tool_calls: Vec<CallDelta>,
}

#[derive(Deserialize)]
struct CallDelta {
    #[serde(default)]
    index: u64,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionDelta>,
}

#[derive(Deserialize)]
struct FunctionDelta {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default)]
    prompt_tokens: u64,
    #[serde(default)]
    completion_tokens: u64,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

impl CompletionsDecoder {
    pub(crate) fn new(provider: ProviderRef) -> Self {
        Self {
            provider,
            calls: BTreeMap::new(),
            finish_reason: None,
            usage: None,
        }
    }

    fn flush_calls(&mut self, out: &mut Vec<StreamEvent>) {
        for (_, mut call) in std::mem::take(&mut self.calls) {
            if call.arguments.trim().is_empty() {
                call.arguments = "{}".into();
            }
            out.push(StreamEvent::ToolCall(call));
        }
    }

    fn done(&mut self, out: &mut Vec<StreamEvent>) {
        self.flush_calls(out);
        if let Some(usage) = self.usage.take() {
            out.push(StreamEvent::Usage(usage));
        }
        let stop_reason = match self.finish_reason.as_deref() {
            Some("length") => StopReason::MaxTokens,
            Some("tool_calls" | "function_call") => StopReason::ToolUse,
            Some("content_filter") => StopReason::ContentFilter,
            _ => StopReason::EndTurn,
        };
        out.push(StreamEvent::Done { stop_reason });
    }
}

impl Decoder for CompletionsDecoder {
    fn frame(
        &mut self,
        _event: &str,
        data: &str,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), ChatError> {
        if data.trim() == "[DONE]" {
            self.done(out);
            return Ok(());
        }
        let Ok(chunk) = serde_json::from_str::<Chunk>(data) else {
            tracing::debug!(provider = %self.provider.name, "skipping unparseable SSE data");
            return Ok(());
        };
        if let Some(error) = chunk.error {
            return Err(stream_error(&self.provider, &error));
        }
        for choice in chunk.choices {
            if let Some(delta) = choice.delta {
                if let Some(text) = delta
                    .reasoning_content
                    .or(delta.reasoning)
                    .filter(|t| !t.is_empty())
                {
                    out.push(StreamEvent::ReasoningDelta { text });
                }
                if let Some(text) = delta.content.filter(|t| !t.is_empty()) {
                    out.push(StreamEvent::TextDelta { text });
                }
                for call in delta.tool_calls {
                    let entry = self.calls.entry(call.index).or_insert_with(|| ToolCall {
                        id: String::new(),
                        name: String::new(),
                        arguments: String::new(),
                    });
                    if let Some(id) = call.id.filter(|id| !id.is_empty()) {
                        entry.id = id;
                    }
                    if let Some(function) = call.function {
                        if let Some(name) = function.name.filter(|n| !n.is_empty()) {
                            entry.name = name;
                        }
                        if let Some(arguments) = function.arguments {
                            entry.arguments.push_str(&arguments);
                        }
                    }
                }
            }
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason);
                self.flush_calls(out);
            }
        }
        if let Some(usage) = chunk.usage {
            self.usage = Some(Usage {
                input_tokens: usage.prompt_tokens,
                output_tokens: usage.completion_tokens,
                cached_input_tokens: usage.prompt_tokens_details.and_then(|d| d.cached_tokens),
                reasoning_tokens: usage
                    .completion_tokens_details
                    .and_then(|d| d.reasoning_tokens),
            });
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), ChatError> {
        // Some servers close without `[DONE]`; a finished choice is still a whole answer.
        if self.finish_reason.is_some() {
            self.done(out);
            return Ok(());
        }
        Err(ChatError::StreamInterrupted {
            provider: self.provider.clone(),
            detail: "stream closed before a finish_reason or [DONE]".into(),
        })
    }
}

/// The error for an `{"error": {...}}` chunk (OpenRouter reports mid-stream failures so).
fn stream_error(provider: &ProviderRef, error: &serde_json::Value) -> ChatError {
    let provider = provider.clone();
    let message = error
        .get("message")
        .and_then(|m| m.as_str())
        .or_else(|| error.as_str())
        .map(str::to_owned);
    let code = error.get("code").map(|code| match code {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    });
    let lower = message.as_deref().unwrap_or_default().to_ascii_lowercase();
    if code.as_deref() == Some("context_length_exceeded") || lower.contains("context length") {
        return ChatError::ContextLengthExceeded {
            provider,
            detail: message,
        };
    }
    match code.as_deref() {
        Some("429" | "rate_limit_exceeded") => ChatError::RateLimited {
            provider,
            retry_after: None,
            resets_at: None,
            usage_limit: false,
            snapshot: None,
            detail: message,
        },
        Some("402" | "insufficient_quota") => ChatError::QuotaExceeded {
            provider,
            code: "insufficient_quota".into(),
            detail: message,
        },
        other => ChatError::Server {
            provider,
            status: other
                .and_then(|code| code.parse().ok())
                .filter(|s: &u16| *s >= 500),
            detail: message,
        },
    }
}
