//! OpenAI's proprietary device flow against wiremock.

use std::time::Duration;

use netclaw_oauth::{DeviceFlowKind, DeviceProgress, ManualClock, OAuthError};
use secrecy::ExposeSecret as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{form, header, now, openai_client, unsigned_jwt};

const USERCODE: &str = "/api/accounts/deviceauth/usercode";
const POLL: &str = "/api/accounts/deviceauth/token";

async fn mount_start(server: &MockServer, body: Value) {
    Mock::given(method("POST"))
        .and(path(USERCODE))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

async fn mount_poll_once(server: &MockServer, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(POLL))
        .respond_with(response)
        .up_to_n_times(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn pending_pending_transient_then_success_and_exchange() {
    let server = MockServer::start().await;
    mount_start(
        &server,
        json!({"device_auth_id": "dauth-1", "usercode": "WXYZ-1234", "interval": "5"}),
    )
    .await;
    mount_poll_once(&server, ResponseTemplate::new(403)).await;
    mount_poll_once(&server, ResponseTemplate::new(403)).await;
    mount_poll_once(&server, ResponseTemplate::new(502)).await;
    mount_poll_once(
        &server,
        ResponseTemplate::new(200).set_body_json(json!({
            "authorization_code": "auth-code-1", "code_challenge": "ch", "code_verifier": "server-verifier"
        })),
    )
    .await;
    let id_token =
        unsigned_jwt(&json!({"https://api.openai.com/auth": {"chatgpt_account_id": "acct-9"}}));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at", "refresh_token": "rt", "id_token": id_token, "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = openai_client(&server);
    let authorization = client.start_device_authorization().await.unwrap();
    assert_eq!(authorization.kind, DeviceFlowKind::OpenAi);
    assert_eq!(authorization.user_code, "WXYZ-1234");
    assert_eq!(
        authorization.verification_uri,
        format!("{}/codex/device", server.uri())
    );
    assert_eq!(authorization.interval, Duration::from_secs(5));
    assert_eq!(
        authorization.expires_in,
        Duration::from_secs(900),
        "default when absent"
    );
    assert!(!format!("{authorization:?}").contains("dauth-1"));

    let clock = ManualClock::new(now());
    let mut events = Vec::new();
    let mut progress = |e: DeviceProgress| events.push(e);
    let tokens = client
        .poll_device_authorization(&authorization, &clock, &mut progress)
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "at");
    assert_eq!(tokens.account_id.as_deref(), Some("acct-9"));
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(5); 4]);
    insta::assert_debug_snapshot!(events);

    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(paths, [USERCODE, POLL, POLL, POLL, POLL, "/oauth/token"]);
    assert_eq!(header(&requests[0], "content-type"), "application/json");
    insta::assert_json_snapshot!(
        "openai_usercode_body",
        requests[0].body_json::<Value>().unwrap()
    );
    insta::assert_json_snapshot!(
        "openai_poll_body",
        requests[1].body_json::<Value>().unwrap()
    );
    let exchange = &requests[5];
    assert_eq!(
        header(exchange, "content-type"),
        "application/x-www-form-urlencoded"
    );
    let body: Vec<(String, String)> = form(&exchange.body)
        .into_iter()
        .map(|(k, v)| (k, v.replace(&server.uri(), "[issuer]")))
        .collect();
    insta::assert_debug_snapshot!("openai_device_exchange_form", body);
}

#[tokio::test]
async fn not_found_on_start_is_device_code_not_enabled() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(USERCODE))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let err = openai_client(&server)
        .start_device_authorization()
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::DeviceCodeNotEnabled), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("not enabled")
            && message.contains("API key")
            && message.contains("browser"),
        "{message}"
    );
}

#[tokio::test]
async fn unexpected_status_while_polling_fails() {
    let server = MockServer::start().await;
    mount_start(
        &server,
        json!({"device_auth_id": "d", "user_code": "U", "interval": 1, "expires_in": 60}),
    )
    .await;
    mount_poll_once(&server, ResponseTemplate::new(404)).await;
    mount_poll_once(&server, ResponseTemplate::new(400)).await;
    let client = openai_client(&server);
    let authorization = client.start_device_authorization().await.unwrap();
    let clock = ManualClock::new(now());
    let err = client
        .poll_device_authorization(&authorization, &clock, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "OAuth device flow error: OpenAI returned an unexpected error (HTTP 400). Please try again"
    );
}

#[tokio::test]
async fn failed_exchange_propagates_the_status() {
    let server = MockServer::start().await;
    mount_start(
        &server,
        json!({"device_auth_id": "d", "user_code": "U", "interval": 1}),
    )
    .await;
    mount_poll_once(
        &server,
        ResponseTemplate::new(200)
            .set_body_json(json!({"authorization_code": "c", "code_verifier": "v"})),
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": "invalid_request", "error_description": "bad verifier"}),
        ))
        .mount(&server)
        .await;
    let client = openai_client(&server);
    let authorization = client.start_device_authorization().await.unwrap();
    let err = client
        .poll_device_authorization(&authorization, &ManualClock::new(now()), &mut |_| {})
        .await
        .unwrap_err();
    match &err {
        OAuthError::Endpoint {
            status,
            error,
            description,
            ..
        } => {
            assert_eq!(*status, 400);
            assert_eq!(error.as_deref(), Some("invalid_request"));
            assert_eq!(description.as_deref(), Some("bad verifier"));
        }
        other => panic!("expected Endpoint, got {other:?}"),
    }
    assert!(err.to_string().contains("400"));
}
