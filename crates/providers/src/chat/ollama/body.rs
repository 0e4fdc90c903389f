//! The Ollama native `/api/chat` request body.

use serde_json::{Map, Value, json};

use crate::chat::error::{ChatError, ProviderRef};
use crate::chat::request::{ChatRequest, ContentPart, Message, ToolChoice};

/// The JSON body: messages with `images` as bare base64, tools as functions, and `options`
/// carrying `num_ctx` (the known context window), `temperature` and `num_predict`.
pub(crate) fn body(request: &ChatRequest, provider: &ProviderRef) -> Result<Value, ChatError> {
    let mut body = Map::new();
    body.insert("model".into(), json!(request.model));
    let messages = request
        .messages
        .iter()
        .map(|message| self::message(message, provider))
        .collect::<Result<Vec<_>, _>>()?;
    body.insert("messages".into(), Value::Array(messages));
    if !request.tools.is_empty() && request.tool_choice != Some(ToolChoice::None) {
        let tools = request.tools.iter().map(|tool| {
            let mut function = Map::new();
            function.insert("name".into(), json!(tool.name));
            if let Some(description) = &tool.description {
                function.insert("description".into(), json!(description));
            }
            function.insert("parameters".into(), tool.parameters.clone());
            json!({"type": "function", "function": function})
        });
        body.insert("tools".into(), Value::Array(tools.collect()));
    }
    let mut options = Map::new();
    if let Some(window) = request.context_window {
        options.insert("num_ctx".into(), json!(window));
    }
    if let Some(temperature) = request.temperature {
        options.insert("temperature".into(), json!(temperature));
    }
    if let Some(max) = request.max_output_tokens {
        options.insert("num_predict".into(), json!(max));
    }
    if !options.is_empty() {
        body.insert("options".into(), Value::Object(options));
    }
    if request.reasoning.is_some() {
        body.insert("think".into(), json!(true));
    }
    body.insert("stream".into(), json!(true));
    Ok(Value::Object(body))
}

fn message(message: &Message, provider: &ProviderRef) -> Result<Value, ChatError> {
    Ok(match message {
        Message::System { content } => json!({"role": "system", "content": content}),
        Message::User { content } => {
            let mut text = Vec::new();
            let mut images = Vec::new();
            for part in content {
                match part {
                    ContentPart::Text { text: part } => text.push(part.as_str()),
                    ContentPart::Image { source } => {
                        let (_, data) =
                            source.as_base64().ok_or_else(|| ChatError::Unsupported {
                                provider: provider.clone(),
                                what: "image URLs (send the image bytes inline)".into(),
                            })?;
                        images.push(data.to_owned());
                    }
                }
            }
            let mut entry = json!({"role": "user", "content": text.join("\n")});
            if !images.is_empty() {
                entry["images"] = json!(images);
            }
            entry
        }
        Message::Assistant {
            content,
            tool_calls,
        } => {
            let mut entry = json!({"role": "assistant", "content": content});
            if !tool_calls.is_empty() {
                let calls = tool_calls.iter().map(|call| {
                    let arguments: Value = serde_json::from_str(&call.arguments)
                        .ok()
                        .filter(Value::is_object)
                        .unwrap_or_else(|| json!({}));
                    json!({"function": {"name": call.name, "arguments": arguments}})
                });
                entry["tool_calls"] = Value::Array(calls.collect());
            }
            entry
        }
        Message::Tool { name, content, .. } => {
            let mut entry = json!({"role": "tool", "content": content});
            if let Some(name) = name {
                entry["tool_name"] = json!(name);
            }
            entry
        }
    })
}
