//! Browser login over the real loopback listener: PKCE flow, stray requests, denial, ports, timeout.

use std::time::Duration;

use netclaw_oauth::{CallbackListener, OAuthError, SUCCESS_TEXT};
use secrecy::ExposeSecret as _;
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{form, header, now, openai_client, unsigned_jwt};

/// The "browser": a plain client that does not follow redirects or use a proxy.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn visit(port: u16, path_and_query: &str) -> (u16, String, String) {
    let response = browser()
        .get(format!("http://127.0.0.1:{port}{path_and_query}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let connection = response
        .headers()
        .get("connection")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, connection, response.text().await.unwrap())
}

#[tokio::test]
async fn full_pkce_flow_through_the_callback() {
    let server = MockServer::start().await;
    let id_token =
        unsigned_jwt(&json!({"https://api.openai.com/auth": {"chatgpt_account_id": "acct-1"}}));
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-1", "refresh_token": "refresh-1", "id_token": id_token, "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = openai_client(&server);
    let listener = CallbackListener::bind(&[0], "/auth/callback")
        .await
        .unwrap();
    let port = listener.port();
    let redirect_uri = listener.redirect_uri(&client.config().redirect_uri);
    assert_eq!(
        redirect_uri.as_str(),
        format!("http://localhost:{port}/auth/callback")
    );
    let pending = client.start_authorization(&redirect_uri).unwrap();
    let url = pending.authorization_url.clone();
    assert!(url.as_str().starts_with(&format!(
        "{}/oauth/authorize?response_type=code&",
        server.uri()
    )));
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |k: &str| {
        query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(get("state"), pending.state);
    assert_eq!(get("redirect_uri"), redirect_uri.as_str());
    assert_eq!(get("code_challenge"), pending.pkce().challenge());

    let state = pending.state.clone();
    let serving = tokio::spawn(async move {
        listener
            .serve(&state, Duration::from_secs(300), |code| async move {
                client.exchange_code(&pending, &code, now()).await
            })
            .await
    });
    let (status, connection, body) = visit(
        port,
        &format!("/auth/callback?code=the-code&state={}", get("state")),
    )
    .await;
    assert_eq!((status, connection.as_str()), (200, "close"));
    assert!(body.contains(SUCCESS_TEXT), "{body}");
    let tokens = serving.await.unwrap().unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "access-1");
    assert_eq!(tokens.refresh_token.unwrap().expose_secret(), "refresh-1");
    assert_eq!(tokens.account_id.as_deref(), Some("acct-1"));
    assert_eq!(
        tokens.expires_at,
        Some("2026-06-23T13:00:00Z".parse().unwrap())
    );

    let requests = server.received_requests().await.unwrap();
    let exchange = &requests[0];
    assert_eq!(
        header(exchange, "content-type"),
        "application/x-www-form-urlencoded"
    );
    let mut body = form(&exchange.body);
    for (key, value) in &mut body {
        if key == "code_verifier" {
            assert_eq!(netclaw_oauth::s256_challenge(value), get("code_challenge"));
            *value = "[verifier]".into();
        }
        if key == "redirect_uri" {
            *value = value.replace(&port.to_string(), "[port]");
        }
    }
    insta::assert_debug_snapshot!(body);
}

#[tokio::test]
async fn stray_requests_get_400_or_404_and_the_listener_keeps_going() {
    let listener = CallbackListener::bind(&[0], "/auth/callback")
        .await
        .unwrap();
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait_for_code("good-state", Duration::from_secs(300)));

    let (status, connection, body) = visit(port, "/auth/callback?code=c&state=wrong").await;
    assert_eq!((status, connection.as_str()), (400, "close"));
    assert!(body.contains("State mismatch"), "{body}");
    assert_eq!(
        visit(port, "/auth/callback?code=c").await.0,
        400,
        "missing state"
    );
    assert_eq!(
        visit(port, "/auth/callback?state=good-state").await.0,
        400,
        "missing code"
    );
    assert_eq!(
        visit(port, "/auth/callback?error=access_denied&state=wrong")
            .await
            .0,
        400
    );
    assert_eq!(visit(port, "/favicon.ico").await.0, 404);
    // Garbage and an oversized head on a raw socket: answered, not fatal.
    for raw in [&b"\x16\x03\x01garbage\r\n\r\n"[..], &[b'A'; 20_000][..]] {
        let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let _ = socket.write_all(raw).await;
        let mut answer = Vec::new();
        let _ = socket.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    }
    // An idle pre-connection must not block the real request.
    let _idle = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    assert!(!waiting.is_finished());

    let (status, _, _) = visit(port, "/auth/callback?code=real-code&state=good-state").await;
    assert_eq!(status, 200);
    assert_eq!(waiting.await.unwrap().unwrap().expose_secret(), "real-code");
}

#[tokio::test]
async fn error_access_denied_ends_the_flow_with_denied() {
    let listener = CallbackListener::bind(&[0], "/auth/callback")
        .await
        .unwrap();
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait_for_code("s1", Duration::from_secs(300)));
    let (status, _, body) = visit(
        port,
        "/auth/callback?error=access_denied&error_description=User%20cancelled&state=s1",
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("User cancelled"), "{body}");
    match waiting.await.unwrap().unwrap_err() {
        OAuthError::Denied { error, description } => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("User cancelled"));
        }
        other => panic!("expected Denied, got {other:?}"),
    }
}

#[tokio::test]
async fn exchange_failure_shows_the_error_page_and_returns_the_error() {
    let listener = CallbackListener::bind(&[0], "/cb").await.unwrap();
    let port = listener.port();
    let serving = tokio::spawn(listener.serve("s", Duration::from_secs(60), |_code| async {
        Err::<(), _>(OAuthError::DeviceFlow {
            message: "exchange <broke>".into(),
        })
    }));
    let (status, _, body) = visit(port, "/cb?code=c&state=s").await;
    assert_eq!(status, 500);
    assert!(body.contains("exchange &lt;broke&gt;"), "{body}");
    assert!(matches!(
        serving.await.unwrap(),
        Err(OAuthError::DeviceFlow { .. })
    ));
}

#[tokio::test]
async fn first_candidate_held_means_the_second_is_used() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let held_port = held.local_addr().unwrap().port();
    let listener = CallbackListener::bind(&[held_port, 0], "/auth/callback")
        .await
        .unwrap();
    assert_ne!(listener.port(), held_port);
    let port = listener.port();
    let waiting = tokio::spawn(listener.wait_for_code("s", Duration::from_secs(60)));
    assert_eq!(visit(port, "/auth/callback?code=c&state=s").await.0, 200);
    assert_eq!(waiting.await.unwrap().unwrap().expose_secret(), "c");
}

#[tokio::test]
async fn both_candidates_held_is_a_typed_error_suggesting_the_device_flow() {
    let first = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let second = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let ports = [
        first.local_addr().unwrap().port(),
        second.local_addr().unwrap().port(),
    ];
    let err = CallbackListener::bind(&ports, "/auth/callback")
        .await
        .unwrap_err();
    let message = err.to_string();
    match err {
        OAuthError::PortsInUse { ports: tried } => assert_eq!(tried, ports),
        other => panic!("expected PortsInUse, got {other:?}"),
    }
    let shown = message
        .replace(&ports[0].to_string(), "[p1]")
        .replace(&ports[1].to_string(), "[p2]");
    insta::assert_snapshot!(shown, @"cannot listen for the login callback: ports `[p1]` and `[p2]` on 127.0.0.1 are already in use. Close the program holding them or log in with the device code flow instead (`--auth device`)");
}

#[tokio::test(start_paused = true)]
async fn times_out_after_the_given_duration() {
    let listener = CallbackListener::bind(&[0], "/auth/callback")
        .await
        .unwrap();
    let err = listener
        .wait_for_code("s", Duration::from_secs(300))
        .await
        .unwrap_err();
    assert!(
        matches!(err, OAuthError::Timeout { after } if after == Duration::from_secs(300)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "timed out after 5 min waiting for the browser to finish the login"
    );
}

#[tokio::test]
async fn cancellation_ends_the_wait() {
    let listener = CallbackListener::bind(&[0], "/auth/callback")
        .await
        .unwrap();
    let canceller = listener.canceller();
    let waiting = tokio::spawn(listener.wait_for_code("s", Duration::from_secs(300)));
    canceller.cancel();
    assert!(matches!(waiting.await.unwrap(), Err(OAuthError::Cancelled)));
}
