//! Wire types of the daemon's HTTP API (camelCase JSON), shared by the server and [`crate::DaemonClient`].

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// The daemon's default port (`Daemon.Port` overrides it).
pub const DEFAULT_PORT: u16 = 5199;

/// Contents of `run/daemon.json`: who is running and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonInfo {
    /// Process id of the daemon.
    pub pid: u32,
    /// Socket address clients connect to (always a loopback or the configured host).
    pub address: SocketAddr,
    /// When the daemon started.
    pub started_at: jiff::Timestamp,
    /// The daemon's version (`CARGO_PKG_VERSION`).
    pub version: String,
}

impl DaemonInfo {
    /// `http://<address>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }
}

/// The body of every management API error: `{"error": {"code", "message", "hint"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// One management API error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable machine-readable code (`unauthorized`, `not_found`, `bad_request`, …).
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// What to do about it (often a command), when there is something to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok`, or `degraded` when the last config edit could not be loaded.
    pub status: HealthStatus,
    /// The daemon's version.
    pub version: String,
    /// Process id.
    pub pid: u32,
    /// When the daemon started.
    pub started_at: jiff::Timestamp,
    /// When the configuration in use was loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_loaded_at: Option<jiff::Timestamp>,
    /// Why the latest configuration on disk was rejected (the previous one stays live).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_error: Option<String>,
}

/// Overall health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Everything loaded.
    Ok,
    /// Running on the last good configuration; see `configError`.
    Degraded,
}

/// `POST /api/chat`: one prompt to a provider's model; the answer streams back as SSE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatRequest {
    /// The provider; the configured main model's provider when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The model id (`gpt-5.5`), or `provider/model`; the configured main model when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The conversation, in the normalized message shape of `netclaw_providers::chat::Message`.
    pub messages: Vec<netclaw_providers::chat::Message>,
    /// Tools the model may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<netclaw_providers::chat::ToolDefinition>,
}

/// One server-sent event of `POST /api/chat` (`event:` is the variant name in snake_case).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event", content = "data")]
pub enum ChatEvent {
    /// Which model answers; sent first. `fallback_reason` says why the model asked for did
    /// not (`rate_limited`, `usage_threshold`, `server_error`, …) when another one answers.
    ServedBy(ServedBy),
    /// A piece of the answer text.
    Text {
        /// The text.
        text: String,
    },
    /// A piece of the model's reasoning.
    Reasoning {
        /// The text.
        text: String,
    },
    /// A complete tool call.
    ToolCall(netclaw_providers::chat::ToolCall),
    /// Token counts.
    Usage(netclaw_providers::chat::Usage),
    /// The answer is complete.
    Done {
        /// Why the model stopped (`end_turn`, `max_tokens`, `tool_use`, …).
        #[serde(rename = "stopReason")]
        stop_reason: netclaw_providers::chat::StopReason,
    },
    /// A failure before any output is being retried (sent while the answer is awaited, and
    /// then only: without retries the stream starts with `served_by`).
    Retrying {
        /// What failed and when the next try is (`… — retry 1/4 in 0.5 s`).
        message: String,
    },
    /// The chat failed; nothing follows.
    Error(ErrorBody),
}

impl ChatEvent {
    /// The SSE `event:` name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ServedBy(_) => "served_by",
            Self::Text { .. } => "text",
            Self::Reasoning { .. } => "reasoning",
            Self::ToolCall(_) => "tool_call",
            Self::Usage(_) => "usage",
            Self::Done { .. } => "done",
            Self::Retrying { .. } => "retrying",
            Self::Error(_) => "error",
        }
    }
}

/// The `served_by` event of `POST /api/chat`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServedBy {
    /// The provider that answers.
    pub provider: String,
    /// Its model id.
    pub model: String,
    /// The provider's account that sends it, when another than its default account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `<provider>/<model>[@<account>]` of the model asked for (the main model when none was named).
    pub requested: String,
    /// Why the model asked for did not answer, when another one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
}

/// `GET /api/providers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvidersResponse {
    /// Every configured provider, in name order.
    pub providers: Vec<ProviderSummary>,
}

/// One configured provider, as listings show it. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSummary {
    /// The configured name.
    pub name: String,
    /// The type key (`openai`, `anthropic`, …).
    #[serde(rename = "type")]
    pub provider_type: String,
    /// The sign-in method in use (`ApiKey`, `OAuthPkce`, `OAuthDevice`, `None`).
    pub auth_method: String,
    /// The endpoint in use (the type's default when none is configured).
    pub endpoint: Option<String>,
    /// Where the credential comes from (`secrets`, `env:OPENAI_API_KEY`), when there is one.
    pub credential_source: Option<String>,
    /// When the OAuth access token expires.
    pub token_expiry: Option<jiff::Timestamp>,
    /// The most recent probe since the daemon started.
    pub last_probe: Option<ProbeSummary>,
    /// The stored login can no longer be refreshed.
    pub reauth_required: bool,
    /// What to run when something needs fixing (`netclaw provider login <name>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Chats skip this provider until then (absent when it is not cooling down; `null` with a
    /// `cooldownReason` of `reauth_required` means until the next login).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_until: Option<jiff::Timestamp>,
    /// Why chats skip it: `rate_limited`, `usage_limit`, `quota_exceeded`, `reauth_required`
    /// or `usage_threshold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_reason: Option<String>,
    /// Its accounts in the order they are listed (the fields above are the first one's).
    #[serde(default)]
    pub accounts: Vec<AccountSummary>,
    /// Which account a new conversation tries first: `first-available`, `round-robin` or
    /// `least-used`.
    #[serde(default)]
    pub account_order: String,
}

/// One account of a provider in `GET /api/providers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountSummary {
    /// The account's name.
    pub name: String,
    /// Where its credential comes from, when it has one.
    pub credential_source: Option<String>,
    /// When its OAuth access token expires.
    pub token_expiry: Option<jiff::Timestamp>,
    /// Its login can no longer be refreshed.
    pub reauth_required: bool,
    /// Chats skip it until then (see the provider's field of the same name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_until: Option<jiff::Timestamp>,
    /// Why chats skip it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cooldown_reason: Option<String>,
}

/// The outcome of a probe, without the model list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeSummary {
    /// `ok`, `auth`, `forbidden`, `rate_limited`, `quota`, `unreachable`, `timeout`, `tls`,
    /// `bad_response`, `reauth_required` or `not_configured`.
    pub status: netclaw_providers::probe::ProbeClass,
    /// What to tell the user when it failed.
    pub message: Option<String>,
    /// How long it took, in milliseconds.
    pub latency_ms: u64,
    /// When it ran.
    pub at: jiff::Timestamp,
}

/// `POST /api/providers/{name}/probe`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeResponse {
    /// The provider's configured name.
    pub provider: String,
    /// The outcome.
    #[serde(flatten)]
    pub summary: ProbeSummary,
    /// The endpoint probed.
    pub endpoint: Option<String>,
    /// The ids of the models discovered.
    pub models: Vec<String>,
}

/// `GET /api/usage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageResponse {
    /// One report per configured provider.
    pub providers: Vec<netclaw_providers::usage::UsageReport>,
}

/// `GET /api/models`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelsResponse {
    /// One listing per configured provider.
    pub providers: Vec<ProviderModels>,
}

/// The models of one provider, each capability with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderModels {
    /// The provider's configured name.
    pub provider: String,
    /// The models (live when the provider answered, else the bundled catalog's).
    pub models: Vec<netclaw_providers::models::ModelInfo>,
    /// Why live discovery failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `POST /api/reload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReloadResponse {
    /// The providers configured after the reload.
    pub providers: Vec<String>,
    /// When the configuration in use was loaded.
    pub loaded_at: jiff::Timestamp,
}

/// `POST /api/provider/oauth/start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthStartRequest {
    /// The provider type (`openai`, `openai-compatible`) or the name of a configured provider.
    pub provider: String,
    /// The name to store the provider under (default: `provider`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The account the login is stored for (default: the provider's only account, else its
    /// default account); no other account's tokens are touched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

/// The answer to `POST /api/provider/oauth/start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthStartResponse {
    /// Open this in a browser.
    pub authorization_url: String,
    /// The flow's id for the status and redirect calls.
    pub state: String,
}

/// A browser login's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlowStatus {
    /// Waiting for the browser (or exchanging the code).
    Pending,
    /// Tokens were stored; the provider was probed.
    Completed,
    /// The flow ended with an error.
    Failed,
}

/// `GET /api/provider/oauth/status/{state}`. Never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthStatusResponse {
    /// The status.
    pub status: OAuthFlowStatus,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// When the new access token expires (completed flows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<jiff::Timestamp>,
}

/// `POST /api/provider/oauth/redirect`: the redirect URL the user pasted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthRedirectRequest {
    /// The full redirect URL (or its query string).
    pub url: String,
}
