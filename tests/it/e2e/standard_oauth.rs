//! Logins to an OpenAI-compatible API behind a standard OpenID provider (`oidc-provider` as it
//! ships): a web client with an exact redirect URI, a native client on any loopback port, a
//! pasted redirect and the RFC 8628 device flow each store a refresh token, and a refresh after
//! the access token expired keeps the provider working. The scope netclaw asks for is
//! snapshotted.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStderr};

use secrecy::ExposeSecret;
use serde_json::Value;

use super::oidc_peer::{Browser, OidcPeer};
use super::support::{Home, within};

/// A loopback port nothing listens on, for the web client's registered redirect URI.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `provider add peer openai-compatible` against `peer` with `extra` arguments.
fn add_args(peer: &OidcPeer, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "provider",
        "add",
        "peer",
        "openai-compatible",
        "--endpoint",
        &peer.api(),
        "--issuer",
        &peer.issuer,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

/// A running `netclaw` login and the lines of its stderr read so far.
struct Login {
    child: Child,
    stderr: BufReader<ChildStderr>,
    seen: String,
}

impl Login {
    fn spawn(home: &Home, args: &[String]) -> Self {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = home.netclaw(&args).spawn().unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        Self {
            child,
            stderr,
            seen: String::new(),
        }
    }

    /// Reads stderr until a line satisfies `pick`, and returns what it picked.
    fn read_until<T>(&mut self, pick: impl Fn(&str) -> Option<T>) -> T {
        let mut line = String::new();
        loop {
            line.clear();
            let read = self.stderr.read_line(&mut line).unwrap();
            assert!(read > 0, "netclaw ended before printing it:\n{}", self.seen);
            self.seen.push_str(&line);
            if let Some(found) = pick(&line) {
                return found;
            }
        }
    }

    /// The authorize URL of a browser login.
    fn authorize_url(&mut self) -> String {
        self.read_until(|line| {
            let at = line.find("http")?;
            let url = line[at..].trim();
            url.contains("/auth?").then(|| url.to_owned())
        })
    }

    /// The verification URI and the user code of a device login.
    fn device_code(&mut self) -> (String, String) {
        let uri = self.read_until(|line| {
            let at = line.find("http")?;
            Some(line[at..].trim().to_owned())
        });
        let code = self.read_until(|line| {
            line.split_once("Enter")
                .map(|(_, code)| code.trim().to_owned())
        });
        (uri, code)
    }

    async fn finish(self) -> (i32, String) {
        let Self {
            mut child,
            mut stderr,
            mut seen,
        } = self;
        tokio::task::spawn_blocking(move || {
            let mut rest = String::new();
            std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
            seen.push_str(&rest);
            (child.wait().unwrap().code().unwrap_or(-1), seen)
        })
        .await
        .unwrap()
    }
}

fn stored_refresh_token(home: &Home) -> Option<String> {
    let config = home.load();
    let (_, _, credentials) = config.provider("peer").unwrap();
    credentials
        .first()
        .oauth_refresh_token
        .as_ref()
        .map(|c| c.value.expose_secret().to_owned())
}

/// The authorize request's parameters, per-run values named.
fn authorize_params(url: &str) -> Value {
    let url = url::Url::parse(url).unwrap();
    let mut params = serde_json::Map::new();
    for (key, value) in url.query_pairs() {
        let value = match &*key {
            "state" | "code_challenge" | "nonce" => format!("<{key}>"),
            "redirect_uri" => {
                let mut redirect = url::Url::parse(&value).unwrap();
                redirect.set_port(None).unwrap();
                redirect
                    .to_string()
                    .replace("127.0.0.1/", "127.0.0.1:<port>/")
            }
            _ => value.into_owned(),
        };
        params.insert(key.into_owned(), Value::from(value));
    }
    Value::Object(params)
}

/// The grants netclaw sent to the token endpoint, in order.
async fn grants(peer: &OidcPeer) -> Vec<String> {
    peer.log()
        .await
        .iter()
        .filter(|e| e["endpoint"] == "/token")
        .map(|e| e["params"]["grant_type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_web_client_with_an_exact_redirect_uri_logs_in_in_the_browser() {
    let redirect = format!("http://127.0.0.1:{}/auth/callback", free_port());
    let peer = OidcPeer::start(&redirect);
    let home = Home::new();
    let args = add_args(
        &peer,
        &[
            "--auth",
            "browser",
            "--client-id",
            "netclaw-web",
            "--redirect-uri",
            &redirect,
        ],
    );
    let mut login = Login::spawn(&home, &args);
    let url = login.authorize_url();
    let callback = Browser::new("tester").authorize(&url).await;
    assert!(callback.starts_with(&redirect), "{callback}");
    let page = reqwest::get(&callback).await.unwrap();
    assert_eq!(page.status(), 200);
    let (code, stderr) = within("the login to finish", login.finish()).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Added provider `peer`"), "{stderr}");
    assert!(
        stderr.contains("Logged in as tester@example.test"),
        "the id_token names who logged in: {stderr}"
    );
    assert!(stored_refresh_token(&home).is_some(), "no refresh token");
    let list = home.run(&["provider", "list", "--json"], "").await;
    assert_eq!(
        list.json()[0]["identity"],
        "tester@example.test",
        "{}",
        list.stdout
    );
    let sent: Vec<Value> = peer.log().await;
    insta::assert_json_snapshot!(sent);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_native_client_logs_in_on_a_free_port_and_refreshes_after_the_token_expired() {
    let peer = OidcPeer::start("http://127.0.0.1:9/unused");
    let home = Home::new();
    let args = add_args(
        &peer,
        &["--auth", "browser", "--client-id", "netclaw-native"],
    );
    let mut login = Login::spawn(&home, &args);
    let url = login.authorize_url();
    insta::assert_json_snapshot!(authorize_params(&url));
    let callback = Browser::new("tester").authorize(&url).await;
    assert_eq!(reqwest::get(&callback).await.unwrap().status(), 200);
    let (code, stderr) = within("the login to finish", login.finish()).await;
    assert_eq!(code, 0, "{stderr}");
    let first = stored_refresh_token(&home).expect("no refresh token");

    // An hour later: the access token is dead at the server and past its expiry here.
    peer.expire_access_tokens().await;
    home.edit_config(|config| {
        config["Providers"]["peer"]["Accounts"]["default"]["OAuthTokenExpiry"] =
            Value::from("2020-01-01T00:00:00Z");
    });
    let chat = home.run(&["chat", "-m", "peer/peer-model", "hi"], "").await;
    chat.expect_code(0);
    assert_eq!(chat.stdout, "hello tester\n");
    assert_eq!(grants(&peer).await, ["authorization_code", "refresh_token"]);
    let second = stored_refresh_token(&home).expect("the refresh lost the refresh token");
    assert_ne!(first, second, "oidc-provider rotates refresh tokens");
    home.run(&["provider", "probe", "peer"], "")
        .await
        .expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pasted_redirect_completes_the_login() {
    let peer = OidcPeer::start("http://127.0.0.1:9/unused");
    let home = Home::new();
    let args = add_args(
        &peer,
        &[
            "--auth",
            "browser",
            "--no-browser",
            "--client-id",
            "netclaw-native",
        ],
    );
    let mut login = Login::spawn(&home, &args);
    let url = login.authorize_url();
    // The browser got the redirect but cannot reach this machine: the user pastes it.
    let callback = Browser::new("tester").authorize(&url).await;
    let mut stdin = login.child.stdin.take().unwrap();
    writeln!(stdin, "{callback}").unwrap();
    let (code, stderr) = within("the login to finish", login.finish()).await;
    assert_eq!(code, 0, "{stderr}");
    drop(stdin);
    assert!(stored_refresh_token(&home).is_some(), "no refresh token");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_login_stores_a_refresh_token_and_probes_ok() {
    let peer = OidcPeer::start("http://127.0.0.1:9/unused");
    let home = Home::new();
    let args = add_args(
        &peer,
        &["--auth", "device", "--client-id", "netclaw-native"],
    );
    let mut login = Login::spawn(&home, &args);
    let (verification_uri, user_code) = login.device_code();
    let page = Browser::new("tester")
        .approve_device(&verification_uri, &user_code)
        .await;
    assert!(page.contains("Sign-in Success"), "{page}");
    let (code, stderr) = within("the login to finish", login.finish()).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stored_refresh_token(&home).is_some(), "no refresh token");
    let device: Vec<Value> = peer
        .log()
        .await
        .into_iter()
        .filter(|e| e["endpoint"] == "/device/auth")
        .collect();
    insta::assert_json_snapshot!(device);
    // Right after the login: healthy, not "expiring".
    let probe = home.run(&["provider", "probe", "peer"], "").await;
    probe.expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_scope_comes_from_the_flag_or_the_environment_over_the_default() {
    let peer = OidcPeer::start("http://127.0.0.1:9/unused");
    let browser = ["--auth", "browser", "--client-id", "netclaw-native"];

    let home = Home::new();
    let mut with_flag: Vec<&str> = browser.to_vec();
    with_flag.extend(["--scope", "openid email"]);
    let mut login = Login::spawn(&home, &add_args(&peer, &with_flag));
    let flag = authorize_params(&login.authorize_url());
    login.child.kill().unwrap();
    let _ = login.finish().await;

    let mut home = Home::new();
    home.set_env("NETCLAW_Providers__peer__OAuth__Scope", "openid profile");
    let mut login = Login::spawn(&home, &add_args(&peer, &browser));
    let env = authorize_params(&login.authorize_url());
    login.child.kill().unwrap();
    let _ = login.finish().await;

    // Asked for exactly that, and no consent prompt without `offline_access`.
    assert_eq!(flag["scope"], "openid email");
    assert_eq!(flag.get("prompt"), None);
    assert_eq!(env["scope"], "openid profile");
    assert_eq!(env.get("prompt"), None);
}
