//! The exact request each client sends, snapshotted for five conversations.

use netclaw_providers::chat::{
    ChatRequest, ContentPart, Message, ReasoningEffort, ToolCall, ToolChoice, ToolDefinition,
};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

use super::support::{CLIENTS, client, fast_http, ok_stream, request_snapshot, stream_response};

fn weather_tool() -> ToolDefinition {
    ToolDefinition {
        name: "get_weather".into(),
        description: Some("Current weather for a city".into()),
        parameters: json!({
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["city"],
        }),
        strict: None,
    }
}

fn time_tool() -> ToolDefinition {
    ToolDefinition {
        name: "get_time".into(),
        description: None,
        parameters: json!({"type": "object", "properties": {"tz": {"type": "string"}}, "required": ["tz"], "additionalProperties": false}),
        strict: Some(true),
    }
}

fn scenarios() -> Vec<(&'static str, ChatRequest)> {
    let plain = ChatRequest::new("model-1", vec![Message::user("Hello")]);
    let multi_turn = ChatRequest {
        temperature: Some(0.2),
        max_output_tokens: Some(256),
        reasoning: Some(ReasoningEffort::Medium),
        prompt_cache_key: Some("conv-123".into()),
        context_window: Some(32_768),
        ..ChatRequest::new(
            "model-1",
            vec![
                Message::system("You are terse."),
                Message::user("Hi"),
                Message::assistant("Hello!"),
                Message::system("Answer in English."),
                Message::user("What is Rust?"),
            ],
        )
    };
    let tools = ChatRequest {
        tools: vec![weather_tool(), time_tool()],
        tool_choice: Some(ToolChoice::Auto),
        ..ChatRequest::new("model-1", vec![Message::user("Weather in Paris?")])
    };
    let tool_result = ChatRequest {
        tools: vec![weather_tool()],
        ..ChatRequest::new(
            "model-1",
            vec![
                Message::user("Weather in Paris?"),
                Message::Assistant {
                    content: String::new(),
                    tool_calls: vec![ToolCall {
                        id: "call_abc".into(),
                        name: "get_weather".into(),
                        arguments: r#"{"city":"Paris"}"#.into(),
                    }],
                },
                Message::Tool {
                    call_id: "call_abc".into(),
                    name: Some("get_weather".into()),
                    content: r#"{"temp_c":21}"#.into(),
                    is_error: false,
                },
            ],
        )
    };
    let image = ChatRequest::new(
        "model-1",
        vec![Message::User {
            content: vec![
                ContentPart::text("What is in this picture?"),
                ContentPart::image_base64("image/png", "iVBORw0KGgo="),
            ],
        }],
    );
    vec![
        ("plain", plain),
        ("system_multi_turn", multi_turn),
        ("tools", tools),
        ("tool_result", tool_result),
        ("image", image),
    ]
}

#[tokio::test]
async fn every_client_sends_the_expected_request_for_each_conversation() {
    for kind in CLIENTS {
        for (scenario, request) in scenarios() {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .respond_with(stream_response(ok_stream(kind)))
                .expect(1)
                .mount(&server)
                .await;
            let client = client(kind, &server.uri(), fast_http());
            let response = client.stream(request).collect_response().await;
            assert!(response.is_ok(), "{kind}/{scenario}: {response:?}");
            let received = server.received_requests().await.unwrap();
            insta::assert_json_snapshot!(
                format!("request_{kind}_{scenario}"),
                request_snapshot(&received[0])
            );
        }
    }
}

#[tokio::test]
async fn codex_content_type_has_no_charset() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(stream_response(ok_stream("codex")))
        .mount(&server)
        .await;
    let client = client("codex", &server.uri(), fast_http());
    client
        .stream(ChatRequest::new("m", vec![Message::user("Hi")]))
        .collect_response()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let content_types: Vec<_> = received[0].headers.get_all("content-type").iter().collect();
    assert_eq!(content_types, vec!["application/json"]);
}
