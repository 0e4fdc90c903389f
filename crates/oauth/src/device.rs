//! Device flows: RFC 8628 and OpenAI's proprietary one, with progress events for a countdown UI.

mod openai;
mod rfc8628;

pub(crate) use openai::authorization as openai_authorization;
pub(crate) use rfc8628::authorization as rfc8628_authorization;

use std::fmt;
use std::time::Duration;

use jiff::Timestamp;
use secrecy::SecretString;
use serde_json::Value;

use crate::client::OAuthClient;
use crate::clock::Clock;
use crate::config::Flavour;
use crate::error::OAuthError;
use crate::token::TokenSet;

/// OpenAI's device codes live 15 minutes when the server does not say.
pub const OPENAI_DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(900);
/// RFC 8628 §3.2: the interval when the server sends none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// RFC 8628 §3.5: how much `slow_down` adds to the interval.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// Which device protocol a [`DeviceAuthorization`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceFlowKind {
    /// RFC 8628.
    Rfc8628,
    /// OpenAI's `/api/accounts/deviceauth/*`.
    OpenAi,
}

/// A started device login: show `user_code` and `verification_uri` to the user, then poll.
#[derive(Clone)]
pub struct DeviceAuthorization {
    /// The protocol.
    pub kind: DeviceFlowKind,
    /// The code the user types.
    pub user_code: String,
    /// Where the user types it.
    pub verification_uri: String,
    /// A URL with the code filled in, if the server gave one.
    pub verification_uri_complete: Option<String>,
    /// How long the code lives.
    pub expires_in: Duration,
    /// The polling interval the server asked for (at least 1 s).
    pub interval: Duration,
    /// `device_code` (RFC 8628) or `device_auth_id` (OpenAI); secret.
    pub(crate) device_code: SecretString,
}

impl fmt::Debug for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceAuthorization")
            .field("kind", &self.kind)
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("verification_uri_complete", &self.verification_uri_complete)
            .field("expires_in", &self.expires_in)
            .field("interval", &self.interval)
            .field("device_code", &"[redacted]")
            .finish()
    }
}

/// What a device poll loop is doing, for a spinner with the time left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceProgress {
    /// Polling is about to start; the code is valid until `expires_at`.
    WaitingForUser {
        /// Deadline of the code.
        expires_at: Timestamp,
    },
    /// Sleeping `next_poll_in` before the next poll.
    Waiting {
        /// The sleep about to happen.
        next_poll_in: Duration,
        /// Deadline of the code.
        expires_at: Timestamp,
    },
    /// Poll number `attempt` (from 1) is being sent.
    Polling {
        /// Attempt number.
        attempt: u32,
    },
    /// The user has not approved yet.
    Pending,
    /// The server asked us to slow down; the interval is now `interval`.
    SlowedDown {
        /// The new interval.
        interval: Duration,
    },
    /// A transient failure (5xx or network); polling continues.
    Transient {
        /// The HTTP status, `None` for a network error.
        status: Option<u16>,
    },
    /// Approved; exchanging the authorization code (OpenAI).
    Exchanging,
    /// Tokens received.
    Succeeded,
    /// The user denied the request.
    Denied,
    /// The code expired.
    Expired,
    /// Another error ended the flow.
    Failed,
}

/// A progress callback; forward to a channel if the UI lives elsewhere.
pub type ProgressFn<'a> = &'a mut (dyn FnMut(DeviceProgress) + Send);

impl OAuthClient {
    /// Starts a device login: RFC 8628 for standard servers, OpenAI's flow for OpenAI.
    ///
    /// # Errors
    /// [`OAuthError::DeviceCodeNotEnabled`] (OpenAI 404), [`OAuthError::Config`] when the server
    /// has no device endpoint, endpoint, network and parse errors.
    pub async fn start_device_authorization(&self) -> Result<DeviceAuthorization, OAuthError> {
        match self.config.flavour {
            Flavour::Standard => rfc8628::start(self).await,
            Flavour::OpenAi => openai::start(self).await,
        }
    }

    /// Polls until the user approves, sleeping the interval **before** each poll, never faster
    /// than the server allows, until the code's deadline.
    ///
    /// Cancel by dropping the future (e.g. in `tokio::select!`).
    ///
    /// # Errors
    /// [`OAuthError::Denied`], [`OAuthError::DeviceCodeExpired`], [`OAuthError::DeviceFlow`], and
    /// the code exchange's errors (OpenAI).
    pub async fn poll_device_authorization(
        &self,
        authorization: &DeviceAuthorization,
        clock: &dyn Clock,
        progress: ProgressFn<'_>,
    ) -> Result<TokenSet, OAuthError> {
        let result = match authorization.kind {
            DeviceFlowKind::Rfc8628 => rfc8628::poll(self, authorization, clock, progress).await,
            DeviceFlowKind::OpenAi => openai::poll(self, authorization, clock, progress).await,
        };
        progress(match &result {
            Ok(_) => DeviceProgress::Succeeded,
            Err(OAuthError::Denied { .. }) => DeviceProgress::Denied,
            Err(OAuthError::DeviceCodeExpired) => DeviceProgress::Expired,
            Err(_) => DeviceProgress::Failed,
        });
        result
    }
}

/// A duration in seconds given as a JSON number or numeric string.
pub(crate) fn seconds_field(
    json: &Value,
    key: &str,
    what: &str,
) -> Result<Option<Duration>, OAuthError> {
    let invalid = || OAuthError::invalid(format!("Invalid {key} in {what}"));
    let seconds = match json.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => n.as_f64().ok_or_else(invalid)?,
        Some(Value::String(s)) => s.trim().parse::<f64>().map_err(|_| invalid())?,
        Some(_) => return Err(invalid()),
    };
    if !seconds.is_finite() || seconds < 0.0 {
        return Err(invalid());
    }
    Ok(Some(Duration::from_secs_f64(seconds.min(86_400.0 * 365.0))))
}

pub(crate) fn string_field(json: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| json.get(*k).and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

pub(crate) fn at_least_one_second(d: Duration) -> Duration {
    d.max(Duration::from_secs(1))
}
