//! The Anthropic Messages API request body.

use serde_json::{Map, Value, json};

use crate::chat::request::{
    ChatRequest, ContentPart, ImageSource, Message, ReasoningEffort, ToolChoice,
};

/// `max_tokens` when the request sets none (the API requires one).
pub(crate) const DEFAULT_MAX_TOKENS: u32 = 8192;

/// The JSON body: top-level `system`, alternating `user`/`assistant` messages (tool results
/// travel as `tool_result` blocks in a user message), `max_tokens` always.
pub(crate) fn body(request: &ChatRequest) -> Value {
    let mut body = Map::new();
    body.insert("model".into(), json!(request.model));
    let mut max_tokens = request.max_output_tokens.unwrap_or(DEFAULT_MAX_TOKENS);
    let thinking_budget = request.reasoning.map(budget);
    if let Some(budget) = thinking_budget
        && max_tokens <= budget
    {
        max_tokens = budget + DEFAULT_MAX_TOKENS;
    }
    body.insert("max_tokens".into(), json!(max_tokens));
    let system = request.system_texts().collect::<Vec<_>>().join("\n");
    if !system.is_empty() {
        body.insert("system".into(), json!(system));
    }
    body.insert("messages".into(), Value::Array(messages(request)));
    if !request.tools.is_empty() {
        let tools = request.tools.iter().map(|tool| {
            let mut entry = Map::new();
            entry.insert("name".into(), json!(tool.name));
            if let Some(description) = &tool.description {
                entry.insert("description".into(), json!(description));
            }
            entry.insert("input_schema".into(), tool.parameters.clone());
            Value::Object(entry)
        });
        body.insert("tools".into(), Value::Array(tools.collect()));
    }
    if let Some(choice) = &request.tool_choice {
        let choice = match choice {
            ToolChoice::Auto => json!({"type": "auto"}),
            ToolChoice::None => json!({"type": "none"}),
            ToolChoice::Required => json!({"type": "any"}),
            ToolChoice::Tool { name } => json!({"type": "tool", "name": name}),
        };
        body.insert("tool_choice".into(), choice);
    }
    match thinking_budget {
        Some(budget) => {
            // Extended thinking requires the default temperature.
            body.insert(
                "thinking".into(),
                json!({"type": "enabled", "budget_tokens": budget}),
            );
        }
        None => {
            if let Some(temperature) = request.temperature {
                body.insert("temperature".into(), json!(temperature));
            }
        }
    }
    body.insert("stream".into(), json!(true));
    Value::Object(body)
}

fn budget(effort: ReasoningEffort) -> u32 {
    match effort {
        ReasoningEffort::Minimal | ReasoningEffort::Low => 1024,
        ReasoningEffort::Medium => 4096,
        ReasoningEffort::High => 16_384,
        ReasoningEffort::ExtraHigh => 32_768,
    }
}

fn messages(request: &ChatRequest) -> Vec<Value> {
    let mut out: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for message in request.conversation() {
        let (role, blocks) = match message {
            Message::System { .. } => continue,
            Message::User { content } => ("user", content.iter().map(part).collect()),
            Message::Assistant {
                content,
                tool_calls,
            } => {
                let mut blocks = Vec::new();
                if !content.is_empty() {
                    blocks.push(json!({"type": "text", "text": content}));
                }
                for call in tool_calls {
                    let input: Value = serde_json::from_str(&call.arguments)
                        .ok()
                        .filter(Value::is_object)
                        .unwrap_or_else(|| json!({}));
                    blocks.push(json!({
                        "type": "tool_use", "id": call.id, "name": call.name, "input": input,
                    }));
                }
                ("assistant", blocks)
            }
            Message::Tool {
                call_id,
                content,
                is_error,
                ..
            } => {
                let mut block = json!({
                    "type": "tool_result", "tool_use_id": call_id, "content": content,
                });
                if *is_error {
                    block["is_error"] = json!(true);
                }
                ("user", vec![block])
            }
        };
        match out.last_mut() {
            Some((last_role, last_blocks)) if *last_role == role => last_blocks.extend(blocks),
            _ => out.push((role, blocks)),
        }
    }
    out.into_iter()
        .map(|(role, content)| json!({"role": role, "content": content}))
        .collect()
}

fn part(part: &ContentPart) -> Value {
    match part {
        ContentPart::Text { text } => json!({"type": "text", "text": text}),
        ContentPart::Image { source } => match source.as_base64() {
            Some((media_type, data)) => json!({
                "type": "image",
                "source": {"type": "base64", "media_type": media_type, "data": data},
            }),
            None => {
                let url = match source {
                    ImageSource::Url { url } => url.clone(),
                    ImageSource::Base64 { .. } => source.to_url(),
                };
                json!({"type": "image", "source": {"type": "url", "url": url}})
            }
        },
    }
}

/// A client's own Messages body, relayed: everything it sent stays as it is (system blocks
/// with `cache_control`, `thinking`, `context_management`, `metadata`, server tools …) but
/// for the served model id and `stream: true` (netclaw always streams from upstream).
pub(crate) fn relayed(client: &Map<String, Value>, model: &str) -> Value {
    let mut body = client.clone();
    body.insert("model".into(), json!(model));
    body.insert("stream".into(), json!(true));
    Value::Object(body)
}
