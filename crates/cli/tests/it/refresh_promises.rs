//! Two promises of the refresh path, across two processes (this test's providers runtime, as a
//! daemon holds one, and the `netclaw` binary): a failed refresh never overwrites a newer login
//! another process stored meanwhile, and a token the server has rotated is stored even when
//! the request that asked for it went away.

use std::sync::Arc;
use std::time::Duration;

use netclaw_config::{ConfigStore, EnvSnapshot, Paths};
use netclaw_providers::bearer::CredentialError;
use netclaw_providers::runtime::{Runtime, Services};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::oauth::add_openai_with_device_code;
use crate::support::Netclaw;

const ROTATED: &str = "at-rotated-SECRET-0c1d";
const ROTATED_REFRESH: &str = "rt-rotated-SECRET-77ab";

/// Provider `work` logged in by device code against `server`, its access token expired.
async fn expired_login(server: &MockServer) -> Netclaw {
    let netclaw = Netclaw::new();
    add_openai_with_device_code(&netclaw, server).await;
    netclaw.edit_config(|config| {
        config["Providers"]["work"]["Accounts"]["default"]["OAuthTokenExpiry"] =
            json!("2020-01-01T00:00:00+00:00");
    });
    netclaw
}

/// The providers runtime of the home, loaded now, as a daemon holds one.
fn held_runtime(netclaw: &Netclaw) -> Runtime {
    let env = EnvSnapshot::from_pairs(std::iter::empty::<(&str, &str)>());
    let store = ConfigStore::new(Paths::at(netclaw.home()), &env);
    let services = Services::for_home(
        &store,
        &env,
        reqwest::Client::builder().no_proxy().build().unwrap(),
        Arc::new(netclaw_oauth::SystemClock),
    );
    Runtime::new(
        Arc::new(services),
        store.load(&env).unwrap(),
        jiff::Timestamp::now(),
    )
}

fn secrets_file(netclaw: &Netclaw) -> Vec<u8> {
    std::fs::read(netclaw.home().join("config/secrets.json.age")).unwrap()
}

/// Mounts the refresh answer for the refresh token `from`.
async fn refresh_answer(server: &MockServer, from: &str, answer: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains(from))
        .respond_with(answer)
        .expect(1)
        .mount(server)
        .await;
}

fn rotated(expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": ROTATED, "refresh_token": ROTATED_REFRESH,
        "expires_in": expires_in, "token_type": "Bearer"
    }))
}

async fn codex_models_for(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path("/backend-api/codex/models"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            {"slug": "gpt-5.5", "visibility": "list", "context_window": 272000,
             "input_modalities": ["text"]}
        ]})))
        .mount(server)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_refresh_never_overwrites_a_newer_login_stored_meanwhile() {
    let server = MockServer::start().await;
    let netclaw = expired_login(&server).await;
    // The first refresh rotates to a token that is itself due (60 s is inside the refresh
    // margin); refreshing that one fails at the server.
    refresh_answer(&server, "rt-oauth-SECRET-91aa", rotated(60)).await;
    refresh_answer(
        &server,
        ROTATED_REFRESH,
        ResponseTemplate::new(500).set_body_string("try later"),
    )
    .await;
    codex_models_for(&server, ROTATED).await;
    let runtime = held_runtime(&netclaw);

    // Another process refreshes first and stores the rotated login.
    netclaw
        .run(&["provider", "probe", "work", "--json"], "")
        .await;
    let stored_by_the_other = secrets_file(&netclaw);

    // This process still holds the old login; its refresh re-reads the files under the lock,
    // refreshes the newer login (not the one it holds), fails, and writes nothing.
    let error = runtime
        .services()
        .credentials
        .bearer("work")
        .await
        .unwrap_err();
    assert!(
        matches!(error, CredentialError::RefreshFailed { .. }),
        "{error:?}"
    );
    assert_eq!(
        secrets_file(&netclaw),
        stored_by_the_other,
        "the newer login is kept as stored"
    );
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_token_is_stored_even_when_its_request_went_away() {
    let server = MockServer::start().await;
    let netclaw = expired_login(&server).await;
    // The server takes a while to answer, so the request is gone before the answer comes.
    refresh_answer(
        &server,
        "rt-oauth-SECRET-91aa",
        rotated(864_000).set_delay(Duration::from_millis(300)),
    )
    .await;
    codex_models_for(&server, ROTATED).await;
    let runtime = held_runtime(&netclaw);
    let credentials = Arc::clone(&runtime.services().credentials);
    let asking = tokio::spawn(async move { credentials.bearer("work").await });

    // Once the server has the refresh request, the caller goes away (client gone, timeout).
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let requests = server.received_requests().await.unwrap_or_default();
            if requests.iter().any(|r| {
                r.url.path() == "/oauth/token"
                    && String::from_utf8_lossy(&r.body).contains("refresh_token")
            }) {
                break;
            }
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the refresh reaches the server");
    asking.abort();
    assert!(asking.await.unwrap_err().is_cancelled());

    // The rotated token is stored all the same ...
    let expiry =
        netclaw.config_json()["Providers"]["work"]["Accounts"]["default"]["OAuthTokenExpiry"]
            .clone();
    tokio::time::timeout(Duration::from_secs(10), async {
        while netclaw.config_json()["Providers"]["work"]["Accounts"]["default"]["OAuthTokenExpiry"]
            == expiry
        {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the rotated login is persisted");

    // ... so another process uses it without refreshing again (the server would refuse the
    // old refresh token: it answers exactly one refresh).
    netclaw
        .run(&["provider", "probe", "work", "--json"], "")
        .await
        .expect_code(0);
    server.verify().await;
}
