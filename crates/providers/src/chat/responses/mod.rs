//! OpenAI's Responses API: with an API key, and through the ChatGPT subscription's Codex
//! backend (`POST {ep}/responses` with the headers and body rules that backend enforces).

mod body;
mod decode;
mod rate_limits;

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use secrecy::ExposeSecret;

use crate::bearer::{Bearer, CredentialError};

use super::error::{ChatError, ProviderRef};
use super::event::RateLimitSnapshot;
use super::request::{ChatRequest, RelayApi};
use super::settings::MAX_SERVER_DELAY;
use super::stream::ChatStream;
use super::transport::Transport;
use super::wire::{Decoder, Framing, Wire, error_detail, generic_http_error, retry_after};
use super::{ChatClient, ClientConfig};

pub(crate) use body::Flavor;
#[cfg(test)]
pub(crate) use decode::try_again_in;
use decode::{ErrorBody, ResponsesDecoder};

/// OpenAI through the ChatGPT subscription (the Codex backend,
/// `https://chatgpt.com/backend-api/codex`).
///
/// Sends `Authorization: Bearer`, `ChatGPT-Account-Id`, `originator: netclaw`, the netclaw
/// `User-Agent`, `Accept: text/event-stream` and `Content-Type: application/json` (no
/// charset); the body has `store: false`, `stream: true` and `instructions` always. A 401
/// renews the credential through [`crate::bearer::BearerSource::after_rejection`] and is
/// retried once. `x-codex-*` headers come out as [`super::StreamEvent::RateLimits`].
#[derive(Debug, Clone)]
pub struct CodexClient {
    pub(crate) transport: Arc<Transport>,
}

impl CodexClient {
    /// A client for `config` (its bearer source must give the ChatGPT account id).
    pub fn new(config: ClientConfig) -> Result<Self, ChatError> {
        let wire = ResponsesWire::new(&config, Flavor::Codex);
        Ok(Self {
            transport: Arc::new(Transport::new(
                Box::new(wire),
                config.http,
                config.bearer,
                config.http_client,
            )?),
        })
    }
}

impl ChatClient for CodexClient {
    fn provider(&self) -> &ProviderRef {
        self.transport.wire.provider()
    }

    fn stream(&self, request: ChatRequest) -> ChatStream {
        self.transport.stream(request)
    }
}

/// OpenAI's Responses API with an API key (`https://api.openai.com/v1`).
#[derive(Debug, Clone)]
pub struct OpenAiResponsesClient {
    pub(crate) transport: Arc<Transport>,
}

impl OpenAiResponsesClient {
    /// A client for `config` (its bearer source gives the API key).
    pub fn new(config: ClientConfig) -> Result<Self, ChatError> {
        let wire = ResponsesWire::new(&config, Flavor::ApiKey);
        Ok(Self {
            transport: Arc::new(Transport::new(
                Box::new(wire),
                config.http,
                config.bearer,
                config.http_client,
            )?),
        })
    }
}

impl ChatClient for OpenAiResponsesClient {
    fn provider(&self) -> &ProviderRef {
        self.transport.wire.provider()
    }

    fn stream(&self, request: ChatRequest) -> ChatStream {
        self.transport.stream(request)
    }
}

#[derive(Debug)]
pub(crate) struct ResponsesWire {
    provider: ProviderRef,
    url: String,
    user_agent: String,
    flavor: Flavor,
}

impl ResponsesWire {
    pub(crate) fn new(config: &ClientConfig, flavor: Flavor) -> Self {
        let label = match flavor {
            Flavor::ApiKey => "OpenAI",
            Flavor::Codex => "OpenAI Codex",
        };
        Self {
            provider: ProviderRef::new(&config.provider, label),
            url: config.url("/responses"),
            user_agent: config.http.user_agent.clone(),
            flavor,
        }
    }
}

fn header(provider: &ProviderRef, value: &str, sensitive: bool) -> Result<HeaderValue, ChatError> {
    let mut header = HeaderValue::from_str(value).map_err(|_| ChatError::Credential {
        provider: provider.clone(),
        source: CredentialError::RefreshFailed {
            provider: provider.name.clone(),
            reason: "the credential contains characters not allowed in an HTTP header".into(),
        },
    })?;
    header.set_sensitive(sensitive);
    Ok(header)
}

/// `Authorization: Bearer <token>` marked sensitive, or the not-configured error.
pub(crate) fn bearer_header(
    provider: &ProviderRef,
    bearer: Option<&Bearer>,
) -> Result<HeaderValue, ChatError> {
    let bearer = bearer.ok_or_else(|| ChatError::Credential {
        provider: provider.clone(),
        source: CredentialError::NotConfigured {
            provider: provider.name.clone(),
        },
    })?;
    header(
        provider,
        &format!("Bearer {}", bearer.token.expose_secret()),
        true,
    )
}

impl Wire for ResponsesWire {
    fn provider(&self) -> &ProviderRef {
        &self.provider
    }

    fn framing(&self) -> Framing {
        Framing::Sse
    }

    fn request(
        &self,
        http: &reqwest::Client,
        request: &ChatRequest,
        bearer: Option<&Bearer>,
    ) -> Result<reqwest::RequestBuilder, ChatError> {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, bearer_header(&self.provider, bearer)?);
        if self.flavor == Flavor::Codex {
            let account = bearer
                .and_then(|b| b.account_id.as_deref())
                .filter(|id| !id.is_empty())
                .ok_or_else(|| ChatError::MissingAccountId {
                    provider: self.provider.clone(),
                })?;
            headers.insert(
                "chatgpt-account-id",
                header(&self.provider, account, false)?,
            );
            headers.insert("originator", HeaderValue::from_static("netclaw"));
        }
        headers.insert(USER_AGENT, header(&self.provider, &self.user_agent, false)?);
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let body = match &request.relay {
            Some(relay) if relay.api == RelayApi::Responses => {
                body::relayed(&relay.body, &request.model, self.flavor)
            }
            _ => body::body(request, self.flavor),
        };
        let body = serde_json::to_vec(&body).map_err(|error| ChatError::BadRequest {
            provider: self.provider.clone(),
            status: 0,
            message: format!("could not encode the request: {error}"),
        })?;
        Ok(http.post(&self.url).headers(headers).body(body))
    }

    fn http_error(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ChatError {
        let provider = self.provider.clone();
        let error = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|value| value.get("error").cloned())
            .and_then(|error| serde_json::from_value::<ErrorBody>(error).ok())
            .unwrap_or_default();
        let kind = error.kind.as_deref().unwrap_or_default();
        let code = error.code.as_deref().unwrap_or_default();
        let detail = error_detail(body);
        if kind == "usage_limit_reached" || code == "usage_limit_reached" {
            let resets_at = error
                .resets_at
                .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok());
            return ChatError::RateLimited {
                provider,
                retry_after: error
                    .resets_in_seconds
                    .map(|seconds| std::time::Duration::from_secs(seconds).min(MAX_SERVER_DELAY)),
                resets_at,
                usage_limit: true,
                snapshot: self.rate_limits(headers).map(Box::new),
                detail,
            };
        }
        for quota in ["usage_not_included", "insufficient_quota"] {
            if kind == quota || code == quota {
                return ChatError::QuotaExceeded {
                    provider,
                    code: quota.into(),
                    detail,
                };
            }
        }
        if code == "context_length_exceeded" {
            return ChatError::ContextLengthExceeded { provider, detail };
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            return ChatError::RateLimited {
                provider,
                retry_after: retry_after(headers),
                resets_at: None,
                usage_limit: false,
                snapshot: self.rate_limits(headers).map(Box::new),
                detail,
            };
        }
        generic_http_error(&self.provider, status, headers, body)
    }

    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(ResponsesDecoder::new(self.provider.clone()))
    }

    fn rate_limits(&self, headers: &HeaderMap) -> Option<RateLimitSnapshot> {
        rate_limits::parse(headers)
            .or_else(|| super::key_limits::openai(headers, jiff::Timestamp::now()))
    }

    fn relays(&self) -> Option<RelayApi> {
        Some(RelayApi::Responses)
    }
}
