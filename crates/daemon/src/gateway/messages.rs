//! Anthropic Messages ⇄ the normalized chat model, for Claude Code and the `anthropic` SDKs:
//! request parsing (keeping the whole body for an Anthropic provider), the non-streaming
//! `message` body, the streaming `message_start` … `message_stop` events, and the honest token
//! estimate of `count_tokens`.

use netclaw_providers::chat::{
    ChatRequest, ChatResponse, ContentPart, ImageSource, Message, ReasoningEffort, Relay, RelayApi,
    StopReason, ToolCall, ToolChoice, ToolDefinition, Usage,
};
use serde_json::{Map, Value, json};

use super::GatewayError;

/// The request headers an Anthropic provider is given as the client sent them.
pub(crate) const FORWARDED_HEADERS: [&str; 2] = ["anthropic-version", "anthropic-beta"];

fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The text of a `system` value: a string, or text blocks joined by newlines.
fn system_text(system: &Value) -> String {
    match system {
        Value::String(text) => text.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .filter_map(|b| str_field(b, "text"))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// A request's model name, refused when missing.
pub(crate) fn model_of(body: &Map<String, Value>) -> Result<&str, GatewayError> {
    body.get("model")
        .and_then(Value::as_str)
        .ok_or_else(|| GatewayError::invalid("`model` is required"))
}

/// Whether the client asked for a stream.
pub(crate) fn streams(body: &Map<String, Value>) -> bool {
    body.get("stream").and_then(Value::as_bool).unwrap_or(false)
}

/// The normalized request for `model_id`, carrying the client's whole body (and the headers in
/// `forwarded`) for an Anthropic provider. What the normalized model cannot carry (server
/// tools such as `web_search_20250305`, documents, …) is named in
/// [`Relay::untranslatable`], so only a provider that must translate refuses it.
pub(crate) fn into_chat_request(
    body: Map<String, Value>,
    model_id: String,
    forwarded: Vec<(String, String)>,
) -> Result<ChatRequest, GatewayError> {
    let mut untranslatable = Vec::new();
    let mut note = |what: String| {
        if !untranslatable.contains(&what) {
            untranslatable.push(what);
        }
    };
    let mut messages = Vec::new();
    if let Some(system) = body.get("system") {
        let text = system_text(system);
        if !text.is_empty() {
            messages.push(Message::system(text));
        }
    }
    let wire_messages = body
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| GatewayError::invalid("`messages` must be a list"))?;
    for message in wire_messages {
        push_message(&mut messages, message, &mut note)?;
    }
    let mut tools = Vec::new();
    for tool in body
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = str_field(tool, "name").unwrap_or_default();
        match str_field(tool, "type") {
            None | Some("custom") => tools.push(ToolDefinition {
                name: name.to_owned(),
                description: str_field(tool, "description").map(str::to_owned),
                parameters: tool
                    .get("input_schema")
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
                strict: None,
            }),
            Some(kind) => note(format!("the `{kind}` tool `{name}`")),
        }
    }
    let tool_choice = match body.get("tool_choice") {
        None => None,
        Some(choice) => Some(match str_field(choice, "type") {
            Some("auto") => ToolChoice::Auto,
            Some("any") => ToolChoice::Required,
            Some("none") => ToolChoice::None,
            Some("tool") => ToolChoice::Tool {
                name: str_field(choice, "name").unwrap_or_default().to_owned(),
            },
            _ => return Err(GatewayError::invalid("unknown `tool_choice`")),
        }),
    };
    let reasoning = body
        .get("thinking")
        .and_then(|thinking| match str_field(thinking, "type") {
            Some("enabled") => {
                let budget = thinking.get("budget_tokens").and_then(Value::as_u64);
                Some(match budget {
                    Some(b) if b < 4096 => ReasoningEffort::Low,
                    Some(b) if b >= 16384 => ReasoningEffort::High,
                    _ => ReasoningEffort::Medium,
                })
            }
            Some("adaptive") => Some(ReasoningEffort::Medium),
            _ => None,
        });
    Ok(ChatRequest {
        model: model_id,
        messages,
        tools,
        tool_choice,
        temperature: body.get("temperature").and_then(Value::as_f64),
        max_output_tokens: body
            .get("max_tokens")
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok()),
        reasoning,
        relay: Some(Relay {
            api: RelayApi::Messages,
            body: std::sync::Arc::new(body),
            untranslatable,
            headers: forwarded,
        }),
        ..ChatRequest::default()
    })
}

fn push_message(
    messages: &mut Vec<Message>,
    message: &Value,
    note: &mut impl FnMut(String),
) -> Result<(), GatewayError> {
    let role = str_field(message, "role").unwrap_or("user");
    let blocks: Vec<Value> = match message.get("content") {
        Some(Value::String(text)) => vec![json!({"type": "text", "text": text})],
        Some(Value::Array(blocks)) => blocks.clone(),
        _ => Vec::new(),
    };
    match role {
        // Claude Code puts reminders mid-conversation as `system` messages.
        "system" => {
            let text = system_text(&Value::Array(blocks));
            messages.push(Message::system(text));
        }
        "assistant" => {
            let mut text = String::new();
            let mut tool_calls = Vec::new();
            for block in &blocks {
                match str_field(block, "type").unwrap_or("text") {
                    "text" => text.push_str(str_field(block, "text").unwrap_or_default()),
                    "tool_use" => tool_calls.push(ToolCall {
                        id: str_field(block, "id").unwrap_or_default().to_owned(),
                        name: str_field(block, "name").unwrap_or_default().to_owned(),
                        arguments: block
                            .get("input")
                            .map_or_else(|| "{}".to_owned(), Value::to_string),
                    }),
                    // Earlier reasoning is the provider's own; another model cannot replay it.
                    "thinking" | "redacted_thinking" => {}
                    other => note(format!("`{other}` blocks")),
                }
            }
            messages.push(Message::Assistant {
                content: text,
                tool_calls,
            });
        }
        "user" => {
            let mut parts = Vec::new();
            for block in &blocks {
                match str_field(block, "type").unwrap_or("text") {
                    "text" => parts.push(ContentPart::text(
                        str_field(block, "text").unwrap_or_default().to_owned(),
                    )),
                    "image" => parts.push(image(block)?),
                    "tool_result" => {
                        if !parts.is_empty() {
                            messages.push(Message::User {
                                content: std::mem::take(&mut parts),
                            });
                        }
                        let content = match block.get("content") {
                            Some(Value::String(text)) => text.clone(),
                            Some(blocks) => system_text(blocks),
                            None => String::new(),
                        };
                        messages.push(Message::Tool {
                            call_id: str_field(block, "tool_use_id")
                                .unwrap_or_default()
                                .to_owned(),
                            name: None,
                            content,
                            is_error: block
                                .get("is_error")
                                .and_then(Value::as_bool)
                                .unwrap_or(false),
                        });
                    }
                    other => note(format!("`{other}` blocks")),
                }
            }
            if !parts.is_empty() {
                messages.push(Message::User { content: parts });
            }
        }
        other => {
            return Err(GatewayError::invalid(format!(
                "unknown message role `{other}`"
            )));
        }
    }
    Ok(())
}

fn image(block: &Value) -> Result<ContentPart, GatewayError> {
    let source = block
        .get("source")
        .ok_or_else(|| GatewayError::invalid("an `image` block needs `source`"))?;
    let source = match str_field(source, "type") {
        Some("base64") => ImageSource::Base64 {
            media_type: str_field(source, "media_type")
                .unwrap_or("image/png")
                .to_owned(),
            data: str_field(source, "data").unwrap_or_default().to_owned(),
        },
        _ => ImageSource::Url {
            url: str_field(source, "url").unwrap_or_default().to_owned(),
        },
    };
    Ok(ContentPart::Image { source })
}

/// The `stop_reason` Anthropic names for `stop`.
fn stop_reason(stop: StopReason) -> &'static str {
    match stop {
        StopReason::EndTurn | StopReason::ContentFilter => "end_turn",
        StopReason::MaxTokens => "max_tokens",
        StopReason::ToolUse => "tool_use",
        StopReason::StopSequence => "stop_sequence",
    }
}

fn usage_json(usage: Option<&Usage>) -> Value {
    let usage = usage.copied().unwrap_or_default();
    json!({
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_read_input_tokens": usage.cached_input_tokens.unwrap_or(0),
    })
}

fn tool_use(call: &ToolCall) -> Value {
    let input: Value = serde_json::from_str(&call.arguments).unwrap_or_else(|_| json!({}));
    json!({"type": "tool_use", "id": call.id, "name": call.name, "input": input})
}

/// The non-streaming `message` body.
pub(crate) fn message_body(id: &str, _created: i64, model: &str, answer: &ChatResponse) -> Value {
    let mut content = Vec::new();
    if !answer.text.is_empty() {
        content.push(json!({"type": "text", "text": answer.text}));
    }
    content.extend(answer.tool_calls.iter().map(tool_use));
    json!({
        "id": id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason(answer.stop_reason),
        "stop_sequence": null,
        "usage": usage_json(answer.usage.as_ref()),
    })
}

/// Renders the normalized events as Anthropic's stream: one content block at a time (text,
/// then each tool call), closed before the next opens.
pub(crate) struct MessagesEncoder {
    id: String,
    model: String,
    /// The index of the open block and whether it is text.
    open: Option<(usize, bool)>,
    next_index: usize,
}

fn event(name: &str, data: &Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

impl MessagesEncoder {
    pub(crate) fn new(id: &str, model: &str) -> Self {
        Self {
            id: id.to_owned(),
            model: model.to_owned(),
            open: None,
            next_index: 0,
        }
    }

    fn close(&mut self) -> String {
        match self.open.take() {
            Some((index, _)) => event(
                "content_block_stop",
                &json!({"type": "content_block_stop", "index": index}),
            ),
            None => String::new(),
        }
    }

    fn start(&mut self, block: &Value, text: bool) -> (String, usize) {
        let mut out = self.close();
        let index = self.next_index;
        self.next_index += 1;
        self.open = Some((index, text));
        out.push_str(&event(
            "content_block_start",
            &json!({"type": "content_block_start", "index": index, "content_block": block}),
        ));
        (out, index)
    }
}

impl super::FrameEncoder for MessagesEncoder {
    fn head(&mut self) -> String {
        let message = json!({
            "id": self.id, "type": "message", "role": "assistant", "model": self.model,
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        });
        let mut out = event(
            "message_start",
            &json!({"type": "message_start", "message": message}),
        );
        out.push_str(&event("ping", &json!({"type": "ping"})));
        out
    }

    fn text(&mut self, text: &str) -> String {
        let (mut out, index) = match self.open {
            Some((index, true)) => (String::new(), index),
            _ => self.start(&json!({"type": "text", "text": ""}), true),
        };
        out.push_str(&event(
            "content_block_delta",
            &json!({"type": "content_block_delta", "index": index,
                    "delta": {"type": "text_delta", "text": text}}),
        ));
        out
    }

    /// Another provider's reasoning has no signature Anthropic clients could send back, so it
    /// is not shown as a thinking block.
    fn reasoning(&mut self, _text: &str) -> String {
        String::new()
    }

    fn tool_call(&mut self, call: &ToolCall) -> String {
        let block = json!({"type": "tool_use", "id": call.id, "name": call.name, "input": {}});
        let (mut out, index) = self.start(&block, false);
        out.push_str(&event(
            "content_block_delta",
            &json!({"type": "content_block_delta", "index": index,
                    "delta": {"type": "input_json_delta", "partial_json": call.arguments}}),
        ));
        out.push_str(&self.close());
        out
    }

    fn finish(&mut self, stop: StopReason, usage: Option<&Usage>) -> String {
        let mut out = self.close();
        out.push_str(&event(
            "message_delta",
            &json!({"type": "message_delta",
                    "delta": {"stop_reason": stop_reason(stop), "stop_sequence": null},
                    "usage": usage_json(usage)}),
        ));
        out.push_str(&event("message_stop", &json!({"type": "message_stop"})));
        out
    }

    fn error(&mut self, error: &GatewayError) -> String {
        event("error", &error.anthropic_body())
    }
}

/// An honest estimate of the prompt's tokens for `count_tokens`: about four characters of
/// JSON text per token over the system prompt, messages and tools. netclaw has no tokenizer
/// for every vendor's models; clients use the number to decide when to compact, where an
/// estimate on the high side is safe.
pub(crate) fn estimated_tokens(body: &Map<String, Value>) -> u64 {
    let chars: usize = ["system", "messages", "tools"]
        .iter()
        .filter_map(|key| body.get(*key))
        .map(|value| match value {
            Value::String(text) => text.chars().count(),
            other => other.to_string().chars().count(),
        })
        .sum();
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX).max(1)
}
