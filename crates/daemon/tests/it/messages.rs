//! Anthropic's Messages API on the gateway (`/v1/messages`, `count_tokens`), as Claude Code
//! and the `anthropic` SDKs call it: translated for a ChatGPT subscription, relayed for an
//! Anthropic provider, with `x-api-key` accepted and errors in Anthropic's shape.

use pretty_assertions::assert_eq;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{Home, fixture, sse};

const ANTHROPIC_KEY: &str = "sk-ant-messages";

/// What Claude Code sends (shape captured from `claude -p` 2.1.x, contents shortened): system
/// blocks with `cache_control`, a mid-conversation `system` message, a tool round trip,
/// `thinking`, `context_management` and `metadata`.
fn claude_code_body(model: &str, stream: bool) -> Value {
    json!({
        "model": model,
        "max_tokens": 32000,
        "stream": stream,
        "system": [
            {"type": "text", "text": "You are Claude Code."},
            {"type": "text", "text": "Be concise.", "cache_control": {"type": "ephemeral"}}
        ],
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "list the files"}]},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Listing."},
                {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt\nb.txt"}
            ]},
            {"role": "system", "content": "Reminder: stay in the repository."},
            {"role": "user", "content": "which is newer?"}
        ],
        "tools": [{"name": "Bash", "description": "Run a command",
                   "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}}}],
        "thinking": {"type": "adaptive"},
        "context_management": {"edits": []},
        "metadata": {"user_id": "user_1"}
    })
}

struct Messages {
    _home: Home,
    server: MockServer,
    daemon: netclaw_daemon::RunningDaemon,
}

impl Messages {
    async fn start() -> Self {
        let server = MockServer::start().await;
        let home = Home::new();
        home.add_codex_provider(
            "work",
            &format!("{}/backend-api/codex", server.uri()),
            &server.uri(),
            "codex-access",
            "codex-refresh",
            jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1),
        );
        home.add_key_provider("claude", "anthropic", &server.uri(), ANTHROPIC_KEY);
        let daemon = home.spawn_quiet().await;
        Self {
            _home: home,
            server,
            daemon,
        }
    }

    /// A request the way Anthropic's clients send one: `x-api-key`, the version and betas.
    async fn post(&self, route: &str, body: &Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}{route}", self.daemon.base_url()))
            .header("x-api-key", self.daemon.token().expose_secret())
            .header("anthropic-version", "2023-06-01")
            .header(
                "anthropic-beta",
                "claude-code-20250219,interleaved-thinking-2025-05-14",
            )
            .json(body)
            .send()
            .await
            .unwrap()
    }

    async fn upstream_bodies(&self, at: &str) -> Vec<Value> {
        self.server
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.url.path() == at)
            .map(|r| serde_json::from_slice(&r.body).unwrap())
            .collect()
    }
}

fn events(body: &str) -> Vec<(String, Value)> {
    body.split("\n\n")
        .filter_map(|block| {
            let mut name = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(n) = line.strip_prefix("event: ") {
                    name = Some(n.to_owned());
                } else if let Some(d) = line.strip_prefix("data: ") {
                    data = serde_json::from_str(d).ok();
                }
            }
            Some((name?, data?))
        })
        .collect()
}

#[tokio::test]
async fn claude_code_is_served_by_a_chatgpt_subscription() {
    let gw = Messages::start().await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .respond_with(sse(fixture("responses_text.sse")))
        .mount(&gw.server)
        .await;

    let response = gw
        .post(
            "/v1/messages?beta=true",
            &claude_code_body("work/gpt-5.5", true),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-netclaw-served-by"], "work/gpt-5.5");
    let streamed = events(&response.text().await.unwrap());
    let names: Vec<&str> = streamed.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "message_start",
            "ping",
            "content_block_start",
            "content_block_delta",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    assert_eq!(streamed[0].1["message"]["model"], "work/gpt-5.5");
    let text: String = streamed
        .iter()
        .filter_map(|(_, d)| d["delta"]["text"].as_str())
        .collect();
    assert_eq!(text, "Hello, wörld ✓");
    assert_eq!(streamed[7].1["delta"]["stop_reason"], "end_turn");
    assert_eq!(streamed[7].1["usage"]["output_tokens"], 12);

    let collected = gw
        .post("/v1/messages", &claude_code_body("work/gpt-5.5", false))
        .await;
    assert_eq!(collected.status(), 200);
    let message: Value = collected.json().await.unwrap();
    assert_eq!(message["type"], "message");
    assert_eq!(message["content"][0]["text"], "Hello, wörld ✓");
    assert_eq!(message["stop_reason"], "end_turn");

    // Translated for the Codex backend: the system blocks and the mid-conversation reminder
    // become instructions, the tool round trip function items.
    let upstream = gw.upstream_bodies("/backend-api/codex/responses").await;
    insta::assert_json_snapshot!("claude_code_to_codex", upstream[0]);
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_anthropic_provider_gets_the_request_and_headers_as_sent_and_its_stream_back() {
    let gw = Messages::start().await;
    let upstream_stream = String::from_utf8(fixture("anthropic_text.sse")).unwrap();
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(sse(upstream_stream.clone()))
        .mount(&gw.server)
        .await;
    let sent = claude_code_body("claude/claude-sonnet-4-5", true);
    let response = gw.post("/v1/messages?beta=true", &sent).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();

    let requests = gw.server.received_requests().await.unwrap();
    let request = requests
        .iter()
        .find(|r| r.url.path() == "/v1/messages")
        .unwrap();
    let received: Value = serde_json::from_slice(&request.body).unwrap();
    let mut expected = sent.clone();
    expected["model"] = json!("claude-sonnet-4-5");
    assert_eq!(received, expected, "relayed but for the model id");
    assert_eq!(request.headers["x-api-key"], ANTHROPIC_KEY);
    assert_eq!(
        request.headers["anthropic-beta"],
        "claude-code-20250219,interleaved-thinking-2025-05-14"
    );

    let (got, upstream) = (events(&body), events(&upstream_stream));
    assert_eq!(got.len(), upstream.len());
    for ((name, data), (sent_name, sent_data)) in got.iter().zip(&upstream) {
        assert_eq!(name, sent_name);
        let mut expected = sent_data.clone();
        if name == "message_start" {
            expected["message"]["model"] = json!("claude/claude-sonnet-4-5");
        }
        assert_eq!(data, &expected);
    }
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_wrong_key_and_an_unknown_model_are_answered_in_anthropics_shape() {
    let gw = Messages::start().await;
    let wrong = reqwest::Client::new()
        .post(format!("{}/v1/messages", gw.daemon.base_url()))
        .header("x-api-key", "not-the-token")
        .json(&claude_code_body("work/gpt-5.5", false))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "authentication_error");

    let unknown = gw
        .post("/v1/messages", &claude_code_body("nobody/model", false))
        .await;
    assert_eq!(unknown.status(), 404);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["error"]["type"], "not_found_error");
    gw.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn count_tokens_gives_an_estimate() {
    let gw = Messages::start().await;
    let response = gw
        .post(
            "/v1/messages/count_tokens",
            &json!({"model": "claude/claude-sonnet-4-5",
                    "messages": [{"role": "user", "content": "x".repeat(400)}]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let tokens = body["input_tokens"].as_u64().unwrap();
    assert!((100..=130).contains(&tokens), "{tokens}");
    gw.daemon.shutdown().await.unwrap();
}
