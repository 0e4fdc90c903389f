//! When the main model fails: fallback along `Models.Main` → `Models.Fallback`, cooldowns
//! (kept across restarts), quota-aware switching, and the `served_by` transparency, against
//! two loopback vendors and a manual clock.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use netclaw_config::{EnvSnapshot, ModelRef, ModelRole};
use netclaw_daemon::api::{ChatEvent, ChatRequest, ProviderSummary};
use netclaw_daemon::{ClientError, DaemonOptions, RunningDaemon};
use netclaw_oauth::ManualClock;
use netclaw_providers::chat::{HttpSettings, Message, RetryPolicy};
use pretty_assertions::assert_eq;
use secrecy::ExposeSecret;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Home, fixture, sse};

/// The manual clock's start (2027-01-15T08:00:00Z).
const T0: i64 = 1_800_000_000;

fn at(offset: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(T0 + offset).unwrap()
}

/// Two OpenAI-style vendors: `work/gpt-5` is the main model, `spare/gpt-5-mini` the fallback.
struct Vendors {
    main: MockServer,
    spare: MockServer,
    home: Home,
}

impl Vendors {
    async fn new() -> Self {
        let main = MockServer::start().await;
        let spare = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/responses"))
            .respond_with(sse(fixture("responses_text.sse")))
            .mount(&spare)
            .await;
        let home = Home::new();
        home.add_key_provider("work", "openai", &format!("{}/v1", main.uri()), "sk-main");
        home.add_key_provider(
            "spare",
            "openai",
            &format!("{}/v1", spare.uri()),
            "sk-spare",
        );
        home.set_main("work", "gpt-5");
        home.store()
            .set_model_role(
                ModelRole::Fallback,
                Some(ModelRef::new("spare", "gpt-5-mini")),
            )
            .unwrap();
        Self { main, spare, home }
    }

    /// A daemon on `clock` with fast retries (2 retries, millisecond backoff) and `env` added.
    async fn spawn(&self, clock: &ManualClock, env: &[(&str, &str)]) -> RunningDaemon {
        let home = self.home.dir.path().to_str().unwrap().to_owned();
        let pairs: Vec<(String, String)> = [("HOME".to_owned(), home)]
            .into_iter()
            .chain(env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())))
            .collect();
        netclaw_daemon::spawn(
            self.home.paths.clone(),
            EnvSnapshot::from_pairs(pairs),
            DaemonOptions {
                port: Some(0),
                watch_interval: None,
                refresh: None,
                clock: Some(Arc::new(clock.clone())),
                chat_http: Some(fast_retries()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
    }

    async fn main_requests(&self) -> usize {
        self.main.received_requests().await.unwrap().len()
    }

    async fn spare_requests(&self) -> usize {
        self.spare.received_requests().await.unwrap().len()
    }
}

fn fast_retries() -> HttpSettings {
    HttpSettings {
        retry: RetryPolicy {
            max_retries: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            ..RetryPolicy::default()
        },
        ..HttpSettings::default()
    }
}

/// The main model answers its first request with a usage limit that resets at `T0 + 600`,
/// and every later one normally.
async fn main_hits_its_usage_limit_once(vendors: &Vendors) {
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(usage_limit(T0 + 600))
        .up_to_n_times(1)
        .mount(&vendors.main)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(sse(fixture("responses_text.sse")))
        .mount(&vendors.main)
        .await;
}

fn usage_limit(resets_at: i64) -> ResponseTemplate {
    ResponseTemplate::new(429).set_body_json(json!({"error": {
        "type": "usage_limit_reached",
        "message": "The usage limit has been reached",
        "resets_at": resets_at,
    }}))
}

fn hello() -> ChatRequest {
    ChatRequest {
        provider: None,
        model: None,
        messages: vec![Message::user("hi")],
        tools: Vec::new(),
    }
}

/// `(served provider/model, fallback reason, answer text)` of one `/api/chat`.
/// Every event of one chat.
async fn chat_events(daemon: &RunningDaemon, request: &ChatRequest) -> Vec<ChatEvent> {
    daemon
        .client()
        .chat(request)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await
}

async fn chat(daemon: &RunningDaemon, request: &ChatRequest) -> (String, Option<String>, String) {
    let mut events = chat_events(daemon, request).await;
    // Retries announced while the answer was awaited come first.
    events.retain(|e| !matches!(e, ChatEvent::Retrying { .. }));
    let ChatEvent::ServedBy(served) = &events[0] else {
        panic!("the first event is not served_by: {events:?}");
    };
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Text { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    (
        format!("{}/{}", served.provider, served.model),
        served.fallback_reason.clone(),
        text,
    )
}

async fn provider(daemon: &RunningDaemon, name: &str) -> ProviderSummary {
    let list = daemon.client().providers().await.unwrap();
    list.providers.into_iter().find(|p| p.name == name).unwrap()
}

#[tokio::test]
async fn a_usage_limit_falls_back_and_skips_main_until_its_reset() {
    let vendors = Vendors::new().await;
    main_hits_its_usage_limit_once(&vendors).await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;

    let (served, reason, text) = chat(&daemon, &hello()).await;
    assert_eq!(served, "spare/gpt-5-mini");
    assert_eq!(reason.as_deref(), Some("usage_limit"));
    assert_eq!(text, "Hello, wörld ✓");
    assert_eq!(vendors.main_requests().await, 1);
    let work = provider(&daemon, "work").await;
    assert_eq!(work.cooldown_until, Some(at(600)));
    assert_eq!(work.cooldown_reason.as_deref(), Some("usage_limit"));

    // Before the reset the main model is not even asked.
    clock.advance(Duration::from_secs(599));
    let (served, reason, _) = chat(&daemon, &hello()).await;
    assert_eq!(served, "spare/gpt-5-mini");
    assert_eq!(reason.as_deref(), Some("usage_limit"));
    assert_eq!(vendors.main_requests().await, 1, "main was skipped");

    // After it, the main model answers again and its cooldown is gone.
    clock.advance(Duration::from_secs(1));
    let (served, reason, _) = chat(&daemon, &hello()).await;
    assert_eq!((served.as_str(), reason), ("work/gpt-5", None));
    assert_eq!(vendors.main_requests().await, 2);
    assert_eq!(vendors.spare_requests().await, 2);
    assert_eq!(provider(&daemon, "work").await.cooldown_until, None);
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn server_errors_after_every_retry_fall_back_without_a_cooldown() {
    let vendors = Vendors::new().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let events = chat_events(&daemon, &hello()).await;
    let retries: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::Retrying { message } => Some(message.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(retries.len(), 2, "each retry is announced: {events:?}");
    assert!(retries[0].contains("retry 1/2"), "{retries:?}");
    assert!(matches!(events[2], ChatEvent::ServedBy(_)), "{events:?}");
    let (served, reason, text) = chat(&daemon, &hello()).await;
    assert_eq!(served, "spare/gpt-5-mini");
    assert_eq!(reason.as_deref(), Some("server_error"));
    assert_eq!(text, "Hello, wörld ✓");
    assert_eq!(
        vendors.main_requests().await,
        6,
        "twice the first attempt and 2 retries"
    );
    assert_eq!(provider(&daemon, "work").await.cooldown_reason, None);
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_failure_after_the_first_delta_reaches_the_caller_without_fallback() {
    let vendors = Vendors::new().await;
    let broken = concat!(
        "event: response.created\n",
        "data: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}\n\n",
        "event: response.output_text.delta\n",
        "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"Hel\"}\n\n",
        "event: response.failed\n",
        "data: {\"type\":\"response.failed\",\"response\":{\"id\":\"resp_1\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"the model crashed\"}}}\n\n",
    );
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(sse(broken.as_bytes().to_vec()))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let events: Vec<ChatEvent> = daemon
        .client()
        .chat(&hello())
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    let names: Vec<_> = events.iter().map(ChatEvent::name).collect();
    assert_eq!(names, ["served_by", "text", "error"]);
    assert_eq!(events[1], ChatEvent::Text { text: "Hel".into() });
    let ChatEvent::Error(error) = &events[2] else {
        unreachable!()
    };
    assert!(error.message.contains("the model crashed"), "{error:?}");
    assert_eq!(
        vendors.spare_requests().await,
        0,
        "no fallback after output"
    );
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_request_the_vendor_refuses_as_malformed_does_not_fall_back() {
    let vendors = Vendors::new().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid schema for function 'get_weather'",
            "type": "invalid_request_error",
            "code": "invalid_function_parameters",
        }})))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let Err(ClientError::Api {
        status,
        code,
        message,
        ..
    }) = daemon.client().chat(&hello()).await
    else {
        panic!("expected an API error");
    };
    assert_eq!((status, code.as_str()), (400, "bad_request"));
    assert!(message.contains("Invalid schema"), "{message}");
    assert_eq!(vendors.main_requests().await, 1, "a 400 is not retried");
    assert_eq!(vendors.spare_requests().await, 0);
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_explicit_model_falls_back_only_when_fallback_on_explicit_is_set() {
    let vendors = Vendors::new().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(usage_limit(T0 + 600))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let explicit = ChatRequest {
        provider: Some("work".into()),
        model: Some("gpt-5".into()),
        ..hello()
    };
    let Err(ClientError::Api {
        status, code, hint, ..
    }) = daemon.client().chat(&explicit).await
    else {
        panic!("expected an API error");
    };
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    let hint = hint.unwrap();
    assert!(
        hint.contains("`NETCLAW_Models__FallbackOnExplicit=true`")
            && hint.contains("`\"FallbackOnExplicit\": true` under `Models` in netclaw.json"),
        "{hint}"
    );
    // The gateway says the same in OpenAI's error shape.
    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", daemon.base_url()))
        .bearer_auth(daemon.token().expose_secret())
        .json(&json!({"model": "work/gpt-5", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let body: serde_json::Value = response.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("not falling back because the request named its model")
            && message.contains("NETCLAW_Models__FallbackOnExplicit=true"),
        "{message}"
    );
    assert_eq!(vendors.spare_requests().await, 0);
    daemon.shutdown().await.unwrap();

    // With the switch on (here through the environment), the same request falls back.
    let daemon = vendors
        .spawn(&clock, &[("NETCLAW_Models__FallbackOnExplicit", "true")])
        .await;
    let (served, reason, _) = chat(&daemon, &explicit).await;
    assert_eq!(served, "spare/gpt-5-mini");
    assert_eq!(reason.as_deref(), Some("usage_limit"));
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_cooldown_survives_a_daemon_restart() {
    let vendors = Vendors::new().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(usage_limit(T0 + 3600))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let (served, _, _) = chat(&daemon, &hello()).await;
    assert_eq!(served, "spare/gpt-5-mini");
    daemon.shutdown().await.unwrap();
    assert!(vendors.home.paths.cooldowns_file().is_file());

    clock.advance(Duration::from_secs(60));
    let daemon = vendors.spawn(&clock, &[]).await;
    let work = provider(&daemon, "work").await;
    assert_eq!(work.cooldown_until, Some(at(3600)));
    assert_eq!(work.cooldown_reason.as_deref(), Some("usage_limit"));
    let (served, reason, _) = chat(&daemon, &hello()).await;
    assert_eq!(served, "spare/gpt-5-mini");
    assert_eq!(reason.as_deref(), Some("usage_limit"));
    assert_eq!(
        vendors.main_requests().await,
        1,
        "still skipped after the restart"
    );
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn usage_above_the_threshold_switches_before_the_429_and_back_after_the_reset() {
    let vendors = Vendors::new().await;
    let body = fixture("responses_text.sse");
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(
            sse(body.clone())
                .insert_header("x-codex-primary-used-percent", "95")
                .insert_header("x-codex-primary-window-minutes", "300")
                .insert_header("x-codex-primary-reset-at", (T0 + 300).to_string().as_str()),
        )
        .up_to_n_times(1)
        .mount(&vendors.main)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(sse(body).insert_header("x-codex-primary-used-percent", "3"))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors
        .spawn(&clock, &[("NETCLAW_Models__SwitchAtUsedPercent", "90")])
        .await;
    let (served, _, _) = chat(&daemon, &hello()).await;
    assert_eq!(
        served, "work/gpt-5",
        "95 % used: this answer still comes from main"
    );
    let work = provider(&daemon, "work").await;
    assert_eq!(work.cooldown_reason.as_deref(), Some("usage_threshold"));
    assert_eq!(work.cooldown_until, Some(at(300)));

    let (served, reason, _) = chat(&daemon, &hello()).await;
    assert_eq!(served, "spare/gpt-5-mini");
    assert_eq!(reason.as_deref(), Some("usage_threshold"));
    assert_eq!(vendors.main_requests().await, 1, "switched before any 429");

    clock.advance(Duration::from_secs(300));
    let (served, _, _) = chat(&daemon, &hello()).await;
    assert_eq!(served, "work/gpt-5", "back after the window reset");
    assert_eq!(vendors.main_requests().await, 2);
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn gateway_answers_name_the_fallback_that_served_them() {
    let vendors = Vendors::new().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(ResponseTemplate::new(503).set_body_string("overloaded"))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let http = reqwest::Client::new();
    for (route, body) in [
        (
            "/v1/chat/completions",
            json!({"model": "default", "messages": [{"role": "user", "content": "hi"}]}),
        ),
        ("/v1/responses", json!({"model": "default", "input": "hi"})),
        (
            "/v1/chat/completions",
            json!({"model": "default", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
        ),
    ] {
        let response = http
            .post(format!("{}{route}", daemon.base_url()))
            .bearer_auth(daemon.token().expose_secret())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{route}");
        assert_eq!(
            response.headers()["x-netclaw-served-by"],
            "spare/gpt-5-mini",
            "{route}"
        );
        let text = response.text().await.unwrap();
        assert!(
            text.contains("\"model\":\"spare/gpt-5-mini\""),
            "{route}: {text}"
        );
    }
    daemon.shutdown().await.unwrap();
}

const SDK_FALLBACK: &str = r#"
import json
from openai import OpenAI
client = OpenAI(max_retries=0)
raw = client.chat.completions.with_raw_response.create(
    model="default", messages=[{"role": "user", "content": "hi"}])
completion = raw.parse()
stream = client.chat.completions.create(
    model="default", messages=[{"role": "user", "content": "hi"}], stream=True)
streamed = sorted({chunk.model for chunk in stream})
response = client.responses.create(model="default", input="hi")
print(json.dumps({"model": completion.model, "header": raw.headers.get("x-netclaw-served-by"),
                  "text": completion.choices[0].message.content, "streamed": streamed,
                  "responses": response.model}))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_sees_the_fallback_model_that_answered() {
    let vendors = Vendors::new().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let out = crate::sdk::python(&daemon, SDK_FALLBACK).await;
    assert_eq!(out["model"], "spare/gpt-5-mini");
    assert_eq!(out["header"], "spare/gpt-5-mini");
    assert_eq!(out["text"], "Hello, wörld ✓");
    assert_eq!(out["streamed"], json!(["spare/gpt-5-mini"]));
    assert_eq!(out["responses"], "spare/gpt-5-mini");
    assert_eq!(vendors.spare_requests().await, 3);
    daemon.shutdown().await.unwrap();
}

/// Server-named delays too large for `Duration` (a `Retry-After` of 1e20 or 2^64, a
/// "try again in 99999999999999999999999s") are clamped: the main model goes into a cooldown
/// no longer than a week and the fallback answers, instead of the request dying in a panic.
#[tokio::test]
async fn a_huge_retry_delay_falls_back_and_cools_down_for_at_most_a_week() {
    let refusals = [
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1e20")
            .set_body_json(json!({"error": {"message": "slow down"}})),
        ResponseTemplate::new(429)
            .insert_header("retry-after", "18446744073709551616")
            .set_body_json(json!({"error": {"message": "slow down"}})),
    ];
    for refusal in refusals {
        let vendors = Vendors::new().await;
        Mock::given(method("POST"))
            .and(path("/v1/responses"))
            .respond_with(refusal)
            .mount(&vendors.main)
            .await;
        let clock = ManualClock::new(at(0));
        let daemon = vendors.spawn(&clock, &[]).await;
        let (served, reason, text) = chat(&daemon, &hello()).await;
        assert_eq!(served, "spare/gpt-5-mini");
        assert_eq!(reason.as_deref(), Some("rate_limited"));
        assert_eq!(text, "Hello, wörld ✓");
        let work = provider(&daemon, "work").await;
        assert_eq!(work.cooldown_until, Some(at(7 * 24 * 3600)));
        daemon.shutdown().await.unwrap();
    }

    // The same number inside a 200 stream's `response.failed`.
    let vendors = Vendors::new().await;
    let failed = "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"Please try again in 99999999999999999999999s.\"}}}\n\n";
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(sse(failed.as_bytes().to_vec()))
        .mount(&vendors.main)
        .await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let (served, _, text) = chat(&daemon, &hello()).await;
    assert_eq!(served, "spare/gpt-5-mini");
    assert_eq!(text, "Hello, wörld ✓");
    assert_eq!(
        provider(&daemon, "work").await.cooldown_until,
        Some(at(7 * 24 * 3600))
    );
    daemon.shutdown().await.unwrap();
}

/// A request continuing a conversation that opened with `opening` and was answered once.
fn second_turn(opening: &str) -> ChatRequest {
    ChatRequest {
        messages: vec![
            Message::user(opening),
            Message::Assistant {
                content: "Hello, wörld ✓".into(),
                tool_calls: Vec::new(),
            },
            Message::user("and then?"),
        ],
        ..hello()
    }
}

#[tokio::test]
async fn a_conversation_stays_on_the_model_that_served_it_while_that_model_works() {
    let vendors = Vendors::new().await;
    main_hits_its_usage_limit_once(&vendors).await;
    let clock = ManualClock::new(at(0));
    let daemon = vendors.spawn(&clock, &[]).await;
    let opening = ChatRequest {
        messages: vec![Message::user("plan my trip")],
        ..hello()
    };
    let (served, _, _) = chat(&daemon, &opening).await;
    assert_eq!(served, "spare/gpt-5-mini");

    // The main model is back, but this conversation's cache is at the spare: it stays there.
    clock.advance(Duration::from_secs(600));
    let (served, reason, _) = chat(&daemon, &second_turn("plan my trip")).await;
    assert_eq!(served, "spare/gpt-5-mini");
    assert_eq!(reason.as_deref(), Some("conversation"));
    assert_eq!(vendors.main_requests().await, 1, "main was not asked");

    // Another conversation goes to the model asked for.
    let (served, reason, _) = chat(&daemon, &second_turn("something else")).await;
    assert_eq!((served.as_str(), reason), ("work/gpt-5", None));
    daemon.shutdown().await.unwrap();
}
