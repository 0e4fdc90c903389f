//! Shared helpers: probe targets pointed at loopback servers, run with a fixed clock.

use std::time::Duration;

use jiff::Timestamp;
use netclaw_providers::bearer::Bearer;
use netclaw_providers::descriptor::{AuthMethod, ProviderRegistry};
use netclaw_providers::probe::{ProbeOptions, ProbeReport, ProbeTarget, probe};

/// The API key or access token every probe test sends (and must never see in a message).
pub(crate) const KEY: &str = "sk-test-SECRET-4f9a1c";

/// A fixed "now" for expiry checks.
pub(crate) fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

/// One provider flavour under test.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flavour {
    pub(crate) name: &'static str,
    pub(crate) type_key: &'static str,
    pub(crate) method: AuthMethod,
    /// The path the probe lists models at (relative to the mock server's root).
    pub(crate) listing_path: &'static str,
    /// The endpoint suffix configured on top of the mock server's URI.
    pub(crate) endpoint_suffix: &'static str,
    pub(crate) sends_key: bool,
}

pub(crate) const FLAVOURS: [Flavour; 9] = [
    Flavour {
        name: "openai-oauth",
        type_key: "openai",
        method: AuthMethod::OAuthDevice,
        listing_path: "/backend-api/codex/models",
        endpoint_suffix: "/backend-api/codex",
        sends_key: true,
    },
    Flavour {
        name: "openai-key",
        type_key: "openai",
        method: AuthMethod::ApiKey,
        listing_path: "/v1/models",
        endpoint_suffix: "/v1",
        sends_key: true,
    },
    Flavour {
        name: "anthropic",
        type_key: "anthropic",
        method: AuthMethod::ApiKey,
        listing_path: "/v1/models",
        endpoint_suffix: "",
        sends_key: true,
    },
    Flavour {
        name: "openrouter",
        type_key: "openrouter",
        method: AuthMethod::ApiKey,
        listing_path: "/api/v1/models",
        endpoint_suffix: "/api/v1",
        sends_key: true,
    },
    Flavour {
        name: "ollama",
        type_key: "ollama",
        method: AuthMethod::None,
        listing_path: "/api/tags",
        endpoint_suffix: "",
        sends_key: false,
    },
    Flavour {
        name: "openai-compatible",
        type_key: "openai-compatible",
        method: AuthMethod::ApiKey,
        listing_path: "/v1/models",
        endpoint_suffix: "",
        sends_key: true,
    },
    Flavour {
        name: "gemini",
        type_key: "gemini",
        method: AuthMethod::ApiKey,
        listing_path: "/v1beta/models",
        endpoint_suffix: "/v1beta/openai",
        sends_key: true,
    },
    Flavour {
        name: "veniceai",
        type_key: "veniceai",
        method: AuthMethod::ApiKey,
        listing_path: "/api/v1/models",
        endpoint_suffix: "/api/v1",
        sends_key: true,
    },
    Flavour {
        name: "zai",
        type_key: "zai",
        method: AuthMethod::ApiKey,
        listing_path: "/api/coding/paas/v4/models",
        endpoint_suffix: "/api/coding/paas/v4",
        sends_key: true,
    },
];

impl Flavour {
    pub(crate) fn target(&self, base: &str) -> ProbeTarget {
        ProbeTarget {
            provider_name: "work".into(),
            type_key: self.type_key.into(),
            endpoint: Some(format!("{base}{}", self.endpoint_suffix)),
            auth_method: self.method,
            bearer: self.sends_key.then(|| Bearer {
                token: KEY.into(),
                account_id: Some("acct-123".into()),
            }),
            token_expiry: None,
            token_exchange: None,
        }
    }
}

/// Probes `target` with a fresh client, the fixed clock and `timeout`.
pub(crate) async fn run(target: &ProbeTarget, timeout: Duration) -> ProbeReport {
    let client = reqwest::Client::new();
    let options = ProbeOptions::at(now()).with_timeout(timeout);
    probe(&client, &ProviderRegistry::builtin(), target, &options).await
}
