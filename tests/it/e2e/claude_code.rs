//! Anthropic's Claude Code (`claude -p`, the real client `.ci/run` installs from npm, pinned in
//! `tests/clients`) through the daemon's `/v1/messages`, on a ChatGPT-subscription provider
//! and on an Anthropic provider.

use std::path::{Path, PathBuf};
use std::process::Command;

use netclaw_config::{AuthMethod, ConfigStore, CredentialWrite, ProviderEntry, ProviderWrite};
use secrecy::SecretString;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use super::support::{Home, KEY};

/// The Codex backend's answer.
const CODEX_ANSWER: &str = concat!(
    "event: response.created\n",
    "data: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-5.5\",\"output\":[]}}\n\n",
    "event: response.output_text.delta\n",
    "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hi from the subscription.\"}\n\n",
    "event: response.output_item.done\n",
    "data: {\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hi from the subscription.\",\"annotations\":[]}]}}\n\n",
    "event: response.completed\n",
    "data: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5.5\",\"output\":[],\"usage\":{\"input_tokens\":100,\"output_tokens\":6,\"total_tokens\":106}}}\n\n",
);

/// Anthropic's answer.
const ANTHROPIC_ANSWER: &str = concat!(
    "event: message_start\n",
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_e2e\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":20,\"output_tokens\":1}}}\n\n",
    "event: content_block_start\n",
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    "event: content_block_delta\n",
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi from Anthropic.\"}}\n\n",
    "event: content_block_stop\n",
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
    "event: message_delta\n",
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}\n\n",
    "event: message_stop\n",
    "data: {\"type\":\"message_stop\"}\n\n",
);

/// The Claude Code `.ci/run` installs (`npm ci` in `tests/clients`).
fn claude_binary() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/node_modules/.bin/claude");
    assert!(
        bin.exists(),
        "Claude Code is missing: run `npm ci` in tests/clients (`.ci/run` does)"
    );
    bin
}

fn store(home: &Home) -> ConfigStore {
    ConfigStore::new(home.paths(), &home.env_snapshot())
}

/// Runs `claude -p` against the daemon of `home` as `model`; its stdout, and stderr on failure.
async fn claude_p(home: &Home, model: &str) -> String {
    let daemon = home.start_daemon().await;
    let info: Value =
        serde_json::from_slice(&std::fs::read(home.paths().daemon_info_file()).unwrap()).unwrap();
    let base = format!("http://{}", info["address"].as_str().unwrap());
    let token = std::fs::read_to_string(home.paths().daemon_token_file()).unwrap();
    let user_home = tempfile::tempdir().unwrap();
    let mut command = Command::new(claude_binary());
    command
        .current_dir(user_home.path())
        .env_clear()
        .env(
            "PATH",
            netclaw_config::EnvSnapshot::capture()
                .get("PATH")
                .unwrap_or_default(),
        )
        .env("HOME", user_home.path())
        .env("ANTHROPIC_BASE_URL", &base)
        .env("ANTHROPIC_AUTH_TOKEN", token.trim())
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .args(["-p", "say hi", "--model", model]);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    daemon.stop().await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "claude -p failed:\n{stdout}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread")]
async fn claude_p_answers_through_a_chatgpt_subscription() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .respond_with(netclaw_test_support::sse_text(CODEX_ANSWER))
        .mount(&server)
        .await;
    let home = Home::new();
    home.add_chatgpt("work", &server.uri(), "codex-e2e-access");
    let stdout = claude_p(&home, "work/gpt-5.5").await;
    assert!(stdout.contains("Hi from the subscription."), "{stdout}");
    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
    assert_eq!(body["model"], "gpt-5.5");
    assert_eq!(body["store"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn claude_p_answers_through_an_anthropic_provider() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(netclaw_test_support::sse_text(ANTHROPIC_ANSWER))
        .mount(&server)
        .await;
    let home = Home::new();
    let mut entry = ProviderEntry::new("anthropic");
    entry.auth_method = AuthMethod::ApiKey;
    entry.endpoint = Some(server.uri());
    store(&home)
        .write_provider(
            "claude",
            ProviderWrite {
                entry,
                credentials: CredentialWrite::ApiKey(SecretString::from(KEY)),
            },
        )
        .unwrap();
    let stdout = claude_p(&home, "claude/claude-sonnet-4-5").await;
    assert!(stdout.contains("Hi from Anthropic."), "{stdout}");
    let requests = server.received_requests().await.unwrap();
    let turn = requests
        .iter()
        .rev()
        .find(|r| r.url.path() == "/v1/messages")
        .unwrap();
    assert_eq!(turn.headers["x-api-key"], KEY);
    assert!(
        turn.headers["anthropic-beta"]
            .to_str()
            .unwrap()
            .contains("claude-code"),
        "Claude Code's betas reach Anthropic"
    );
    let body: Value = serde_json::from_slice(&turn.body).unwrap();
    assert_eq!(body["model"], "claude-sonnet-4-5");
}
