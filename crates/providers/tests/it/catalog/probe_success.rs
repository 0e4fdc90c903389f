//! Every provider type's probe against a healthy loopback server: the request carries the right
//! headers, and models with their capabilities are parsed.

use std::time::Duration;

use jiff::SignedDuration;
use netclaw_providers::bearer::Bearer;
use netclaw_providers::probe::ProbeClass;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::support::{FLAVOURS, KEY, now, run};

const TIMEOUT: Duration = Duration::from_secs(10);

fn codex_catalog() -> serde_json::Value {
    json!({"models": [
        {"slug": "gpt-5.5", "display_name": "GPT-5.5", "visibility": "list",
         "context_window": 272000, "input_modalities": ["text", "image"], "output_modalities": ["text"]},
        {"slug": "codex-auto-review", "visibility": "hide", "context_window": 272000,
         "input_modalities": ["text"]},
        {"id": "gpt-5.3-codex-spark", "context_window": "128000", "input_modalities": ["text"]}
    ]})
}

#[tokio::test]
async fn openai_oauth_reads_the_codex_catalog_with_account_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/backend-api/codex/models"))
        .and(query_param("client_version", "0.147.0"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("chatgpt-account-id", "acct-123"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(codex_catalog()))
        .expect(1)
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[0].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    insta::assert_json_snapshot!("codex_models", report.models);
}

#[tokio::test]
async fn openai_oauth_refuses_incomplete_metadata_and_never_guesses() {
    let server = MockServer::start().await;
    Mock::given(path("/backend-api/codex/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            {"slug": "a", "input_modalities": ["text"]},
            {"slug": "b", "context_window": 0, "input_modalities": ["text"]},
            {"slug": "c", "context_window": 1000}
        ]})))
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[0].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::BadResponse);
    assert_eq!(
        report.message.as_deref(),
        Some("OpenAI Codex /models returned incomplete context-window metadata for: a, b")
    );
}

#[tokio::test]
async fn openai_oauth_checks_token_and_account_before_calling() {
    let server = MockServer::start().await;
    let flavour = &FLAVOURS[0];

    let mut expired = flavour.target(&server.uri());
    expired.token_expiry = Some(now() - SignedDuration::from_mins(1));
    let report = run(&expired, TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Auth);
    let message = report.message.unwrap();
    assert!(
        message.contains("expired") && message.contains("`netclaw provider login work`"),
        "{message}"
    );

    let mut opaque = flavour.target(&server.uri());
    opaque.bearer = Some(Bearer {
        token: "opaque-token".into(),
        account_id: None,
    });
    let report = run(&opaque, TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Auth);
    assert!(report.message.unwrap().contains("account ID"));

    let mut missing = flavour.target(&server.uri());
    missing.bearer = None;
    let report = run(&missing, TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::NotConfigured);
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request without a usable token"
    );
}

#[tokio::test]
async fn openai_key_lists_models_with_bearer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "data": [{"id": "gpt-5.5", "object": "model"}, {"id": "text-embedding-3-large"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[1].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    let ids: Vec<_> = report.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["gpt-5.5", "text-embedding-3-large"]);

    let mut keyless = FLAVOURS[1].target(&server.uri());
    keyless.bearer = None;
    let report = run(&keyless, TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::NotConfigured);
    assert_eq!(
        report.message.as_deref(),
        Some("API key is required for OpenAI. Get one at https://platform.openai.com/api-keys")
    );
}

#[tokio::test]
async fn anthropic_sends_x_api_key_and_version() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"type": "model", "id": "claude-opus-4-5", "display_name": "Claude Opus 4.5",
             "max_input_tokens": 200000, "max_tokens": 64000},
            {"type": "model", "id": "claude-haiku-4-5", "display_name": "Claude Haiku 4.5"}
        ], "has_more": false})))
        .expect(1)
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[2].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests[0].headers.get("authorization").is_none(),
        "the key goes in x-api-key only"
    );
    insta::assert_json_snapshot!("anthropic_models", report.models);
}

#[tokio::test]
async fn openrouter_reads_context_modalities_tools_and_pricing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "anthropic/claude-sonnet-4.5", "name": "Anthropic: Claude Sonnet 4.5",
             "context_length": 1000000,
             "architecture": {"input_modalities": ["text", "image", "file"], "output_modalities": ["text"]},
             "pricing": {"prompt": "0.000003", "completion": "0.000015"},
             "top_provider": {"context_length": 1000000, "max_completion_tokens": 64000},
             "supported_parameters": ["tools", "temperature"]},
            {"id": "meta/llama-guard", "context_length": 8192,
             "architecture": {"input_modalities": ["text"]},
             "pricing": {"prompt": "0", "completion": "0"},
             "supported_parameters": ["temperature"]}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[3].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    insta::assert_json_snapshot!("openrouter_models", report.models);
}

#[tokio::test]
async fn ollama_lists_tags_and_asks_each_model_for_details() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/tags"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            {"name": "llama3.2:3b", "model": "llama3.2:3b"},
            {"name": "gemma3:4b", "model": "gemma3:4b"},
            {"name": "broken:1b"}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/show"))
        .and(body_json(json!({"model": "llama3.2:3b"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "model_info": {"general.architecture": "llama", "llama.context_length": 131072},
            "capabilities": ["completion", "tools"]
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/show"))
        .and(body_json(json!({"model": "gemma3:4b"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "model_info": {"general.architecture": "gemma3", "gemma3.context_length": 32768,
                           "gemma3.vision.block_count": 27}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/show"))
        .and(body_json(json!({"model": "broken:1b"})))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[4].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    insta::assert_json_snapshot!("ollama_models", report.models);
}

#[tokio::test]
async fn openai_compatible_follows_v1_rules_and_reads_context_shapes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": [
                {"id": "Qwen/Qwen3-32B", "max_model_len": 40960},
                {"id": "ds4", "context_length": 0, "top_provider": {"context_length": 65536}},
                {"id": "llama.gguf", "meta": {"n_ctx": 8192, "n_ctx_train": 131072}},
                {"id": "train-only.gguf", "meta": {"n_ctx_train": 4096}},
                {"id": "mystery"}
            ]})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let flavour = &FLAVOURS[5];
    let report = run(&flavour.target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    insta::assert_json_snapshot!("compatible_models", report.models);

    // A base already ending in /v1 is not given a second one.
    let mut with_v1 = flavour.target(&server.uri());
    with_v1.endpoint = Some(format!("{}/v1/", server.uri()));
    assert_eq!(run(&with_v1, TIMEOUT).await.class, ProbeClass::Ok);

    let mut no_endpoint = flavour.target(&server.uri());
    no_endpoint.endpoint = None;
    let report = run(&no_endpoint, TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::NotConfigured);
    insta::assert_snapshot!(report.message.unwrap(), @"An endpoint is required for openai-compatible. Set it with `netclaw provider add work openai-compatible --endpoint URL`.");
}

#[tokio::test]
async fn the_legacy_type_key_probes_the_codex_catalog() {
    let server = MockServer::start().await;
    Mock::given(path("/backend-api/codex/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(codex_catalog()))
        .expect(1)
        .mount(&server)
        .await;
    let mut target = FLAVOURS[0].target(&server.uri());
    target.type_key = "OpenAI-Codex".into();
    target.auth_method = netclaw_providers::descriptor::AuthMethod::OAuthPkce;
    let report = run(&target, TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    assert_eq!(report.models.len(), 2);
}

#[tokio::test]
async fn an_anthropic_endpoint_given_with_v1_is_probed_at_v1_models() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("x-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"type": "model", "id": "claude-opus-4-5", "max_input_tokens": 200000}
        ], "has_more": false})))
        .expect(1)
        .mount(&server)
        .await;
    let with_v1 = format!("{}/v1", server.uri());
    let report = run(&FLAVOURS[2].target(&with_v1), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    assert_eq!(report.models[0].context_window, Some(200_000));
}

#[tokio::test]
async fn a_litellm_listing_gives_its_input_and_output_limits() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "gpt-4o-mini", "object": "model", "owned_by": "openai",
             "max_input_tokens": 128000, "max_output_tokens": 16384}
        ]})))
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[5].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    assert_eq!(report.models[0].context_window, Some(128_000));
    assert_eq!(report.models[0].max_output_tokens, Some(16_384));
}

#[tokio::test]
async fn litellm_model_info_fills_the_limits_a_bare_listing_lacks() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "claude-sonnet", "object": "model", "owned_by": "openai"},
            {"id": "local-only", "object": "model", "owned_by": "openai"}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/model/info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"model_name": "claude-sonnet",
             "litellm_params": {"model": "anthropic/claude-sonnet-4-5"},
             "model_info": {"max_tokens": 64000, "max_input_tokens": 200000,
                            "max_output_tokens": 64000, "supports_vision": true,
                            "supports_function_calling": true}}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[5].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    insta::assert_json_snapshot!(report.models);
}

#[tokio::test]
async fn a_server_without_model_info_still_probes_ok() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "m"}]})))
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[5].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    assert_eq!(report.models[0].context_window, None);
}

#[tokio::test]
async fn gemini_reads_the_native_listing_for_real_limits() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1beta/models"))
        .and(header("x-goog-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            {"name": "models/gemini-2.5-pro", "displayName": "Gemini 2.5 Pro",
             "inputTokenLimit": 1_048_576, "outputTokenLimit": 65536,
             "supportedGenerationMethods": ["generateContent", "countTokens"]},
            {"name": "models/text-embedding-004", "inputTokenLimit": 2048,
             "supportedGenerationMethods": ["embedContent"]}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[6].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests[0].headers.get("authorization").is_none(),
        "the key goes in x-goog-api-key only"
    );
    insta::assert_json_snapshot!(report.models);
}

#[tokio::test]
async fn venice_reads_its_model_spec() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "venice-uncensored", "type": "text", "model_spec": {
                "availableContextTokens": 32768,
                "capabilities": {"supportsVision": false, "supportsFunctionCalling": true}}},
            {"id": "mistral-31-24b", "type": "text", "model_spec": {
                "availableContextTokens": 131_072,
                "capabilities": {"supportsVision": true, "supportsFunctionCalling": true}}}
        ]})))
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[7].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    insta::assert_json_snapshot!(report.models);
}

#[tokio::test]
async fn zai_models_get_their_known_windows_from_the_catalog() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/coding/paas/v4/models"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "glm-5.3", "object": "model"}, {"id": "glm-5.2", "object": "model"}
        ]})))
        .mount(&server)
        .await;
    let report = run(&FLAVOURS[8].target(&server.uri()), TIMEOUT).await;
    assert_eq!(report.class, ProbeClass::Ok, "{:?}", report.message);
    let catalog = netclaw_providers::models::BundledCatalog::models_for(
        netclaw_providers::descriptor::ProviderKind::Zai,
    );
    let merged =
        netclaw_providers::models::merge_listing(Some(&report.models), catalog, &[]).unwrap();
    let windows: Vec<(String, u32, &str)> = merged
        .iter()
        .map(|m| {
            (
                m.id.clone(),
                m.context_window.value,
                m.context_window.source.as_str(),
            )
        })
        .collect();
    assert_eq!(
        windows,
        [
            ("glm-5.3".to_owned(), 1_000_000, "catalog"),
            ("glm-5.2".to_owned(), 200_000, "catalog")
        ]
    );
}
