//! The Codex backend's rules as a strict mock that refuses what the real backend refuses,
//! credential renewal on 401, rate limits and interrupted streams.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use netclaw_providers::chat::{
    ChatClient, ChatError, ChatRequest, ClientConfig, CodexClient, Message, ReasoningEffort,
    StreamEvent, ToolDefinition,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use super::support::{
    RenewingBearer, bearer, client, fast_http, fixture, render, render_error, stream_response,
};

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

/// `Content-Type` other than exactly `application/json` (the backend refuses a charset).
struct ContentTypeNotPlainJson;
impl Match for ContentTypeNotPlainJson {
    fn matches(&self, request: &Request) -> bool {
        request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            != Some("application/json")
    }
}

/// A `system` item in `input`.
struct SystemInputItem;
impl Match for SystemInputItem {
    fn matches(&self, request: &Request) -> bool {
        body(request)["input"].as_array().is_some_and(|items| {
            items
                .iter()
                .any(|item| item["role"] == "system" || item["type"] == "system")
        })
    }
}

/// `"strict": null` in a tool.
struct StrictNull;
impl Match for StrictNull {
    fn matches(&self, request: &Request) -> bool {
        body(request)["tools"].as_array().is_some_and(|tools| {
            tools
                .iter()
                .any(|tool| tool.get("strict").is_some_and(Value::is_null))
        })
    }
}

/// No string `instructions`.
struct MissingInstructions;
impl Match for MissingInstructions {
    fn matches(&self, request: &Request) -> bool {
        !body(request)["instructions"].is_string()
    }
}

/// `stream` not `true`, or `store` not `false`.
struct NotStreamingOrStored;
impl Match for NotStreamingOrStored {
    fn matches(&self, request: &Request) -> bool {
        let body = body(request);
        body["stream"] != json!(true) || body["store"] != json!(false)
    }
}

/// No `ChatGPT-Account-Id`, `originator` or SSE `Accept`.
struct MissingCodexHeaders;
impl Match for MissingCodexHeaders {
    fn matches(&self, request: &Request) -> bool {
        let get = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        get("chatgpt-account-id").is_none_or(str::is_empty)
            || get("originator") != Some("netclaw")
            || get("accept") != Some("text/event-stream")
            || !get("authorization").is_some_and(|v| v.starts_with("Bearer "))
    }
}

/// Mount the strict rule set: each violation answers 400 as the backend does.
async fn mount_strict_backend(server: &MockServer) {
    async fn refuse(server: &MockServer, matcher: impl Match + 'static, detail: &str) {
        Mock::given(method("POST"))
            .and(matcher)
            .respond_with(ResponseTemplate::new(400).set_body_json(json!({"detail": detail})))
            .with_priority(1)
            .mount(server)
            .await;
    }
    refuse(server, ContentTypeNotPlainJson, "Unsupported content type").await;
    refuse(server, SystemInputItem, "System messages are not allowed").await;
    refuse(
        server,
        StrictNull,
        "Invalid type for 'tools[0].strict': expected a boolean, but got null instead",
    )
    .await;
    refuse(server, MissingInstructions, "Instructions are required").await;
    refuse(server, NotStreamingOrStored, "Stream must be set to true").await;
    refuse(server, MissingCodexHeaders, "Missing ChatGPT account").await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .respond_with(stream_response(fixture("responses", "tool_call.sse")))
        .with_priority(10)
        .mount(server)
        .await;
}

fn demanding_request() -> ChatRequest {
    ChatRequest {
        tools: vec![ToolDefinition {
            name: "get_weather".into(),
            description: None,
            parameters: json!({"type": "object", "properties": {}}),
            strict: None,
        }],
        reasoning: Some(ReasoningEffort::High),
        prompt_cache_key: Some("conv-1".into()),
        ..ChatRequest::new(
            "gpt-5.5",
            vec![
                Message::system("Be brief."),
                Message::user("Weather?"),
                Message::system("Use tools."),
            ],
        )
    }
}

#[tokio::test]
async fn codex_client_passes_the_strict_backend() {
    let server = MockServer::start().await;
    mount_strict_backend(&server).await;
    let client = client(
        "codex",
        &format!("{}/backend-api/codex", server.uri()),
        fast_http(),
    );
    let response = client
        .stream(demanding_request())
        .collect_response()
        .await
        .unwrap();
    assert_eq!(response.tool_calls.len(), 1);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    let sent = body(&received[0]);
    assert_eq!(sent["instructions"], "Be brief.\nUse tools.");
    assert_eq!(sent["include"], json!(["reasoning.encrypted_content"]));
    assert_eq!(sent["prompt_cache_key"], "conv-1");
}

#[tokio::test]
async fn strict_backend_refuses_each_violation() {
    let server = MockServer::start().await;
    mount_strict_backend(&server).await;
    let url = format!("{}/backend-api/codex/responses", server.uri());
    let good = json!({"model": "m", "instructions": "", "input": [], "tools": [{"type": "function", "name": "f", "parameters": {}}], "store": false, "stream": true});
    let http = reqwest::Client::new();
    let send = |content_type: &'static str, account: Option<&'static str>, body: Value| {
        let mut builder = http
            .post(&url)
            .header("authorization", "Bearer t")
            .header("originator", "netclaw")
            .header("accept", "text/event-stream")
            .header("content-type", content_type)
            .body(body.to_string());
        if let Some(account) = account {
            builder = builder.header("chatgpt-account-id", account);
        }
        async move { builder.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(send("application/json", Some("a"), good.clone()).await, 200);
    assert_eq!(
        send("application/json; charset=utf-8", Some("a"), good.clone()).await,
        400
    );
    assert_eq!(send("application/json", None, good.clone()).await, 400);
    let mut with_system = good.clone();
    with_system["input"] = json!([{"role": "system", "content": "x"}]);
    assert_eq!(send("application/json", Some("a"), with_system).await, 400);
    let mut strict_null = good.clone();
    strict_null["tools"][0]["strict"] = Value::Null;
    assert_eq!(send("application/json", Some("a"), strict_null).await, 400);
    let mut no_instructions = good.clone();
    no_instructions
        .as_object_mut()
        .unwrap()
        .remove("instructions");
    assert_eq!(
        send("application/json", Some("a"), no_instructions).await,
        400
    );
    let mut not_streaming = good;
    not_streaming["stream"] = json!(false);
    assert_eq!(
        send("application/json", Some("a"), not_streaming).await,
        400
    );
}

fn codex_with(source: Arc<RenewingBearer>, uri: &str) -> CodexClient {
    CodexClient::new(
        ClientConfig::new("openai", uri)
            .with_http(fast_http())
            .with_bearer(source),
    )
    .unwrap()
}

#[tokio::test]
async fn a_401_renews_the_credential_and_retries_once() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer old"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"message": "token expired"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("authorization", "Bearer new"))
        .respond_with(stream_response(fixture("responses", "text.sse")))
        .expect(1)
        .mount(&server)
        .await;
    let source = RenewingBearer::new(
        bearer("old", Some("acct")),
        Some(bearer("new", Some("acct"))),
    );
    let client = codex_with(Arc::clone(&source), &server.uri());
    let response = client
        .stream(ChatRequest::new("m", vec![Message::user("Hi")]))
        .collect_response()
        .await
        .unwrap();
    assert_eq!(response.text, "Hello, wörld ✓");
    assert_eq!(source.bearer_calls.load(Ordering::SeqCst), 1);
    assert_eq!(source.rejections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_second_401_is_unauthorized_with_the_login_hint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"message": "token expired"}})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let source = RenewingBearer::new(
        bearer("old", Some("acct")),
        Some(bearer("new", Some("acct"))),
    );
    let client = codex_with(Arc::clone(&source), &server.uri());
    let error = client
        .stream(ChatRequest::new("m", vec![Message::user("Hi")]))
        .collect_response()
        .await
        .unwrap_err();
    assert!(
        matches!(error, ChatError::Unauthorized { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(source.rejections.load(Ordering::SeqCst), 1);
    insta::assert_json_snapshot!("codex_second_401", render_error(&error));
}

#[tokio::test]
async fn a_failed_renewal_is_unauthorized_with_the_login_hint() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let source = RenewingBearer::new(bearer("old", Some("acct")), None);
    let client = codex_with(Arc::clone(&source), &server.uri());
    let error = client
        .stream(ChatRequest::new("m", vec![Message::user("Hi")]))
        .collect_response()
        .await
        .unwrap_err();
    assert!(matches!(error, ChatError::Unauthorized { .. }), "{error:?}");
    assert!(
        error
            .user_message()
            .contains("netclaw provider login openai")
    );
}

#[tokio::test]
async fn a_truncated_stream_is_interrupted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(stream_response(fixture("responses", "truncated.sse")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client("codex", &server.uri(), fast_http());
    let items = render(client.stream(ChatRequest::new("m", vec![Message::user("Hi")]))).await;
    assert_eq!(items.len(), 3, "two deltas then the error: {items:?}");
    assert_eq!(items[2]["error"], "StreamInterrupted");
}

#[tokio::test]
async fn usage_limit_429_is_rate_limited_with_resets_at_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-codex-primary-used-percent", "100")
                .insert_header("x-codex-primary-window-minutes", "300")
                .insert_header("x-codex-primary-reset-at", "1767225600")
                .insert_header("x-codex-active-limit", "codex")
                .set_body_json(json!({"error": {"type": "usage_limit_reached", "message": "The usage limit has been reached", "plan_type": "plus", "resets_at": 1_767_225_600}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client("codex", &server.uri(), fast_http());
    let error = client
        .stream(ChatRequest::new("m", vec![Message::user("Hi")]))
        .collect_response()
        .await
        .unwrap_err();
    let ChatError::RateLimited {
        resets_at,
        usage_limit,
        snapshot,
        ..
    } = &error
    else {
        panic!("expected RateLimited, got {error:?}");
    };
    assert_eq!(
        *resets_at,
        Some(jiff::Timestamp::from_second(1_767_225_600).unwrap())
    );
    assert!(usage_limit);
    assert_eq!(
        snapshot
            .as_ref()
            .unwrap()
            .primary
            .as_ref()
            .unwrap()
            .used_percent,
        100.0
    );
    insta::assert_json_snapshot!("codex_usage_limit", render_error(&error));
}

#[tokio::test]
async fn rate_limit_headers_come_first_as_a_snapshot() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            stream_response(fixture("responses", "text.sse"))
                .insert_header("x-codex-primary-used-percent", "12.5")
                .insert_header("x-codex-primary-window-minutes", "300")
                .insert_header("x-codex-primary-reset-at", "1767225600")
                .insert_header("x-codex-secondary-used-percent", "40")
                .insert_header("x-codex-secondary-window-minutes", "10080")
                .insert_header("x-codex-secondary-reset-after-seconds", "86400")
                .insert_header("x-codex-credits-has-credits", "true")
                .insert_header("x-codex-credits-unlimited", "false")
                .insert_header("x-codex-credits-balance", "12.00"),
        )
        .mount(&server)
        .await;
    let client = client("codex", &server.uri(), fast_http());
    let mut stream = client.stream(ChatRequest::new("m", vec![Message::user("Hi")]));
    let first = futures_util::StreamExt::next(&mut stream)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(first, StreamEvent::RateLimits(_)));
    assert!(!stream.output_seen(), "rate limits are not output");
    insta::assert_json_snapshot!("codex_rate_limits", first);
}

#[tokio::test]
async fn a_credential_without_account_id_is_refused_before_sending() {
    let server = MockServer::start().await;
    let source = RenewingBearer::new(bearer("t", None), None);
    let client = codex_with(source, &server.uri());
    let error = client
        .stream(ChatRequest::new("m", vec![Message::user("Hi")]))
        .collect_response()
        .await
        .unwrap_err();
    assert!(
        matches!(error, ChatError::MissingAccountId { .. }),
        "{error:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
    assert_eq!(client.provider().name, "openai");
}
