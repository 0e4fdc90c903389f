//! Unit tests of the gateway's wire translations (snapshots of both directions).

use netclaw_providers::chat::{ChatResponse, StopReason, ToolCall, Usage};
use serde_json::json;

use super::chat_completions::{ChunkEncoder, CompletionRequest, completion_body};
use super::responses::{ResponsesEncoder, ResponsesRequest, response_body};

fn call() -> ToolCall {
    ToolCall {
        id: "call_1".into(),
        name: "get_weather".into(),
        arguments: r#"{"city":"Paris"}"#.into(),
    }
}

fn usage() -> Usage {
    Usage {
        input_tokens: 12,
        output_tokens: 5,
        cached_input_tokens: Some(2),
        reasoning_tokens: None,
    }
}

#[test]
fn chat_completions_request_with_tools_results_and_images_normalizes() {
    let request: CompletionRequest = serde_json::from_value(json!({
        "model": "anthropic/claude-sonnet-4-5",
        "stream": true,
        "stream_options": {"include_usage": true},
        "max_completion_tokens": 100,
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": [
                {"type": "text", "text": "what is in this picture, and the weather?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
            ]},
            {"role": "assistant", "content": null, "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}
        ],
        "tools": [{"type": "function", "function": {"name": "get_weather", "description": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
        "tool_choice": "auto"
    }))
    .unwrap();
    assert!(request.include_usage());
    let chat = request
        .into_chat_request("claude-sonnet-4-5".into())
        .unwrap();
    insta::assert_json_snapshot!(chat);
}

#[test]
fn unknown_roles_are_refused_with_an_openai_error() {
    let request: CompletionRequest = serde_json::from_value(
        json!({"model": "m", "messages": [{"role": "wizard", "content": "x"}]}),
    )
    .unwrap();
    let error = request.into_chat_request("m".into()).unwrap_err();
    assert_eq!(error.status, 400);
    insta::assert_json_snapshot!(error.body(), @r#"
    {
      "error": {
        "message": "unknown message role `wizard`",
        "type": "invalid_request_error",
        "param": null,
        "code": "invalid_request"
      }
    }
    "#);
}

#[test]
fn completion_body_carries_text_tool_calls_and_usage() {
    let answer = ChatResponse {
        text: String::new(),
        tool_calls: vec![call()],
        usage: Some(usage()),
        stop_reason: StopReason::ToolUse,
        ..ChatResponse::default()
    };
    insta::assert_json_snapshot!(completion_body(
        "chatcmpl-1",
        1_700_000_000,
        "openai/gpt-5",
        &answer
    ));
}

#[test]
fn chunk_stream_matches_openai_framing() {
    let mut encoder = ChunkEncoder::new("chatcmpl-1", 1_700_000_000, "openai/gpt-5", true);
    let mut out = encoder.role();
    out.push_str(&encoder.text("Hel"));
    out.push_str(&encoder.text("lo"));
    out.push_str(&encoder.tool_call(&call()));
    out.push_str(&encoder.finish(StopReason::EndTurn, Some(&usage())));
    insta::assert_snapshot!(out);
}

#[test]
fn responses_request_with_history_normalizes() {
    let body = json!({
        "model": "openai/gpt-5",
        "instructions": "be brief",
        "input": [
            {"role": "user", "content": [{"type": "input_text", "text": "weather?"}, {"type": "input_image", "image_url": "https://example.test/a.png"}]},
            {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{\"city\":\"Paris\"}"},
            {"type": "function_call_output", "call_id": "call_1", "output": "sunny"}
        ],
        "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}}],
        "reasoning": {"effort": "low"},
        "stream": true
    });
    let request: ResponsesRequest = serde_json::from_value(body.clone()).unwrap();
    let whole = body.as_object().unwrap().clone();
    let chat = request.into_chat_request("gpt-5".into(), whole).unwrap();
    assert_eq!(
        chat.relay.as_ref().unwrap().untranslatable,
        Vec::<String>::new()
    );
    insta::assert_json_snapshot!(chat);
}

#[test]
fn what_only_responses_can_carry_is_kept_and_named() {
    let body = json!({
        "model": "work/gpt-5.5",
        "input": [
            {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "be careful"}]},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "fix it"}]},
            {"type": "reasoning", "id": "rs_1", "encrypted_content": "opaque", "summary": []},
            {"type": "custom_tool_call", "call_id": "c1", "name": "apply_patch", "input": "*** Begin Patch"},
            {"type": "custom_tool_call_output", "call_id": "c1", "output": "done"}
        ],
        "tools": [
            {"type": "function", "name": "exec_command", "parameters": {"type": "object"}, "strict": false},
            {"type": "custom", "name": "apply_patch", "format": {"type": "grammar", "syntax": "lark", "definition": "start: x"}},
            {"type": "web_search", "external_web_access": false}
        ],
        "stream": true
    });
    let request: ResponsesRequest = serde_json::from_value(body.clone()).unwrap();
    let whole = body.as_object().unwrap().clone();
    let chat = request
        .into_chat_request("gpt-5.5".into(), whole.clone())
        .unwrap();
    let relay = chat.relay.as_ref().unwrap();
    assert_eq!(
        *relay.body, whole,
        "the whole body is kept for a Responses provider"
    );
    assert_eq!(
        relay.untranslatable,
        [
            "the `custom` tool `apply_patch`",
            "the `web_search` tool",
            "input items of type `custom_tool_call`",
            "input items of type `custom_tool_call_output`",
        ]
    );
    assert_eq!(chat.tools.len(), 1, "the function tool still translates");
}

#[test]
fn responses_body_and_events_match_openai_shapes() {
    let answer = ChatResponse {
        text: "It is sunny".into(),
        usage: Some(usage()),
        ..ChatResponse::default()
    };
    insta::assert_json_snapshot!(
        "responses_body",
        response_body("resp_1", 1_700_000_000, "openai/gpt-5", &answer)
    );

    let mut encoder = ResponsesEncoder::new("resp_1", 1_700_000_000, "openai/gpt-5");
    let mut out = encoder.start();
    out.push_str(&encoder.text("It is "));
    out.push_str(&encoder.text("sunny"));
    out.push_str(&encoder.tool_call(&call()));
    out.push_str(&encoder.finish(StopReason::ToolUse, Some(&usage())));
    insta::assert_snapshot!("responses_events", out);
}

#[test]
fn json_strings_are_escaped_exactly_as_serde_json_escapes_them() {
    let mut every_ascii: String = (0u8..0x80).map(char::from).collect();
    every_ascii.push_str("é ünï 💡 \u{2028} end\\\"");
    for text in [
        "",
        "plain",
        "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{1}i\u{1f}j\u{7f}",
        &every_ascii,
    ] {
        let mut ours = String::new();
        super::chat_completions::json_string(&mut ours, text);
        assert_eq!(ours, serde_json::to_string(text).unwrap(), "{text:?}");
    }
}

#[test]
fn text_chunks_with_escapes_are_valid_json_with_the_text() {
    let encoder = ChunkEncoder::new("chatcmpl-\"1\"", 7, "a/b\\c", false);
    let text = "line\n\"quoted\"\t\u{1}";
    let frame = encoder.text(text);
    let json = frame
        .strip_prefix("data: ")
        .and_then(|f| f.strip_suffix("\n\n"))
        .unwrap();
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(value["choices"][0]["delta"]["content"], text);
    assert_eq!(value["id"], "chatcmpl-\"1\"");
    assert_eq!(value["model"], "a/b\\c");
}

#[test]
fn response_ids_are_distinct_and_shaped_like_openai_ids() {
    let ids: std::collections::HashSet<String> =
        (0..10_000).map(|_| super::new_id("chatcmpl-")).collect();
    assert_eq!(ids.len(), 10_000);
    for id in ids.iter().take(50) {
        let hex = id.strip_prefix("chatcmpl-").unwrap();
        assert_eq!(hex.len(), 24, "{id}");
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    }
}
