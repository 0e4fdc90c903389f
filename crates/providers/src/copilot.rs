//! GitHub Copilot: the GitHub credential (a device login or a token the user gave) is exchanged
//! at `{github api}/copilot_internal/v2/token` for a short-lived Copilot token. The token is held
//! in memory only, renewed two minutes before its `expires_at` and after a 401, one exchange at
//! a time; the exchange also names the account's Copilot API (`endpoints.api`: Business and
//! Enterprise seats are served elsewhere than `api.githubcopilot.com`).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;
use jiff::Timestamp;
use netclaw_config::ProviderEntry;
use netclaw_oauth::Clock;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use crate::bearer::{Bearer, BearerSource, CredentialError};
use crate::redact::Redactor;

/// The headers every Copilot request carries (the exchange, the model listing, chats).
pub const COPILOT_HEADERS: [(&str, &str); 4] = [
    ("copilot-integration-id", "vscode-chat"),
    (
        "editor-version",
        concat!("Netclaw/", env!("CARGO_PKG_VERSION")),
    ),
    (
        "editor-plugin-version",
        concat!("netclaw/", env!("CARGO_PKG_VERSION")),
    ),
    ("x-github-api-version", "2022-11-28"),
];

/// What a renewal leaves before the token's end.
const RENEW_BEFORE: Duration = Duration::from_secs(120);

/// How long an exchange may take.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(15);

/// The Copilot models offered when the listing cannot be read, as GitHub's clients offer them.
pub const CURATED_MODELS: [&str; 6] = [
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-5",
    "gpt-5-mini",
    "claude-sonnet-4",
    "o3-mini",
];

/// Where a provider's GitHub credential is exchanged: `VendorOptions.GitHubApiBase`, else the
/// API of its GitHub host (`OAuth.Issuer`: `https://github.com` → `https://api.github.com`, an
/// Enterprise host `https://ghe.example` → `https://api.ghe.example`).
pub fn token_url(entry: &ProviderEntry) -> String {
    let configured = entry
        .vendor_options
        .as_ref()
        .and_then(|o| o.get("GitHubApiBase"))
        .and_then(Value::as_str)
        .map(|s| s.trim_end_matches('/').to_owned());
    let base = configured.unwrap_or_else(|| {
        let host = entry
            .oauth
            .as_ref()
            .and_then(|o| o.issuer.as_deref())
            .and_then(|issuer| url::Url::parse(issuer).ok())
            .and_then(|u| Some((u.scheme().to_owned(), u.host_str()?.to_owned())));
        match host {
            Some((scheme, host)) if host != "github.com" => format!("{scheme}://api.{host}"),
            _ => "https://api.github.com".to_owned(),
        }
    });
    format!("{base}/copilot_internal/v2/token")
}

/// A Copilot token and where to use it.
#[derive(Debug, Clone)]
pub struct CopilotToken {
    /// The short-lived token.
    pub token: SecretString,
    /// When it ends.
    pub expires_at: Option<Timestamp>,
    /// The account's Copilot API, when the exchange names one.
    pub api: Option<String>,
}

/// Why an exchange gave no token.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ExchangeError {
    /// 401: the GitHub credential was revoked or has expired.
    #[error("GitHub refused the credential (HTTP 401): it was revoked or has expired")]
    Revoked,
    /// 403 or 404: the account has no Copilot seat (or the credential may not use it).
    #[error("This GitHub account has no Copilot access (HTTP {status}){}", detail_suffix(.detail))]
    NoSeat {
        /// The status.
        status: u16,
        /// GitHub's message.
        detail: Option<String>,
    },
    /// 429: a plan or rate limit.
    #[error("GitHub limits Copilot for this account (HTTP 429){}", detail_suffix(.detail))]
    Limited {
        /// GitHub's message.
        detail: Option<String>,
    },
    /// Anything else: a network failure, another status, an answer without a token.
    #[error("The Copilot token exchange failed: {0}")]
    Failed(String),
}

fn detail_suffix(detail: &Option<String>) -> String {
    detail
        .as_deref()
        .map(|d| format!(": {d}"))
        .unwrap_or_default()
}

/// Exchanges `github` at `url` for a Copilot token.
///
/// # Errors
/// [`ExchangeError`], classified by GitHub's answer.
pub async fn exchange(
    http: &reqwest::Client,
    url: &str,
    github: &SecretString,
) -> Result<CopilotToken, ExchangeError> {
    let mut request = http
        .get(url)
        .timeout(EXCHANGE_TIMEOUT)
        .bearer_auth(github.expose_secret())
        .header("Accept", "application/json");
    for (name, value) in COPILOT_HEADERS {
        request = request.header(name, value);
    }
    let response = request
        .send()
        .await
        .map_err(|e| ExchangeError::Failed(e.without_url().to_string()))?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let detail = body.get("message").and_then(Value::as_str).map(|message| {
        let mut redactor = Redactor::default();
        redactor.hold(github);
        redactor.redact(message)
    });
    match status {
        200..=299 => {}
        401 => return Err(ExchangeError::Revoked),
        403 | 404 => return Err(ExchangeError::NoSeat { status, detail }),
        429 => return Err(ExchangeError::Limited { detail }),
        other => return Err(ExchangeError::Failed(format!("HTTP {other}"))),
    }
    let token = body
        .get("token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ExchangeError::Failed("the answer has no `token`".to_owned()))?;
    Ok(CopilotToken {
        token: SecretString::from(token.to_owned()),
        expires_at: body
            .get("expires_at")
            .and_then(Value::as_i64)
            .and_then(|s| Timestamp::from_second(s).ok()),
        api: body
            .pointer("/endpoints/api")
            .and_then(Value::as_str)
            .map(|a| a.trim_end_matches('/').to_owned()),
    })
}

/// A provider's Copilot tokens: a [`BearerSource`] over its GitHub credential.
pub struct CopilotSession {
    provider: String,
    github: Arc<dyn BearerSource>,
    http: reqwest::Client,
    token_url: String,
    clock: Arc<dyn Clock>,
    /// The token held; the lock is held across an exchange so only one runs at a time.
    held: tokio::sync::Mutex<Option<CopilotToken>>,
    /// The API the last exchange named, read by the chat wire for each request's URL.
    api: Mutex<Option<String>>,
}

impl std::fmt::Debug for CopilotSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CopilotSession")
            .field("provider", &self.provider)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

impl CopilotSession {
    /// A session for `provider` exchanging `github`'s credential at `token_url`.
    pub fn new(
        provider: &str,
        github: Arc<dyn BearerSource>,
        http: reqwest::Client,
        token_url: String,
        clock: Arc<dyn Clock>,
    ) -> Arc<Self> {
        Arc::new(Self {
            provider: provider.to_owned(),
            github,
            http,
            token_url,
            clock,
            held: tokio::sync::Mutex::new(None),
            api: Mutex::new(None),
        })
    }

    /// The Copilot API the last exchange named.
    pub fn api_base(&self) -> Option<String> {
        self.api
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn fresh(&self, token: &CopilotToken) -> bool {
        let renew_before = jiff::SignedDuration::try_from(RENEW_BEFORE).unwrap_or_default();
        token
            .expires_at
            .is_none_or(|at| self.clock.now() < at - renew_before)
    }

    /// The held token while it is fresh and not `rejected`, else a new exchange.
    async fn current(&self, rejected: Option<&SecretString>) -> Result<Bearer, CredentialError> {
        let mut held = self.held.lock().await;
        if let Some(token) = held.as_ref() {
            let refused =
                rejected.is_some_and(|r| r.expose_secret() == token.token.expose_secret());
            if !refused && self.fresh(token) {
                return Ok(bearer(token));
            }
        }
        let github = self.github.bearer().await?;
        let token = exchange(&self.http, &self.token_url, &github.token)
            .await
            .map_err(|error| match error {
                ExchangeError::Revoked => CredentialError::ReauthRequired {
                    provider: self.provider.clone(),
                },
                other => CredentialError::RefreshFailed {
                    provider: self.provider.clone(),
                    reason: other.to_string(),
                },
            })?;
        tracing::debug!(provider = %self.provider, "Copilot token exchanged");
        *self.api.lock().unwrap_or_else(PoisonError::into_inner) = token.api.clone();
        let handed_out = bearer(&token);
        *held = Some(token);
        Ok(handed_out)
    }
}

fn bearer(token: &CopilotToken) -> Bearer {
    Bearer {
        token: token.token.clone(),
        account_id: None,
    }
}

impl BearerSource for CopilotSession {
    fn bearer(&self) -> BoxFuture<'_, Result<Bearer, CredentialError>> {
        Box::pin(self.current(None))
    }

    fn after_rejection<'a>(
        &'a self,
        rejected: &'a Bearer,
    ) -> BoxFuture<'a, Result<Bearer, CredentialError>> {
        Box::pin(self.current(Some(&rejected.token)))
    }
}
