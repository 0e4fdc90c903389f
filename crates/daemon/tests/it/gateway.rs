//! The OpenAI-compatible gateway against loopback upstreams: OpenAI with a key (Responses API),
//! OpenAI through the ChatGPT subscription (Codex backend) and Anthropic (Messages API).

use pretty_assertions::assert_eq;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Home, fixture, sse};

const OPENAI_KEY: &str = "sk-test-gateway-openai";
const ANTHROPIC_KEY: &str = "sk-ant-gateway";
const CODEX_ACCESS: &str = "codex-access-token";

/// A home with three providers pointing at `server`, and a running daemon.
struct Gateway {
    _home: Home,
    daemon: netclaw_daemon::RunningDaemon,
    http: reqwest::Client,
}

impl Gateway {
    async fn start(server: &MockServer) -> Self {
        let home = Home::new();
        home.add_key_provider(
            "work",
            "openai",
            &format!("{}/v1", server.uri()),
            OPENAI_KEY,
        );
        home.add_key_provider("claude", "anthropic", &server.uri(), ANTHROPIC_KEY);
        home.add_codex_provider(
            "chatgpt",
            &format!("{}/backend-api/codex", server.uri()),
            &server.uri(),
            CODEX_ACCESS,
            "codex-refresh",
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1),
        );
        home.set_main("claude", "claude-sonnet-4-5");
        let daemon = home.spawn_quiet().await;
        Self {
            _home: home,
            daemon,
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.daemon.base_url()))
            .bearer_auth(self.daemon.token().expose_secret())
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

/// The `data:` payloads of an SSE body, `[DONE]` excluded.
fn data_lines(body: &str) -> Vec<Value> {
    body.lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter(|d| *d != "[DONE]")
        .map(|d| serde_json::from_str(d).unwrap())
        .collect()
}

async fn mount_responses(server: &MockServer, at: &str, auth: &str, body: Vec<u8>) {
    Mock::given(method("POST"))
        .and(path(at))
        .and(header("authorization", auth))
        .respond_with(sse(body))
        .mount(server)
        .await;
}

async fn upstream_bodies(server: &MockServer, at: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == at)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn chat_completions_non_streaming_through_openai_with_a_key() {
    let server = MockServer::start().await;
    mount_responses(
        &server,
        "/v1/responses",
        &format!("Bearer {OPENAI_KEY}"),
        fixture("responses_text.sse"),
    )
    .await;
    let gw = Gateway::start(&server).await;
    let response = gw
        .post("/v1/chat/completions", json!({"model": "work/gpt-5", "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "work/gpt-5");
    assert_eq!(body["choices"][0]["message"]["content"], "Hello, wörld ✓");
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert_eq!(body["usage"]["prompt_tokens"], 42);
    let upstream = upstream_bodies(&server, "/v1/responses").await;
    assert_eq!(upstream[0]["model"], "gpt-5");
    assert_eq!(upstream[0]["instructions"], "be brief");
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn chat_completions_streaming_through_anthropic_by_the_main_model() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", ANTHROPIC_KEY))
        .respond_with(sse(fixture("anthropic_text.sse")))
        .mount(&server)
        .await;
    let gw = Gateway::start(&server).await;
    // No provider prefix: the configured main model (claude/claude-sonnet-4-5) answers.
    let response = gw
        .post("/v1/chat/completions", json!({"model": "default", "stream": true, "stream_options": {"include_usage": true}, "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let body = response.text().await.unwrap();
    assert!(body.ends_with("data: [DONE]\n\n"), "{body}");
    let chunks = data_lines(&body);
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, "Hello there!");
    assert!(chunks.iter().all(
        |c| c["object"] == "chat.completion.chunk" && c["model"] == "claude/claude-sonnet-4-5"
    ));
    assert_eq!(
        chunks[chunks.len() - 2]["choices"][0]["finish_reason"],
        "stop"
    );
    assert_eq!(chunks.last().unwrap()["usage"]["completion_tokens"], 15);
    assert_eq!(
        upstream_bodies(&server, "/v1/messages").await[0]["model"],
        "claude-sonnet-4-5"
    );
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn responses_non_streaming_and_streaming_through_the_codex_backend() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(header(
            "authorization",
            format!("Bearer {CODEX_ACCESS}").as_str(),
        ))
        .and(header("chatgpt-account-id", "acct-123"))
        .respond_with(sse(fixture("responses_tool_call.sse")))
        .mount(&server)
        .await;
    let gw = Gateway::start(&server).await;
    let tools = json!([{"type": "function", "name": "get_weather", "description": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]);

    let response = gw
        .post(
            "/v1/responses",
            json!({"model": "chatgpt/gpt-5.5", "input": "weather in Paris?", "tools": tools}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], "resp_1", "the backend's own response, relayed");
    assert_eq!(
        body["model"], "chatgpt/gpt-5.5",
        "named as the client named it"
    );
    assert_eq!(body["status"], "completed");
    let call = body["output"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["type"] == "function_call")
        .unwrap();
    assert_eq!(call["call_id"], "call_abc");
    assert_eq!(call["name"], "get_weather");
    assert_eq!(call["arguments"], r#"{"city":"Paris","unit":"celsius"}"#);
    assert_eq!(body["usage"]["input_tokens"], 42);

    let response = gw
        .post("/v1/responses", json!({"model": "chatgpt/gpt-5.5", "input": "weather in Paris?", "tools": tools, "stream": true}))
        .await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    let events = data_lines(&body);
    let kinds: Vec<_> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds.first().unwrap(), "response.created");
    assert_eq!(kinds.last().unwrap(), "response.completed");
    let done = events
        .iter()
        .find(|e| e["type"] == "response.function_call_arguments.done")
        .unwrap();
    assert_eq!(done["arguments"], r#"{"city":"Paris","unit":"celsius"}"#);

    // The Codex wire: store false, stream true, instructions always present, tools without strict null.
    let upstream = upstream_bodies(&server, "/backend-api/codex/responses").await;
    assert_eq!(upstream[0]["store"], false);
    assert_eq!(upstream[0]["stream"], true);
    assert!(upstream[0].get("instructions").is_some());
    assert!(!upstream[0]["tools"].to_string().contains("strict\":null"));
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn responses_streaming_text_through_openai_with_a_key() {
    let server = MockServer::start().await;
    mount_responses(
        &server,
        "/v1/responses",
        &format!("Bearer {OPENAI_KEY}"),
        fixture("responses_text.sse"),
    )
    .await;
    let gw = Gateway::start(&server).await;
    let response = gw
        .post("/v1/responses", json!({"model": "work/gpt-5", "input": [{"role": "user", "content": [{"type": "input_text", "text": "hi"}]}], "stream": true}))
        .await;
    let body = response.text().await.unwrap();
    let events = data_lines(&body);
    let text: String = events
        .iter()
        .filter(|e| e["type"] == "response.output_text.delta")
        .map(|e| e["delta"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Hello, wörld ✓");
    assert_eq!(events.last().unwrap()["type"], "response.completed");
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn tools_round_trip_through_anthropic_with_chat_completions() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(sse(fixture("anthropic_tool_use.sse")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(sse(fixture("anthropic_text.sse")))
        .mount(&server)
        .await;
    let gw = Gateway::start(&server).await;
    let tools = json!([{"type": "function", "function": {"name": "get_weather", "description": "weather", "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}]);
    let first = gw
        .post("/v1/chat/completions", json!({"model": "claude/claude-sonnet-4-5", "stream": true, "tools": tools, "messages": [{"role": "user", "content": "weather in SF?"}]}))
        .await
        .text()
        .await
        .unwrap();
    let chunks = data_lines(&first);
    let call = chunks
        .iter()
        .find_map(|c| c["choices"][0]["delta"]["tool_calls"].as_array().cloned())
        .unwrap()[0]
        .clone();
    assert_eq!(call["id"], "toolu_01");
    assert_eq!(call["function"]["name"], "get_weather");
    let finish = chunks
        .iter()
        .find_map(|c| c["choices"][0]["finish_reason"].as_str().map(str::to_owned))
        .unwrap();
    assert_eq!(finish, "tool_calls");

    let second: Value = gw
        .post(
            "/v1/chat/completions",
            json!({"model": "claude/claude-sonnet-4-5", "tools": tools, "messages": [
                {"role": "user", "content": "weather in SF?"},
                {"role": "assistant", "content": null, "tool_calls": [{"id": call["id"], "type": "function", "function": call["function"]}]},
                {"role": "tool", "tool_call_id": call["id"], "content": "{\"temp\": 18}"}
            ]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["choices"][0]["message"]["content"], "Hello there!");
    let upstream = upstream_bodies(&server, "/v1/messages").await;
    insta::assert_json_snapshot!("anthropic_tool_result_request", upstream[1]["messages"]);
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn models_are_listed_as_provider_slash_model() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header(
            "authorization",
            format!("Bearer {OPENAI_KEY}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"object": "list", "data": [{"id": "gpt-5", "object": "model"}]}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("x-api-key", ANTHROPIC_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "claude-sonnet-4-5", "display_name": "Claude Sonnet 4.5", "type": "model"}], "has_more": false})))
        .mount(&server)
        .await;
    let gw = Gateway::start(&server).await;
    let body: Value = gw
        .http
        .get(format!("{}/v1/models", gw.daemon.base_url()))
        .bearer_auth(gw.daemon.token().expose_secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<_> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&"work/gpt-5".to_owned()), "{ids:?}");
    assert!(
        ids.contains(&"claude/claude-sonnet-4-5".to_owned()),
        "{ids:?}"
    );
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn upstream_failures_become_openai_shaped_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "120")
                .set_body_json(json!({"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}})),
        )
        .mount(&server)
        .await;
    let gw = Gateway::start(&server).await;
    let limited = gw
        .post("/v1/chat/completions", json!({"model": "claude/claude-sonnet-4-5", "stream": true, "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(limited.status(), 429);
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"]["type"], "rate_limit_error");
    assert_eq!(body["error"]["code"], "rate_limit_exceeded");

    let unknown = gw
        .post(
            "/v1/chat/completions",
            json!({"model": "nobody/x", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["error"]["code"], "model_not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`nobody`")
    );
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn model_names_resolve_to_the_one_provider_serving_them_or_come_back_with_close_matches() {
    let server = MockServer::start().await;
    mount_responses(
        &server,
        "/v1/responses",
        &format!("Bearer {OPENAI_KEY}"),
        fixture("responses_text.sse"),
    )
    .await;
    let gw = Gateway::start(&server).await;
    let ask =
        |model: &str| json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});

    // Two OpenAI providers list `gpt-5.5`: the bare name is ambiguous.
    let response = gw.post("/v1/chat/completions", ask("gpt-5.5")).await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "model_not_found");
    insta::assert_snapshot!(body["error"]["message"].as_str().unwrap(), @"model `gpt-5.5` is served by several providers (`chatgpt/gpt-5.5`, `work/gpt-5.5`); name one as `<provider>/<model>`");

    // A typo: nothing is sent upstream, and the answer names the closest models.
    let response = gw.post("/v1/chat/completions", ask("gtp-5.5")).await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("did you mean `chatgpt/gpt-5.5`"),
        "{message}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());

    let models: Value = gw
        .http
        .get(format!("{}/v1/models", gw.daemon.base_url()))
        .bearer_auth(gw.daemon.token().expose_secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(models["data"][0]["id"], "default");
    gw.daemon.shutdown().await.unwrap();
}
