//! What a chat stream yields: deltas, assembled tool calls, usage, rate limits and the end.

use serde::{Deserialize, Serialize};

use super::request::ToolCall;

/// One item of a chat stream, in the order the vendor produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamEvent {
    /// The vendor's rate-limit state read from response headers (Codex `x-codex-*`); comes
    /// first, before any output, and is not part of the answer.
    RateLimits(Box<RateLimitSnapshot>),
    /// A piece of the answer text.
    TextDelta {
        /// The new text.
        text: String,
    },
    /// A piece of the model's reasoning (summary or raw, as the vendor sends it).
    ReasoningDelta {
        /// The new text.
        text: String,
    },
    /// A complete tool call, assembled from the vendor's argument deltas.
    ToolCall(ToolCall),
    /// Token accounting for the whole answer.
    Usage(Usage),
    /// The answer is complete; nothing follows.
    Done {
        /// Why the model stopped.
        stop_reason: StopReason,
    },
    /// One server-sent event of a relayed stream, exactly as the provider sent it
    /// (only for requests that carry a [`super::Relay`]). It comes before the events
    /// decoded from the same frame, and counts as output: the caller has seen the answer begin.
    Relayed {
        /// The SSE event name (`response.output_text.delta`, …).
        event: String,
        /// The data line, untouched.
        data: String,
    },
}

impl StreamEvent {
    /// Whether this event is part of the answer (everything but [`StreamEvent::RateLimits`]).
    pub fn is_output(&self) -> bool {
        !matches!(self, Self::RateLimits(_))
    }
}

/// Why the model stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The model finished its answer.
    #[default]
    EndTurn,
    /// The output token limit was reached.
    MaxTokens,
    /// The model called tools and waits for their results.
    ToolUse,
    /// A stop sequence was produced.
    StopSequence,
    /// The vendor filtered or refused the answer.
    ContentFilter,
}

/// Token counts reported by the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Generated tokens (reasoning included).
    pub output_tokens: u64,
    /// Prompt tokens served from the vendor's cache, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_tokens: Option<u64>,
    /// Generated tokens spent on reasoning, when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_tokens: Option<u64>,
}

impl Usage {
    /// Input plus output tokens.
    pub fn total_tokens(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }
}

/// The limits a response reported: a ChatGPT subscription's usage windows (`x-codex-*`), or
/// an API key's request and token budgets (OpenAI `x-ratelimit-*`, Anthropic
/// `anthropic-ratelimit-*`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RateLimitSnapshot {
    /// The short window (`x-codex-primary-*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<RateLimitWindow>,
    /// The long window (`x-codex-secondary-*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary: Option<RateLimitWindow>,
    /// Credits (`x-codex-credits-*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<Credits>,
    /// Which limit family is active (`x-codex-active-limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_limit: Option<String>,
    /// An API key's request budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<CountWindow>,
    /// An API key's token budget (Anthropic: input and output together).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<CountWindow>,
}

/// A budget counted in requests or tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CountWindow {
    /// How many the window allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// How many are left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// When it is full again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resets_at: Option<jiff::Timestamp>,
}

impl CountWindow {
    /// The share used, 0–100, when both the limit and what remains are known.
    pub fn used_percent(&self) -> Option<f64> {
        let (limit, remaining) = (self.limit?, self.remaining?);
        (limit > 0).then(|| {
            #[expect(clippy::cast_precision_loss, reason = "a percentage")]
            let used = 100.0 * (limit.saturating_sub(remaining)) as f64 / limit as f64;
            used
        })
    }
}

/// One usage window.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RateLimitWindow {
    /// Share of the window used, 0–100.
    pub used_percent: f64,
    /// Window length in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_minutes: Option<u64>,
    /// When the window resets (`-reset-at`, unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resets_at: Option<jiff::Timestamp>,
    /// Seconds until the window resets (older `-reset-after-seconds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_after_seconds: Option<u64>,
}

/// Credit balance on the subscription.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Credits {
    /// Whether any credits remain.
    pub has_credits: bool,
    /// Whether credits are unlimited.
    pub unlimited: bool,
    /// The balance as the server formats it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<String>,
}
