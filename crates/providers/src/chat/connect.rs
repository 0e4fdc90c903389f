//! Which chat client speaks for a provider: the one place that maps a provider kind and auth method to a client.

use std::sync::Arc;

use netclaw_config::AuthMethod;

use super::{
    AnthropicClient, ChatClient, ChatCompletionsClient, ChatError, ClientConfig, CodexClient,
    CompletionsFlavor, OllamaClient, OpenAiResponsesClient,
};
use crate::descriptor::ProviderKind;

/// The client for a provider of `kind` authenticating with `method`: OpenAI through a ChatGPT
/// login speaks to the Codex backend, OpenAI with a key to the Responses API, OpenRouter,
/// Gemini, Venice, Z.ai and OpenAI-compatible servers to Chat Completions, Anthropic to
/// Messages, Ollama to `/api/chat`.
pub fn client_for(
    kind: ProviderKind,
    method: AuthMethod,
    config: ClientConfig,
) -> Result<Arc<dyn ChatClient>, ChatError> {
    Ok(match kind {
        ProviderKind::OpenAi if method.is_oauth() => Arc::new(CodexClient::new(config)?),
        ProviderKind::OpenAi => Arc::new(OpenAiResponsesClient::new(config)?),
        ProviderKind::Anthropic => Arc::new(AnthropicClient::new(config)?),
        ProviderKind::OpenRouter => Arc::new(ChatCompletionsClient::new(
            config,
            CompletionsFlavor::OpenRouter,
        )?),
        ProviderKind::Ollama => Arc::new(OllamaClient::new(config)?),
        ProviderKind::OpenAiCompatible => Arc::new(ChatCompletionsClient::new(
            config,
            CompletionsFlavor::Compatible,
        )?),
        ProviderKind::Gemini => Arc::new(ChatCompletionsClient::new(
            config,
            CompletionsFlavor::Gemini,
        )?),
        ProviderKind::Venice => Arc::new(ChatCompletionsClient::new(
            config,
            CompletionsFlavor::Venice,
        )?),
        ProviderKind::Zai => Arc::new(ChatCompletionsClient::new(config, CompletionsFlavor::Zai)?),
        ProviderKind::Copilot => Arc::new(ChatCompletionsClient::new(
            config,
            CompletionsFlavor::Copilot,
        )?),
    })
}
