//! Device and browser logins of `openai` against a loopback OAuth issuer and Codex backend,
//! ending with working credentials (the probe with the new token passes, `provider list` shows
//! the expiry).

use std::io::{BufRead, BufReader, Write};
use std::process::Child;

use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::Netclaw;

pub(crate) const ACCESS: &str = "at-oauth-SECRET-55e0";
const REFRESH: &str = "rt-oauth-SECRET-91aa";

/// Mounts the token endpoint and the Codex `/models` listing that accepts the new token.
pub(crate) async fn mount_tokens_and_codex(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS, "refresh_token": REFRESH, "expires_in": 864000,
            "account_id": "acct-42", "token_type": "Bearer"
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/backend-api/codex/models"))
        .and(header("authorization", format!("Bearer {ACCESS}").as_str()))
        .and(header("chatgpt-account-id", "acct-42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            {"slug": "gpt-5.5", "display_name": "GPT-5.5", "visibility": "list",
             "context_window": 272000, "input_modalities": ["text", "image"]}
        ]})))
        .mount(server)
        .await;
}

fn assert_logged_in(netclaw: &Netclaw, name: &str) {
    let config = netclaw.config_json();
    let entry = &config["Providers"][name];
    assert!(
        entry["Accounts"]["default"]["OAuthTokenExpiry"].is_string(),
        "{config}"
    );
    assert!(
        entry.get("OAuthAccessToken").is_none(),
        "tokens stay out of netclaw.json"
    );
    let raw = std::fs::read(netclaw.home().join("config/secrets.json.age")).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains(ACCESS));
}

pub(crate) async fn mount_device(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/api/accounts/deviceauth/usercode"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_auth_id": "dev-1", "user_code": "ABCD-1234", "interval": "1"
        })))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/accounts/deviceauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "authorization_code": "code-from-device", "code_verifier": "verifier-1",
            "code_challenge": "challenge-1"
        })))
        .mount(server)
        .await;
}

/// Adds provider `work` (openai, device code) against `server`, which then serves Codex.
pub(crate) async fn add_openai_with_device_code(netclaw: &Netclaw, server: &MockServer) {
    mount_device(server).await;
    mount_tokens_and_codex(server).await;
    let endpoint = format!("{}/backend-api/codex", server.uri());
    netclaw
        .run(
            &[
                "provider",
                "add",
                "work",
                "openai",
                "--issuer",
                &server.uri(),
                "--endpoint",
                &endpoint,
            ],
            "",
        )
        .await
        .expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn openai_without_auth_or_key_starts_the_device_flow() {
    let server = MockServer::start().await;
    mount_device(&server).await;
    mount_tokens_and_codex(&server).await;
    let netclaw = Netclaw::new();
    let endpoint = format!("{}/backend-api/codex", server.uri());
    let run = netclaw
        .run(
            &[
                "provider",
                "add",
                "work",
                "openai",
                "--issuer",
                &server.uri(),
                "--endpoint",
                &endpoint,
            ],
            "",
        )
        .await;
    run.expect_code(0);
    insta::assert_snapshot!(run.stderr.replace(&server.uri(), "[issuer]"));
    assert_logged_in(&netclaw, "work");
    assert_eq!(
        netclaw.config_json()["Providers"]["work"]["AuthMethod"],
        "OAuthDevice"
    );
    assert_eq!(
        netclaw.config_json()["Providers"]["work"]["OAuth"]["Issuer"],
        server.uri()
    );
    let list = netclaw.run(&["provider", "list", "--json"], "").await;
    assert_eq!(list.json()[0]["tokenState"], "valid");
    assert_eq!(list.json()[0]["credentialSource"], "secrets");
    netclaw
        .run(&["provider", "probe", "work"], "")
        .await
        .expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn device_flow_errors_say_what_to_try_next() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/accounts/deviceauth/usercode"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let netclaw = Netclaw::new();
    let run = netclaw
        .run(
            &[
                "provider",
                "add",
                "work",
                "openai",
                "--issuer",
                &server.uri(),
            ],
            "",
        )
        .await;
    run.expect_code(1);
    insta::assert_snapshot!(run.stderr);
    assert!(!netclaw.config_file().exists());
}

/// Starts a browser login with the callback on any free port and returns the child and the
/// authorize URL it printed.
#[expect(
    clippy::zombie_processes,
    reason = "the caller waits for the child it is handed"
)]
fn start_browser_login(
    netclaw: &Netclaw,
    args: &[&str],
) -> (Child, url::Url, BufReader<std::process::ChildStderr>) {
    let mut child = netclaw.command(args).spawn().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let mut seen = String::new();
    loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no URL was printed:\n{seen}"
        );
        seen.push_str(&line);
        if let Some(at) = line.find("http") {
            let url = url::Url::parse(line[at..].trim()).unwrap();
            if url.path().ends_with("/oauth/authorize") {
                return (child, url, stderr);
            }
        }
    }
}

fn query(url: &url::Url, key: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .unwrap()
        .1
        .into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_completes_when_the_browser_hits_the_callback() {
    let server = MockServer::start().await;
    mount_tokens_and_codex(&server).await;
    let netclaw = Netclaw::new();
    let endpoint = format!("{}/backend-api/codex", server.uri());
    let issuer = server.uri();
    let args = [
        "provider",
        "add",
        "work",
        "openai",
        "--auth",
        "browser",
        "--issuer",
        &issuer,
        "--redirect-uri",
        "http://localhost:0/auth/callback",
        "--endpoint",
        &endpoint,
    ];
    let (mut child, url, stderr) = start_browser_login(&netclaw, &args);
    assert_eq!(query(&url, "originator"), "netclaw");
    // Play the browser: follow the redirect to the loopback callback.
    let redirect = url::Url::parse(&query(&url, "redirect_uri")).unwrap();
    let callback = format!(
        "{redirect}?code=code-from-browser&state={}",
        query(&url, "state")
    );
    let page = reqwest::get(&callback).await.unwrap();
    assert_eq!(page.status(), 200);
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let rest: Vec<String> = stderr.lines().map(Result::unwrap).collect();
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("Added provider `work`")),
        "{rest:?}"
    );
    assert_logged_in(&netclaw, "work");
    let exchange = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path() == "/oauth/token")
        .unwrap();
    let body = String::from_utf8(exchange.body).unwrap();
    assert!(
        body.contains("code=code-from-browser") && body.contains("code_verifier="),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_accepts_the_redirect_url_pasted_on_stdin() {
    let server = MockServer::start().await;
    mount_tokens_and_codex(&server).await;
    let netclaw = Netclaw::new();
    let endpoint = format!("{}/backend-api/codex", server.uri());
    let issuer = server.uri();
    let args = [
        "provider",
        "add",
        "work",
        "openai",
        "--auth",
        "browser",
        "--no-browser",
        "--issuer",
        &issuer,
        "--redirect-uri",
        "http://localhost:0/auth/callback",
        "--endpoint",
        &endpoint,
    ];
    let (mut child, url, stderr) = start_browser_login(&netclaw, &args);
    let mut stdin = child.stdin.take().unwrap();
    // A paste from another login is refused, and the wait goes on.
    writeln!(
        stdin,
        "http://localhost:1455/auth/callback?code=x&state=not-this-one"
    )
    .unwrap();
    let pasted = format!(
        "http://localhost:1455/auth/callback?code=code-pasted&state={}",
        query(&url, "state")
    );
    writeln!(stdin, "{pasted}").unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let rest: Vec<String> = stderr.lines().map(Result::unwrap).collect();
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("different login")),
        "{rest:?}"
    );
    assert_logged_in(&netclaw, "work");
    drop(stdin);
}

/// Starts `netclaw daemon run --port 0` and waits until it says where it listens.
pub(crate) fn start_daemon(netclaw: &Netclaw) -> Child {
    let mut daemon = netclaw
        .command(&["daemon", "run", "--port", "0"])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(daemon.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("listening on"), "{line}");
    // Keep draining the daemon's stderr so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in stderr.lines() {});
    daemon
}

pub(crate) async fn stop_daemon(netclaw: &Netclaw, mut daemon: Child) {
    netclaw.run(&["daemon", "stop"], "").await.expect_code(0);
    tokio::task::spawn_blocking(move || daemon.wait().unwrap())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_through_a_running_daemon_by_callback_and_by_paste() {
    let server = MockServer::start().await;
    let netclaw = Netclaw::new();
    add_openai_with_device_code(&netclaw, &server).await;
    // The provider remembers where its issuer is and that the callback may use any free port.
    let issuer = server.uri();
    let endpoint = format!("{}/backend-api/codex", server.uri());
    let daemon = start_daemon(&netclaw);

    let args = [
        "provider",
        "login",
        "work",
        "--auth",
        "browser",
        "--issuer",
        &issuer,
        "--redirect-uri",
        "http://localhost:0/auth/callback",
    ];
    let (mut child, url, stderr) = start_browser_login(&netclaw, &args);
    let redirect = url::Url::parse(&query(&url, "redirect_uri")).unwrap();
    let callback = format!(
        "{redirect}?code=code-via-daemon&state={}",
        query(&url, "state")
    );
    assert_eq!(reqwest::get(&callback).await.unwrap().status(), 200);
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let rest: Vec<String> = stderr.lines().map(Result::unwrap).collect();
    assert!(status.success(), "{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("through the daemon")),
        "{rest:?}"
    );
    assert_eq!(
        netclaw.config_json()["Providers"]["work"]["AuthMethod"],
        "OAuthPkce"
    );
    assert_logged_in(&netclaw, "work");

    let (mut child, url, stderr) = start_browser_login(&netclaw, &args[..5]);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(
        stdin,
        "http://localhost:1455/auth/callback?code=code-pasted&state={}",
        query(&url, "state")
    )
    .unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    let rest: Vec<String> = stderr.lines().map(Result::unwrap).collect();
    assert!(status.success(), "{rest:?}");
    drop(stdin);
    let exchanges: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/oauth/token")
        .map(|r| String::from_utf8(r.body).unwrap())
        .collect();
    assert!(
        exchanges.iter().any(|b| b.contains("code=code-via-daemon")),
        "{exchanges:?}"
    );
    assert!(
        exchanges.iter().any(|b| b.contains("code=code-pasted")),
        "{exchanges:?}"
    );
    // The stored credential works: chat-free check through a live probe.
    netclaw
        .run(&["provider", "probe", "work"], "")
        .await
        .expect_code(0);
    let _ = endpoint;
    stop_daemon(&netclaw, daemon).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fresh_login_with_an_hour_long_token_is_not_reported_as_expiring() {
    let server = MockServer::start().await;
    let netclaw = Netclaw::new();
    add_openai_with_device_code(&netclaw, &server).await;
    // ChatGPT's access tokens live about an hour; the refresh token is what keeps the login.
    let in_59_minutes = jiff::Timestamp::now() + jiff::SignedDuration::from_mins(59);
    netclaw.edit_config(|config| {
        config["Providers"]["work"]["Accounts"]["default"]["OAuthTokenExpiry"] =
            json!(in_59_minutes.to_string());
    });
    let probe = netclaw
        .run(&["provider", "probe", "work", "--json"], "")
        .await;
    probe.expect_code(0);
    assert_eq!(probe.json()[0]["tokenState"], "valid");
    assert!(!probe.stderr.contains("expires"), "{}", probe.stderr);
    let list = netclaw.run(&["provider", "list", "--json"], "").await;
    assert_eq!(list.json()[0]["tokenState"], "valid");
    let doctor = netclaw.run(&["doctor"], "").await;
    assert!(!doctor.stdout.contains("expires"), "{}", doctor.stdout);
    assert!(!doctor.stderr.contains("expires"), "{}", doctor.stderr);
}
