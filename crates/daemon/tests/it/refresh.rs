//! Background refresh with an injectable clock: a token 3 minutes from expiry is refreshed once,
//! inside the 2-minute window, and the rotated tokens are stored.

use std::time::Duration;

use pretty_assertions::assert_eq;
use secrecy::ExposeSecret;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::Home;

async fn token_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/oauth/token")
        .count()
}

async fn wait_ticks(ticks: &mut tokio::sync::watch::Receiver<u64>, n: usize) {
    for _ in 0..n {
        tokio::time::timeout(Duration::from_secs(20), ticks.changed())
            .await
            .expect("the refresher ticks")
            .unwrap();
    }
}

#[tokio::test]
async fn a_token_three_minutes_from_expiry_is_refreshed_once_within_the_window() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at-2", "refresh_token": "rt-2", "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    let start = jiff::Timestamp::from_second(1_800_000_000).unwrap();
    let clock = netclaw_oauth::ManualClock::new(start);
    let expiry = start + jiff::SignedDuration::from_mins(3);
    let home = Home::new();
    home.add_codex_provider(
        "chatgpt",
        &format!("{}/backend-api/codex", server.uri()),
        &server.uri(),
        "at-1",
        "rt-1",
        expiry,
    );
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            clock: Some(std::sync::Arc::new(clock.clone())),
            watch_interval: None,
            refresh: Some(netclaw_daemon::RefreshOptions {
                tick: Duration::from_millis(5),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut ticks = daemon.state().refresh_ticks();

    // Three minutes before expiry is outside the 2-minute window: nothing happens.
    wait_ticks(&mut ticks, 3).await;
    assert_eq!(token_requests(&server).await, 0);

    // 61 s later the token expires in 119 s: inside the window, and before expiry.
    clock.advance(Duration::from_secs(61));
    let mut waited = 0;
    while token_requests(&server).await == 0 {
        wait_ticks(&mut ticks, 1).await;
        waited += 1;
        assert!(waited < 200, "no refresh after {waited} ticks");
    }
    // Many more passes with the same clock: the new token is an hour away, no second refresh.
    wait_ticks(&mut ticks, 10).await;
    assert_eq!(token_requests(&server).await, 1);

    let config = home.store().load(&home.env()).unwrap();
    let creds = &config.credentials["chatgpt"];
    assert_eq!(
        creds
            .first()
            .oauth_access_token
            .as_ref()
            .unwrap()
            .value
            .expose_secret(),
        "at-2"
    );
    assert_eq!(
        creds
            .first()
            .oauth_refresh_token
            .as_ref()
            .unwrap()
            .value
            .expose_secret(),
        "rt-2"
    );
    let stored_expiry = config.settings.providers["chatgpt"]
        .first_token_expiry()
        .unwrap();
    assert_eq!(
        stored_expiry,
        start + jiff::SignedDuration::from_secs(61 + 3600)
    );
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_refused_refresh_marks_the_provider_for_a_new_login() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": "invalid_grant", "error_description": "refresh_token_reused"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let start = jiff::Timestamp::from_second(1_800_000_000).unwrap();
    let clock = netclaw_oauth::ManualClock::new(start);
    let home = Home::new();
    home.add_codex_provider(
        "chatgpt",
        &format!("{}/backend-api/codex", server.uri()),
        &server.uri(),
        "at-1",
        "rt-1",
        start + jiff::SignedDuration::from_secs(30),
    );
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            clock: Some(std::sync::Arc::new(clock)),
            watch_interval: None,
            refresh: Some(netclaw_daemon::RefreshOptions {
                tick: Duration::from_millis(5),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut ticks = daemon.state().refresh_ticks();
    wait_ticks(&mut ticks, 10).await;
    let listed = daemon.client().providers().await.unwrap();
    assert!(listed.providers[0].reauth_required);
    assert_eq!(
        listed.providers[0].hint.as_deref(),
        Some("run `netclaw provider login chatgpt`")
    );
    assert_eq!(
        token_requests(&server).await,
        1,
        "a refused refresh token is not retried"
    );
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_token_that_expired_while_the_daemon_was_down_is_refreshed_at_the_first_pass() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at-2", "refresh_token": "rt-2", "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    let start = jiff::Timestamp::from_second(1_800_000_000).unwrap();
    let clock = netclaw_oauth::ManualClock::new(start);
    let home = Home::new();
    home.add_codex_provider(
        "chatgpt",
        &format!("{}/backend-api/codex", server.uri()),
        &server.uri(),
        "at-1",
        "rt-1",
        start - jiff::SignedDuration::from_mins(10),
    );
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            clock: Some(std::sync::Arc::new(clock)),
            watch_interval: None,
            // Regular passes an hour apart: only the first pass, right after start, can do it.
            refresh: Some(netclaw_daemon::RefreshOptions {
                tick: Duration::from_secs(3600),
                first_pass: Duration::ZERO,
                first_pass_jitter: Duration::ZERO,
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut ticks = daemon.state().refresh_ticks();
    wait_ticks(&mut ticks, 1).await;
    assert_eq!(token_requests(&server).await, 1);
    let config = home.store().load(&home.env()).unwrap();
    assert_eq!(
        config.credentials["chatgpt"]
            .first()
            .oauth_access_token
            .as_ref()
            .unwrap()
            .value
            .expose_secret(),
        "at-2"
    );
    daemon.shutdown().await.unwrap();
}
