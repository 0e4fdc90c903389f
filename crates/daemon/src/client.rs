//! `DaemonClient`: the typed HTTP client the CLI uses to talk to a running daemon.

use netclaw_config::Paths;
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use futures_util::{Stream, StreamExt};
use netclaw_providers::chat::SseParser;

use crate::api::{
    ChatEvent, ChatRequest, ErrorEnvelope, Health, ModelsResponse, OAuthRedirectRequest,
    OAuthStartRequest, OAuthStartResponse, OAuthStatusResponse, ProbeResponse, ProvidersResponse,
    ReloadResponse, UsageResponse,
};
use crate::run_files::{RunFileError, read_daemon_info, read_daemon_token};

/// Why a daemon call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The run files are missing or unreadable (the daemon is not running).
    #[error(transparent)]
    RunFiles(#[from] RunFileError),
    /// The daemon did not answer.
    #[error("cannot reach the netclaw daemon at `{url}`: {reason}")]
    Unreachable {
        /// The daemon URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The daemon answered with an error.
    #[error("{message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// The error code (`unauthorized`, `not_found`, …).
        code: String,
        /// The message.
        message: String,
        /// The hint, when there is one.
        hint: Option<String>,
    },
    /// The daemon's answer could not be decoded.
    #[error("unexpected answer from the daemon: {0}")]
    Decode(String),
}

impl ClientError {
    /// True when the daemon is not running or not reachable.
    pub fn is_not_running(&self) -> bool {
        matches!(
            self,
            Self::RunFiles(RunFileError::NotRunning { .. }) | Self::Unreachable { .. }
        )
    }
}

/// A client for one running daemon.
#[derive(Debug, Clone)]
pub struct DaemonClient {
    base_url: String,
    token: SecretString,
    http: reqwest::Client,
}

impl DaemonClient {
    /// A client for the daemon at `base_url` (`http://127.0.0.1:5199`) with `token`.
    pub fn new(base_url: impl Into<String>, token: SecretString) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            token,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .unwrap_or_default(),
        }
    }

    /// A client for the daemon of `paths`, from `run/daemon.json` and `run/daemon.token`.
    pub fn from_run_files(paths: &Paths) -> Result<Self, ClientError> {
        let info = read_daemon_info(paths)?;
        let token = read_daemon_token(paths)?;
        Ok(Self::new(info.base_url(), token))
    }

    /// The daemon's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `GET /api/health`.
    pub async fn health(&self) -> Result<Health, ClientError> {
        self.call(Method::GET, "/api/health", None::<&()>).await
    }

    /// `GET /api/providers`.
    pub async fn providers(&self) -> Result<ProvidersResponse, ClientError> {
        self.call(Method::GET, "/api/providers", None::<&()>).await
    }

    /// `POST /api/providers/{name}/probe`.
    pub async fn probe(&self, name: &str) -> Result<ProbeResponse, ClientError> {
        let path = format!("/api/providers/{}/probe", encode_segment(name));
        self.call(Method::POST, &path, None::<&()>).await
    }

    /// `GET /api/models`.
    pub async fn models(&self) -> Result<ModelsResponse, ClientError> {
        self.call(Method::GET, "/api/models", None::<&()>).await
    }

    /// `GET /api/usage`; `refresh` reads the vendors' usage endpoints now.
    pub async fn usage(&self, refresh: bool) -> Result<UsageResponse, ClientError> {
        let path = if refresh {
            "/api/usage?refresh=true"
        } else {
            "/api/usage"
        };
        self.call(Method::GET, path, None::<&()>).await
    }

    /// `POST /api/reload`.
    pub async fn reload(&self) -> Result<ReloadResponse, ClientError> {
        self.call(Method::POST, "/api/reload", None::<&()>).await
    }

    /// `POST /api/provider/oauth/start`: the daemon listens for the browser's redirect and
    /// stores the login for `account` (see [`OAuthStartRequest::account`]).
    pub async fn oauth_start(
        &self,
        provider: &str,
        name: Option<&str>,
        account: Option<&str>,
    ) -> Result<OAuthStartResponse, ClientError> {
        let body = OAuthStartRequest {
            provider: provider.to_owned(),
            name: name.map(str::to_owned),
            account: account.map(str::to_owned),
        };
        self.call(Method::POST, "/api/provider/oauth/start", Some(&body))
            .await
    }

    /// `GET /api/provider/oauth/status/{state}`.
    pub async fn oauth_status(&self, state: &str) -> Result<OAuthStatusResponse, ClientError> {
        let path = format!("/api/provider/oauth/status/{}", encode_segment(state));
        self.call(Method::GET, &path, None::<&()>).await
    }

    /// `POST /api/provider/oauth/redirect` with the URL the user pasted.
    pub async fn oauth_redirect(&self, url: &str) -> Result<OAuthStatusResponse, ClientError> {
        let body = OAuthRedirectRequest {
            url: url.to_owned(),
        };
        self.call(Method::POST, "/api/provider/oauth/redirect", Some(&body))
            .await
    }

    /// `POST /api/chat`: the answer's events as they arrive. Dropping the stream cancels the
    /// request upstream.
    pub async fn chat(
        &self,
        request: &ChatRequest,
    ) -> Result<impl Stream<Item = Result<ChatEvent, ClientError>> + Send + 'static, ClientError>
    {
        let response = self
            .send(self.request(Method::POST, "/api/chat").json(request))
            .await?;
        let mut parser = SseParser::new();
        Ok(response.bytes_stream().flat_map(move |chunk| {
            let mut events = Vec::new();
            match chunk {
                Ok(bytes) => parser.feed(&bytes, |event| {
                    let data: serde_json::Value =
                        serde_json::from_str(event.data).unwrap_or_default();
                    let decoded = serde_json::from_value(
                        serde_json::json!({"event": event.event, "data": data}),
                    )
                    .map_err(|e| ClientError::Decode(format!("chat event `{}`: {e}", event.event)));
                    events.push(decoded);
                }),
                Err(e) => events.push(Err(ClientError::Decode(e.without_url().to_string()))),
            }
            futures_util::stream::iter(events)
        }))
    }

    pub(crate) fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(self.token.expose_secret())
    }

    pub(crate) async fn send(
        &self,
        builder: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        let response = builder.send().await.map_err(|e| ClientError::Unreachable {
            url: self.base_url.clone(),
            reason: e.without_url().to_string(),
        })?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(error_from(response).await)
    }

    pub(crate) async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let mut builder = self.request(method, path);
        if let Some(body) = body {
            builder = builder.json(body);
        }
        let response = self.send(builder).await?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ClientError::Decode(e.without_url().to_string()))?;
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode(e.to_string()))
    }
}

async fn error_from(response: reqwest::Response) -> ClientError {
    let status = response.status();
    let bytes = response.bytes().await.unwrap_or_default();
    match serde_json::from_slice::<ErrorEnvelope>(&bytes) {
        Ok(envelope) => ClientError::Api {
            status: status.as_u16(),
            code: envelope.error.code,
            message: envelope.error.message,
            hint: envelope.error.hint,
        },
        Err(_) => ClientError::Api {
            status: status.as_u16(),
            code: code_for(status).to_owned(),
            message: format!("the daemon answered HTTP {}", status.as_u16()),
            hint: None,
        },
    }
}

fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::NOT_FOUND => "not_found",
        _ => "http_error",
    }
}

/// Percent-encodes one path segment.
fn encode_segment(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
