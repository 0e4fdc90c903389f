//! The Responses API request body, with the Codex backend's rules applied when asked.

use serde_json::{Map, Value, json};

use crate::chat::request::{ChatRequest, ContentPart, Message, ToolChoice};

/// Which Responses endpoint the body is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `api.openai.com` with an API key.
    ApiKey,
    /// The ChatGPT subscription's Codex backend.
    Codex,
}

/// The JSON body. System messages become `instructions` (joined by newlines) in both
/// flavors; Codex always sends `instructions`, never `max_output_tokens` (the backend
/// refuses it), and tools never carry `"strict": null`.
pub(crate) fn body(request: &ChatRequest, flavor: Flavor) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), json!(request.model));
    let instructions = request.system_texts().collect::<Vec<_>>().join("\n");
    if flavor == Flavor::Codex || !instructions.is_empty() {
        body.insert("instructions".into(), json!(instructions));
    }
    body.insert("input".into(), Value::Array(input(request)));
    if !request.tools.is_empty() {
        let tools = request.tools.iter().map(|tool| {
            let mut entry = Map::new();
            entry.insert("type".into(), json!("function"));
            entry.insert("name".into(), json!(tool.name));
            if let Some(description) = &tool.description {
                entry.insert("description".into(), json!(description));
            }
            entry.insert("parameters".into(), tool.parameters.clone());
            if let Some(strict) = tool.strict {
                entry.insert("strict".into(), json!(strict));
            }
            Value::Object(entry)
        });
        body.insert("tools".into(), Value::Array(tools.collect()));
        body.insert("parallel_tool_calls".into(), json!(true));
    }
    match (&request.tool_choice, request.tools.is_empty()) {
        (Some(choice), _) => {
            body.insert("tool_choice".into(), tool_choice(choice));
        }
        (None, false) => {
            body.insert("tool_choice".into(), json!("auto"));
        }
        (None, true) => {}
    }
    if let Some(temperature) = request.temperature {
        body.insert("temperature".into(), json!(temperature));
    }
    if flavor == Flavor::ApiKey
        && let Some(max) = request.max_output_tokens
    {
        body.insert("max_output_tokens".into(), json!(max));
    }
    if let Some(effort) = request.reasoning {
        body.insert(
            "reasoning".into(),
            json!({"effort": effort.as_str(), "summary": "auto"}),
        );
        body.insert("include".into(), json!(["reasoning.encrypted_content"]));
    }
    body.insert("store".into(), json!(false));
    body.insert("stream".into(), json!(true));
    if let Some(key) = &request.prompt_cache_key {
        body.insert("prompt_cache_key".into(), json!(key));
    }
    Value::Object(body)
}

fn input(request: &ChatRequest) -> Vec<Value> {
    let mut items = Vec::new();
    for message in request.conversation() {
        match message {
            Message::System { .. } => {}
            Message::User { content } => {
                let parts = content.iter().map(|part| match part {
                    ContentPart::Text { text } => json!({"type": "input_text", "text": text}),
                    ContentPart::Image { source } => {
                        json!({"type": "input_image", "image_url": source.to_url()})
                    }
                });
                items.push(json!({
                    "type": "message",
                    "role": "user",
                    "content": parts.collect::<Vec<_>>(),
                }));
            }
            Message::Assistant {
                content,
                tool_calls,
            } => {
                if !content.is_empty() {
                    items.push(json!({
                        "type": "message",
                        "role": "assistant",
                        "content": [{"type": "output_text", "text": content}],
                    }));
                }
                for call in tool_calls {
                    items.push(json!({
                        "type": "function_call",
                        "call_id": call.id,
                        "name": call.name,
                        "arguments": call.arguments,
                    }));
                }
            }
            Message::Tool {
                call_id, content, ..
            } => items.push(json!({
                "type": "function_call_output",
                "call_id": call_id,
                "output": content,
            })),
        }
    }
    items
}

fn tool_choice(choice: &ToolChoice) -> Value {
    match choice {
        ToolChoice::Auto => json!("auto"),
        ToolChoice::None => json!("none"),
        ToolChoice::Required => json!("required"),
        ToolChoice::Tool { name } => json!({"type": "function", "name": name}),
    }
}

/// A client's own Responses body, relayed: everything it sent stays as it is (every tool and
/// item type, `include`, `reasoning`, `text`, `prompt_cache_key`, `client_metadata` …) but for
/// what the provider requires. Both flavors: the served model id, and `stream: true` (netclaw
/// always streams from upstream; a client that asked for one JSON answer gets it collected).
/// The Codex backend also: `store: false`, `instructions` present, no `max_output_tokens`, no
/// `system` role (it is `developer` there), a text `input` as one user message, and no
/// `"strict": null` in tools.
pub(crate) fn relayed(client: &Map<String, Value>, model: &str, flavor: Flavor) -> Value {
    let mut body = client.clone();
    body.insert("model".into(), json!(model));
    body.insert("stream".into(), json!(true));
    if flavor == Flavor::Codex {
        body.insert("store".into(), json!(false));
        if !body.get("instructions").is_some_and(Value::is_string) {
            body.insert("instructions".into(), json!(""));
        }
        body.remove("max_output_tokens");
        if let Some(Value::String(text)) = body.get("input") {
            let message = json!({"type": "message", "role": "user",
                                 "content": [{"type": "input_text", "text": text}]});
            body.insert("input".into(), json!([message]));
        }
        if let Some(Value::Array(items)) = body.get_mut("input") {
            for item in items {
                if item.get("role").and_then(Value::as_str) == Some("system") {
                    item["role"] = json!("developer");
                }
            }
        }
        if let Some(Value::Array(tools)) = body.get_mut("tools") {
            for tool in tools.iter_mut().filter_map(Value::as_object_mut) {
                if tool.get("strict").is_some_and(Value::is_null) {
                    tool.remove("strict");
                }
            }
        }
    }
    Value::Object(body)
}
