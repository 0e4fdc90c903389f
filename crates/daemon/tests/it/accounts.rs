//! Several accounts of one ChatGPT provider against one loopback Codex backend that knows each
//! account by its `ChatGPT-Account-Id`: each account sends its own credential, a usage limit
//! on one moves a conversation to the other and back after the reset, round-robin spreads new
//! conversations, a conversation keeps its account, and usage is read per account.

use std::sync::Arc;

use futures_util::StreamExt;
use netclaw_config::{
    AccountOrder, AuthMethod, CredentialWrite, EnvSnapshot, OAuthOverrides, OAuthTokens,
    ProviderEntry, ProviderWrite,
};
use netclaw_daemon::api::{ChatEvent, ChatRequest, ServedBy};
use netclaw_daemon::{DaemonOptions, RunningDaemon};
use netclaw_oauth::ManualClock;
use netclaw_providers::chat::Message;
use pretty_assertions::assert_eq;
use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Home, fixture, sse};

/// The manual clock's start.
const T0: i64 = 1_800_000_000;

fn at(offset: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(T0 + offset).unwrap()
}

/// Provider `chatgpt` with accounts `first` (`acct-1`) and `second` (`acct-2`), main model
/// `chatgpt/gpt-5.5`, against `backend`.
fn two_accounts(backend: &MockServer, order: AccountOrder) -> Home {
    let home = Home::new();
    let mut entry = ProviderEntry::new("openai");
    entry.auth_method = AuthMethod::OAuthDevice;
    entry.endpoint = Some(format!("{}/backend-api/codex", backend.uri()));
    entry.oauth = Some(OAuthOverrides {
        issuer: Some(backend.uri()),
        ..Default::default()
    });
    entry.account_order = order;
    for n in 1..=2 {
        let account = if n == 1 { "first" } else { "second" };
        home.store()
            .write_account(
                "chatgpt",
                Some(account),
                ProviderWrite {
                    entry: entry.clone(),
                    credentials: CredentialWrite::OAuth(OAuthTokens {
                        access_token: SecretString::from(format!("access-{n}")),
                        refresh_token: Some(SecretString::from(format!("refresh-{n}"))),
                        id_token: None,
                        account_id: Some(SecretString::from(format!("acct-{n}"))),
                        expires_at: Some(at(10 * 86_400)),
                    }),
                },
            )
            .unwrap();
    }
    home.set_main("chatgpt", "gpt-5.5");
    home
}

/// The backend answers each account that sends its own token.
async fn answer_both(backend: &MockServer) {
    for n in 1..=2 {
        Mock::given(method("POST"))
            .and(path("/backend-api/codex/responses"))
            .and(header(
                "authorization",
                format!("Bearer access-{n}").as_str(),
            ))
            .and(header("chatgpt-account-id", format!("acct-{n}").as_str()))
            .respond_with(sse(fixture("responses_text.sse")))
            .mount(backend)
            .await;
    }
}

/// The first account (`acct-1`) answers a usage limit that resets at `T0 + 600`: `times`
/// chats, or every one.
async fn first_account_at_its_limit(backend: &MockServer, times: Option<u64>) {
    let limit = Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(header("chatgpt-account-id", "acct-1"))
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"error": {
            "type": "usage_limit_reached",
            "message": "The usage limit has been reached",
            "resets_at": T0 + 600,
        }})));
    match times {
        Some(times) => limit.up_to_n_times(times).mount(backend).await,
        None => limit.mount(backend).await,
    }
}

/// How many chats each account sent.
async fn chats_per_account(backend: &MockServer) -> (usize, usize) {
    let requests = backend.received_requests().await.unwrap();
    let of = |account: &str| {
        requests
            .iter()
            .filter(|r| r.url.path().ends_with("/responses"))
            .filter(|r| {
                r.headers
                    .get("chatgpt-account-id")
                    .is_some_and(|v| v == account)
            })
            .count()
    };
    (of("acct-1"), of("acct-2"))
}

async fn spawn(home: &Home, clock: &ManualClock) -> RunningDaemon {
    spawn_with(home, clock, &[]).await
}

async fn spawn_with(home: &Home, clock: &ManualClock, env: &[(&str, &str)]) -> RunningDaemon {
    let pairs = [("HOME", home.dir.path().to_str().unwrap())]
        .into_iter()
        .chain(env.iter().copied());
    netclaw_daemon::spawn(
        home.paths.clone(),
        EnvSnapshot::from_pairs(pairs),
        DaemonOptions {
            port: Some(0),
            watch_interval: None,
            refresh: None,
            clock: Some(Arc::new(clock.clone())),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// Turn `turns` of a conversation opened by `opening`: its earlier answers included.
fn turn(opening: &str, turns: usize) -> ChatRequest {
    let mut messages = vec![Message::user(opening)];
    for n in 1..turns {
        messages.push(Message::Assistant {
            content: "Hello, wörld ✓".into(),
            tool_calls: Vec::new(),
        });
        messages.push(Message::user(format!("and then {n}?")));
    }
    ChatRequest {
        provider: None,
        model: None,
        messages,
        tools: Vec::new(),
    }
}

async fn served_by(daemon: &RunningDaemon, request: &ChatRequest) -> ServedBy {
    let events: Vec<ChatEvent> = daemon
        .client()
        .chat(request)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    events
        .into_iter()
        .find_map(|e| match e {
            ChatEvent::ServedBy(by) => Some(by),
            _ => None,
        })
        .expect("a served_by event")
}

#[tokio::test]
async fn a_usage_limit_moves_the_conversation_to_the_other_account_and_back_after_its_reset() {
    let backend = MockServer::start().await;
    first_account_at_its_limit(&backend, Some(1)).await;
    answer_both(&backend).await;
    let home = two_accounts(&backend, AccountOrder::FirstAvailable);
    let clock = ManualClock::new(at(0));
    let daemon = spawn(&home, &clock).await;

    let moved = served_by(&daemon, &turn("plan my trip", 1)).await;
    assert_eq!(
        (moved.account.as_deref(), moved.requested.as_str()),
        (Some("second"), "chatgpt/gpt-5.5@first")
    );
    assert_eq!(moved.fallback_reason.as_deref(), Some("usage_limit"));
    let later = served_by(&daemon, &turn("plan my trip", 2)).await;
    assert_eq!(
        later.account.as_deref(),
        Some("second"),
        "while `first` waits"
    );
    let listed = daemon.client().providers().await.unwrap();
    let first = &listed.providers[0].accounts[0];
    assert_eq!(
        (first.name.as_str(), first.cooldown_reason.as_deref()),
        ("first", Some("usage_limit"))
    );
    assert_eq!(first.cooldown_until, Some(at(600)));

    // The limit resets: the conversation goes back to the account it started on.
    clock.advance(std::time::Duration::from_secs(600));
    let back = served_by(&daemon, &turn("plan my trip", 3)).await;
    assert_eq!(back.account.as_deref(), Some("first"));
    assert_eq!(back.fallback_reason, None);
    assert_eq!(chats_per_account(&backend).await, (2, 2));
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn round_robin_spreads_new_conversations_and_each_keeps_its_account() {
    let backend = MockServer::start().await;
    answer_both(&backend).await;
    let home = two_accounts(&backend, AccountOrder::RoundRobin);
    let clock = ManualClock::new(at(0));
    let daemon = spawn(&home, &clock).await;

    for n in 0..10 {
        served_by(&daemon, &turn(&format!("session {n}"), 1)).await;
    }
    assert_eq!(chats_per_account(&backend).await, (5, 5));

    // One conversation of five turns stays on the account of its first turn, although the
    // rotation moves on with each turn and with other conversations in between.
    let opening = served_by(&daemon, &turn("a long talk", 1)).await;
    for turns in 2..=5 {
        // Other conversations in between, one or none, so the turns fall on both accounts'
        // places in the rotation.
        for _ in 0..turns % 2 {
            served_by(&daemon, &turn("interleaved", 1)).await;
        }
        let later = served_by(&daemon, &turn("a long talk", turns)).await;
        assert_eq!(later.account, opening.account, "turn {turns}");
        assert_eq!(later.fallback_reason, None, "turn {turns}");
    }
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn usage_is_read_for_each_account_with_its_own_credential() {
    let backend = MockServer::start().await;
    for (n, used) in [(1, 80), (2, 5)] {
        Mock::given(method("GET"))
            .and(path("/backend-api/wham/usage"))
            .and(header("authorization", format!("Bearer access-{n}").as_str()))
            .and(header("chatgpt-account-id", format!("acct-{n}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"plan_type": "plus",
                "rate_limit": {"primary_window": {"used_percent": used, "reset_after_seconds": 900, "limit_window_seconds": 18_000}}})))
            .mount(&backend)
            .await;
    }
    let home = two_accounts(&backend, AccountOrder::LeastUsed);
    let clock = ManualClock::new(at(0));
    let daemon = spawn(&home, &clock).await;
    let usage = daemon.client().usage(true).await.unwrap();
    let shares: Vec<(&str, Option<f64>)> = usage
        .providers
        .iter()
        .map(|r| (r.account.as_str(), r.windows[0].used_percent))
        .collect();
    assert_eq!(shares, [("first", Some(80.0)), ("second", Some(5.0))]);

    // Least-used: a new conversation starts at the account with most left.
    answer_both(&backend).await;
    let served = served_by(&daemon, &turn("hello", 1)).await;
    assert_eq!(served.account.as_deref(), Some("second"));
    daemon.shutdown().await.unwrap();
}

/// The usage endpoint reports `used` percent for account `n`, its window resetting at
/// `T0 + 300`; `times` reads, or every read.
async fn usage_read(backend: &MockServer, n: u8, used: u8, times: Option<u64>) {
    let mock = Mock::given(method("GET"))
        .and(path("/backend-api/wham/usage"))
        .and(header("chatgpt-account-id", format!("acct-{n}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"plan_type": "plus",
            "rate_limit": {"primary_window": {"used_percent": used, "reset_at": T0 + 300, "limit_window_seconds": 18_000}}})));
    match times {
        Some(times) => mock.up_to_n_times(times).mount(backend).await,
        None => mock.mount(backend).await,
    }
}

#[tokio::test]
async fn over_the_threshold_a_chat_moves_to_the_next_account_and_to_another_model_only_when_none_is_left()
 {
    let backend = MockServer::start().await;
    answer_both(&backend).await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(sse(fixture("responses_text.sse")))
        .mount(&backend)
        .await;
    usage_read(&backend, 1, 95, None).await;
    usage_read(&backend, 2, 10, Some(1)).await;
    usage_read(&backend, 2, 96, None).await;
    let home = two_accounts(&backend, AccountOrder::FirstAvailable);
    home.add_key_provider(
        "spare",
        "openai",
        &format!("{}/v1", backend.uri()),
        "sk-spare",
    );
    home.store()
        .set_model_role(
            netclaw_config::ModelRole::Fallback,
            Some(netclaw_config::ModelRef::new("spare", "gpt-5-mini")),
        )
        .unwrap();
    let clock = ManualClock::new(at(0));
    let daemon = spawn_with(
        &home,
        &clock,
        &[("NETCLAW_Models__SwitchAtUsedPercent", "90")],
    )
    .await;

    // Read without a turn: `first` is over the threshold, `second` is not.
    daemon.client().usage(true).await.unwrap();
    let served = served_by(&daemon, &turn("one", 1)).await;
    assert_eq!(
        (served.provider.as_str(), served.account.as_deref()),
        ("chatgpt", Some("second"))
    );
    assert_eq!(served.fallback_reason.as_deref(), Some("usage_threshold"));
    assert_eq!(
        chats_per_account(&backend).await,
        (0, 1),
        "switched before any limit"
    );

    // Both accounts over the threshold: only now does another model answer.
    daemon.client().usage(true).await.unwrap();
    let served = served_by(&daemon, &turn("two", 1)).await;
    assert_eq!(
        (served.provider.as_str(), served.model.as_str()),
        ("spare", "gpt-5-mini")
    );
    assert_eq!(served.fallback_reason.as_deref(), Some("usage_threshold"));

    // The windows reset: the first account answers again.
    clock.advance(std::time::Duration::from_secs(300));
    let served = served_by(&daemon, &turn("three", 1)).await;
    assert_eq!(
        (served.provider.as_str(), served.account.as_deref()),
        ("chatgpt", Some("first"))
    );
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_accounts_refresh_sends_its_own_refresh_token_and_stores_only_its_own_tokens() {
    let backend = MockServer::start().await;
    first_account_at_its_limit(&backend, None).await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(wiremock::matchers::body_string_contains("\"refresh-2\""))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-2b", "refresh_token": "refresh-2b", "expires_in": 3600
        })))
        .expect(1)
        .mount(&backend)
        .await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(header("authorization", "Bearer access-2b"))
        .and(header("chatgpt-account-id", "acct-2"))
        .respond_with(sse(fixture("responses_text.sse")))
        .mount(&backend)
        .await;
    let home = two_accounts(&backend, AccountOrder::FirstAvailable);
    // The second account's access token has expired; the first one's is valid.
    home.store()
        .persist_tokens(
            &netclaw_config::ProviderAccount::new("chatgpt", "second"),
            OAuthTokens {
                access_token: SecretString::from("access-2"),
                refresh_token: None,
                id_token: None,
                account_id: None,
                expires_at: Some(at(-60)),
            },
        )
        .unwrap();
    let stored = |account: &str| {
        let config = home.store().load(&home.env()).unwrap();
        let (_, entry, credentials) = config.provider("chatgpt").unwrap();
        let credential = credentials.account(account).unwrap();
        let secret = |c: &Option<netclaw_config::Credential>| {
            secrecy::ExposeSecret::expose_secret(&c.as_ref().unwrap().value).to_owned()
        };
        (
            secret(&credential.oauth_access_token),
            secret(&credential.oauth_refresh_token),
            entry.token_expiry(account),
        )
    };
    let first_before = stored("first");
    let clock = ManualClock::new(at(0));
    let daemon = spawn(&home, &clock).await;

    let served = served_by(&daemon, &turn("hello", 1)).await;
    assert_eq!(served.account.as_deref(), Some("second"));
    assert_eq!(
        stored("first"),
        first_before,
        "the first account is untouched"
    );
    let (access, refresh, expiry) = stored("second");
    assert_eq!(
        (access.as_str(), refresh.as_str()),
        ("access-2b", "refresh-2b")
    );
    assert_eq!(expiry, Some(at(3600)));
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_gateway_names_the_account_that_served_in_its_header_and_the_model_in_its_answer() {
    let backend = MockServer::start().await;
    first_account_at_its_limit(&backend, None).await;
    answer_both(&backend).await;
    let home = two_accounts(&backend, AccountOrder::FirstAvailable);
    let clock = ManualClock::new(at(0));
    let daemon = spawn(&home, &clock).await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", daemon.base_url()))
        .bearer_auth(secrecy::ExposeSecret::expose_secret(daemon.token()))
        .json(&json!({"model": "chatgpt/gpt-5.5", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["x-netclaw-served-by"],
        "chatgpt/gpt-5.5@second"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["model"], "chatgpt/gpt-5.5",
        "clients see the model they named"
    );
    daemon.shutdown().await.unwrap();
}
