//! Streaming chat with every provider through one normalized request and event model.
//!
//! Build a client for a provider ([`CodexClient`], [`OpenAiResponsesClient`],
//! [`AnthropicClient`], [`ChatCompletionsClient`], [`OllamaClient`]) from a [`ClientConfig`],
//! hold it as `Arc<dyn ChatClient>`, and call [`ChatClient::stream`] with a [`ChatRequest`].
//! The returned [`ChatStream`] yields [`StreamEvent`]s as their bytes arrive; [`collect`]
//! turns it into a [`ChatResponse`].

mod anthropic;
mod completions;
mod connect;
mod context_limit;
mod error;
mod event;
mod header_value;
mod key_limits;
mod ndjson;
mod ollama;
mod progress;
mod request;
mod responses;
mod settings;
mod sse;
mod stream;
pub(crate) mod transport;
pub(crate) mod wire;

use std::sync::Arc;

use crate::bearer::BearerSource;

pub use anthropic::{ANTHROPIC_VERSION, AnthropicClient};
pub use completions::{ChatCompletionsClient, CompletionsFlavor, OPENROUTER_REFERER};
pub use connect::client_for;
pub use context_limit::stated_context_window;
pub use error::{ChatError, ProviderRef, TimeoutPhase};
pub use event::{
    CountWindow, Credits, RateLimitSnapshot, RateLimitWindow, StopReason, StreamEvent, Usage,
};
pub use ndjson::NdjsonParser;
pub use ollama::OllamaClient;
pub use progress::{Progress, ProgressSink};
pub use request::{
    ChatRequest, ContentPart, ImageSource, Message, ReasoningEffort, Relay, RelayApi, ToolCall,
    ToolChoice, ToolDefinition,
};
pub use responses::{CodexClient, OpenAiResponsesClient};
pub use settings::{HttpSettings, MAX_SERVER_DELAY, RetryPolicy, USER_AGENT};
pub use sse::{SseEvent, SseParser};
pub use stream::{ChatResponse, ChatStream, collect};

/// A model endpoint that answers a [`ChatRequest`] with a stream of events.
///
/// Object-safe: the daemon holds `Arc<dyn ChatClient>` per configured provider.
pub trait ChatClient: Send + Sync + std::fmt::Debug {
    /// The provider this client talks to.
    fn provider(&self) -> &ProviderRef;

    /// Send `request` and stream the answer. Nothing is sent until the stream is polled;
    /// dropping the stream cancels the request.
    fn stream(&self, request: ChatRequest) -> ChatStream;
}

/// What every client is built from.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The provider's configured name, used in messages and hints (`netclaw provider login <name>`).
    pub provider: String,
    /// The endpoint, e.g. `https://chatgpt.com/backend-api/codex` (a trailing `/` is ignored).
    pub base_url: String,
    /// Where the API key or access token comes from; `None` sends no credential.
    pub bearer: Option<Arc<dyn BearerSource>>,
    /// Timeouts, retries and user agent.
    pub http: HttpSettings,
    /// An existing HTTP client to send with (its connection pool and TLS roots are shared);
    /// `None` builds one from [`HttpSettings::connect_timeout`]. A shared client keeps its own
    /// connect timeout; the other limits of `http` apply either way.
    pub http_client: Option<reqwest::Client>,
    /// GitHub Copilot's session: its tokens (also set as `bearer`) and the API it names.
    pub copilot: Option<Arc<crate::copilot::CopilotSession>>,
}

impl ClientConfig {
    /// A configuration with no credential and default HTTP settings.
    pub fn new(provider: impl Into<String>, base_url: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            base_url: base_url.into(),
            bearer: None,
            http: HttpSettings::default(),
            http_client: None,
            copilot: None,
        }
    }

    /// Use `session` for GitHub Copilot's tokens and API base.
    pub fn with_copilot(mut self, session: Arc<crate::copilot::CopilotSession>) -> Self {
        self.bearer = Some(Arc::clone(&session) as Arc<dyn BearerSource>);
        self.copilot = Some(session);
        self
    }

    /// Use `bearer` for credentials.
    pub fn with_bearer(mut self, bearer: Arc<dyn BearerSource>) -> Self {
        self.bearer = Some(bearer);
        self
    }

    /// Use `http` settings.
    pub fn with_http(mut self, http: HttpSettings) -> Self {
        self.http = http;
        self
    }

    /// Send with `client` instead of building a new one: every client of a process can share
    /// one connection pool and one loaded set of TLS roots.
    pub fn with_http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// `base_url` without trailing slashes, joined with `path` (which starts with `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests;
