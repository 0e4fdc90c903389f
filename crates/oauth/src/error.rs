//! The one error type of the crate: variants a caller can match to decide what to tell the user.

use std::time::Duration;

/// Why a refresh token can no longer be used; the user has to log in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReauthReason {
    /// The server answered `invalid_grant` (revoked, rotated away or simply unknown).
    InvalidGrant,
    /// OpenAI: `refresh_token_reused` — another process already used this refresh token.
    RefreshTokenReused,
    /// OpenAI: `refresh_token_expired`.
    RefreshTokenExpired,
    /// OpenAI: `refresh_token_invalidated` (revoked by a logout elsewhere).
    RefreshTokenInvalidated,
    /// The token endpoint answered 401 to the refresh.
    Unauthorized,
    /// There is no refresh token to use.
    NoRefreshToken,
}

impl ReauthReason {
    /// The wire code (or a short name) of the reason, for logs and status APIs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidGrant => "invalid_grant",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::RefreshTokenExpired => "refresh_token_expired",
            Self::RefreshTokenInvalidated => "refresh_token_invalidated",
            Self::Unauthorized => "unauthorized",
            Self::NoRefreshToken => "no_refresh_token",
        }
    }

    fn sentence(self) -> &'static str {
        match self {
            Self::InvalidGrant => "the server rejected the refresh token",
            Self::RefreshTokenReused => "the refresh token was already used",
            Self::RefreshTokenExpired => "the refresh token has expired",
            Self::RefreshTokenInvalidated => "the refresh token was revoked",
            Self::Unauthorized => "the token endpoint refused the refresh (401)",
            Self::NoRefreshToken => "there is no refresh token",
        }
    }
}

/// Errors of the redirect-URL paste parser; each message says what to paste instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    /// Nothing was pasted.
    #[error("URL is empty")]
    Empty,
    /// Neither an absolute URL nor a query string.
    #[error("Not a valid URL. Paste the full redirect URL from your browser's address bar")]
    NotAUrl,
    /// `code` is missing or empty.
    #[error(
        "URL is missing the `code` parameter. Make sure you paste the complete URL after authorization"
    )]
    MissingCode,
    /// `state` is missing or empty.
    #[error(
        "URL is missing the `state` parameter. Make sure you paste the complete URL after authorization"
    )]
    MissingState,
    /// The URL belongs to another login attempt.
    #[error(
        "the pasted URL belongs to a different login (`state` does not match). Paste the URL of the newest login attempt"
    )]
    StateMismatch,
}

/// Everything that can go wrong in an OAuth flow.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The HTTP request did not complete (DNS, connect, TLS, reset).
    #[error("could not reach `{endpoint}`")]
    Network {
        /// The endpoint URL (never carries a secret).
        endpoint: String,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with an error status; carries its `error` and `error_description`.
    #[error("{}", endpoint_message(*status, endpoint, error.as_deref(), description.as_deref()))]
    Endpoint {
        /// The endpoint URL.
        endpoint: String,
        /// HTTP status code.
        status: u16,
        /// The server's `error` code, if any.
        error: Option<String>,
        /// The server's `error_description` (or a short excerpt of a non-JSON body).
        description: Option<String>,
    },
    /// The refresh token is no longer usable: the user must log in again.
    #[error("{}; log in again (`netclaw provider login <name>`)", reason.sentence())]
    ReauthRequired {
        /// Why.
        reason: ReauthReason,
        /// The server's description, if any.
        description: Option<String>,
    },
    /// A response could not be understood.
    #[error("{message}")]
    InvalidResponse {
        /// What was wrong (never includes a token).
        message: String,
    },
    /// The configuration is incomplete or inconsistent.
    #[error("{message}")]
    Config {
        /// What is missing.
        message: String,
    },
    /// Every candidate callback port is taken.
    #[error(
        "cannot listen for the login callback: {} on 127.0.0.1 {} already in use. Close the program holding {} or log in with the device code flow instead (`--auth device`)",
        ports_list(ports),
        if ports.len() == 1 { "is" } else { "are" },
        if ports.len() == 1 { "it" } else { "them" }
    )]
    PortsInUse {
        /// The ports tried, in order.
        ports: Vec<u16>,
    },
    /// Binding the callback listener failed for another reason.
    #[error("cannot listen for the login callback on `127.0.0.1:{port}`")]
    Bind {
        /// The port.
        port: u16,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The user (or the server) refused the authorization.
    #[error("{}", denied_message(error, description.as_deref()))]
    Denied {
        /// The OAuth `error` code (e.g. `access_denied`).
        error: String,
        /// The `error_description`, if any.
        description: Option<String>,
    },
    /// The browser did not come back in time.
    #[error("timed out after {} waiting for the browser to finish the login", human(*after))]
    Timeout {
        /// How long we waited.
        after: Duration,
    },
    /// The flow was cancelled by the caller.
    #[error("the login was cancelled")]
    Cancelled,
    /// The device code expired before the user approved it.
    #[error("the device code expired before the login was approved. Please try again")]
    DeviceCodeExpired,
    /// OpenAI answered 404 to the device-code start.
    #[error(
        "device code login is not enabled for this account. Log in with the browser instead (`--auth browser`) or use an API key (`--auth api-key`); a workspace admin can enable device code login in ChatGPT's security settings"
    )]
    DeviceCodeNotEnabled,
    /// The device flow ended with an error the protocol does not name.
    #[error("OAuth device flow error: {message}")]
    DeviceFlow {
        /// The server's description or error code.
        message: String,
    },
    /// A paste-redirect problem.
    #[error(transparent)]
    Redirect(#[from] RedirectError),
    /// No pending flow has this state (unknown, finished, or pruned).
    #[error("no pending login has state `{state}`; start the login again")]
    UnknownState {
        /// The state that was presented.
        state: String,
    },
    /// A JWT could not be decoded or did not verify.
    #[error("{message}")]
    Jwt {
        /// What failed.
        message: String,
        /// The underlying jsonwebtoken error, if any.
        #[source]
        source: Option<jsonwebtoken::errors::Error>,
    },
}

impl OAuthError {
    /// `true` when the user has to log in again (refresh token dead).
    #[must_use]
    pub fn is_reauth_required(&self) -> bool {
        matches!(self, Self::ReauthRequired { .. })
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidResponse {
            message: message.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config {
            message: message.into(),
        }
    }

    pub(crate) fn network(endpoint: &url::Url, source: reqwest::Error) -> Self {
        Self::Network {
            endpoint: redact_query(endpoint),
            source: source.without_url(),
        }
    }
}

fn redact_query(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

fn endpoint_message(
    status: u16,
    endpoint: &str,
    error: Option<&str>,
    description: Option<&str>,
) -> String {
    let detail = match (error, description) {
        (Some(e), Some(d)) => format!(": `{e}`: {d}"),
        (Some(e), None) => format!(": `{e}`"),
        (None, Some(d)) => format!(": {d}"),
        (None, None) => String::new(),
    };
    format!("`{endpoint}` returned HTTP {status}{detail}")
}

fn denied_message(error: &str, description: Option<&str>) -> String {
    match description {
        Some(d) => format!("the authorization was denied (`{error}`): {d}"),
        None => format!("the authorization was denied (`{error}`)"),
    }
}

fn ports_list(ports: &[u16]) -> String {
    let names: Vec<String> = ports.iter().map(|p| format!("`{p}`")).collect();
    match names.len() {
        0 => "no port".to_owned(),
        1 => format!("port {}", names[0]),
        _ => format!("ports {}", names.join(" and ")),
    }
}

fn human(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 60 && secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}
