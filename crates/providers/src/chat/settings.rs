//! HTTP settings and the retry policy every chat client is built with.

use std::time::Duration;

/// `netclaw/<version>`, the `User-Agent` of every chat request.
pub const USER_AGENT: &str = concat!("netclaw/", env!("CARGO_PKG_VERSION"));

/// How a client talks HTTP.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpSettings {
    /// Limit for establishing the TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Limit for the response headers after sending.
    pub headers_timeout: Duration,
    /// Limit between two reads of the stream (default 300 s, as the Codex CLI).
    pub idle_timeout: Duration,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// When to send a request again.
    pub retry: RetryPolicy,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            headers_timeout: Duration::from_secs(300),
            idle_timeout: Duration::from_secs(300),
            user_agent: USER_AGENT.to_owned(),
            retry: RetryPolicy::default(),
        }
    }
}

/// The longest wait a server may name (`Retry-After`, "try again in", `resets_in_seconds`):
/// a week, ChatGPT's longest usage window. A server's number is never trusted further, since a
/// larger one would overflow `Duration` arithmetic or park a provider forever.
pub const MAX_SERVER_DELAY: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// A delay of `seconds` as a server named it, clamped to [`MAX_SERVER_DELAY`]; `None` for a
/// negative or non-finite number.
pub(crate) fn server_delay(seconds: f64) -> Option<Duration> {
    if !(seconds.is_finite() && seconds >= 0.0) {
        return None;
    }
    Some(Duration::from_secs_f64(
        seconds.min(MAX_SERVER_DELAY.as_secs_f64()),
    ))
}

/// Retries with jittered exponential backoff, only before any output reached the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// Delay before the first retry; doubles each time, with ±10 % jitter.
    pub base_delay: Duration,
    /// Upper bound of one backoff delay.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the error is returned instead.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (1-based): `base · 2^(retry−1) · jitter[0.9, 1.1)`,
    /// capped at `max_delay`, or the server's `Retry-After` when it gave one.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after;
        }
        let plain = crate::backoff::exponential(self.base_delay, retry, Duration::MAX);
        crate::backoff::jittered(plain, 0.1).min(self.max_delay)
    }
}
