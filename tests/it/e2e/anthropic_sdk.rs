//! The official `anthropic` SDKs (Python from `.ci/run`'s pinned install, Node from
//! `tests/clients`) through the daemon's `/v1/messages`, served by a ChatGPT subscription:
//! plain, streamed, a tool round trip, and a wrong key refused.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer};

use super::support::Home;

fn text_answer(text: &str) -> String {
    format!(
        "event: response.output_text.delta\ndata: {}\n\nevent: response.completed\ndata: {}\n\n",
        json!({"type": "response.output_text.delta", "item_id": "m", "output_index": 0,
               "content_index": 0, "delta": text}),
        json!({"type": "response.completed", "response": {"id": "r", "status": "completed",
               "usage": {"input_tokens": 10, "output_tokens": 4, "total_tokens": 14}}}),
    )
}

fn tool_answer() -> String {
    let call = json!({"type": "function_call", "id": "fc_1", "call_id": "call_w",
                      "name": "get_weather", "arguments": "{\"city\":\"Paris\"}",
                      "status": "completed"});
    format!(
        "event: response.output_item.done\ndata: {}\n\nevent: response.completed\ndata: {}\n\n",
        json!({"type": "response.output_item.done", "output_index": 0, "item": call}),
        json!({"type": "response.completed", "response": {"id": "r", "status": "completed",
               "usage": {"input_tokens": 10, "output_tokens": 4, "total_tokens": 14}}}),
    )
}

/// A Codex backend that calls `get_weather` when offered it, answers with the weather once it
/// has the tool's output, and says hi otherwise.
async fn codex_backend() -> MockServer {
    let server = MockServer::start().await;
    let at = "/backend-api/codex/responses";
    let answers = [
        ("function_call_output", text_answer("It is sunny in Paris.")),
        ("get_weather", tool_answer()),
        ("", text_answer("Hi there.")),
    ];
    for (priority, (needle, answer)) in (1_u8..).zip(answers) {
        Mock::given(method("POST"))
            .and(path(at))
            .and(body_string_contains(needle))
            .respond_with(netclaw_test_support::sse_text(&answer))
            .with_priority(priority)
            .mount(&server)
            .await;
    }
    server
}

fn home_with_subscription(server: &MockServer) -> Home {
    let home = Home::new();
    home.add_chatgpt("work", &server.uri(), "codex-sdk-access");
    home
}

/// Runs `program script model` against the daemon of `home`; its JSON report.
async fn report(home: &Home, program: &str, script: &Path) -> Value {
    let daemon = home.start_daemon().await;
    let info: Value =
        serde_json::from_slice(&std::fs::read(home.paths().daemon_info_file()).unwrap()).unwrap();
    let base = format!("http://{}", info["address"].as_str().unwrap());
    let token = std::fs::read_to_string(home.paths().daemon_token_file()).unwrap();
    let mut command = Command::new(program);
    command
        .arg(script)
        .arg("work/gpt-5.5")
        .env("GATEWAY_BASE", base)
        .env("GATEWAY_KEY", token.trim());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    daemon.stop().await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the SDK script failed (`.ci/run` installs the SDKs):\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap()
}

fn expected() -> Value {
    json!({
        "plain": "Hi there.",
        "stop": "end_turn",
        "streamed": "Hi there.",
        "streamed_stop": "end_turn",
        "tool": {"name": "get_weather", "input": {"city": "Paris"}, "stop": "tool_use"},
        "after_tool": "It is sunny in Paris.",
        "wrong_key": 401
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn the_anthropic_python_sdk_works_through_a_chatgpt_subscription() {
    let server = codex_backend().await;
    let home = home_with_subscription(&server);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("it/e2e/anthropic_sdk.py");
    assert_eq!(report(&home, "python3", &script).await, expected());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_anthropic_node_sdk_works_through_a_chatgpt_subscription() {
    let server = codex_backend().await;
    let home = home_with_subscription(&server);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/anthropic_sdk.mjs");
    assert_eq!(report(&home, "node", &script).await, expected());
}
