//! Anthropic's Messages API (`POST {ep}/v1/messages`, `x-api-key`, `anthropic-version`).

mod body;
mod decode;

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use secrecy::ExposeSecret;

use crate::bearer::{Bearer, CredentialError};

use super::error::{ChatError, ProviderRef};
use super::request::{ChatRequest, RelayApi};
use super::stream::ChatStream;
use super::transport::Transport;
use super::wire::{Decoder, Framing, Wire, generic_http_error, retry_after};
use super::{ChatClient, ClientConfig};

use decode::{AnthropicDecoder, WireError};

/// The `anthropic-version` header value.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// Anthropic's Messages API with an API key (`https://api.anthropic.com`).
#[derive(Debug, Clone)]
pub struct AnthropicClient {
    pub(crate) transport: Arc<Transport>,
}

impl AnthropicClient {
    /// A client for `config` (its bearer source gives the API key, sent as `x-api-key`).
    pub fn new(config: ClientConfig) -> Result<Self, ChatError> {
        let base = config.base_url.trim_end_matches('/');
        let url = if base.ends_with("/v1") {
            format!("{base}/messages")
        } else {
            format!("{base}/v1/messages")
        };
        let wire = AnthropicWire {
            provider: ProviderRef::new(&config.provider, "Anthropic"),
            url,
            user_agent: config.http.user_agent.clone(),
        };
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

impl ChatClient for AnthropicClient {
    fn provider(&self) -> &ProviderRef {
        self.transport.wire.provider()
    }

    fn stream(&self, request: ChatRequest) -> ChatStream {
        self.transport.stream(request)
    }
}

#[derive(Debug)]
struct AnthropicWire {
    provider: ProviderRef,
    url: String,
    user_agent: String,
}

impl Wire for AnthropicWire {
    fn rate_limits(&self, headers: &HeaderMap) -> Option<crate::chat::RateLimitSnapshot> {
        super::key_limits::anthropic(headers)
    }

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
        let bearer = bearer.ok_or_else(|| ChatError::Credential {
            provider: self.provider.clone(),
            source: CredentialError::NotConfigured {
                provider: self.provider.name.clone(),
            },
        })?;
        let mut key = HeaderValue::from_str(bearer.token.expose_secret()).map_err(|_| {
            ChatError::Credential {
                provider: self.provider.clone(),
                source: CredentialError::RefreshFailed {
                    provider: self.provider.name.clone(),
                    reason: "the API key contains characters not allowed in an HTTP header".into(),
                },
            }
        })?;
        key.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", key);
        headers.insert(
            "anthropic-version",
            HeaderValue::from_static(ANTHROPIC_VERSION),
        );
        let relay = request
            .relay
            .as_ref()
            .filter(|relay| relay.api == RelayApi::Messages);
        // A relayed client's own API version and beta features go on to Anthropic.
        for (name, value) in relay.iter().flat_map(|relay| &relay.headers) {
            if let (Ok(name), Ok(value)) = (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                headers.insert(name, value);
            }
        }
        if let Ok(agent) = HeaderValue::from_str(&self.user_agent) {
            headers.insert(USER_AGENT, agent);
        }
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let body = match relay {
            Some(relay) => body::relayed(&relay.body, &request.model),
            None => body::body(request),
        }
        .to_string();
        Ok(http.post(&self.url).headers(headers).body(body))
    }

    fn http_error(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ChatError {
        let code = status.as_u16();
        let error = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|value| value.get("error").cloned())
            .and_then(|error| serde_json::from_value::<WireError>(error).ok());
        match (code, error) {
            (429, error) => ChatError::RateLimited {
                provider: self.provider.clone(),
                retry_after: retry_after(headers),
                resets_at: None,
                usage_limit: false,
                snapshot: None,
                detail: error.map(|e| e.message).filter(|m| !m.is_empty()),
            },
            (500..=599, error) => ChatError::Server {
                provider: self.provider.clone(),
                status: Some(code),
                detail: error.map(|e| e.message).filter(|m| !m.is_empty()),
            },
            (_, Some(error)) => decode::error(&self.provider, error, Some(code)),
            (_, None) => generic_http_error(&self.provider, status, headers, body),
        }
    }

    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(AnthropicDecoder::new(self.provider.clone()))
    }

    fn relays(&self) -> Option<RelayApi> {
        Some(RelayApi::Messages)
    }
}
