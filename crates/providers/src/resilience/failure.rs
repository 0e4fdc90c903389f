//! Which failures another model may cure.

use crate::bearer::CredentialError;
use crate::chat::ChatError;

/// What kind of failure ended an attempt, for the fallback decision and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// 429 that is not a usage limit.
    RateLimited,
    /// The subscription's usage limit is reached.
    UsageLimit,
    /// No quota or plan for this.
    Quota,
    /// 5xx (after the client's retries) or a failure reported inside the stream.
    Server,
    /// No headers or no bytes in time.
    Timeout,
    /// The provider could not be reached, or the stream broke before any output.
    Network,
    /// The stored login cannot be refreshed: `netclaw provider login <name>`.
    ReauthRequired,
    /// The credential was rejected or is missing.
    Credential,
    /// The prompt does not fit the model's context window.
    ContextLength,
    /// A CDN, a region block or a proxy stood in the way; another provider may be reachable.
    Blocked,
    /// The request itself was refused (bad tool schema, invalid image, unknown model) or the
    /// vendor answered something unreadable: another model would not help.
    Caller,
}

impl FailureKind {
    /// Classifies `error`.
    pub fn of(error: &ChatError) -> Self {
        match error {
            ChatError::RateLimited {
                usage_limit: true, ..
            } => Self::UsageLimit,
            ChatError::RateLimited { .. } => Self::RateLimited,
            ChatError::QuotaExceeded { .. } => Self::Quota,
            ChatError::Server { .. } => Self::Server,
            ChatError::Timeout { .. } => Self::Timeout,
            ChatError::Network { .. } | ChatError::StreamInterrupted { .. } => Self::Network,
            ChatError::Credential {
                source: CredentialError::ReauthRequired { .. },
                ..
            } => Self::ReauthRequired,
            ChatError::Credential { .. }
            | ChatError::Unauthorized { .. }
            | ChatError::MissingAccountId { .. } => Self::Credential,
            ChatError::ContextLengthExceeded { .. } => Self::ContextLength,
            ChatError::Blocked { .. } => Self::Blocked,
            ChatError::BadRequest { .. }
            | ChatError::Unsupported { .. }
            | ChatError::BadResponse { .. } => Self::Caller,
        }
    }

    /// Whether the next candidate may be tried (context length only when it has a larger
    /// known window, which the router checks).
    pub fn falls_back(self) -> bool {
        self != Self::Caller
    }

    /// A short name for logs and events (`rate_limited`, `usage_limit`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RateLimited => "rate_limited",
            Self::UsageLimit => "usage_limit",
            Self::Quota => "quota_exceeded",
            Self::Server => "server_error",
            Self::Timeout => "timeout",
            Self::Network => "unreachable",
            Self::ReauthRequired => "reauth_required",
            Self::Credential => "credential",
            Self::ContextLength => "context_length_exceeded",
            Self::Blocked => "blocked",
            Self::Caller => "bad_request",
        }
    }
}
