//! Anthropic's Claude Code (`claude -p`, the real client `.ci/run` installs from npm, pinned in
//! `tests/clients`) through the daemon's `/v1/messages`, on a ChatGPT-subscription provider
//! and on an Anthropic provider; and with two ChatGPT accounts taking turns, a resumed Claude
//! Code session goes back to the account its first turn used (its `X-Claude-Code-Session-Id`).

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
    let user_home = tempfile::tempdir().unwrap();
    let stdout = claude(home, user_home.path(), &["-p", "say hi", "--model", model]).await;
    daemon.stop().await;
    stdout
}

/// Runs `claude args…` against the running daemon of `home`, as a user whose home is
/// `user_home` (where Claude Code keeps its sessions); its stdout, and stderr on failure.
async fn claude(home: &Home, user_home: &Path, args: &[&str]) -> String {
    let info: Value =
        serde_json::from_slice(&std::fs::read(home.paths().daemon_info_file()).unwrap()).unwrap();
    let base = format!("http://{}", info["address"].as_str().unwrap());
    let token = std::fs::read_to_string(home.paths().daemon_token_file()).unwrap();
    let mut command = Command::new(claude_binary());
    command
        .current_dir(user_home)
        .env_clear()
        .env(
            "PATH",
            netclaw_config::EnvSnapshot::capture()
                .get("PATH")
                .unwrap_or_default(),
        )
        .env("HOME", user_home)
        .env("ANTHROPIC_BASE_URL", &base)
        .env("ANTHROPIC_AUTH_TOKEN", token.trim())
        .env("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
        .env("DISABLE_AUTOUPDATER", "1")
        .args(args);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
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

#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_claude_code_session_goes_back_to_its_account() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .respond_with(netclaw_test_support::sse_text(CODEX_ANSWER))
        .mount(&server)
        .await;
    let home = Home::new();
    home.add_chatgpt("work", &server.uri(), "codex-e2e-access");
    home.add_chatgpt_account(
        "work",
        Some("second"),
        &server.uri(),
        "codex-e2e-second",
        "acct-e2e-2",
    );
    store(&home)
        .update(|doc| doc.set_account_order("work", netclaw_config::AccountOrder::RoundRobin))
        .unwrap();
    let daemon = home.start_daemon().await;
    let user_home = tempfile::tempdir().unwrap();
    let sessions = [
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
        "00000000-0000-4000-8000-000000000003",
    ];
    for (n, session) in sessions.iter().enumerate() {
        let prompt = format!("prompt-{n}");
        let args = [
            "-p",
            &prompt,
            "--model",
            "work/gpt-5.5",
            "--session-id",
            session,
        ];
        claude(&home, user_home.path(), &args).await;
    }
    let resume = [
        "-p",
        "prompt-again",
        "--model",
        "work/gpt-5.5",
        "--resume",
        sessions[0],
    ];
    claude(&home, user_home.path(), &resume).await;
    daemon.stop().await;

    // Which account each run's requests went to, the run known by the prompts it carries.
    let requests = server.received_requests().await.unwrap();
    let account_of = |marker: &str, without: Option<&str>| -> Vec<String> {
        requests
            .iter()
            .filter(|r| r.url.path() == "/backend-api/codex/responses")
            .filter(|r| {
                let body = String::from_utf8_lossy(&r.body);
                body.contains(marker) && without.is_none_or(|w| !body.contains(w))
            })
            .map(|r| r.headers["chatgpt-account-id"].to_str().unwrap().to_owned())
            .collect()
    };
    let first = account_of("prompt-0", Some("prompt-again"));
    let resumed = account_of("prompt-again", None);
    let others: Vec<String> = [account_of("prompt-1", None), account_of("prompt-2", None)].concat();
    assert!(!first.is_empty() && !resumed.is_empty(), "{requests:?}");
    assert!(
        resumed.iter().all(|a| *a == first[0]),
        "the resumed session stays on its account: first {first:?}, resumed {resumed:?}"
    );
    let mut used: Vec<&String> = first.iter().chain(&others).collect();
    used.sort();
    used.dedup();
    assert_eq!(
        used.len(),
        2,
        "new sessions take turns: {first:?} {others:?}"
    );
}
