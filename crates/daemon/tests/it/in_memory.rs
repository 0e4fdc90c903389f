//! The daemon serves credentials from memory: a chat with a keyed provider reads no file, and
//! a token another process stores is used by the next request once the files change.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer};

use crate::support::{Home, fixture, sse};

const KEY: &str = "sk-test-in-memory";

async fn chat(http: &reqwest::Client, daemon: &netclaw_daemon::RunningDaemon, model: &str) {
    let response = http
        .post(format!("{}/v1/chat/completions", daemon.base_url()))
        .bearer_auth(daemon.token().expose_secret())
        .json(&json!({"model": model, "stream": true,
                      "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains("[DONE]"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyed_chat_reads_no_config_file() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(sse(fixture("completions_text.sse")))
        .expect(5)
        .mount(&server)
        .await;
    let home = Home::new();
    home.add_key_provider(
        "local",
        "openai-compatible",
        &format!("{}/v1", server.uri()),
        KEY,
    );
    let daemon = home.spawn_quiet().await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let at_start = daemon.state().config_reads();
    for _ in 0..5 {
        chat(&http, &daemon, "local/m").await;
    }
    assert_eq!(
        daemon.state().config_reads(),
        at_start,
        "a chat must not read netclaw.json or decrypt the secrets file"
    );
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_stored_by_another_process_is_used_by_the_next_request() {
    let server = MockServer::start().await;
    for (token, times) in [("old-access", 1), ("new-access", 1)] {
        Mock::given(method("POST"))
            .and(path("/backend-api/codex/responses"))
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(sse(fixture("responses_text.sse")))
            .expect(times)
            .mount(&server)
            .await;
    }
    let home = Home::new();
    let expiry = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(1);
    home.add_codex_provider(
        "chatgpt",
        &format!("{}/backend-api/codex", server.uri()),
        &server.uri(),
        "old-access",
        "old-refresh",
        expiry,
    );
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            watch_interval: Some(Duration::from_millis(20)),
            refresh: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    chat(&http, &daemon, "chatgpt/gpt-5.5").await;

    // Another process (here: another store over the same files) rotates the login.
    let mut reloads = daemon.state().reloads();
    home.store()
        .persist_tokens(
            &netclaw_config::ProviderAccount::default_of("chatgpt"),
            netclaw_config::OAuthTokens {
                access_token: SecretString::from("new-access"),
                refresh_token: Some(SecretString::from("new-refresh")),
                id_token: None,
                account_id: Some(SecretString::from("acct-123")),
                expires_at: Some(expiry + jiff::SignedDuration::from_hours(1)),
            },
        )
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), reloads.changed())
        .await
        .expect("the daemon reloads when the files change")
        .unwrap();

    chat(&http, &daemon, "chatgpt/gpt-5.5").await;
    server.verify().await;
}
