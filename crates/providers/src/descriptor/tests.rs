//! Unit tests of descriptors and the registry.

use super::*;

#[test]
fn lookup_ignores_case_and_accepts_the_legacy_alias() {
    let registry = ProviderRegistry::builtin();
    assert_eq!(registry.get("OpenAI").unwrap().type_key, "openai");
    assert_eq!(registry.get(" Anthropic ").unwrap().type_key, "anthropic");
    assert_eq!(registry.get("openai-codex").unwrap().type_key, "openai");
    assert_eq!(registry.get("OPENAI-CODEX").unwrap().type_key, "openai");
    assert_eq!(
        ProviderRegistry::alias_auth_method("openai-codex"),
        Some(AuthMethod::OAuthPkce)
    );
    assert_eq!(ProviderRegistry::alias_auth_method("openai"), None);
}

#[test]
fn unknown_type_lists_the_known_keys_sorted() {
    let err = ProviderRegistry::builtin().get("mistral").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Unknown provider type 'mistral'. Known: anthropic, gemini, github-copilot, ollama, openai, openai-compatible, openrouter, veniceai, zai"
    );
}

#[test]
fn openai_offers_three_methods_with_labels_and_per_method_endpoints() {
    let registry = ProviderRegistry::builtin();
    let openai = registry.get("openai").unwrap();
    assert_eq!(
        openai.auth_methods().collect::<Vec<_>>(),
        [
            AuthMethod::OAuthDevice,
            AuthMethod::OAuthPkce,
            AuthMethod::ApiKey
        ]
    );
    assert_eq!(openai.default_auth_method(), AuthMethod::OAuthDevice);
    assert_eq!(
        openai.label(AuthMethod::OAuthDevice),
        Some("ChatGPT subscription (device code)")
    );
    assert_eq!(
        openai.label(AuthMethod::OAuthPkce),
        Some("ChatGPT subscription (browser)")
    );
    assert_eq!(openai.label(AuthMethod::ApiKey), Some("API key"));
    assert_eq!(
        openai.default_endpoint(AuthMethod::OAuthPkce),
        Some("https://chatgpt.com/backend-api/codex")
    );
    assert_eq!(
        openai.default_endpoint(AuthMethod::ApiKey),
        Some("https://api.openai.com/v1")
    );
    assert!(
        openai
            .key_guidance_url
            .unwrap()
            .contains("platform.openai.com")
    );
    assert!(!openai.supports(AuthMethod::None));
}

#[test]
fn endpoints_default_and_lose_trailing_slashes() {
    let registry = ProviderRegistry::builtin();
    let anthropic = registry.get("anthropic").unwrap();
    assert_eq!(
        anthropic
            .effective_endpoint(Some("  "), AuthMethod::ApiKey)
            .as_deref(),
        Some("https://api.anthropic.com")
    );
    assert_eq!(
        anthropic
            .effective_endpoint(Some("http://127.0.0.1:9/"), AuthMethod::ApiKey)
            .as_deref(),
        Some("http://127.0.0.1:9")
    );
    let compatible = registry.get("openai-compatible").unwrap();
    assert_eq!(compatible.effective_endpoint(None, AuthMethod::None), None);
    assert!(compatible.credential_optional());
    assert!(compatible.oauth_needs_issuer);
    assert_eq!(
        registry
            .get("ollama")
            .unwrap()
            .default_endpoint(AuthMethod::None),
        Some("http://localhost:11434")
    );
    assert_eq!(
        registry
            .get("openrouter")
            .unwrap()
            .default_endpoint(AuthMethod::ApiKey),
        Some("https://openrouter.ai/api/v1")
    );
}

#[test]
fn openai_oauth_defaults_are_the_codex_clients_and_overridable() {
    let registry = ProviderRegistry::builtin();
    let openai = registry.get("openai").unwrap();
    let defaults = openai.oauth_client(&OAuthOverrides::default()).unwrap();
    assert_eq!(defaults.flavour, OAuthFlavour::OpenAi);
    assert_eq!(
        defaults.client_id.as_deref(),
        Some("app_EMoamEEZ73f0CkXaXp7hrann")
    );
    assert_eq!(
        defaults.token_endpoint.as_deref(),
        Some("https://auth.openai.com/oauth/token")
    );
    assert_eq!(
        defaults.polling_endpoint.as_deref(),
        Some("https://auth.openai.com/api/accounts/deviceauth/token")
    );
    assert_eq!(
        defaults.scope.as_deref(),
        Some("openid profile email offline_access")
    );
    assert_eq!(defaults.extra_authorize_params["originator"], "netclaw");

    let moved = openai
        .oauth_client(&OAuthOverrides {
            issuer: Some("http://127.0.0.1:4444/".into()),
            client_id: Some("my-client".into()),
            redirect_uri: None,
            scope: Some(" ".into()),
        })
        .unwrap();
    assert_eq!(
        moved.token_endpoint.as_deref(),
        Some("http://127.0.0.1:4444/oauth/token")
    );
    assert_eq!(
        moved.device_endpoint.as_deref(),
        Some("http://127.0.0.1:4444/api/accounts/deviceauth/usercode")
    );
    assert_eq!(moved.client_id.as_deref(), Some("my-client"));
    assert_eq!(
        moved.scope, defaults.scope,
        "a blank override keeps the default"
    );
    assert_eq!(moved.redirect_uri, defaults.redirect_uri);
}

#[test]
fn compatible_oauth_needs_an_issuer_and_is_discovered() {
    let registry = ProviderRegistry::builtin();
    let compatible = registry.get("openai-compatible").unwrap();
    assert_eq!(compatible.oauth_client(&OAuthOverrides::default()), None);
    let client = compatible
        .oauth_client(&OAuthOverrides {
            issuer: Some("https://id.example.test".into()),
            client_id: Some("cli".into()),
            ..OAuthOverrides::default()
        })
        .unwrap();
    assert_eq!(client.flavour, OAuthFlavour::Standard);
    assert_eq!(client.token_endpoint, None);
    assert_eq!(client.issuer, "https://id.example.test");
    assert_eq!(
        registry
            .get("anthropic")
            .unwrap()
            .oauth_client(&OAuthOverrides::default()),
        None
    );
}

#[test]
fn auth_method_parses_ignoring_case_and_serializes_by_name() {
    assert_eq!(
        "oauthdevice".parse::<AuthMethod>().ok(),
        Some(AuthMethod::OAuthDevice)
    );
    assert_eq!(
        "APIKEY".parse::<AuthMethod>().ok(),
        Some(AuthMethod::ApiKey)
    );
    assert!("token".parse::<AuthMethod>().is_err());
    let parsed: AuthMethod = serde_json::from_str("\"oauthpkce\"").unwrap();
    assert_eq!(parsed, AuthMethod::OAuthPkce);
    assert_eq!(
        serde_json::to_string(&AuthMethod::OAuthPkce).unwrap(),
        "\"OAuthPkce\""
    );
}

#[test]
fn a_mistyped_type_is_answered_with_the_closest_one() {
    let registry = ProviderRegistry::builtin();
    let error = registry.get("opena").unwrap_err();
    assert_eq!(error.suggestion, Some("openai"));
    assert!(
        error.to_string().contains("(did you mean `openai`?)"),
        "{error}"
    );
    assert_eq!(
        registry.get("antropic").unwrap_err().suggestion,
        Some("anthropic")
    );
    assert_eq!(registry.get("mistral").unwrap_err().suggestion, None);
}
