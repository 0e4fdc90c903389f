//! Typed chat failures, each with a message for people and one for logs.

use netclaw_config::Hint;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::bearer::CredentialError;
use crate::edge::{EdgeBlock, UNTRUSTED_ISSUER_REMEDY, untrusted_issuer};
use crate::redact::Redactor;

use super::event::RateLimitSnapshot;

/// Which configured provider a failure comes from: its name (for hints) and a label (for
/// sentences, e.g. `OpenAI Codex`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderRef {
    /// The provider's configured name (`openai`, `work-claude`).
    pub name: String,
    /// How the vendor is named in messages (`OpenAI Codex`, `Anthropic`).
    pub label: String,
}

impl ProviderRef {
    /// A provider reference.
    pub fn new(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
        }
    }

    fn login_hint(&self) -> String {
        format!("run `netclaw provider login {}`", self.name)
    }
}

impl fmt::Display for ProviderRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Which wait ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeoutPhase {
    /// Waiting for the response headers.
    Headers,
    /// Waiting for the next bytes of the stream (idle timeout).
    Idle,
}

/// Why a chat failed. Callers match variants; [`ChatError::user_message`] is safe to show,
/// [`ChatError::technical_message`] (also `Display`) is for logs. Neither contains a secret.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ChatError {
    /// The credential was rejected (401/403), after one forced refresh where possible.
    #[error("{provider}: HTTP {status} unauthorized{}", detail_suffix(.detail))]
    Unauthorized {
        /// The provider.
        provider: ProviderRef,
        /// 401 or 403.
        status: u16,
        /// The server's or the refresher's explanation.
        detail: Option<String>,
    },
    /// Too many requests, or the subscription's usage limit is reached.
    #[error(
        "{provider}: rate limited (retry after {retry_after:?}, resets at {resets_at:?}, usage limit {usage_limit}){}",
        detail_suffix(.detail)
    )]
    RateLimited {
        /// The provider.
        provider: ProviderRef,
        /// The server's `Retry-After` (or "try again in" hint).
        retry_after: Option<Duration>,
        /// When the limit resets (Codex `usage_limit_reached.resets_at`).
        resets_at: Option<jiff::Timestamp>,
        /// The ChatGPT plan's usage limit was reached (`usage_limit_reached`); waiting for
        /// `resets_at` is the only cure, so it is never retried.
        usage_limit: bool,
        /// Rate-limit headers that came with the refusal.
        snapshot: Option<Box<RateLimitSnapshot>>,
        /// The server's explanation.
        detail: Option<String>,
    },
    /// The prompt does not fit the model's context window.
    #[error("{provider}: context length exceeded{}", detail_suffix(.detail))]
    ContextLengthExceeded {
        /// The provider.
        provider: ProviderRef,
        /// The server's explanation.
        detail: Option<String>,
    },
    /// The account has no quota or plan for this (`insufficient_quota`, `usage_not_included`,
    /// OpenRouter 402, Anthropic credit balance).
    #[error("{provider}: quota exceeded ({code}){}", detail_suffix(.detail))]
    QuotaExceeded {
        /// The provider.
        provider: ProviderRef,
        /// The vendor's code (`insufficient_quota`, `usage_not_included`, `payment_required`).
        code: String,
        /// The server's explanation.
        detail: Option<String>,
    },
    /// The vendor failed (5xx, overloaded, or a server error inside the stream).
    #[error("{provider}: server error {}{}", status_text(*.status), detail_suffix(.detail))]
    Server {
        /// The HTTP status, or `None` for a failure reported inside a 200 stream.
        status: Option<u16>,
        /// The provider.
        provider: ProviderRef,
        /// The server's explanation.
        detail: Option<String>,
    },
    /// The request was refused as malformed or unsupported (a 4xx the caller caused).
    #[error("{provider}: HTTP {status}: {message}")]
    BadRequest {
        /// The provider.
        provider: ProviderRef,
        /// The HTTP status.
        status: u16,
        /// The server's explanation.
        message: String,
    },
    /// The request uses something this vendor cannot take (e.g. an image URL for Ollama).
    #[error("{provider}: unsupported: {what}")]
    Unsupported {
        /// The provider.
        provider: ProviderRef,
        /// What is unsupported.
        what: String,
    },
    /// The stream ended before the vendor said it was complete.
    #[error("{provider}: stream interrupted: {detail}")]
    StreamInterrupted {
        /// The provider.
        provider: ProviderRef,
        /// What was observed.
        detail: String,
    },
    /// Connecting, sending or reading failed.
    #[error("{provider}: network error: {detail}")]
    Network {
        /// The provider.
        provider: ProviderRef,
        /// The transport's error text.
        detail: String,
    },
    /// No response headers, or no stream bytes, within the configured time.
    #[error("{provider}: timed out after {after:?} waiting for {phase:?}")]
    Timeout {
        /// The provider.
        provider: ProviderRef,
        /// Which wait ran out.
        phase: TimeoutPhase,
        /// The configured limit.
        after: Duration,
    },
    /// No credential could be obtained before sending.
    #[error("{provider}: {source}")]
    Credential {
        /// The provider.
        provider: ProviderRef,
        /// What the credential layer said.
        source: CredentialError,
    },
    /// The Codex backend needs a ChatGPT account id and the credential has none.
    #[error("{provider}: credential has no ChatGPT account id")]
    MissingAccountId {
        /// The provider.
        provider: ProviderRef,
    },
    /// Something between netclaw and the vendor refused the request: a CDN's browser check,
    /// a region block, a proxy.
    #[error("{provider}: blocked ({}){}", .block.as_str(), detail_suffix(.detail))]
    Blocked {
        /// The provider.
        provider: ProviderRef,
        /// What blocked it.
        block: EdgeBlock,
        /// The server's explanation, when it sent JSON.
        detail: Option<String>,
    },
    /// The vendor sent something that is not its documented wire format.
    #[error("{provider}: unexpected response: {detail}")]
    BadResponse {
        /// The provider.
        provider: ProviderRef,
        /// What could not be understood.
        detail: String,
    },
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail
        .as_deref()
        .map(|text| format!(": {text}"))
        .unwrap_or_default()
}

fn status_text(status: Option<u16>) -> String {
    status.map_or_else(|| "in stream".to_owned(), |code| format!("HTTP {code}"))
}

impl ChatError {
    /// The context window a context-length refusal states, if its text gives one.
    pub fn stated_context_window(&self) -> Option<u32> {
        match self {
            Self::ContextLengthExceeded {
                detail: Some(detail),
                ..
            } => super::stated_context_window(detail),
            _ => None,
        }
    }

    /// The provider the failure comes from.
    pub fn provider(&self) -> &ProviderRef {
        match self {
            Self::Unauthorized { provider, .. }
            | Self::RateLimited { provider, .. }
            | Self::ContextLengthExceeded { provider, .. }
            | Self::QuotaExceeded { provider, .. }
            | Self::Server { provider, .. }
            | Self::BadRequest { provider, .. }
            | Self::Unsupported { provider, .. }
            | Self::StreamInterrupted { provider, .. }
            | Self::Network { provider, .. }
            | Self::Timeout { provider, .. }
            | Self::Credential { provider, .. }
            | Self::MissingAccountId { provider }
            | Self::Blocked { provider, .. }
            | Self::BadResponse { provider, .. } => provider,
        }
    }

    /// The same error with every secret `redactor` holds replaced in the texts the server
    /// supplied: servers (OpenAI-compatible proxies especially) echo the key they were sent.
    pub(crate) fn redacted(self, redactor: &Redactor) -> Self {
        let text = |t: String| redactor.redact(&t);
        let detail = |d: Option<String>| d.map(|t| redactor.redact(&t));
        match self {
            Self::Unauthorized {
                provider,
                status,
                detail: d,
            } => Self::Unauthorized {
                provider,
                status,
                detail: detail(d),
            },
            Self::RateLimited {
                provider,
                retry_after,
                resets_at,
                usage_limit,
                snapshot,
                detail: d,
            } => Self::RateLimited {
                provider,
                retry_after,
                resets_at,
                usage_limit,
                snapshot,
                detail: detail(d),
            },
            Self::ContextLengthExceeded {
                provider,
                detail: d,
            } => Self::ContextLengthExceeded {
                provider,
                detail: detail(d),
            },
            Self::QuotaExceeded {
                provider,
                code,
                detail: d,
            } => Self::QuotaExceeded {
                provider,
                code: text(code),
                detail: detail(d),
            },
            Self::Server {
                status,
                provider,
                detail: d,
            } => Self::Server {
                status,
                provider,
                detail: detail(d),
            },
            Self::BadRequest {
                provider,
                status,
                message,
            } => Self::BadRequest {
                provider,
                status,
                message: text(message),
            },
            Self::Unsupported { provider, what } => Self::Unsupported {
                provider,
                what: text(what),
            },
            Self::StreamInterrupted {
                provider,
                detail: d,
            } => Self::StreamInterrupted {
                provider,
                detail: text(d),
            },
            Self::Network {
                provider,
                detail: d,
            } => Self::Network {
                provider,
                detail: text(d),
            },
            Self::BadResponse {
                provider,
                detail: d,
            } => Self::BadResponse {
                provider,
                detail: text(d),
            },
            Self::Blocked {
                provider,
                block,
                detail: d,
            } => Self::Blocked {
                provider,
                block,
                detail: detail(d),
            },
            other @ (Self::Timeout { .. }
            | Self::Credential { .. }
            | Self::MissingAccountId { .. }) => other,
        }
    }

    /// The log message (same as `Display`): status, vendor codes, server text.
    pub fn technical_message(&self) -> String {
        self.to_string()
    }

    /// What to tell the user, in words that say what happened, ending with the hint when
    /// there is one (`… — run `netclaw provider login openai``).
    pub fn user_message(&self) -> String {
        let summary = self.summary();
        match self.hint() {
            Some(hint) => format!("{summary} — {hint}"),
            None => summary,
        }
    }

    /// The message without its hint (for renderers that print `hint:` separately).
    pub fn summary(&self) -> String {
        let label = &self.provider().label;
        match self {
            Self::Unauthorized { status: 403, .. } => {
                format!("{label} rejected the request — check credentials")
            }
            Self::Unauthorized { .. } => format!("{label} token is expired or invalid"),
            Self::RateLimited {
                usage_limit: true,
                resets_at,
                ..
            } => match resets_at {
                Some(at) => format!("{label} usage limit reached; it resets at `{at}`"),
                None => format!("{label} usage limit reached"),
            },
            Self::RateLimited {
                retry_after: Some(after),
                ..
            } => format!(
                "{label} is rate-limiting requests. Try again in {} s",
                after.as_secs_f64().ceil().max(1.0)
            ),
            Self::RateLimited { .. } => {
                format!("{label} is rate-limiting requests. Try again shortly")
            }
            Self::ContextLengthExceeded { .. } => {
                format!("the conversation is longer than the {label} model's context window")
            }
            Self::QuotaExceeded { code, detail, .. } => match code.as_str() {
                "usage_not_included" => {
                    format!("your ChatGPT plan does not include {label} usage")
                }
                _ => match detail {
                    Some(text) => format!("{label} quota exceeded: {text}"),
                    None => format!("{label} quota exceeded; check the account's billing"),
                },
            },
            Self::Server {
                status: Some(code), ..
            } => format!(
                "{label} returned a server error ({code}). The provider may be experiencing issues"
            ),
            Self::Server { detail, .. } => match detail {
                Some(text) => format!("{label} failed while answering: {text}"),
                None => format!("{label} failed while answering"),
            },
            Self::BadRequest {
                status, message, ..
            } => format!("{label} error ({status}): {message}"),
            Self::Unsupported { what, .. } => format!("{label} does not support {what}"),
            Self::StreamInterrupted { .. } => {
                format!("{label} stream disconnected before completion")
            }
            Self::Network { detail, .. } => format!("Connection to {label} failed: {detail}"),
            Self::Timeout {
                phase: TimeoutPhase::Headers,
                after,
                ..
            } => format!(
                "{label} did not answer within {} seconds. Check that the endpoint is reachable",
                after.as_secs()
            ),
            Self::Timeout { after, .. } => format!(
                "{label} stopped sending for {} seconds; the answer was cut off",
                after.as_secs()
            ),
            Self::Credential { source, .. } => match source {
                CredentialError::NotConfigured { provider } => {
                    format!("provider `{provider}` has no credential configured")
                }
                CredentialError::ReauthRequired { provider } => {
                    format!("the login of provider `{provider}` has expired")
                }
                other => other.to_string(),
            },
            Self::MissingAccountId { provider } => format!(
                "OpenAI OAuth credential for provider `{}` is missing the ChatGPT account id",
                provider.name
            ),
            Self::BadResponse { .. } => {
                format!("{label} sent a response netclaw could not understand")
            }
            Self::Blocked { block, .. } => block.describe(label),
        }
    }

    /// Whether sending the same request again may succeed: 5xx, network failures, timeouts,
    /// interrupted streams and rate limits that say when to retry. Quota and usage-limit
    /// refusals are final.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Server { .. }
            | Self::Network { .. }
            | Self::Timeout { .. }
            | Self::StreamInterrupted { .. } => true,
            Self::RateLimited {
                usage_limit,
                retry_after,
                ..
            } => !usage_limit && retry_after.is_some(),
            _ => false,
        }
    }

    /// How long the server asked to wait before retrying.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl Hint for ChatError {
    fn hint(&self) -> Option<String> {
        let provider = self.provider();
        match self {
            Self::Credential {
                source: CredentialError::StoreUnreadable { hint, .. },
                ..
            } => hint.clone(),
            Self::Unauthorized { .. } | Self::Credential { .. } | Self::MissingAccountId { .. } => {
                Some(provider.login_hint())
            }
            Self::ContextLengthExceeded { .. } => {
                Some("shorten the conversation or pick a model with a larger context window".into())
            }
            Self::Network { detail, .. } if untrusted_issuer(detail) => {
                Some(UNTRUSTED_ISSUER_REMEDY.to_owned())
            }
            Self::Network { .. } | Self::Timeout { .. } => Some(format!(
                "run `netclaw provider probe {}` to check the endpoint",
                provider.name
            )),
            Self::Blocked { block, .. } => Some(block.remedy().to_owned()),
            Self::RateLimited {
                usage_limit: true, ..
            } => Some(format!(
                "`{}` is skipped until the reset; to keep working meanwhile, set a fallback: `netclaw model set fallback <provider>/<model>`",
                provider.name
            )),
            Self::RateLimited { .. } => Some(
                "wait a moment and try again, or set a fallback model: `netclaw model set fallback <provider>/<model>`"
                    .to_owned(),
            ),
            Self::Server { status: None, .. } => Some(
                "try again, or set a fallback model: `netclaw model set fallback <provider>/<model>`"
                    .to_owned(),
            ),
            Self::Server { .. } => Some(format!(
                "netclaw retried already; try again later, check with `netclaw provider probe {}`, or set a fallback model: `netclaw model set fallback <provider>/<model>`",
                provider.name
            )),
            Self::QuotaExceeded { .. } => Some(format!(
                "check the plan and billing of the account behind `{}`, or log in with another: `netclaw provider login {}`",
                provider.name, provider.name
            )),
            _ => None,
        }
    }
}
