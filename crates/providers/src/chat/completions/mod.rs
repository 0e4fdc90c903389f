//! Chat Completions (`POST …/chat/completions`): OpenRouter and OpenAI-compatible servers
//! such as llama.cpp, vLLM, LM Studio and gateways.

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
use super::wire::{Decoder, Framing, Wire, generic_http_error};
use super::{ChatClient, ClientConfig};

use decode::CompletionsDecoder;

/// Which Chat Completions server is on the other end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionsFlavor {
    /// OpenRouter: attribution headers (`HTTP-Referer`, `X-Title`) and `reasoning.exclude`.
    OpenRouter,
    /// Any OpenAI-compatible server; the credential is optional.
    Compatible,
    /// Google's OpenAI-compatible Gemini endpoint (`…/v1beta/openai`).
    Gemini,
    /// Venice.ai (`…/api/v1`).
    Venice,
    /// Z.ai (`…/paas/v4`).
    Zai,
    /// GitHub Copilot (`api.githubcopilot.com`, or the API the token exchange names), with
    /// the Copilot request headers.
    Copilot,
}

impl CompletionsFlavor {
    /// The vendor's name in messages.
    fn label(self) -> &'static str {
        match self {
            Self::OpenRouter => "OpenRouter",
            Self::Compatible => "OpenAI-compatible server",
            Self::Gemini => "Google Gemini",
            Self::Venice => "Venice.ai",
            Self::Zai => "Z.ai",
            Self::Copilot => "GitHub Copilot",
        }
    }

    /// Whether the vendor's endpoint is the API's base as it stands (`…/v1beta/openai`,
    /// `…/paas/v4`): `chat/completions` goes right after it, never after an added `/v1`.
    fn base_is_complete(self) -> bool {
        matches!(
            self,
            Self::Gemini | Self::Venice | Self::Zai | Self::Copilot
        )
    }

    /// Whether every request needs a credential.
    fn needs_key(self) -> bool {
        self != Self::Compatible
    }
}

/// The `HTTP-Referer` sent to OpenRouter for attribution.
pub const OPENROUTER_REFERER: &str = "https://netclaw.dev";

/// A Chat Completions client.
#[derive(Debug, Clone)]
pub struct ChatCompletionsClient {
    pub(crate) transport: Arc<Transport>,
}

impl ChatCompletionsClient {
    /// A client for `config`. The URL is `{ep}/chat/completions` when the endpoint already
    /// ends in `/v1` (OpenRouter's `/api/v1` included) or is a vendor's complete base (Gemini,
    /// Venice, Z.ai), else `{ep}/v1/chat/completions`.
    pub fn new(config: ClientConfig, flavor: CompletionsFlavor) -> Result<Self, ChatError> {
        let base = config.base_url.trim_end_matches('/');
        let url = if base.ends_with("/v1") || flavor.base_is_complete() {
            format!("{base}/chat/completions")
        } else {
            format!("{base}/v1/chat/completions")
        };
        let label = flavor.label();
        let parsed_url = reqwest::Url::parse(&url).ok();
        let wire = CompletionsWire {
            provider: ProviderRef::new(&config.provider, label),
            user_agent: HeaderValue::from_str(&config.http.user_agent).ok(),
            url,
            parsed_url,
            flavor,
            copilot: config.copilot.clone(),
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

impl ChatClient for ChatCompletionsClient {
    fn provider(&self) -> &ProviderRef {
        self.transport.wire.provider()
    }

    fn stream(&self, request: ChatRequest) -> ChatStream {
        self.transport.stream(request)
    }
}

#[derive(Debug)]
struct CompletionsWire {
    provider: ProviderRef,
    url: String,
    /// `url` parsed once; `None` when it does not parse (each request then reports why).
    parsed_url: Option<reqwest::Url>,
    /// The `User-Agent` value, checked once; `None` when it is not a valid header value.
    user_agent: Option<HeaderValue>,
    flavor: CompletionsFlavor,
    /// Copilot's session: requests go to the API its last exchange named.
    copilot: Option<Arc<crate::copilot::CopilotSession>>,
}

impl Wire for CompletionsWire {
    fn rate_limits(&self, headers: &HeaderMap) -> Option<crate::chat::RateLimitSnapshot> {
        super::key_limits::openai(headers, jiff::Timestamp::now())
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
        let mut headers = HeaderMap::with_capacity(8);
        if bearer.is_some() || self.flavor.needs_key() {
            headers.insert(AUTHORIZATION, bearer_header(&self.provider, bearer)?);
        }
        if self.flavor == CompletionsFlavor::OpenRouter {
            headers.insert("http-referer", HeaderValue::from_static(OPENROUTER_REFERER));
            headers.insert("x-title", HeaderValue::from_static("netclaw"));
        }
        if self.flavor == CompletionsFlavor::Copilot {
            for (name, value) in crate::copilot::COPILOT_HEADERS {
                headers.insert(name, HeaderValue::from_static(value));
            }
            headers.insert(
                "openai-intent",
                HeaderValue::from_static("conversation-agent"),
            );
        }
        if let Some(agent) = &self.user_agent {
            headers.insert(USER_AGENT, agent.clone());
        }
        headers.insert(ACCEPT, HeaderValue::from_static("text/event-stream"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let body = body::body(request, self.flavor).to_string();
        let named = self.copilot.as_ref().and_then(|session| session.api_base());
        let builder = match (named, &self.parsed_url) {
            (Some(api), _) => http.post(format!("{api}/chat/completions")),
            (None, Some(url)) => http.post(url.clone()),
            (None, None) => http.post(&self.url),
        };
        Ok(builder.headers(headers).body(body))
    }

    fn http_error(&self, status: StatusCode, headers: &HeaderMap, body: &str) -> ChatError {
        generic_http_error(&self.provider, status, headers, body)
    }

    fn decoder(&self) -> Box<dyn Decoder> {
        Box::new(CompletionsDecoder::new(self.provider.clone()))
    }
}
