//! The seam between the shared transport and each vendor: how to build the request, map
//! errors and decode the stream.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::bearer::Bearer;

use super::error::{ChatError, ProviderRef};
use super::event::{RateLimitSnapshot, StreamEvent};
use super::request::ChatRequest;

/// How the response body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Server-Sent Events.
    Sse,
    /// One JSON object per line.
    Ndjson,
}

/// One vendor's wire format.
pub(crate) trait Wire: Send + Sync + std::fmt::Debug + 'static {
    /// The provider, for error messages.
    fn provider(&self) -> &ProviderRef;

    /// How the body is framed.
    fn framing(&self) -> Framing;

    /// The HTTP request for `request`, authenticated with `bearer` when there is one.
    fn request(
        &self,
        http: &reqwest::Client,
        request: &ChatRequest,
        bearer: Option<&Bearer>,
    ) -> Result<reqwest::RequestBuilder, ChatError>;

    /// The error for a non-success response.
    fn http_error(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ChatError;

    /// A fresh decoder for one response body.
    fn decoder(&self) -> Box<dyn Decoder>;

    /// Rate-limit state carried by the response headers, if the vendor sends any.
    fn rate_limits(&self, _headers: &HeaderMap) -> Option<RateLimitSnapshot> {
        None
    }

    /// The API this wire speaks, when a client's body in it ([`super::Relay`]) can be sent as
    /// it is and the stream relayed back.
    fn relays(&self) -> Option<super::RelayApi> {
        None
    }
}

/// A decoder that hands on every frame as [`StreamEvent::Relayed`] before what `inner`
/// decodes from it, for a relayed stream.
pub(crate) struct Relaying {
    pub(crate) inner: Box<dyn Decoder>,
}

impl Decoder for Relaying {
    fn frame(
        &mut self,
        event: &str,
        data: &str,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), ChatError> {
        out.push(StreamEvent::Relayed {
            event: event.to_owned(),
            data: data.to_owned(),
        });
        self.inner.frame(event, data, out)
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), ChatError> {
        self.inner.finish(out)
    }
}

/// Turns frames (SSE events or NDJSON lines) of one response into [`StreamEvent`]s.
pub(crate) trait Decoder: Send {
    /// One frame. `event` is the SSE event name (empty for NDJSON).
    fn frame(
        &mut self,
        event: &str,
        data: &str,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), ChatError>;

    /// The body ended; fails with `StreamInterrupted` unless the vendor marked completion.
    fn finish(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), ChatError>;
}

/// The most useful text in a vendor error body: `error.message`, `error` as a string,
/// `detail`, or `message`.
pub(crate) fn error_detail(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    let candidates = [
        value.pointer("/error/message"),
        value.get("error").filter(|error| error.is_string()),
        value.get("detail").filter(|detail| detail.is_string()),
        value.get("message"),
    ];
    candidates
        .into_iter()
        .flatten()
        .find_map(|text| text.as_str().filter(|text| !text.trim().is_empty()))
        .map(str::to_owned)
}

/// The short body text for a log line, when the body is not JSON.
pub(crate) fn body_excerpt(body: &str) -> String {
    let trimmed = body.trim();
    match trimmed.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &trimmed[..cut]),
        None => trimmed.to_owned(),
    }
}

/// `Retry-After` in seconds (HTTP dates are not used by the vendors netclaw talks to).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<std::time::Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    super::settings::server_delay(value.trim().parse().ok()?)
}

/// The common mapping of an HTTP failure for vendors without special codes.
pub(crate) fn generic_http_error(
    provider: &ProviderRef,
    status: StatusCode,
    headers: &HeaderMap,
    body: &str,
) -> ChatError {
    let provider = provider.clone();
    let detail = error_detail(body);
    let code = status.as_u16();
    let lower = body.to_ascii_lowercase();
    if lower.contains("context_length_exceeded")
        || lower.contains("context length")
        || lower.contains("prompt is too long")
        || lower.contains("maximum context")
    {
        return ChatError::ContextLengthExceeded { provider, detail };
    }
    if lower.contains("insufficient_quota") {
        return ChatError::QuotaExceeded {
            provider,
            code: "insufficient_quota".into(),
            detail,
        };
    }
    match code {
        401 | 403 => ChatError::Unauthorized {
            provider,
            status: code,
            detail,
        },
        402 => ChatError::QuotaExceeded {
            provider,
            code: "payment_required".into(),
            detail,
        },
        429 => ChatError::RateLimited {
            provider,
            retry_after: retry_after(headers),
            resets_at: None,
            usage_limit: false,
            snapshot: None,
            detail,
        },
        500..=599 => ChatError::Server {
            provider,
            status: Some(code),
            detail,
        },
        _ => ChatError::BadRequest {
            provider,
            status: code,
            message: detail.unwrap_or_else(|| {
                if body.trim().is_empty() {
                    "the response had no body".to_owned()
                } else {
                    format!("response was not valid JSON: {}", body_excerpt(body))
                }
            }),
        },
    }
}
