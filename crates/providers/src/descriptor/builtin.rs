//! The built-in provider types and their real vendors' defaults.

use super::{
    AuthMethod, AuthOption, OAuthClientDefaults, OAuthFlavour, ProviderDescriptor, ProviderKind,
};

/// Google's OpenAI-compatible Gemini endpoint; the native API is its parent (`…/v1beta`).
pub(super) const GEMINI_ENDPOINT: &str = "https://generativelanguage.googleapis.com/v1beta/openai";

/// OpenAI's Codex backend, reached with a ChatGPT subscription.
pub(super) const CODEX_ENDPOINT: &str = "https://chatgpt.com/backend-api/codex";

const OPENAI_OAUTH: OAuthClientDefaults = OAuthClientDefaults {
    flavour: OAuthFlavour::OpenAi,
    issuer: "https://auth.openai.com",
    client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    token_path: "/oauth/token",
    authorize_path: "/oauth/authorize",
    device_path: "/api/accounts/deviceauth/usercode",
    polling_path: Some("/api/accounts/deviceauth/token"),
    redirect_uri: "http://localhost:1455/auth/callback",
    scope: "openid profile email offline_access",
    extra_authorize_params: &[
        ("id_token_add_organizations", "true"),
        ("codex_cli_simplified_flow", "true"),
        ("originator", "netclaw"),
    ],
};

/// GitHub's OAuth app login as GitHub Copilot clients use it: the device flow of the public
/// client id the Neovim Copilot plugin uses, at fixed endpoints (GitHub has no discovery).
const GITHUB_OAUTH: OAuthClientDefaults = OAuthClientDefaults {
    flavour: OAuthFlavour::Standard,
    issuer: "https://github.com",
    client_id: "Iv1.b507a08c87ecfe98",
    token_path: "/login/oauth/access_token",
    authorize_path: "/login/oauth/authorize",
    device_path: "/login/device/code",
    polling_path: None,
    redirect_uri: "http://127.0.0.1:0/auth/callback",
    scope: "read:user",
    extra_authorize_params: &[],
};

pub(super) fn all() -> Vec<ProviderDescriptor> {
    vec![
        ProviderDescriptor {
            type_key: "openai",
            display_name: "OpenAI",
            kind: ProviderKind::OpenAi,
            auth: &[
                AuthOption {
                    method: AuthMethod::OAuthDevice,
                    label: "ChatGPT subscription (device code)",
                    default_endpoint: Some(CODEX_ENDPOINT),
                },
                AuthOption {
                    method: AuthMethod::OAuthPkce,
                    label: "ChatGPT subscription (browser)",
                    default_endpoint: Some(CODEX_ENDPOINT),
                },
                AuthOption {
                    method: AuthMethod::ApiKey,
                    label: "API key",
                    default_endpoint: Some("https://api.openai.com/v1"),
                },
            ],
            key_guidance_url: Some("https://platform.openai.com/api-keys"),
            api_key_env: Some("OPENAI_API_KEY"),
            oauth: Some(OPENAI_OAUTH),
            oauth_needs_issuer: false,
            subscription_terms: None,
        },
        ProviderDescriptor {
            type_key: "anthropic",
            display_name: "Anthropic",
            kind: ProviderKind::Anthropic,
            auth: &[AuthOption {
                method: AuthMethod::ApiKey,
                label: "API key",
                default_endpoint: Some("https://api.anthropic.com"),
            }],
            key_guidance_url: Some("https://console.anthropic.com/settings/keys"),
            api_key_env: Some("ANTHROPIC_API_KEY"),
            oauth: None,
            oauth_needs_issuer: false,
            subscription_terms: Some(
                "Anthropic does not allow Claude Free, Pro or Max logins in any product other than its own (terms of February 2026), so netclaw takes an API key only",
            ),
        },
        ProviderDescriptor {
            type_key: "openrouter",
            display_name: "OpenRouter",
            kind: ProviderKind::OpenRouter,
            auth: &[AuthOption {
                method: AuthMethod::ApiKey,
                label: "API key",
                default_endpoint: Some("https://openrouter.ai/api/v1"),
            }],
            key_guidance_url: Some("https://openrouter.ai/keys"),
            api_key_env: Some("OPENROUTER_API_KEY"),
            oauth: None,
            oauth_needs_issuer: false,
            subscription_terms: None,
        },
        ProviderDescriptor {
            type_key: "ollama",
            display_name: "Ollama",
            kind: ProviderKind::Ollama,
            auth: &[AuthOption {
                method: AuthMethod::None,
                label: "No credential",
                default_endpoint: Some("http://localhost:11434"),
            }],
            key_guidance_url: None,
            api_key_env: None,
            oauth: None,
            oauth_needs_issuer: false,
            subscription_terms: None,
        },
        ProviderDescriptor {
            type_key: "openai-compatible",
            display_name: "OpenAI-compatible (llama.cpp, vLLM, LM Studio, gateways)",
            kind: ProviderKind::OpenAiCompatible,
            auth: &[
                AuthOption {
                    method: AuthMethod::None,
                    label: "No credential",
                    default_endpoint: None,
                },
                AuthOption {
                    method: AuthMethod::ApiKey,
                    label: "API key (sent as a bearer token)",
                    default_endpoint: None,
                },
                AuthOption {
                    method: AuthMethod::OAuthPkce,
                    label: "OAuth 2.0 (browser)",
                    default_endpoint: None,
                },
                AuthOption {
                    method: AuthMethod::OAuthDevice,
                    label: "OAuth 2.0 (device code)",
                    default_endpoint: None,
                },
            ],
            key_guidance_url: None,
            api_key_env: None,
            oauth: None,
            oauth_needs_issuer: true,
            subscription_terms: None,
        },
        ProviderDescriptor {
            type_key: "gemini",
            display_name: "Google Gemini",
            kind: ProviderKind::Gemini,
            auth: &[AuthOption {
                method: AuthMethod::ApiKey,
                label: "API key (Google AI Studio)",
                default_endpoint: Some(GEMINI_ENDPOINT),
            }],
            key_guidance_url: Some("https://aistudio.google.com/apikey"),
            api_key_env: Some("GEMINI_API_KEY"),
            oauth: None,
            oauth_needs_issuer: false,
            subscription_terms: Some(
                "Google does not allow Gemini CLI or Antigravity logins in other tools (accounts were suspended for it), so netclaw takes an AI Studio API key only",
            ),
        },
        ProviderDescriptor {
            type_key: "veniceai",
            display_name: "Venice.ai",
            kind: ProviderKind::Venice,
            auth: &[AuthOption {
                method: AuthMethod::ApiKey,
                label: "API key",
                default_endpoint: Some("https://api.venice.ai/api/v1"),
            }],
            key_guidance_url: Some("https://venice.ai/settings/api"),
            api_key_env: None,
            oauth: None,
            oauth_needs_issuer: false,
            subscription_terms: None,
        },
        ProviderDescriptor {
            type_key: "zai",
            display_name: "Z.ai",
            kind: ProviderKind::Zai,
            auth: &[AuthOption {
                method: AuthMethod::ApiKey,
                label: "API key (GLM Coding Plan; pay-as-you-go: --endpoint https://api.z.ai/api/paas/v4)",
                default_endpoint: Some("https://api.z.ai/api/coding/paas/v4"),
            }],
            key_guidance_url: Some("https://z.ai/manage-apikey/apikey-list"),
            api_key_env: None,
            oauth: None,
            oauth_needs_issuer: false,
            subscription_terms: None,
        },
        ProviderDescriptor {
            type_key: "github-copilot",
            display_name: "GitHub Copilot",
            kind: ProviderKind::Copilot,
            auth: &[
                AuthOption {
                    method: AuthMethod::OAuthDevice,
                    label: "GitHub login (device code)",
                    default_endpoint: Some("https://api.githubcopilot.com"),
                },
                AuthOption {
                    method: AuthMethod::ApiKey,
                    label: "GitHub token (--api-key-stdin, or COPILOT_GITHUB_TOKEN / GH_TOKEN / GITHUB_TOKEN)",
                    default_endpoint: Some("https://api.githubcopilot.com"),
                },
            ],
            key_guidance_url: Some("https://github.com/settings/tokens"),
            api_key_env: Some("COPILOT_GITHUB_TOKEN"),
            oauth: Some(GITHUB_OAUTH),
            oauth_needs_issuer: false,
            subscription_terms: None,
        },
    ]
}
