//! Provider descriptors: what each provider type is, how it authenticates, where it lives.

mod builtin;
mod oauth_defaults;
mod oauth_setup;
mod registry;

#[cfg(test)]
mod tests;

pub use oauth_defaults::{OAuthClientDefaults, OAuthFlavour, OAuthOverrides, ResolvedOAuthClient};
pub use oauth_setup::OAuthSetupError;
pub use registry::{ProviderRegistry, UnknownProviderType};

/// How a provider signs in (the same type netclaw.json stores).
pub use netclaw_config::AuthMethod;

/// The provider families netclaw speaks to; each has its own probe and chat wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// OpenAI: the Codex backend through a ChatGPT subscription, or the platform API with a key.
    OpenAi,
    /// Anthropic's Messages API.
    Anthropic,
    /// OpenRouter's OpenAI-style API.
    OpenRouter,
    /// A local or remote Ollama server.
    Ollama,
    /// Any server speaking OpenAI Chat Completions (llama.cpp, vLLM, LM Studio, gateways).
    OpenAiCompatible,
    /// Google's Gemini API (AI Studio key): chat through its OpenAI-compatible endpoint, models
    /// from the native listing.
    Gemini,
    /// Venice.ai's OpenAI-style API.
    Venice,
    /// Z.ai's OpenAI-style API (GLM models).
    Zai,
    /// GitHub Copilot: a GitHub credential exchanged for short-lived Copilot tokens.
    Copilot,
}

/// One way to sign in to a provider, with the label a picker shows for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthOption {
    /// The method.
    pub method: AuthMethod,
    /// What a picker shows, e.g. "ChatGPT subscription (device code)".
    pub label: &'static str,
    /// The endpoint used with this method when the provider sets none.
    pub default_endpoint: Option<&'static str>,
}

/// Everything netclaw knows about a provider type before any configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderDescriptor {
    /// The key stored in `Type` (`openai`, `anthropic`, …).
    pub type_key: &'static str,
    /// Human name, e.g. "OpenAI".
    pub display_name: &'static str,
    /// The family, which selects probe and chat wire.
    pub kind: ProviderKind,
    /// Supported sign-in methods, the first being the default.
    pub auth: &'static [AuthOption],
    /// Where the user gets an API key, when the provider takes one.
    pub key_guidance_url: Option<&'static str>,
    /// The conventional environment variable holding an API key (`OPENAI_API_KEY`).
    pub api_key_env: Option<&'static str>,
    /// OAuth client defaults, when the provider offers OAuth with known servers.
    pub oauth: Option<OAuthClientDefaults>,
    /// True when OAuth is offered but its servers come from the provider's `OAuth.Issuer`.
    pub oauth_needs_issuer: bool,
    /// Why the type offers no subscription login, when its vendor forbids using one in other
    /// tools: one sentence naming the vendor's rule.
    pub subscription_terms: Option<&'static str>,
}

impl ProviderDescriptor {
    /// The supported methods, default first.
    pub fn auth_methods(&self) -> impl Iterator<Item = AuthMethod> + '_ {
        self.auth.iter().map(|o| o.method)
    }

    /// The default method (first listed).
    pub fn default_auth_method(&self) -> AuthMethod {
        self.auth.first().map_or(AuthMethod::None, |o| o.method)
    }

    /// True when `method` is one this provider accepts.
    pub fn supports(&self, method: AuthMethod) -> bool {
        self.auth_methods().any(|m| m == method)
    }

    /// The picker label of `method`, when supported.
    pub fn label(&self, method: AuthMethod) -> Option<&'static str> {
        self.auth
            .iter()
            .find(|o| o.method == method)
            .map(|o| o.label)
    }

    /// The endpoint used with `method` when the provider sets none (`None` when one is required).
    pub fn default_endpoint(&self, method: AuthMethod) -> Option<&'static str> {
        self.auth
            .iter()
            .find(|o| o.method == method)
            .or_else(|| self.auth.first())
            .and_then(|o| o.default_endpoint)
    }

    /// `configured` when it is set and not blank, else the default for `method`; trailing
    /// slashes removed.
    pub fn effective_endpoint(
        &self,
        configured: Option<&str>,
        method: AuthMethod,
    ) -> Option<String> {
        configured
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .or_else(|| self.default_endpoint(method))
            .map(|s| s.trim_end_matches('/').to_owned())
    }

    /// True when the provider can be used with no credential at all.
    pub fn credential_optional(&self) -> bool {
        self.supports(AuthMethod::None)
    }

    /// The method a configured provider really uses: the `configured` one, else a key when one
    /// is present (stored or from the environment), else the type's default (`None` for types
    /// that need no credential). A missing `AuthMethod` reads as `None` in `netclaw.json`.
    pub fn effective_auth_method(&self, configured: AuthMethod, has_key: bool) -> AuthMethod {
        if configured != AuthMethod::None {
            return configured;
        }
        if has_key && self.supports(AuthMethod::ApiKey) {
            return AuthMethod::ApiKey;
        }
        if self.credential_optional() {
            AuthMethod::None
        } else {
            self.default_auth_method()
        }
    }

    /// The OAuth client for this provider with the user's `overrides` applied; `None` when the
    /// provider has no OAuth defaults and the overrides name no issuer.
    pub fn oauth_client(&self, overrides: &OAuthOverrides) -> Option<ResolvedOAuthClient> {
        oauth_defaults::resolve(self.oauth.as_ref(), overrides)
    }
}
