//! OpenAI's Codex CLI (`codex exec`, the real binary `.ci/run` installs from npm, pinned in
//! `tests/clients`) through the daemon's gateway, on a ChatGPT-subscription provider and on an
//! OpenAI-key provider: a turn where the model calls `apply_patch` (a `custom` tool), Codex
//! applies the patch and sends the `custom_tool_call_output` back, and the model answers; and
//! on a provider with two ChatGPT accounts whose first has met its usage limit, the whole
//! session goes to the second account.

use std::path::{Path, PathBuf};
use std::process::Command;

use netclaw_config::{AuthMethod, ConfigStore, CredentialWrite, ProviderEntry, ProviderWrite};
use secrecy::SecretString;
use serde_json::Value;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer};

use super::support::{Home, KEY};

/// The model's first answer: a patch that fixes the typo in `notes.txt`.
const PATCH_TURN: &str = concat!(
    "event: response.created\n",
    "data: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-5.5\",\"output\":[]}}\n\n",
    "event: response.output_item.added\n",
    "data: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":\"custom_tool_call\",\"id\":\"ctc_1\",\"call_id\":\"call_patch\",\"name\":\"apply_patch\",\"input\":\"\",\"status\":\"in_progress\"}}\n\n",
    "event: response.output_item.done\n",
    "data: {\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":\"custom_tool_call\",\"id\":\"ctc_1\",\"call_id\":\"call_patch\",\"name\":\"apply_patch\",\"input\":\"*** Begin Patch\\n*** Update File: notes.txt\\n@@\\n-teh cat\\n+the cat\\n*** End Patch\\n\",\"status\":\"completed\"}}\n\n",
    "event: response.completed\n",
    "data: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5.5\",\"output\":[],\"usage\":{\"input_tokens\":100,\"output_tokens\":20,\"total_tokens\":120}}}\n\n",
);

/// The model's answer once it has the patch's result.
const FINAL_TURN: &str = concat!(
    "event: response.created\n",
    "data: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_2\",\"object\":\"response\",\"status\":\"in_progress\",\"model\":\"gpt-5.5\",\"output\":[]}}\n\n",
    "event: response.output_item.added\n",
    "data: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":{\"type\":\"message\",\"id\":\"msg_2\",\"role\":\"assistant\",\"status\":\"in_progress\",\"content\":[]}}\n\n",
    "event: response.content_part.added\n",
    "data: {\"type\":\"response.content_part.added\",\"item_id\":\"msg_2\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}}\n\n",
    "event: response.output_text.delta\n",
    "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_2\",\"output_index\":0,\"content_index\":0,\"delta\":\"Fixed the typo.\"}\n\n",
    "event: response.output_text.done\n",
    "data: {\"type\":\"response.output_text.done\",\"item_id\":\"msg_2\",\"output_index\":0,\"content_index\":0,\"text\":\"Fixed the typo.\"}\n\n",
    "event: response.output_item.done\n",
    "data: {\"type\":\"response.output_item.done\",\"output_index\":0,\"item\":{\"type\":\"message\",\"id\":\"msg_2\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":[{\"type\":\"output_text\",\"text\":\"Fixed the typo.\",\"annotations\":[]}]}}\n\n",
    "event: response.completed\n",
    "data: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_2\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5.5\",\"output\":[],\"usage\":{\"input_tokens\":130,\"output_tokens\":5,\"total_tokens\":135}}}\n\n",
);

/// The Codex CLI `.ci/run` installs (`npm ci` in `tests/clients`).
fn codex_binary() -> PathBuf {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/node_modules/.bin/codex");
    assert!(
        bin.exists(),
        "the Codex CLI is missing: run `npm ci` in tests/clients (`.ci/run` does)"
    );
    bin
}

/// An upstream answering `at`: the patch first, the final text once Codex sends the patch's
/// output back.
async fn upstream(at: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(at))
        .and(body_string_contains("custom_tool_call_output"))
        .respond_with(netclaw_test_support::sse_text(FINAL_TURN))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(at))
        .respond_with(netclaw_test_support::sse_text(PATCH_TURN))
        .with_priority(3)
        .mount(&server)
        .await;
    server
}

fn store(home: &Home) -> ConfigStore {
    ConfigStore::new(home.paths(), &home.env_snapshot())
}

/// Runs `codex exec` in `workdir`, pointed at the gateway with `key`, asking for `model`.
async fn codex_exec(gateway: &str, key: &str, model: &str, workdir: &Path) -> (bool, String) {
    let codex_home = workdir.join(".codex-home");
    std::fs::create_dir_all(&codex_home).unwrap();
    let config = format!(
        "model = \"{model}\"\nmodel_provider = \"netclaw\"\n\n[model_providers.netclaw]\nname = \"netclaw\"\nbase_url = \"{gateway}\"\nenv_key = \"NETCLAW_GATEWAY_KEY\"\nwire_api = \"responses\"\n"
    );
    netclaw_config::fs::write_atomic(&codex_home.join("config.toml"), config.as_bytes()).unwrap();
    let mut command = Command::new(codex_binary());
    command
        .current_dir(workdir.join("repo"))
        .env("CODEX_HOME", &codex_home)
        .env("NETCLAW_GATEWAY_KEY", key)
        .env("HOME", workdir)
        .args([
            "exec",
            "--skip-git-repo-check",
            "--sandbox",
            "workspace-write",
            "fix the typo in notes.txt",
        ]);
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let text = format!(
        "{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// One Codex turn through the gateway to `upstream` at `at`, as `model`, with `key` (else the
/// daemon token); checks the patch was applied and its output went back (in the requests
/// `answered` picks). Returns the daemon's log.
async fn patch_turn(
    home: &Home,
    server: &MockServer,
    at: &str,
    model: &str,
    key: Option<&str>,
) -> String {
    patch_turn_of(home, server, at, model, key, |_| true).await
}

async fn patch_turn_of(
    home: &Home,
    server: &MockServer,
    at: &str,
    model: &str,
    key: Option<&str>,
    answered: impl Fn(&wiremock::Request) -> bool,
) -> String {
    let daemon = home.start_daemon().await;
    let info: Value =
        serde_json::from_slice(&std::fs::read(home.paths().daemon_info_file()).unwrap()).unwrap();
    let gateway = format!("http://{}/v1", info["address"].as_str().unwrap());
    let token = match key {
        Some(key) => key.to_owned(),
        None => std::fs::read_to_string(home.paths().daemon_token_file()).unwrap(),
    };
    let workdir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(workdir.path().join("repo")).unwrap();
    let notes = workdir.path().join("repo/notes.txt");
    netclaw_config::fs::write_atomic(&notes, b"teh cat\n").unwrap();

    let (ok, output) = codex_exec(&gateway, token.trim(), model, workdir.path()).await;
    assert!(ok, "codex exec failed:\n{output}");
    assert!(output.contains("Fixed the typo."), "{output}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "the cat\n");

    let requests: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == at && answered(r))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(requests.len(), 2, "the patch turn and the answer turn");
    let tool_types: Vec<&str> = requests[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["type"].as_str())
        .collect();
    assert!(tool_types.contains(&"custom"), "{tool_types:?}");
    let returned = requests[1]["input"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["type"] == "custom_tool_call_output")
        .expect("Codex sent the patch's output back");
    assert_eq!(returned["call_id"], "call_patch");
    assert_eq!(requests[1]["model"], "gpt-5.5");
    let log = daemon.log();
    daemon.stop().await;
    log
}

#[tokio::test(flavor = "multi_thread")]
async fn codex_exec_applies_a_patch_through_a_chatgpt_subscription() {
    let server = upstream("/backend-api/codex/responses").await;
    let home = Home::new();
    home.add_chatgpt("work", &server.uri(), "codex-e2e-access");
    // Codex holds a gateway key, created the way a user would.
    let created = home.run(&["key", "create", "codex"], "").await;
    created.expect_code(0);
    let key = created.stdout.trim().to_owned();
    let log = patch_turn(
        &home,
        &server,
        "/backend-api/codex/responses",
        "work/gpt-5.5",
        Some(&key),
    )
    .await;
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(first.headers["chatgpt-account-id"], "acct-e2e");
    assert_eq!(first.headers["authorization"], "Bearer codex-e2e-access");
    assert!(!log.contains(&key), "the gateway key reached the log");
    assert!(!log.contains(&netclaw_config::key_hash(key.as_bytes())));

    // The same key after a daemon restart; `key list` saw it used, and never shows it.
    let daemon = home.start_daemon().await;
    let info: Value =
        serde_json::from_slice(&std::fs::read(home.paths().daemon_info_file()).unwrap()).unwrap();
    let models = reqwest::Client::new()
        .get(format!(
            "http://{}/v1/models",
            info["address"].as_str().unwrap()
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 200, "the key survives a restart");
    daemon.stop().await;
    let list = home.run(&["key", "list", "--json"], "").await;
    assert!(!list.stdout.contains(&key));
    assert!(list.json()[0]["lastUsed"].is_string(), "{}", list.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn codex_exec_applies_a_patch_through_an_openai_key() {
    let server = upstream("/v1/responses").await;
    let home = Home::new();
    let mut entry = ProviderEntry::new("openai");
    entry.auth_method = AuthMethod::ApiKey;
    entry.endpoint = Some(format!("{}/v1", server.uri()));
    store(&home)
        .write_provider(
            "keyed",
            ProviderWrite {
                entry,
                credentials: CredentialWrite::ApiKey(SecretString::from(KEY)),
            },
        )
        .unwrap();
    patch_turn(&home, &server, "/v1/responses", "keyed/gpt-5.5", None).await;
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        first.headers["authorization"],
        format!("Bearer {KEY}").as_str()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn codex_exec_moves_to_the_second_account_when_the_first_has_met_its_limit() {
    let server = upstream("/backend-api/codex/responses").await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(wiremock::matchers::header("chatgpt-account-id", "acct-e2e"))
        .respond_with(wiremock::ResponseTemplate::new(429).set_body_json(serde_json::json!({
            "error": {"type": "usage_limit_reached", "message": "The usage limit has been reached",
                      "resets_at": jiff::Timestamp::now().as_second() + 3600}
        })))
        .with_priority(1)
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
    let second = |r: &wiremock::Request| {
        r.headers
            .get("chatgpt-account-id")
            .is_some_and(|v| v == "acct-e2e-2")
    };
    let log = patch_turn_of(
        &home,
        &server,
        "/backend-api/codex/responses",
        "work/gpt-5.5",
        None,
        second,
    )
    .await;
    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/backend-api/codex/responses")
        .map(|r| r.headers["chatgpt-account-id"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sent,
        ["acct-e2e", "acct-e2e-2", "acct-e2e-2"],
        "the first account's limit is met once; the session stays on the second"
    );
    assert!(log.contains("work/gpt-5.5@second"), "{log}");
}
