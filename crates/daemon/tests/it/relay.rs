//! Responses requests to a provider that speaks Responses are relayed, not translated: the
//! body a Codex-CLI-shaped client sends reaches the upstream unchanged but for the provider's
//! own rules, and the upstream's events come back frame for frame. A provider that must
//! translate refuses what it cannot express, naming it.

use pretty_assertions::assert_eq;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{Home, fixture, sse};

/// What the Codex CLI sends (shape captured from `codex exec` 0.171.0, contents shortened):
/// developer messages, every tool type, `include`, `reasoning`, `text`, `client_metadata`, a
/// reasoning item and a custom tool call from an earlier turn, and no `instructions`.
fn codex_cli_body(model: &str) -> Value {
    json!({
        "model": model,
        "input": [
            {"type": "message", "role": "developer", "id": "m1",
             "content": [{"type": "input_text", "text": "You are a coding agent."}]},
            {"type": "message", "role": "user", "id": "m2",
             "content": [{"type": "input_text", "text": "fix the typo"}]},
            {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAAAB-opaque"},
            {"type": "custom_tool_call", "id": "ctc_1", "call_id": "call_p", "name": "apply_patch",
             "input": "*** Begin Patch\n*** Update File: a.txt\n-teh\n+the\n*** End Patch"},
            {"type": "custom_tool_call_output", "call_id": "call_p", "output": "Success."}
        ],
        "tools": [
            {"type": "function", "name": "exec_command", "description": "Run a command",
             "strict": false, "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}}}},
            {"type": "custom", "name": "apply_patch", "description": "Edit files",
             "format": {"type": "grammar", "syntax": "lark", "definition": "start: begin_patch"}},
            {"type": "tool_search", "execution": "client"},
            {"type": "web_search", "external_web_access": false}
        ],
        "tool_choice": "auto",
        "parallel_tool_calls": true,
        "reasoning": {"effort": "medium"},
        "store": false,
        "stream": true,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "0199-session",
        "text": {"verbosity": "low"},
        "client_metadata": {"x-codex-installation-id": "inst-1"}
    })
}

struct Relay {
    _home: Home,
    server: MockServer,
    daemon: netclaw_daemon::RunningDaemon,
}

impl Relay {
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
        home.add_key_provider("claude", "anthropic", &server.uri(), "sk-ant-relay");
        let daemon = home.spawn_quiet().await;
        Self {
            _home: home,
            server,
            daemon,
        }
    }

    async fn post(&self, body: &Value) -> reqwest::Response {
        reqwest::Client::new()
            .post(format!("{}/v1/responses", self.daemon.base_url()))
            .bearer_auth(self.daemon.token().expose_secret())
            .json(body)
            .send()
            .await
            .unwrap()
    }
}

/// The `(event, data)` pairs of an SSE body, comments skipped.
fn frames(body: &str) -> Vec<(String, String)> {
    body.split("\n\n")
        .filter_map(|block| {
            let mut event = String::new();
            let mut data = None;
            for line in block.lines() {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_owned();
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data = Some(value.to_owned());
                }
            }
            Some((event, data?))
        })
        .collect()
}

#[tokio::test]
async fn a_codex_cli_request_reaches_the_backend_unchanged_but_for_its_rules() {
    let relay = Relay::start().await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .respond_with(sse(fixture("responses_tool_call.sse")))
        .mount(&relay.server)
        .await;
    let sent = codex_cli_body("work/gpt-5.5");
    let response = relay.post(&sent).await;
    assert_eq!(response.status(), 200);
    response.text().await.unwrap();

    let requests = relay.server.received_requests().await.unwrap();
    let received: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let mut expected = sent.clone();
    expected["model"] = json!("gpt-5.5");
    expected["instructions"] = json!("");
    assert_eq!(
        received, expected,
        "only the model id and the backend's `instructions` differ"
    );
    insta::assert_json_snapshot!("relayed_codex_body", received);
    let headers = &requests[0].headers;
    assert_eq!(headers["chatgpt-account-id"], "acct-123");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(headers["authorization"], "Bearer codex-access");
    relay.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_backends_events_come_back_frame_for_frame() {
    let relay = Relay::start().await;
    let upstream = String::from_utf8(fixture("responses_tool_call.sse")).unwrap();
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .respond_with(sse(upstream.clone()))
        .mount(&relay.server)
        .await;
    let response = relay.post(&codex_cli_body("work/gpt-5.5")).await;
    assert_eq!(response.headers()["x-netclaw-served-by"], "work/gpt-5.5");
    let body = response.text().await.unwrap();
    let (got, sent) = (frames(&body), frames(&upstream));
    assert_eq!(got.len(), sent.len());
    let items: Vec<Value> = sent
        .iter()
        .filter(|(event, _)| event == "response.output_item.done")
        .map(|(_, data)| serde_json::from_str::<Value>(data).unwrap()["item"].clone())
        .collect();
    for ((event, data), (sent_event, sent_data)) in got.iter().zip(&sent) {
        assert_eq!(event, sent_event);
        if sent_data.contains("\"response\":{") {
            // The response object says which model served it, as the client named it, and the
            // final one carries the streamed items (the backend stores none).
            let mut expected: Value = serde_json::from_str(sent_data).unwrap();
            expected["response"]["model"] = json!("work/gpt-5.5");
            if event == "response.completed" {
                expected["response"]["output"] = json!(items);
            }
            assert_eq!(serde_json::from_str::<Value>(data).unwrap(), expected);
        } else {
            assert_eq!(data, sent_data, "relayed byte for byte");
        }
    }
    relay.daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_provider_that_must_translate_names_what_it_cannot_send() {
    let relay = Relay::start().await;
    let response = relay
        .post(&codex_cli_body("claude/claude-sonnet-4-5"))
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    insta::assert_snapshot!(body["error"]["message"].as_str().unwrap(), @"Anthropic does not support the `custom` tool `apply_patch`, the `tool_search` tool, the `web_search` tool, input items of type `custom_tool_call`, input items of type `custom_tool_call_output` (provider `claude` does not speak the Responses API; only function tools and message items translate)");
    assert!(
        relay.server.received_requests().await.unwrap().is_empty(),
        "nothing reached Anthropic"
    );
    relay.daemon.shutdown().await.unwrap();
}
