//! Ollama through its native `/api/chat` (NDJSON).
//!
//! Why native and not Ollama's OpenAI-compatible `/v1`: only the native API takes
//! `options.num_ctx`, so only there can netclaw pass the model's known context window —
//! through `/v1` Ollama silently truncates prompts at its small default context. The native
//! API also carries `think` and `thinking` deltas, and reports token counts on every answer.

mod body;
mod decode;

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};

use crate::bearer::Bearer;

use super::error::{ChatError, ProviderRef};
use super::request::ChatRequest;
use super::responses::bearer_header;
use super::stream::ChatStream;
use super::transport::Transport;
use super::wire::{Decoder, Framing, Wire, error_detail, generic_http_error};
use super::{ChatClient, ClientConfig};

use decode::OllamaDecoder;

/// An Ollama server (`http://localhost:11434`); a credential is optional (for proxies).
#[derive(Debug, Clone)]
pub struct OllamaClient {
    pub(crate) transport: Arc<Transport>,
}

impl OllamaClient {
    /// A client for `config`; requests go to `{ep}/api/chat`.
    pub fn new(config: ClientConfig) -> Result<Self, ChatError> {
        let wire = OllamaWire {
            provider: ProviderRef::new(&config.provider, "Ollama"),
            url: config.url("/api/chat"),
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

impl ChatClient for OllamaClient {
    fn provider(&self) -> &ProviderRef {
        self.transport.wire.provider()
    }

    fn stream(&self, request: ChatRequest) -> ChatStream {
        self.transport.stream(request)
    }
}

#[derive(Debug)]
struct OllamaWire {
    provider: ProviderRef,
    url: String,
    user_agent: String,
}

impl Wire for OllamaWire {
    fn provider(&self) -> &ProviderRef {
        &self.provider
    }

    fn framing(&self) -> Framing {
        Framing::Ndjson
    }

    fn request(
        &self,
        http: &reqwest::Client,
        request: &ChatRequest,
        bearer: Option<&Bearer>,
    ) -> Result<reqwest::RequestBuilder, ChatError> {
        let mut headers = HeaderMap::new();
        if bearer.is_some() {
            headers.insert(AUTHORIZATION, bearer_header(&self.provider, bearer)?);
        }
        if let Ok(agent) = HeaderValue::from_str(&self.user_agent) {
            headers.insert(USER_AGENT, agent);
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/x-ndjson"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let body = body::body(request, &self.provider)?.to_string();
        Ok(http.post(&self.url).headers(headers).body(body))
    }

    fn http_error(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ChatError {
        match (status.as_u16(), error_detail(body)) {
            (401 | 403 | 429, _) | (_, None) => {
                generic_http_error(&self.provider, status, headers, body)
            }
            (code, Some(message)) => decode::error(&self.provider, message, Some(code)),
        }
    }

    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(OllamaDecoder::new(self.provider.clone()))
    }
}
