//! GitHub Copilot through the real binary against loopback fakes of GitHub (device login, token
//! exchange) and a Business seat's Copilot API: the terms stated and confirmed, the device login,
//! the exchange at the Enterprise API, models, and a chat directly, through the daemon and through
//! its gateway, with no GitHub or Copilot token in any output.

use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::oauth::{start_daemon, stop_daemon};
use crate::support::{KEY, Netclaw};

const COPILOT_TOKEN: &str = "cop-token-SECRET-9";

const ANSWER: &str = concat!(
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi from copilot\"}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    "data: [DONE]\n\n",
);

/// GitHub at `server` (device login granting `KEY` as the GitHub token), its Enterprise API at
/// `/api`, and the seat's Copilot API at `/business`.
async fn github(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/login/device/code"))
        .and(body_string_contains("client_id=Iv1.b507a08c87ecfe98"))
        .and(body_string_contains("scope=read%3Auser"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "device_code": "dev-1", "user_code": "ABCD-1234",
            "verification_uri": format!("{}/login/device", server.uri()),
            "expires_in": 900, "interval": 1})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/login/oauth/access_token"))
        .and(body_string_contains("device_code=dev-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": KEY, "token_type": "bearer", "scope": "read:user"})))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/copilot_internal/v2/token"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": COPILOT_TOKEN, "expires_at": 4_102_444_800_i64,
            "endpoints": {"api": format!("{}/business", server.uri())}})))
        .mount(server)
        .await;
    let copilot = format!("Bearer {COPILOT_TOKEN}");
    Mock::given(method("GET"))
        .and(path("/business/models"))
        .and(header("authorization", copilot.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "gpt-4o", "model_picker_enabled": true,
             "capabilities": {"type": "chat", "limits": {"max_context_window_tokens": 128_000}}}
        ]})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/business/chat/completions"))
        .and(header("authorization", copilot.as_str()))
        .and(header("copilot-integration-id", "vscode-chat"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(ANSWER, "text/event-stream"))
        .mount(server)
        .await;
}

fn assert_no_token(run: &crate::support::Run) {
    for output in [&run.stdout, &run.stderr] {
        assert!(!output.contains(COPILOT_TOKEN), "{output}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_login_chats_directly_through_the_daemon_and_through_the_gateway() {
    let server = MockServer::start().await;
    github(&server).await;
    let netclaw = Netclaw::new();
    let host = server.uri();
    let api = format!("{host}/api");
    let add = |extra: &'static [&'static str]| {
        let mut args = vec![
            "provider",
            "add",
            "cp",
            "github-copilot",
            "--github-host",
            &host,
            "--github-api-base",
            &api,
        ];
        args.extend(extra);
        args.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    // Without a terminal and without --yes, nothing is added.
    let args = add(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let unconfirmed = netclaw.run(&args, "").await;
    unconfirmed.expect_code(2);
    assert!(
        unconfirmed
            .stderr
            .contains("Copilot is meant for its supported clients")
    );
    assert!(
        unconfirmed.stderr.contains("--yes"),
        "{}",
        unconfirmed.stderr
    );
    assert!(!netclaw.config_file().exists());

    let args = add(&["--yes"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let added = netclaw.run(&args, "").await;
    added.expect_code(0);
    assert!(added.stderr.contains("ABCD-1234"), "{}", added.stderr);
    assert!(
        added.stderr.contains("Added provider `cp`"),
        "{}",
        added.stderr
    );
    assert_no_token(&added);
    let config = netclaw.config_json();
    assert_eq!(config["Providers"]["cp"]["OAuth"]["Issuer"], host);
    assert_eq!(
        config["Providers"]["cp"]["VendorOptions"]["GitHubApiBase"],
        api
    );

    let direct = netclaw.run(&["chat", "-m", "cp/gpt-4o", "hi"], "").await;
    direct.expect_code(0);
    assert_eq!(direct.stdout, "hi from copilot\n");
    assert_no_token(&direct);

    let daemon = start_daemon(&netclaw);
    let through = netclaw
        .run(&["chat", "-v", "-m", "cp/gpt-4o", "hi"], "")
        .await;
    through.expect_code(0);
    assert!(through.stderr.contains("through the daemon"));
    assert_eq!(through.stdout, direct.stdout);
    let env = netclaw.run(&["gateway", "env"], "").await;
    let value = |name: &str| {
        env.stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("export {name}=")))
            .unwrap()
            .trim_matches('\'')
            .to_owned()
    };
    let (base, token) = (value("OPENAI_BASE_URL"), value("OPENAI_API_KEY"));
    let streamed = reqwest::Client::new()
        .post(format!("{base}/chat/completions"))
        .bearer_auth(&token)
        .json(&json!({"model": "cp/gpt-4o", "stream": true,
                      "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 200);
    let body = streamed.text().await.unwrap();
    assert!(body.contains("\"content\":\"hi from copilot\""), "{body}");
    assert!(body.trim_end().ends_with("data: [DONE]"), "{body}");
    assert!(!body.contains(COPILOT_TOKEN));
    stop_daemon(&netclaw, daemon).await;
    let log = std::fs::read_to_string(netclaw.home().join("logs/daemon.log")).unwrap_or_default();
    assert!(!log.contains(COPILOT_TOKEN) && !log.contains(KEY), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_github_token_and_an_enterprise_host_come_from_the_environment() {
    let netclaw = Netclaw::new()
        .env("GH_HOST", "ghe.example.test")
        .env("GITHUB_API_URL", "https://ghe.example.test/api/v3/");
    let added = netclaw
        .run(
            &[
                "provider",
                "add",
                "cp",
                "github-copilot",
                "--auth",
                "api-key",
                "--yes",
                "--skip-probe",
            ],
            KEY,
        )
        .await;
    added.expect_code(0);
    let entry = &netclaw.config_json()["Providers"]["cp"];
    assert_eq!(entry["OAuth"]["Issuer"], "https://ghe.example.test");
    assert_eq!(
        entry["VendorOptions"]["GitHubApiBase"],
        "https://ghe.example.test/api/v3"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_github_token_in_the_environment_is_exchanged_with_the_copilot_headers() {
    let server = MockServer::start().await;
    github(&server).await;
    let netclaw = Netclaw::new().env("GH_TOKEN", KEY);
    let api = format!("{}/api", server.uri());
    netclaw
        .run(
            &[
                "provider",
                "add",
                "cp",
                "github-copilot",
                "--auth",
                "api-key",
                "--yes",
                "--skip-probe",
                "--github-api-base",
                &api,
            ],
            "",
        )
        .await
        .expect_code(0);
    assert!(
        !netclaw.home().join("config/secrets.json.age").exists(),
        "a key from the environment is not copied into the secrets file"
    );
    let chat = netclaw.run(&["chat", "-m", "cp/gpt-4o", "hi"], "").await;
    chat.expect_code(0);
    assert_eq!(chat.stdout, "hi from copilot\n");
    let exchange = server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.url.path().ends_with("/copilot_internal/v2/token"))
        .unwrap();
    let mut headers: Vec<(String, String)> = exchange
        .headers
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "host" | "user-agent"))
        .map(|(name, value)| {
            let value = value.to_str().unwrap().replace(KEY, "[github token]");
            (name.to_string(), value)
        })
        .collect();
    headers.sort();
    insta::assert_json_snapshot!(headers);
}
