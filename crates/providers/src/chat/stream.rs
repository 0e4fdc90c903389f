//! The stream a client returns, and collecting it into one full response.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

use super::error::ChatError;
use super::event::{RateLimitSnapshot, StopReason, StreamEvent, Usage};
use super::request::ToolCall;

/// The events of one chat answer. Ends after `Done` or after the first error.
///
/// It also remembers whether any output reached the caller, so a failure can be classified
/// as before output (safe to retry elsewhere) or after it ([`ChatStream::output_seen`]).
pub struct ChatStream {
    inner: Pin<Box<dyn Stream<Item = Result<StreamEvent, ChatError>> + Send>>,
    output_seen: bool,
}

impl std::fmt::Debug for ChatStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatStream")
            .field("output_seen", &self.output_seen)
            .finish_non_exhaustive()
    }
}

impl ChatStream {
    /// Wrap any stream of events (fakes in tests, adapters in the daemon).
    pub fn new(inner: impl Stream<Item = Result<StreamEvent, ChatError>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(inner),
            output_seen: false,
        }
    }

    /// A stream that yields `items` in order.
    pub fn from_items(items: Vec<Result<StreamEvent, ChatError>>) -> Self {
        Self::new(futures_util::stream::iter(items))
    }

    /// Whether any output event (text, reasoning, tool call, usage, done) has been yielded.
    pub fn output_seen(&self) -> bool {
        self.output_seen
    }

    /// Whether an error yielded now happened before any output reached the caller, so the
    /// prompt can be sent to another provider without duplicating an answer.
    pub fn failed_before_output(&self) -> bool {
        !self.output_seen
    }

    /// Consume the stream into one response (how non-streaming callers are served).
    pub async fn collect_response(self) -> Result<ChatResponse, ChatError> {
        collect(self).await
    }
}

impl Stream for ChatStream {
    type Item = Result<StreamEvent, ChatError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        if let Poll::Ready(Some(Ok(event))) = &polled
            && event.is_output()
        {
            self.output_seen = true;
        }
        polled
    }
}

/// A complete answer, as collected from a stream.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChatResponse {
    /// The whole answer text.
    pub text: String,
    /// The whole reasoning text the vendor exposed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reasoning: String,
    /// Every tool call, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// Token counts, when the vendor reported them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Why the model stopped.
    pub stop_reason: StopReason,
    /// Rate-limit state from the response headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limits: Option<RateLimitSnapshot>,
}

/// Read `stream` to its end and assemble the full response; the first error is returned.
pub async fn collect(mut stream: ChatStream) -> Result<ChatResponse, ChatError> {
    let mut response = ChatResponse::default();
    while let Some(item) = stream.next().await {
        match item? {
            StreamEvent::RateLimits(snapshot) => response.rate_limits = Some(*snapshot),
            StreamEvent::TextDelta { text } => response.text.push_str(&text),
            StreamEvent::ReasoningDelta { text } => response.reasoning.push_str(&text),
            StreamEvent::ToolCall(call) => response.tool_calls.push(call),
            StreamEvent::Usage(usage) => response.usage = Some(usage),
            StreamEvent::Done { stop_reason } => {
                response.stop_reason = stop_reason;
                break;
            }
            // The same answer as the decoded events around it, in the provider's own words.
            StreamEvent::Relayed { .. } => {}
        }
    }
    Ok(response)
}
