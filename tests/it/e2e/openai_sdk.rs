//! An API-key provider and an Anthropic provider behind the daemon's gateway, used by the
//! official `openai` Python SDK unchanged (`.ci/run` installs it; a missing SDK fails the test).

use std::process::Command;

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xtask::demo::fake_vendor::{FakeVendor, FakeVendorOptions, VendorEvent, answer};

use super::support::{Home, KEY};

const ANTHROPIC_KEY: &str = "sk-ant-e2e-SECRET-0b7e";

const ANTHROPIC_SSE: &str = r#"event: message_start
data: {"type":"message_start","message":{"id":"msg_e2e","type":"message","role":"assistant","model":"claude-e2e","content":[],"stop_reason":null,"usage":{"input_tokens":9,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Bonjour"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" from Claude"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}

event: message_stop
data: {"type":"message_stop"}

"#;

async fn anthropic() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("x-api-key", ANTHROPIC_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"type": "model", "id": "claude-e2e", "display_name": "Claude E2E",
             "max_input_tokens": 200000, "max_tokens": 64000}
        ], "has_more": false})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", ANTHROPIC_KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(ANTHROPIC_SSE, "text/event-stream"))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn the_official_openai_sdk_uses_an_api_key_provider_and_anthropic_through_the_gateway() {
    let vendor = FakeVendor::start(FakeVendorOptions::default())
        .await
        .unwrap();
    let claude = anthropic().await;
    let home = Home::new();
    home.run(
        &[
            "provider",
            "add",
            "keyed",
            "openai-compatible",
            "--auth",
            "api-key",
            "--api-key-stdin",
            "--endpoint",
            &vendor.uri(),
        ],
        KEY,
    )
    .await
    .expect_code(0);
    home.run(
        &[
            "provider",
            "add",
            "claude",
            "anthropic",
            "--api-key-stdin",
            "--endpoint",
            &claude.uri(),
        ],
        ANTHROPIC_KEY,
    )
    .await
    .expect_code(0);
    let daemon = home.start_daemon().await;

    let info: Value =
        serde_json::from_slice(&std::fs::read(home.paths().daemon_info_file()).unwrap()).unwrap();
    let gateway = format!("http://{}/v1", info["address"].as_str().unwrap());
    let token = std::fs::read_to_string(home.paths().daemon_token_file()).unwrap();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("it/e2e/openai_sdk.py");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(script)
            .args(["keyed/demo-chat", "claude/claude-e2e"])
            .env("GATEWAY_URL", gateway)
            .env("GATEWAY_TOKEN", token.trim())
            .output()
            .expect("python3 runs (the openai SDK is installed by .ci/run)")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the SDK script failed (is `openai` installed? `.ci/run` installs it):\n{stdout}\n{stderr}"
    );
    assert!(
        !stdout.contains(KEY) && !stdout.contains(ANTHROPIC_KEY),
        "{stdout}"
    );
    let report: Value = serde_json::from_str(&stdout).unwrap();

    assert_eq!(
        report["models"],
        json!(["claude/claude-e2e", "keyed/demo-chat"])
    );
    assert_eq!(report["wrong_token"], 401);
    let keyed = &report["keyed/demo-chat"];
    assert_eq!(keyed["text"], answer("plain keyed/demo-chat"));
    assert_eq!(keyed["finish"], "stop");
    let deltas: Vec<String> = serde_json::from_value(keyed["deltas"].clone()).unwrap();
    assert!(deltas.len() > 5, "streamed in pieces: {deltas:?}");
    assert_eq!(deltas.concat(), answer("streamed keyed/demo-chat"));
    let claude_report = &report["claude/claude-e2e"];
    assert_eq!(claude_report["text"], "Bonjour from Claude");
    assert_eq!(claude_report["finish"], "stop");
    assert_eq!(claude_report["deltas"], json!(["Bonjour", " from Claude"]));

    // The vendors saw their own credentials, never the daemon token.
    let bearers: Vec<String> = vendor
        .events()
        .into_iter()
        .filter_map(|e| match e {
            VendorEvent::ChatStarted { bearer, .. } => Some(bearer),
            _ => None,
        })
        .collect();
    assert_eq!(bearers, [KEY, KEY]);
    let to_anthropic: Vec<Value> = claude
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/v1/messages")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(to_anthropic.len(), 2);
    assert_eq!(to_anthropic[0]["system"], "Be brief.");
    assert_eq!(to_anthropic[0]["model"], "claude-e2e");
    daemon.stop().await;
}
