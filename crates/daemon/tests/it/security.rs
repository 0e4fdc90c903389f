//! Who may call: bearer token, loopback Host, open health — with and without a socket.

use axum::body::Body;
use pretty_assertions::assert_eq;
use secrecy::ExposeSecret;

use crate::support::{Home, TEST_PORT, authed, json, oneshot, request};

#[tokio::test]
async fn health_is_open_without_a_token() {
    let home = Home::new();
    let (status, body) = oneshot(
        &home.state(),
        request("GET", "/api/health").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(json(&body)["status"], "ok");
}

#[tokio::test]
async fn protected_routes_require_the_token() {
    let home = Home::new();
    let state = home.state();
    let (status, body) = oneshot(
        &state,
        request("POST", "/api/reload").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    insta::assert_json_snapshot!("missing_token", json(&body));

    let wrong = request("POST", "/api/reload")
        .header("authorization", "Bearer test-token-0123456789abcdeX")
        .body(Body::empty())
        .unwrap();
    let (status, body) = oneshot(&state, wrong).await;
    assert_eq!(status, 401);
    assert_eq!(json(&body)["error"]["code"], "unauthorized");

    let basic = request("GET", "/api/providers")
        .header("authorization", "Basic dGVzdA==")
        .body(Body::empty())
        .unwrap();
    assert_eq!(oneshot(&state, basic).await.0, 401);

    // With the token, the request reaches routing (an unknown route is a JSON 404).
    let (status, body) = oneshot(
        &state,
        authed("GET", "/api/nope").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(json(&body)["error"]["code"], "not_found");
}

#[tokio::test]
async fn gateway_auth_errors_are_openai_shaped() {
    let home = Home::new();
    let (status, body) = oneshot(
        &home.state(),
        request("GET", "/v1/models").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    insta::assert_json_snapshot!("gateway_missing_token", json(&body));
}

#[tokio::test]
async fn foreign_host_headers_are_refused_even_with_the_token() {
    let home = Home::new();
    let state = home.state();
    for host in [
        "evil.example:5199".to_owned(),
        format!("127.0.0.1:{}", TEST_PORT + 1),
        "127.0.0.1".to_owned(),
        "localhost.evil.example:5199".to_owned(),
    ] {
        let req = authed("GET", "/api/health")
            .header("host", host.as_str())
            .body(Body::empty())
            .unwrap();
        // `authed` set a good Host first; replace it.
        let mut req = req;
        req.headers_mut().insert("host", host.parse().unwrap());
        let (status, body) = oneshot(&state, req).await;
        assert_eq!(status, 403, "Host `{host}`");
        assert_eq!(json(&body)["error"]["code"], "forbidden_host");
    }
    for host in ["localhost:5199", "[::1]:5199", "LOCALHOST:5199"] {
        let mut req = request("GET", "/api/health").body(Body::empty()).unwrap();
        req.headers_mut().insert("host", host.parse().unwrap());
        assert_eq!(oneshot(&state, req).await.0, 200, "Host `{host}`");
    }
}

#[tokio::test]
async fn no_cors_headers_even_for_a_preflight() {
    let home = Home::new();
    let req = request("OPTIONS", "/api/providers")
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(netclaw_daemon::router(home.state()), req)
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response
            .headers()
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-")),
        "{:?}",
        response.headers()
    );
}

#[tokio::test]
async fn over_a_socket_the_token_and_host_are_enforced() {
    let home = Home::new();
    let daemon = home.spawn().await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = daemon.base_url();

    let health = http.get(format!("{base}/api/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"));

    let anonymous = http
        .post(format!("{base}/api/reload"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let wrong = http
        .post(format!("{base}/api/reload"))
        .bearer_auth("not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let rebinding = http
        .get(format!("{base}/api/health"))
        .header("host", format!("attacker.example:{}", daemon.addr().port()))
        .send()
        .await
        .unwrap();
    assert_eq!(rebinding.status(), 403);

    let token = std::fs::read_to_string(home.paths.daemon_token_file()).unwrap();
    assert_eq!(token, daemon.token().expose_secret());
    let ok = http
        .get(format!("{base}/api/nope"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ok.status(),
        404,
        "the token from run/daemon.token is accepted"
    );
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let home = Home::new();
    let big = vec![b'x'; netclaw_daemon_max_body() + 1];
    let req = authed("POST", "/api/chat")
        .header("content-type", "application/json")
        .body(Body::from(big))
        .unwrap();
    let (status, _) = oneshot(&home.state(), req).await;
    assert_eq!(status, 413);
}

fn netclaw_daemon_max_body() -> usize {
    16 * 1024 * 1024
}

/// One raw request over a socket, answered as the status line and the body.
async fn raw(daemon: &netclaw_daemon::RunningDaemon, request: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(daemon.addr()).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    let read = stream.read_to_string(&mut answer);
    tokio::time::timeout(std::time::Duration::from_secs(10), read)
        .await
        .expect("the daemon answers without waiting for more")
        .unwrap();
    answer
}

#[tokio::test]
async fn guard_gaps_are_closed() {
    let home = Home::new();
    let daemon = home.spawn_quiet().await;
    let host = daemon.addr().to_string();
    let token = daemon.token().expose_secret().to_owned();

    // Two Host headers, the good one first.
    let two_hosts = raw(
        &daemon,
        format!("GET /api/providers HTTP/1.1\r\nHost: {host}\r\nHost: evil.example:80\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(two_hosts.starts_with("HTTP/1.1 400"), "{two_hosts}");

    // HEAD on the health check is as public as GET.
    let head = raw(
        &daemon,
        format!("HEAD /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");

    // A declared body above the limit is refused from the header; no body is ever sent.
    let huge = raw(
        &daemon,
        format!("POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert!(huge.starts_with("HTTP/1.1 413"), "{huge}");

    // An empty model name is the client's mistake, not a request for the main model.
    home.set_main("work", "gpt-5");
    for route in ["/v1/chat/completions", "/v1/responses"] {
        let body = if route == "/v1/responses" {
            r#"{"model": "", "input": "hi"}"#
        } else {
            r#"{"model": "", "messages": [{"role": "user", "content": "hi"}]}"#
        };
        let empty = raw(
            &daemon,
            format!("POST {route} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()),
        )
        .await;
        assert!(empty.starts_with("HTTP/1.1 400"), "{route}: {empty}");
        assert!(empty.contains("`model` is empty"), "{route}: {empty}");
    }
    daemon.shutdown().await.unwrap();
}
