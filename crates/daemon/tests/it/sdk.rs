//! The official `openai` Python SDK, unchanged, as a client of the gateway (streaming and
//! tools). Python 3 with `openai` must be installed (`.ci/run` installs it); a missing
//! interpreter or package fails these tests rather than skipping them.

use std::process::Command;

use secrecy::ExposeSecret;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{Home, fixture, sse};

/// Runs `script` with the SDK pointed at the daemon; returns its stdout parsed as JSON.
pub(crate) async fn python(daemon: &netclaw_daemon::RunningDaemon, script: &'static str) -> Value {
    let base = format!("{}/v1", daemon.base_url());
    let key = daemon.token().expose_secret().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg("-c")
            .arg(script)
            .env("OPENAI_BASE_URL", base)
            .env("OPENAI_API_KEY", key)
            .env("NO_PROXY", "127.0.0.1")
            .output()
            .expect("python3 must be installed (and `pip install openai`); .ci/run installs both")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the SDK script failed:\n{stderr}\n{stdout}"
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

async fn home_with(server: &MockServer) -> (Home, netclaw_daemon::RunningDaemon) {
    let home = Home::new();
    home.add_key_provider("work", "openai", &format!("{}/v1", server.uri()), "sk-sdk");
    home.add_key_provider("claude", "anthropic", &server.uri(), "sk-ant-sdk");
    let daemon = home.spawn_quiet().await;
    (home, daemon)
}

const STREAMING: &str = r#"
import json
from openai import OpenAI
client = OpenAI(max_retries=0)
stream = client.chat.completions.create(
    model="work/gpt-5",
    messages=[{"role": "user", "content": "hi"}],
    stream=True,
    stream_options={"include_usage": True},
)
text, usage, finish = "", None, None
for chunk in stream:
    if chunk.choices:
        if chunk.choices[0].delta.content:
            text += chunk.choices[0].delta.content
        finish = chunk.choices[0].finish_reason or finish
    if chunk.usage:
        usage = chunk.usage.total_tokens
events = client.responses.create(model="work/gpt-5", input="hi", stream=True)
deltas, completed = "", None
for event in events:
    if event.type == "response.output_text.delta":
        deltas += event.delta
    if event.type == "response.completed":
        completed = event.response.output_text
print(json.dumps({"text": text, "usage": usage, "finish": finish, "responses": deltas, "completed": completed}))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_streams_chat_completions_and_responses() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(sse(fixture("responses_text.sse")))
        .mount(&server)
        .await;
    let (_home, daemon) = home_with(&server).await;
    let out = python(&daemon, STREAMING).await;
    assert_eq!(out["text"], "Hello, wörld ✓");
    assert_eq!(out["usage"], 54);
    assert_eq!(out["finish"], "stop");
    assert_eq!(out["responses"], "Hello, wörld ✓");
    assert_eq!(out["completed"], "Hello, wörld ✓");
    daemon.shutdown().await.unwrap();
}

const TOOLS: &str = r#"
import json
from openai import OpenAI
client = OpenAI(max_retries=0)
tools = [{"type": "function", "function": {"name": "get_weather", "description": "weather",
          "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}}]
messages = [{"role": "user", "content": "weather in SF?"}]
first = client.chat.completions.create(model="claude/claude-sonnet-4-5", messages=messages, tools=tools)
call = first.choices[0].message.tool_calls[0]
messages.append(first.choices[0].message.model_dump(exclude_none=True))
messages.append({"role": "tool", "tool_call_id": call.id, "content": "18 C"})
second = client.chat.completions.create(model="claude/claude-sonnet-4-5", messages=messages, tools=tools)
try:
    client.chat.completions.create(model="nobody/x", messages=messages)
    missing = None
except Exception as e:
    missing = type(e).__name__
print(json.dumps({"finish": first.choices[0].finish_reason, "name": call.function.name,
                  "args": json.loads(call.function.arguments), "id": call.id,
                  "final": second.choices[0].message.content, "missing": missing}))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_runs_a_tool_round_trip() {
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
    let (_home, daemon) = home_with(&server).await;
    let out = python(&daemon, TOOLS).await;
    assert_eq!(out["finish"], "tool_calls");
    assert_eq!(out["name"], "get_weather");
    assert_eq!(out["id"], "toolu_01");
    assert_eq!(out["args"]["location"], "San Francisco, CA");
    assert_eq!(out["final"], "Hello there!");
    assert_eq!(out["missing"], "NotFoundError");
    // The second upstream request carried the tool result back to Anthropic.
    let requests = server.received_requests().await.unwrap();
    let second: Value = serde_json::from_slice(&requests[1].body).unwrap();
    let last = &second["messages"].as_array().unwrap().last().unwrap()["content"][0];
    assert_eq!(last["type"], "tool_result");
    assert_eq!(last["tool_use_id"], "toolu_01");
    daemon.shutdown().await.unwrap();
}
