//! The Chat Completions request body (OpenRouter and OpenAI-compatible servers).

use serde_json::{Map, Value, json};

use crate::chat::request::{ChatRequest, ContentPart, Message, ToolChoice};

use super::CompletionsFlavor;

/// The JSON body: messages in order (system included), `stream: true` with
/// `stream_options.include_usage`, OpenRouter's `reasoning.exclude`.
pub(crate) fn body(request: &ChatRequest, flavor: CompletionsFlavor) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), json!(request.model));
    body.insert(
        "messages".into(),
        Value::Array(request.messages.iter().map(message).collect()),
    );
    if !request.tools.is_empty() {
        let tools = request.tools.iter().map(|tool| {
            let mut function = Map::new();
            function.insert("name".into(), json!(tool.name));
            if let Some(description) = &tool.description {
                function.insert("description".into(), json!(description));
            }
            function.insert("parameters".into(), tool.parameters.clone());
            if let Some(strict) = tool.strict {
                function.insert("strict".into(), json!(strict));
            }
            json!({"type": "function", "function": function})
        });
        body.insert("tools".into(), Value::Array(tools.collect()));
    }
    if let Some(choice) = &request.tool_choice {
        let choice = match choice {
            ToolChoice::Auto => json!("auto"),
            ToolChoice::None => json!("none"),
            ToolChoice::Required => json!("required"),
            ToolChoice::Tool { name } => json!({"type": "function", "function": {"name": name}}),
        };
        body.insert("tool_choice".into(), choice);
    }
    if let Some(temperature) = request.temperature {
        body.insert("temperature".into(), json!(temperature));
    }
    if let Some(max) = request.max_output_tokens {
        body.insert("max_tokens".into(), json!(max));
    }
    match flavor {
        CompletionsFlavor::OpenRouter => {
            let mut reasoning = Map::new();
            if let Some(effort) = request.reasoning {
                reasoning.insert("effort".into(), json!(effort.as_str()));
            }
            reasoning.insert("exclude".into(), json!(true));
            body.insert("reasoning".into(), Value::Object(reasoning));
        }
        CompletionsFlavor::Compatible
        | CompletionsFlavor::Gemini
        | CompletionsFlavor::Venice
        | CompletionsFlavor::Zai
        | CompletionsFlavor::Copilot => {
            if let Some(effort) = request.reasoning {
                body.insert("reasoning_effort".into(), json!(effort.as_str()));
            }
        }
    }
    body.insert("stream".into(), json!(true));
    body.insert("stream_options".into(), json!({"include_usage": true}));
    Value::Object(body)
}

fn message(message: &Message) -> Value {
    match message {
        Message::System { content } => json!({"role": "system", "content": content}),
        Message::User { content } => {
            if let [ContentPart::Text { text }] = content.as_slice() {
                return json!({"role": "user", "content": text});
            }
            let parts = content.iter().map(|part| match part {
                ContentPart::Text { text } => json!({"type": "text", "text": text}),
                ContentPart::Image { source } => {
                    json!({"type": "image_url", "image_url": {"url": source.to_url()}})
                }
            });
            json!({"role": "user", "content": parts.collect::<Vec<_>>()})
        }
        Message::Assistant {
            content,
            tool_calls,
        } => {
            let mut entry = Map::new();
            entry.insert("role".into(), json!("assistant"));
            entry.insert(
                "content".into(),
                if content.is_empty() && !tool_calls.is_empty() {
                    Value::Null
                } else {
                    json!(content)
                },
            );
            if !tool_calls.is_empty() {
                let calls = tool_calls.iter().map(|call| {
                    json!({
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": call.arguments},
                    })
                });
                entry.insert("tool_calls".into(), Value::Array(calls.collect()));
            }
            Value::Object(entry)
        }
        Message::Tool {
            call_id, content, ..
        } => json!({"role": "tool", "tool_call_id": call_id, "content": content}),
    }
}
