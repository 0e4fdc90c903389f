//! RFC 8628 against wiremock, with a manual clock: the spacing asserted is what the client asked for.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use netclaw_oauth::{Clock as _, DeviceProgress, ManualClock, OAuthError};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{form, header, now, standard_client};

async fn mount_start(server: &MockServer, expires_in: Value) {
    Mock::given(method("POST"))
        .and(path("/device"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "dev-code-secret", "user_code": "ABCD-EFGH",
            "verification_uri": "https://id.example/device",
            "verification_uri_complete": "https://id.example/device?user_code=ABCD-EFGH",
            "expires_in": expires_in, "interval": 5
        })))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_poll_once(server: &MockServer, status: u16, body: Value) {
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("device_code=dev-code-secret"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .up_to_n_times(1)
        .mount(server)
        .await;
}

/// Runs the poll loop, recording progress and the (virtual) time of every poll.
async fn run(
    server: &MockServer,
) -> (
    Result<netclaw_oauth::TokenSet, OAuthError>,
    Vec<DeviceProgress>,
    Vec<Timestamp>,
    ManualClock,
) {
    let client = standard_client(server);
    let authorization = client.start_device_authorization().await.unwrap();
    let clock = ManualClock::new(now());
    let events = Arc::new(Mutex::new(Vec::new()));
    let poll_times = Arc::new(Mutex::new(Vec::new()));
    let (e, p, c) = (events.clone(), poll_times.clone(), clock.clone());
    let mut progress = move |event: DeviceProgress| {
        if matches!(event, DeviceProgress::Polling { .. }) {
            p.lock().unwrap().push(c.now());
        }
        e.lock().unwrap().push(event);
    };
    let result = client
        .poll_device_authorization(&authorization, &clock, &mut progress)
        .await;
    let events = events.lock().unwrap().clone();
    let times = poll_times.lock().unwrap().clone();
    (result, events, times, clock)
}

fn secs(s: &[u64]) -> Vec<Duration> {
    s.iter().map(|s| Duration::from_secs(*s)).collect()
}

fn at(offset: i64) -> Timestamp {
    now()
        .checked_add(jiff::SignedDuration::from_secs(offset))
        .unwrap()
}

#[tokio::test]
async fn pending_then_slow_down_then_success_with_spacing() {
    let server = MockServer::start().await;
    mount_start(&server, json!(600)).await;
    mount_poll_once(&server, 400, json!({"error": "authorization_pending"})).await;
    mount_poll_once(&server, 400, json!({"error": "slow_down"})).await;
    mount_poll_once(
        &server,
        200,
        json!({"access_token": "at", "refresh_token": "rt", "expires_in": "60"}),
    )
    .await;

    let (result, events, poll_times, clock) = run(&server).await;
    let tokens = result.unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "at");
    // Sleep before each poll: 5, 5, then 5 + 5 after slow_down.
    assert_eq!(clock.sleeps(), secs(&[5, 5, 10]));
    assert_eq!(poll_times, vec![at(5), at(10), at(20)]);
    assert_eq!(
        tokens.expires_at,
        Some(at(80)),
        "expiry from the clock at success"
    );
    insta::assert_debug_snapshot!(events);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(header(request, "accept"), "application/json");
        assert_eq!(
            header(request, "content-type"),
            "application/x-www-form-urlencoded"
        );
    }
    insta::assert_debug_snapshot!("rfc8628_start_form", form(&requests[0].body));
    insta::assert_debug_snapshot!("rfc8628_poll_form", form(&requests[1].body));
}

#[tokio::test]
async fn error_inside_a_200_keeps_polling() {
    let server = MockServer::start().await;
    mount_start(&server, json!("600")).await;
    mount_poll_once(&server, 200, json!({"error": "authorization_pending"})).await;
    mount_poll_once(&server, 200, json!({"access_token": "at"})).await;
    let (result, _, poll_times, _) = run(&server).await;
    assert_eq!(result.unwrap().expires_at, None);
    assert_eq!(poll_times, vec![at(5), at(10)]);
}

#[tokio::test]
async fn access_denied() {
    let server = MockServer::start().await;
    mount_start(&server, json!(600)).await;
    mount_poll_once(&server, 400, json!({"error": "authorization_pending"})).await;
    mount_poll_once(
        &server,
        400,
        json!({"error": "access_denied", "error_description": "The user said no"}),
    )
    .await;
    let (result, events, _, _) = run(&server).await;
    match result.unwrap_err() {
        OAuthError::Denied { error, description } => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("The user said no"));
        }
        other => panic!("expected Denied, got {other:?}"),
    }
    assert_eq!(events.last(), Some(&DeviceProgress::Denied));
}

#[tokio::test]
async fn expired_token() {
    let server = MockServer::start().await;
    mount_start(&server, json!(600)).await;
    mount_poll_once(&server, 400, json!({"error": "expired_token"})).await;
    let (result, events, _, _) = run(&server).await;
    assert!(matches!(result, Err(OAuthError::DeviceCodeExpired)));
    assert_eq!(events.last(), Some(&DeviceProgress::Expired));
}

#[tokio::test]
async fn deadline_ends_polling_without_an_extra_request() {
    let server = MockServer::start().await;
    mount_start(&server, json!(12)).await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"error": "authorization_pending"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let (result, _, poll_times, _) = run(&server).await;
    assert!(matches!(result, Err(OAuthError::DeviceCodeExpired)));
    assert_eq!(poll_times, vec![at(5), at(10)]);
}

#[tokio::test]
async fn unknown_error_carries_the_description() {
    let server = MockServer::start().await;
    mount_start(&server, json!(600)).await;
    mount_poll_once(
        &server,
        400,
        json!({"error": "invalid_client", "error_description": "Unknown client"}),
    )
    .await;
    let (result, _, _, _) = run(&server).await;
    assert_eq!(
        result.unwrap_err().to_string(),
        "OAuth device flow error: Unknown client"
    );
}
