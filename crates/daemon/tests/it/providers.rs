//! Providers, probes, models and config reload over the management API.

use axum::body::Body;
use pretty_assertions::assert_eq;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Home, authed, json, oneshot};

const OPENAI_KEY: &str = "sk-test-OPENAI-SECRET-0123456789";
const ANTHROPIC_KEY: &str = "sk-ant-ANTHROPIC-SECRET-987654";

async fn openai_models(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", format!("Bearer {OPENAI_KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "object": "list",
            "data": [{"id": "gpt-5", "object": "model", "owned_by": "openai"}, {"id": "gpt-5-mini", "object": "model", "owned_by": "openai"}]
        })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn providers_list_shows_sources_and_no_secret_bytes() {
    let home = Home::new();
    home.add_key_provider("work", "openai", "http://127.0.0.1:9/v1", OPENAI_KEY);
    home.add_key_provider("claude", "anthropic", "http://127.0.0.1:9", ANTHROPIC_KEY);
    let (status, body) = oneshot(
        &home.state(),
        authed("GET", "/api/providers").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    for secret in [OPENAI_KEY, ANTHROPIC_KEY, "SECRET"] {
        assert!(!body.contains(secret), "`{secret}` in {body}");
    }
    insta::assert_json_snapshot!(json(&body));
}

#[tokio::test]
async fn a_provider_configured_by_environment_says_so() {
    let home = Home::new();
    let mut entry = netclaw_config::ProviderEntry::new("anthropic");
    entry.endpoint = Some("http://127.0.0.1:9".into());
    home.store()
        .write_provider(
            "claude",
            netclaw_config::ProviderWrite {
                entry,
                credentials: netclaw_config::CredentialWrite::Keep,
            },
        )
        .unwrap();
    let env = home.env().with("ANTHROPIC_API_KEY", ANTHROPIC_KEY);
    let state = netclaw_daemon::AppState::new(netclaw_daemon::StateInit::new(
        home.paths.clone(),
        env,
        secrecy::SecretString::from(crate::support::TEST_TOKEN),
        crate::support::TEST_PORT,
    ));
    let (_, body) = oneshot(
        &state,
        authed("GET", "/api/providers").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(!body.contains(ANTHROPIC_KEY));
    assert_eq!(
        json(&body)["providers"][0]["credentialSource"],
        "env:ANTHROPIC_API_KEY"
    );
}

#[tokio::test]
async fn probe_and_models_over_a_socket() {
    let server = MockServer::start().await;
    openai_models(&server).await;
    let home = Home::new();
    home.add_key_provider(
        "work",
        "openai",
        &format!("{}/v1", server.uri()),
        OPENAI_KEY,
    );
    let daemon = home.spawn_quiet().await;
    let client = daemon.client();

    let probe = client.probe("WORK").await.unwrap();
    assert_eq!(probe.provider, "work");
    assert_eq!(
        probe.summary.status,
        netclaw_providers::probe::ProbeClass::Ok
    );
    assert_eq!(probe.models, ["gpt-5", "gpt-5-mini"]);

    let listed = client.providers().await.unwrap();
    let work = &listed.providers[0];
    assert_eq!(
        work.last_probe.as_ref().unwrap().status,
        netclaw_providers::probe::ProbeClass::Ok
    );
    assert_eq!(work.credential_source.as_deref(), Some("secrets"));

    let models = client.models().await.unwrap();
    let listing = &models.providers[0];
    assert_eq!(listing.provider, "work");
    let ids: Vec<_> = listing.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["gpt-5", "gpt-5-mini"]);
    // Live discovery named the models; the bundled catalog fills in what the listing lacks.
    let gpt5 = &listing.models[0];
    assert_ne!(
        gpt5.context_window.source,
        netclaw_providers::models::Provenance::Override
    );

    let missing = client.probe("nope").await.unwrap_err();
    assert!(
        matches!(&missing, netclaw_daemon::ClientError::Api { status: 404, code, .. } if code == "not_found"),
        "{missing:?}"
    );
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_failed_probe_is_classified_and_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": {"message": format!("Incorrect API key provided: {OPENAI_KEY}"), "code": "invalid_api_key"}
        })))
        .mount(&server)
        .await;
    let home = Home::new();
    home.add_key_provider(
        "work",
        "openai",
        &format!("{}/v1", server.uri()),
        OPENAI_KEY,
    );
    let daemon = home.spawn_quiet().await;
    let response = reqwest::Client::new()
        .post(format!("{}/api/providers/work/probe", daemon.base_url()))
        .bearer_auth(secrecy::ExposeSecret::expose_secret(daemon.token()))
        .send()
        .await
        .unwrap();
    let body = response.text().await.unwrap();
    assert!(!body.contains(OPENAI_KEY), "{body}");
    assert_eq!(json(&body)["status"], "auth");
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn reload_picks_up_a_provider_added_to_the_files() {
    let home = Home::new();
    home.add_key_provider("work", "openai", "http://127.0.0.1:9/v1", OPENAI_KEY);
    let daemon = home.spawn_quiet().await;
    let client = daemon.client();
    assert_eq!(client.providers().await.unwrap().providers.len(), 1);

    home.add_key_provider("claude", "anthropic", "http://127.0.0.1:9", ANTHROPIC_KEY);
    let reloaded = client.reload().await.unwrap();
    assert_eq!(reloaded.providers, ["claude", "work"]);
    let names: Vec<_> = client
        .providers()
        .await
        .unwrap()
        .providers
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["claude", "work"]);
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_file_watcher_applies_edits_without_a_restart() {
    let home = Home::new();
    home.add_key_provider("work", "openai", "http://127.0.0.1:9/v1", OPENAI_KEY);
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            watch_interval: Some(std::time::Duration::from_millis(10)),
            refresh: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut reloads = daemon.state().reloads();
    home.add_key_provider("claude", "anthropic", "http://127.0.0.1:9", ANTHROPIC_KEY);
    tokio::time::timeout(std::time::Duration::from_secs(20), reloads.changed())
        .await
        .expect("the watcher reloads within 20 s")
        .unwrap();
    let names: Vec<_> = daemon
        .client()
        .providers()
        .await
        .unwrap()
        .providers
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["claude", "work"]);
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_broken_edit_keeps_the_previous_config_live_and_is_reported() {
    let home = Home::new();
    home.add_key_provider("work", "openai", "http://127.0.0.1:9/v1", OPENAI_KEY);
    let daemon = home.spawn_quiet().await;
    let client = daemon.client();
    assert_eq!(
        client.health().await.unwrap().status,
        netclaw_daemon::api::HealthStatus::Ok
    );

    {
        use std::io::Write;
        let mut file = std::fs::File::create(home.paths.config_file()).unwrap();
        file.write_all(b"{\n  \"configVersion\": 1,\n  \"Providers\": {\n    \"work\": {\"Type\": \"openai\",,}\n  }\n}\n").unwrap();
    }
    let err = client.reload().await.unwrap_err();
    let netclaw_daemon::ClientError::Api {
        status,
        code,
        message,
        hint,
    } = err
    else {
        panic!("expected an API error, got {err:?}");
    };
    assert_eq!((status, code.as_str()), (422, "invalid_config"));
    assert!(
        message.contains("netclaw.json") && message.contains("line 4"),
        "{message}"
    );
    assert!(
        hint.unwrap()
            .contains("previous configuration stays in use")
    );

    let health = client.health().await.unwrap();
    assert_eq!(health.status, netclaw_daemon::api::HealthStatus::Degraded);
    assert!(health.config_error.unwrap().contains("line 4"));
    let names: Vec<_> = client
        .providers()
        .await
        .unwrap()
        .providers
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        names,
        ["work"],
        "the last good configuration is still served"
    );

    // Fixing the file clears the error.
    {
        use std::io::Write;
        let mut file = std::fs::File::create(home.paths.config_file()).unwrap();
        file.write_all(br#"{"configVersion": 1, "Providers": {"work": {"Type": "openai", "AuthMethod": "ApiKey"}, "more": {"Type": "ollama"}}}"#).unwrap();
    }
    assert_eq!(client.reload().await.unwrap().providers, ["more", "work"]);
    assert_eq!(
        client.health().await.unwrap().status,
        netclaw_daemon::api::HealthStatus::Ok
    );
    daemon.shutdown().await.unwrap();
}
