//! Several accounts of one provider through the binary: a second ChatGPT login is stored as
//! its own account and leaves the first account's tokens exactly as they were (nothing
//! revoked, nothing rewritten), each account chats with its own `ChatGPT-Account-Id`, a usage
//! limit on one moves the chat to the other, and `account list|rename|remove` manage them.

use netclaw_config::{ConfigStore, EnvSnapshot, ExposeSecret, Paths};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::oauth::mount_device;
use crate::support::Netclaw;

/// The token endpoint grants the first login `acct-1`'s tokens, every later one `acct-2`'s;
/// the Codex backend lists models for and answers either account.
async fn mount_two_logins(server: &MockServer) {
    for (n, times) in [(1, Some(1)), (2, None)] {
        let grant = Mock::given(method("POST"))
            .and(path("/oauth/token"))
            .and(body_string_contains("grant_type=authorization_code"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": format!("at-{n}"), "refresh_token": format!("rt-{n}"),
                "expires_in": 864000, "account_id": format!("acct-{n}"), "token_type": "Bearer"
            })));
        match times {
            Some(times) => grant.up_to_n_times(times).mount(server).await,
            None => grant.mount(server).await,
        }
        Mock::given(method("GET"))
            .and(path("/backend-api/codex/models"))
            .and(header("authorization", format!("Bearer at-{n}").as_str()))
            .and(header("chatgpt-account-id", format!("acct-{n}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
                {"slug": "gpt-5.5", "display_name": "GPT-5.5", "visibility": "list",
                 "context_window": 272000, "input_modalities": ["text"]}
            ]})))
            .mount(server)
            .await;
    }
}

/// `(access, refresh, account id)` of account `account` of `work`, as stored.
fn stored(netclaw: &Netclaw, account: &str) -> (String, String, String) {
    let env = EnvSnapshot::from_pairs(std::iter::empty::<(&str, &str)>());
    let config = ConfigStore::new(Paths::at(netclaw.home()), &env)
        .load(&env)
        .unwrap();
    let (_, _, credentials) = config.provider("work").unwrap();
    let account = credentials.account(account).unwrap();
    let value = |c: &Option<netclaw_config::Credential>| {
        c.as_ref().unwrap().value.expose_secret().to_owned()
    };
    (
        value(&account.oauth_access_token),
        value(&account.oauth_refresh_token),
        value(&account.oauth_account_id),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_login_is_an_account_of_its_own_and_never_touches_the_first() {
    let server = MockServer::start().await;
    mount_device(&server).await;
    mount_two_logins(&server).await;
    let netclaw = Netclaw::new();
    let endpoint = format!("{}/backend-api/codex", server.uri());
    let add = [
        "provider",
        "add",
        "work",
        "openai",
        "--issuer",
        &server.uri(),
        "--endpoint",
        &endpoint,
    ];
    netclaw.run(&add, "").await.expect_code(0);
    let first_before = stored(&netclaw, "default");
    assert_eq!(first_before.2, "acct-1");

    let login = netclaw
        .run(&["provider", "login", "work", "--account", "second"], "")
        .await;
    login.expect_code(0);
    assert!(
        login.stderr.contains("`work/second` is logged in"),
        "{}",
        login.stderr
    );
    assert_eq!(
        stored(&netclaw, "default"),
        first_before,
        "the first account is untouched"
    );
    assert_eq!(
        stored(&netclaw, "second"),
        ("at-2".into(), "rt-2".into(), "acct-2".into())
    );
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests.iter().all(|r| !r.url.path().contains("revoke")),
        "nothing was revoked"
    );

    let list = netclaw.run(&["account", "list", "--json"], "").await;
    list.expect_code(0);
    let names: Vec<String> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["default", "second"]);

    // The first account's login still works after the second one: it chats with its own
    // token and account id.
    let answer = || {
        netclaw_test_support::sse(
            include_bytes!("../../../daemon/tests/fixtures/responses_text.sse").to_vec(),
        )
    };
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(header("authorization", "Bearer at-1"))
        .and(header("chatgpt-account-id", "acct-1"))
        .respond_with(answer())
        .up_to_n_times(1)
        .mount(&server)
        .await;
    netclaw.set_model("main", "work/gpt-5.5").await;
    let chat = netclaw.run(&["chat", "hello"], "").await;
    chat.expect_code(0);
    assert!(!chat.stderr.contains("served by"), "{}", chat.stderr);

    // A usage limit on the first account moves the next chat to the second.
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(header("chatgpt-account-id", "acct-1"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error": {
            "type": "usage_limit_reached", "message": "The usage limit has been reached",
            "resets_at": jiff::Timestamp::now().as_second() + 3600,
        }})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(header("authorization", "Bearer at-2"))
        .and(header("chatgpt-account-id", "acct-2"))
        .respond_with(answer())
        .mount(&server)
        .await;
    let chat = netclaw.run(&["chat", "hello"], "").await;
    chat.expect_code(0);
    assert!(
        chat.stderr
            .contains("served by work/gpt-5.5@second instead of work/gpt-5.5 (usage_limit)"),
        "{}",
        chat.stderr
    );
    let listed = netclaw
        .run(&["account", "list", "work", "--json"], "")
        .await;
    assert_eq!(listed.json()[0]["cooldown"]["reason"], "usage_limit");
    let sent: Vec<(String, String)> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/responses"))
        .map(|r| {
            let h = |name: &str| r.headers.get(name).unwrap().to_str().unwrap().to_owned();
            (h("authorization"), h("chatgpt-account-id"))
        })
        .collect();
    let sent: Vec<(&str, &str)> = sent.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(
        sent,
        [
            ("Bearer at-1", "acct-1"),
            ("Bearer at-1", "acct-1"),
            ("Bearer at-2", "acct-2")
        ]
    );

    // Rename and remove one account; the other stays as it was.
    netclaw
        .run(&["account", "rename", "work/second", "home"], "")
        .await
        .expect_code(0);
    assert_eq!(stored(&netclaw, "home").2, "acct-2");
    netclaw
        .run(&["account", "remove", "work/home"], "")
        .await
        .expect_code(0);
    assert_eq!(stored(&netclaw, "default"), first_before);
    let last = netclaw
        .run(&["account", "remove", "work/default"], "")
        .await;
    last.expect_code(1);
    assert!(last.stderr.contains("the only account"), "{}", last.stderr);
}
