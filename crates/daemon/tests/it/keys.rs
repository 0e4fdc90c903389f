//! Gateway keys: accepted on `/v1` as Bearer or `x-api-key` across restarts, refused once
//! revoked (within a second, without a restart), on models outside their scope, after they
//! expire, and on the management API; never in a response or the log.

use std::time::Duration;

use netclaw_config::GatewayKeys;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::support::{Home, fixture, sse};

async fn upstream() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(sse(fixture("completions_text.sse")))
        .mount(&server)
        .await;
    server
}

fn home_with(server: &MockServer) -> Home {
    let home = Home::new();
    let endpoint = format!("{}/v1", server.uri());
    home.add_key_provider("local", "openai-compatible", &endpoint, "sk-upstream-local");
    home.add_key_provider("other", "openai-compatible", &endpoint, "sk-upstream-other");
    home
}

async fn spawn(home: &Home) -> netclaw_daemon::RunningDaemon {
    netclaw_daemon::spawn(
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
    .unwrap()
}

/// A chat completion for `model` with `key` sent as `header`; the status and body.
async fn chat(
    daemon: &netclaw_daemon::RunningDaemon,
    key: &SecretString,
    header: &str,
    model: &str,
) -> (u16, String) {
    let value = if header == "authorization" {
        format!("Bearer {}", key.expose_secret())
    } else {
        key.expose_secret().to_owned()
    };
    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", daemon.base_url()))
        .header(header, value)
        .json(&json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn create(
    home: &Home,
    name: &str,
    models: &[&str],
    expires: Option<jiff::Timestamp>,
) -> SecretString {
    let models = models.iter().map(|m| (*m).to_owned()).collect();
    GatewayKeys::create(&home.paths, name, models, expires, jiff::Timestamp::now()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_survives_a_restart_and_dies_when_revoked() {
    let server = upstream().await;
    let home = home_with(&server);
    let key = create(&home, "editor", &[], None);
    let daemon = spawn(&home).await;
    assert_eq!(chat(&daemon, &key, "authorization", "local/m").await.0, 200);
    assert_eq!(chat(&daemon, &key, "x-api-key", "local/m").await.0, 200);
    daemon.shutdown().await.unwrap();

    let daemon = spawn(&home).await;
    assert_eq!(
        chat(&daemon, &key, "authorization", "local/m").await.0,
        200,
        "the same key after a restart"
    );
    assert!(GatewayKeys::revoke(&home.paths, "editor").unwrap());
    let revoked = tokio::time::timeout(Duration::from_secs(1), async {
        loop {
            let (status, body) = chat(&daemon, &key, "authorization", "local/m").await;
            if status == 401 {
                return body;
            }
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("refused within a second of the revoke");
    let body: Value = serde_json::from_str(&revoked).unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("revoked"),
        "{body}"
    );

    // The log never holds a key or its hash.
    daemon.shutdown().await.unwrap();
    let stored = std::fs::read_to_string(home.paths.gateway_keys_file()).unwrap_or_default();
    let log = std::fs::read_to_string(home.paths.daemon_log_file()).unwrap_or_default();
    assert!(!log.contains(key.expose_secret()));
    assert!(!log.contains(&netclaw_config::key_hash(key.expose_secret().as_bytes())));
    assert!(!stored.contains(key.expose_secret()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scoped_key_is_refused_elsewhere_and_no_key_opens_the_management_api() {
    let server = upstream().await;
    let home = home_with(&server);
    let scoped = create(&home, "codex", &["local/*"], None);
    let past = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let expired = create(&home, "old", &[], Some(past));
    let daemon = spawn(&home).await;

    assert_eq!(
        chat(&daemon, &scoped, "authorization", "local/m").await.0,
        200
    );
    let (status, body) = chat(&daemon, &scoped, "authorization", "other/m").await;
    assert_eq!(status, 403);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "model_not_allowed");

    let models: Value = reqwest::Client::new()
        .get(format!("{}/v1/models", daemon.base_url()))
        .bearer_auth(scoped.expose_secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = models["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.iter().all(|id| id.starts_with("local/")), "{ids:?}");

    let (status, body) = chat(&daemon, &expired, "authorization", "local/m").await;
    assert_eq!(status, 401);
    assert!(body.contains("expired"), "{body}");

    let management = reqwest::Client::new()
        .get(format!("{}/api/providers", daemon.base_url()))
        .bearer_auth(scoped.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(management.status(), 403);
    let body = management.text().await.unwrap();
    assert!(body.contains("run/daemon.token"), "{body}");
    assert!(!body.contains(scoped.expose_secret()));
    daemon.shutdown().await.unwrap();
}
