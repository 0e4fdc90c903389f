//! GitHub Copilot against loopback fakes of GitHub's token exchange and the Copilot API: one
//! exchange for many concurrent requests, a renewal before `expires_at`, a 401 renewed and
//! retried once, the API the exchange names honoured, the request headers snapshotted, and the
//! probe's classes for a revoked token, a seat without Copilot, a plan limit and a listing that
//! fails.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use netclaw_oauth::ManualClock;
use netclaw_providers::bearer::BearerSource as _;
use netclaw_providers::bearer::{Bearer, StaticBearer};
use netclaw_providers::chat::{
    ChatClient, ChatCompletionsClient, ChatRequest, ClientConfig, CompletionsFlavor, Message,
};
use netclaw_providers::copilot::CopilotSession;
use netclaw_providers::probe::{ProbeClass, ProbeOptions, ProbeTarget, probe};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GITHUB_TOKEN: &str = "gho-github-SECRET-1";

const ANSWER: &str = concat!(
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi from copilot\"}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    "data: [DONE]\n\n",
);

fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + seconds).unwrap()
}

/// An exchange answer: token `token`, valid until `expires` (seconds after `at(0)`), serving
/// the API at `api`.
fn exchanged(token: &str, expires: i64, api: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "token": token, "expires_at": at(expires).as_second(),
        "refresh_in": 1500, "endpoints": {"api": api}
    }))
}

fn session(server: &MockServer, clock: &ManualClock) -> Arc<CopilotSession> {
    let github = Arc::new(StaticBearer::new(
        "cp",
        Bearer {
            token: GITHUB_TOKEN.into(),
            account_id: None,
        },
    ));
    CopilotSession::new(
        "cp",
        github,
        reqwest::Client::new(),
        format!("{}/api/copilot_internal/v2/token", server.uri()),
        Arc::new(clock.clone()),
    )
}

#[tokio::test]
async fn many_requests_share_one_exchange_and_the_token_is_renewed_before_it_ends() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/copilot_internal/v2/token"))
        .and(header(
            "authorization",
            format!("Bearer {GITHUB_TOKEN}").as_str(),
        ))
        .and(header("copilot-integration-id", "vscode-chat"))
        .respond_with(exchanged(
            "cop-1",
            1800,
            "https://api.business.githubcopilot.com",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/copilot_internal/v2/token"))
        .respond_with(exchanged(
            "cop-2",
            3600,
            "https://api.business.githubcopilot.com",
        ))
        .with_priority(2)
        .mount(&server)
        .await;
    let clock = ManualClock::new(at(0));
    let session = session(&server, &clock);
    let bearers = futures_util::future::join_all((0..20).map(|_| session.bearer())).await;
    assert!(bearers.iter().all(Result::is_ok));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "one exchange for 20 requests"
    );
    assert_eq!(
        session.api_base().as_deref(),
        Some("https://api.business.githubcopilot.com")
    );
    // Two minutes before the end it is renewed, once.
    clock.advance(Duration::from_secs(1800 - 119));
    session.bearer().await.unwrap();
    session.bearer().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_401_from_the_copilot_api_renews_the_token_and_retries_once() {
    let server = MockServer::start().await;
    let api = format!("{}/business", server.uri());
    Mock::given(method("GET"))
        .and(path("/api/copilot_internal/v2/token"))
        .respond_with(exchanged("cop-1", 1800, &api))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/copilot_internal/v2/token"))
        .respond_with(exchanged("cop-2", 1800, &api))
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/business/chat/completions"))
        .and(header("authorization", "Bearer cop-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/business/chat/completions"))
        .and(header("authorization", "Bearer cop-2"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(ANSWER, "text/event-stream"))
        .mount(&server)
        .await;
    let clock = ManualClock::new(at(0));
    let config = ClientConfig::new("cp", "https://api.githubcopilot.com")
        .with_copilot(session(&server, &clock));
    let client = ChatCompletionsClient::new(config, CompletionsFlavor::Copilot).unwrap();
    let answer = client
        .stream(ChatRequest::new("gpt-4o", vec![Message::user("hi")]))
        .collect_response()
        .await
        .unwrap();
    assert_eq!(answer.text, "hi from copilot");
    let received = server.received_requests().await.unwrap();
    let exchanges = received
        .iter()
        .filter(|r| r.url.path().ends_with("/token"))
        .count();
    let chats: Vec<_> = received
        .iter()
        .filter(|r| r.url.path().ends_with("/chat/completions"))
        .collect();
    assert_eq!((exchanges, chats.len()), (2, 2), "one renewal, one retry");
    let mut headers: Vec<(String, String)> = chats[1]
        .headers
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "host" | "content-length" | "user-agent"))
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    insta::assert_json_snapshot!(headers);
}

fn target(server: &MockServer) -> ProbeTarget {
    ProbeTarget {
        provider_name: "cp".into(),
        type_key: "github-copilot".into(),
        endpoint: Some(format!("{}/individual", server.uri())),
        auth_method: netclaw_config::AuthMethod::OAuthDevice,
        bearer: Some(Bearer {
            token: GITHUB_TOKEN.into(),
            account_id: None,
        }),
        token_expiry: None,
        token_exchange: Some(format!("{}/api/copilot_internal/v2/token", server.uri())),
    }
}

async fn probe_with_exchange(answer: ResponseTemplate) -> netclaw_providers::probe::ProbeReport {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/copilot_internal/v2/token"))
        .respond_with(answer)
        .mount(&server)
        .await;
    probe(
        &reqwest::Client::new(),
        &netclaw_providers::descriptor::ProviderRegistry::builtin(),
        &target(&server),
        &ProbeOptions::at(Timestamp::now()),
    )
    .await
}

#[tokio::test]
async fn the_probe_tells_a_revoked_token_a_seat_without_copilot_and_a_plan_limit_apart() {
    let mut table = String::new();
    for (case, answer) in [
        ("revoked", ResponseTemplate::new(401)),
        (
            "no seat",
            ResponseTemplate::new(403).set_body_json(json!({"message": "Resource not accessible"})),
        ),
        (
            "plan limit",
            ResponseTemplate::new(429).set_body_json(json!({"message": "monthly limit reached"})),
        ),
    ] {
        let report = probe_with_exchange(answer).await;
        let message = report.message.unwrap_or_default();
        assert!(!message.contains(GITHUB_TOKEN));
        table.push_str(&format!("{case}: {} | {message}\n", report.class.as_str()));
    }
    insta::assert_snapshot!(table);
}

#[tokio::test]
async fn the_models_are_listed_with_copilot_headers_and_curated_when_the_listing_fails() {
    let server = MockServer::start().await;
    let api = format!("{}/business", server.uri());
    Mock::given(method("GET"))
        .and(path("/api/copilot_internal/v2/token"))
        .respond_with(exchanged("cop-1", 1800, &api))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/business/models"))
        .and(header("authorization", "Bearer cop-1"))
        .and(header("copilot-integration-id", "vscode-chat"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "gpt-4o", "name": "GPT-4o", "model_picker_enabled": true,
             "capabilities": {"type": "chat", "limits": {"max_context_window_tokens": 128_000, "max_output_tokens": 16384},
                              "supports": {"vision": true, "tool_calls": true}}},
            {"id": "text-embedding-3-small", "capabilities": {"type": "embeddings"}},
            {"id": "gpt-hidden", "model_picker_enabled": false, "capabilities": {"type": "chat"}}
        ]})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let registry = netclaw_providers::descriptor::ProviderRegistry::builtin();
    let options = ProbeOptions::at(Timestamp::now());
    let listed = probe(
        &reqwest::Client::new(),
        &registry,
        &target(&server),
        &options,
    )
    .await;
    assert_eq!(listed.class, ProbeClass::Ok, "{:?}", listed.message);
    insta::assert_json_snapshot!("listed", listed.models);
    // The listing fails now: the curated models stand in, and the report says so.
    let curated = probe(
        &reqwest::Client::new(),
        &registry,
        &target(&server),
        &options,
    )
    .await;
    assert_eq!(curated.class, ProbeClass::Ok);
    assert_eq!(curated.models.len(), 6);
    assert!(
        curated
            .message
            .unwrap()
            .contains("showing the curated list"),
        "the report says the list is curated"
    );
}
