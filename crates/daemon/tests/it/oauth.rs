//! Browser logins through the daemon against a loopback authorization server: the callback,
//! the pasted redirect, wrong states; tokens end up in the secrets file and in no response.

use pretty_assertions::assert_eq;
use secrecy::ExposeSecret;
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::Home;

const ACCESS: &str = "at-LOGIN-ACCESS-123";
const REFRESH: &str = "rt-LOGIN-REFRESH-456";

/// An authorization server and a Codex backend on one loopback server.
async fn vendor() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=authorization_code"))
        .and(body_string_contains("code=the-code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS, "refresh_token": REFRESH, "expires_in": 3600, "token_type": "Bearer", "account_id": "acct-9"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/backend-api/codex/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [{"slug": "gpt-5.5", "visibility": "list", "context_window": 272000, "input_modalities": ["text", "image"]}]})))
        .mount(&server)
        .await;
    server
}

/// A home whose `chatgpt` provider points every URL at `server`, and a daemon whose login
/// listener takes any free port.
async fn daemon_for(server: &MockServer) -> (Home, netclaw_daemon::RunningDaemon) {
    let home = Home::new();
    let mut entry = netclaw_config::ProviderEntry::new("openai");
    entry.endpoint = Some(format!("{}/backend-api/codex", server.uri()));
    entry.oauth = Some(netclaw_config::OAuthOverrides {
        issuer: Some(server.uri()),
        ..Default::default()
    });
    home.store()
        .write_provider(
            "chatgpt",
            netclaw_config::ProviderWrite {
                entry,
                credentials: netclaw_config::CredentialWrite::Keep,
            },
        )
        .unwrap();
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            callback_ports: Some(vec![0]),
            watch_interval: None,
            refresh: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    (home, daemon)
}

/// Every response body of the flow, to check that no token ever leaves the daemon.
#[derive(Default)]
struct Bodies(Vec<String>);

impl Bodies {
    async fn call(&mut self, request: reqwest::RequestBuilder) -> (u16, String) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        self.0.push(body.clone());
        (status, body)
    }

    fn assert_no_tokens(&self) {
        for body in &self.0 {
            assert!(
                !body.contains(ACCESS) && !body.contains(REFRESH),
                "a token leaked: {body}"
            );
        }
    }
}

fn api(
    daemon: &netclaw_daemon::RunningDaemon,
    method: reqwest::Method,
    path: &str,
) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("{}{path}", daemon.base_url()))
        .bearer_auth(daemon.token().expose_secret())
}

fn assert_tokens_stored(home: &Home) {
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
        ACCESS
    );
    assert_eq!(
        creds
            .first()
            .oauth_refresh_token
            .as_ref()
            .unwrap()
            .value
            .expose_secret(),
        REFRESH
    );
    let plain = std::fs::read_to_string(home.paths.config_file()).unwrap();
    assert!(plain.contains("OAuthTokenExpiry"), "{plain}");
    assert!(plain.contains("OAuthPkce"), "{plain}");
    assert!(!plain.contains(ACCESS) && !plain.contains(REFRESH));
    let sealed = std::fs::read(home.paths.secrets_file()).unwrap();
    assert!(
        !String::from_utf8_lossy(&sealed).contains(ACCESS),
        "the secrets file is encrypted"
    );
}

#[tokio::test]
async fn login_through_the_loopback_callback() {
    let server = vendor().await;
    let (home, daemon) = daemon_for(&server).await;
    let mut bodies = Bodies::default();

    let (status, body) = bodies
        .call(
            api(&daemon, reqwest::Method::POST, "/api/provider/oauth/start")
                .json(&json!({"provider": "chatgpt"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let started: netclaw_daemon::api::OAuthStartResponse = serde_json::from_str(&body).unwrap();
    let authorize = url::Url::parse(&started.authorization_url).unwrap();
    assert_eq!(authorize.path(), "/oauth/authorize");
    let query: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(query["state"], started.state);
    assert_eq!(query["code_challenge_method"], "S256");
    let redirect = url::Url::parse(&query["redirect_uri"]).unwrap();

    let (_, body) = bodies
        .call(api(
            &daemon,
            reqwest::Method::GET,
            &format!("/api/provider/oauth/status/{}", started.state),
        ))
        .await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["status"],
        "pending"
    );

    // The browser comes back with a wrong state first: refused, the listener keeps waiting.
    let browser = reqwest::Client::builder().no_proxy().build().unwrap();
    let (status, _) = bodies
        .call(browser.get(format!("{redirect}?code=the-code&state=not-the-state")))
        .await;
    assert_eq!(status, 400);
    let (status, page) = bodies
        .call(browser.get(format!("{redirect}?code=the-code&state={}", started.state)))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("close"), "{page}");

    // The page is answered after the tokens are stored: the status is final now.
    let (_, body) = bodies
        .call(api(
            &daemon,
            reqwest::Method::GET,
            &format!("/api/provider/oauth/status/{}", started.state),
        ))
        .await;
    let status: netclaw_daemon::api::OAuthStatusResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(
        status.status,
        netclaw_daemon::api::OAuthFlowStatus::Completed
    );
    assert!(status.expires_at.is_some());
    assert_tokens_stored(&home);

    // The daemon probed the provider after the login.
    let (_, body) = bodies
        .call(api(&daemon, reqwest::Method::GET, "/api/providers"))
        .await;
    let listed: netclaw_daemon::api::ProvidersResponse = serde_json::from_str(&body).unwrap();
    let probe = listed.providers[0].last_probe.as_ref().unwrap();
    assert_eq!(
        probe.status,
        netclaw_providers::probe::ProbeClass::Ok,
        "{:?}",
        probe.message
    );
    assert!(listed.providers[0].token_expiry.is_some());
    bodies.assert_no_tokens();
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn login_through_a_pasted_redirect_and_wrong_states_are_refused() {
    let server = vendor().await;
    let (home, daemon) = daemon_for(&server).await;
    let client = daemon.client();
    let mut bodies = Bodies::default();

    let started = client
        .oauth_start("openai", Some("chatgpt"), None)
        .await
        .unwrap();
    let (status, body) = bodies
        .call(
            api(
                &daemon,
                reqwest::Method::POST,
                "/api/provider/oauth/redirect",
            )
            .json(
                &json!({"url": "http://localhost:1455/auth/callback?code=the-code&state=forged"}),
            ),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("wrong or expired `state`"), "{body}");

    let (status, body) = bodies
        .call(api(&daemon, reqwest::Method::POST, "/api/provider/oauth/redirect").json(&json!({
            "url": format!("http://localhost:1455/auth/callback?code=the-code&state={}", started.state)
        })))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["status"],
        "completed"
    );
    let status = client.oauth_status(&started.state).await.unwrap();
    assert_eq!(
        status.status,
        netclaw_daemon::api::OAuthFlowStatus::Completed
    );
    assert_tokens_stored(&home);

    // The same redirect cannot be used twice.
    let (status, _) = bodies
        .call(api(&daemon, reqwest::Method::POST, "/api/provider/oauth/redirect").json(&json!({
            "url": format!("http://localhost:1455/auth/callback?code=the-code&state={}", started.state)
        })))
        .await;
    assert_eq!(status, 400);
    let unknown = client.oauth_status("no-such-state").await.unwrap_err();
    assert!(matches!(
        unknown,
        netclaw_daemon::ClientError::Api { status: 404, .. }
    ));
    bodies.assert_no_tokens();
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn busy_callback_ports_refuse_the_login_with_the_device_flag_that_exists() {
    let server = MockServer::start().await;
    let home = Home::new();
    let mut entry = netclaw_config::ProviderEntry::new("openai");
    entry.oauth = Some(netclaw_config::OAuthOverrides {
        issuer: Some(server.uri()),
        ..Default::default()
    });
    home.store()
        .write_provider(
            "chatgpt",
            netclaw_config::ProviderWrite {
                entry,
                credentials: netclaw_config::CredentialWrite::Keep,
            },
        )
        .unwrap();
    // Something else holds the only callback port the daemon may use.
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = squatter.local_addr().unwrap().port();
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            callback_ports: Some(vec![busy]),
            watch_interval: None,
            refresh: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let response = api(&daemon, reqwest::Method::POST, "/api/provider/oauth/start")
        .json(&json!({"provider": "chatgpt"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 409);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "callback_port_busy");
    assert_eq!(
        body["error"]["hint"],
        "log in with the device code instead: `netclaw provider login chatgpt --auth device`"
    );
    daemon.shutdown().await.unwrap();
}
