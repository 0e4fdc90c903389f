//! `POST /api/chat`: normalized events over SSE through the typed client.

use futures_util::StreamExt;
use netclaw_daemon::api::{ChatEvent, ChatRequest};
use netclaw_providers::chat::{Message, StopReason};
use pretty_assertions::assert_eq;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{Home, fixture, sse};

#[tokio::test]
async fn chat_streams_normalized_events() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(sse(fixture("responses_tool_call.sse")))
        .mount(&server)
        .await;
    let home = Home::new();
    home.add_key_provider("work", "openai", &format!("{}/v1", server.uri()), "sk-chat");
    let daemon = home.spawn_quiet().await;
    let request = ChatRequest {
        provider: Some("work".into()),
        model: Some("gpt-5".into()),
        messages: vec![Message::user("weather in Paris?")],
        tools: Vec::new(),
    };
    let events: Vec<ChatEvent> = daemon
        .client()
        .chat(&request)
        .await
        .unwrap()
        .map(Result::unwrap)
        .collect()
        .await;
    let names: Vec<_> = events.iter().map(ChatEvent::name).collect();
    assert_eq!(names, ["served_by", "tool_call", "usage", "done"]);
    let ChatEvent::ServedBy(served) = &events[0] else {
        unreachable!()
    };
    assert_eq!(
        (served.provider.as_str(), served.model.as_str()),
        ("work", "gpt-5")
    );
    assert_eq!(served.fallback_reason, None);
    let ChatEvent::ToolCall(call) = &events[1] else {
        unreachable!()
    };
    assert_eq!(call.name, "get_weather");
    assert_eq!(
        events[3],
        ChatEvent::Done {
            stop_reason: StopReason::ToolUse
        }
    );
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn chat_failures_before_output_are_api_errors_with_hints() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            serde_json::json!({"error": {"message": "bad key", "code": "invalid_api_key"}}),
        ))
        .mount(&server)
        .await;
    let home = Home::new();
    home.add_key_provider("work", "openai", &format!("{}/v1", server.uri()), "sk-chat");
    home.set_main("work", "gpt-5");
    let daemon = home.spawn_quiet().await;
    let request = ChatRequest {
        provider: None,
        model: None,
        messages: vec![Message::user("hi")],
        tools: Vec::new(),
    };
    let Err(error) = daemon.client().chat(&request).await else {
        panic!("expected an error");
    };
    let netclaw_daemon::ClientError::Api {
        status, code, hint, ..
    } = error
    else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!((status, code.as_str()), (401, "provider_unauthorized"));
    assert_eq!(hint.as_deref(), Some("run `netclaw provider login work`"));

    let unknown = ChatRequest {
        provider: Some("nobody".into()),
        ..request
    };
    let Err(netclaw_daemon::ClientError::Api { status: 404, .. }) =
        daemon.client().chat(&unknown).await
    else {
        panic!("an unknown provider is a 404");
    };
    daemon.shutdown().await.unwrap();
}
