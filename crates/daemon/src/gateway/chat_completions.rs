//! OpenAI Chat Completions ⇄ the normalized chat model: request parsing, the non-streaming
//! `chat.completion` body, and streaming `chat.completion.chunk` frames.

use netclaw_providers::chat::{
    ChatRequest, ChatResponse, ContentPart, ImageSource, Message, ReasoningEffort, StopReason,
    ToolCall, ToolChoice, ToolDefinition, Usage,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::GatewayError;

/// A Chat Completions request, as the `openai` SDKs send it.
#[derive(Debug, Deserialize)]
pub(crate) struct CompletionRequest {
    pub(crate) model: String,
    messages: Vec<WireMessage>,
    #[serde(default)]
    tools: Vec<WireTool>,
    #[serde(default)]
    tool_choice: Option<Value>,
    #[serde(default)]
    pub(crate) stream: bool,
    #[serde(default)]
    stream_options: Option<StreamOptions>,
    #[serde(default)]
    temperature: Option<f64>,
    #[serde(default)]
    max_tokens: Option<u32>,
    #[serde(default)]
    max_completion_tokens: Option<u32>,
    #[serde(default)]
    reasoning_effort: Option<ReasoningEffort>,
}

#[derive(Debug, Deserialize)]
struct StreamOptions {
    #[serde(default)]
    include_usage: bool,
}

#[derive(Debug, Deserialize)]
struct WireMessage {
    role: String,
    #[serde(default)]
    content: Option<WireContent>,
    #[serde(default)]
    tool_calls: Vec<WireToolCall>,
    #[serde(default)]
    tool_call_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum WireContent {
    Text(String),
    Parts(Vec<WirePart>),
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WirePart {
    Text {
        text: String,
    },
    ImageUrl {
        image_url: WireImageUrl,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct WireImageUrl {
    url: String,
}

#[derive(Debug, Deserialize)]
struct WireToolCall {
    id: String,
    function: WireFunctionCall,
}

#[derive(Debug, Deserialize)]
struct WireFunctionCall {
    name: String,
    #[serde(default)]
    arguments: String,
}

#[derive(Debug, Deserialize)]
struct WireTool {
    function: WireFunction,
}

#[derive(Debug, Deserialize)]
struct WireFunction {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<Value>,
    #[serde(default)]
    strict: Option<bool>,
}

impl CompletionRequest {
    /// Whether the caller asked for a final usage chunk.
    pub(crate) fn include_usage(&self) -> bool {
        self.stream_options
            .as_ref()
            .is_some_and(|o| o.include_usage)
    }

    /// The normalized request for `model_id` (the part after `<provider>/`).
    pub(crate) fn into_chat_request(self, model_id: String) -> Result<ChatRequest, GatewayError> {
        let mut messages = Vec::with_capacity(self.messages.len());
        for message in self.messages {
            messages.push(message.into_message()?);
        }
        Ok(ChatRequest {
            model: model_id,
            messages,
            tools: self
                .tools
                .into_iter()
                .map(WireTool::into_definition)
                .collect(),
            tool_choice: self
                .tool_choice
                .as_ref()
                .map(parse_tool_choice)
                .transpose()?,
            temperature: self.temperature,
            max_output_tokens: self.max_completion_tokens.or(self.max_tokens),
            reasoning: self.reasoning_effort,
            ..ChatRequest::default()
        })
    }
}

impl WireMessage {
    fn into_message(self) -> Result<Message, GatewayError> {
        match self.role.as_str() {
            "system" | "developer" => Ok(Message::System {
                content: self.content.map(WireContent::into_text).unwrap_or_default(),
            }),
            "user" => Ok(Message::User {
                content: self
                    .content
                    .map(WireContent::into_parts)
                    .unwrap_or_default(),
            }),
            "assistant" => Ok(Message::Assistant {
                content: self.content.map(WireContent::into_text).unwrap_or_default(),
                tool_calls: self
                    .tool_calls
                    .into_iter()
                    .map(|c| ToolCall {
                        id: c.id,
                        name: c.function.name,
                        arguments: c.function.arguments,
                    })
                    .collect(),
            }),
            "tool" => Ok(Message::Tool {
                call_id: self.tool_call_id.ok_or_else(|| {
                    GatewayError::invalid("a `tool` message needs `tool_call_id`")
                })?,
                name: self.name,
                content: self.content.map(WireContent::into_text).unwrap_or_default(),
                is_error: false,
            }),
            other => Err(GatewayError::invalid(format!(
                "unknown message role `{other}`"
            ))),
        }
    }
}

impl WireContent {
    fn into_text(self) -> String {
        match self {
            Self::Text(text) => text,
            Self::Parts(parts) => parts
                .into_iter()
                .filter_map(|p| match p {
                    WirePart::Text { text } => Some(text),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(""),
        }
    }

    fn into_parts(self) -> Vec<ContentPart> {
        match self {
            Self::Text(text) => vec![ContentPart::text(text)],
            Self::Parts(parts) => parts
                .into_iter()
                .filter_map(|p| match p {
                    WirePart::Text { text } => Some(ContentPart::text(text)),
                    WirePart::ImageUrl { image_url } => Some(image_part(image_url.url)),
                    WirePart::Other => None,
                })
                .collect(),
        }
    }
}

/// An image part from a URL; `data:` URLs become inline base64.
pub(crate) fn image_part(url: String) -> ContentPart {
    let source = ImageSource::Url { url };
    let source = match source.as_base64() {
        Some((media_type, data)) => ImageSource::Base64 {
            media_type: media_type.to_owned(),
            data: data.to_owned(),
        },
        None => source,
    };
    ContentPart::Image { source }
}

impl WireTool {
    fn into_definition(self) -> ToolDefinition {
        ToolDefinition {
            name: self.function.name,
            description: self.function.description,
            parameters: self
                .function
                .parameters
                .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
            strict: self.function.strict,
        }
    }
}

/// `"auto"`, `"none"`, `"required"`, `{"type":"function","function":{"name":…}}` (Chat
/// Completions) or `{"type":"function","name":…}` (Responses).
pub(crate) fn parse_tool_choice(value: &Value) -> Result<ToolChoice, GatewayError> {
    match value {
        Value::String(s) => match s.as_str() {
            "auto" => Ok(ToolChoice::Auto),
            "none" => Ok(ToolChoice::None),
            "required" => Ok(ToolChoice::Required),
            other => Err(GatewayError::invalid(format!(
                "unknown `tool_choice` `{other}`"
            ))),
        },
        Value::Object(map) => map
            .get("function")
            .and_then(|f| f.get("name"))
            .or_else(|| map.get("name"))
            .and_then(Value::as_str)
            .map(|name| ToolChoice::Tool {
                name: name.to_owned(),
            })
            .ok_or_else(|| GatewayError::invalid("`tool_choice` names no function")),
        _ => Err(GatewayError::invalid(
            "`tool_choice` must be a string or an object",
        )),
    }
}

/// The Chat Completions `finish_reason`.
pub(crate) fn finish_reason(stop: StopReason) -> &'static str {
    match stop {
        StopReason::EndTurn | StopReason::StopSequence => "stop",
        StopReason::MaxTokens => "length",
        StopReason::ToolUse => "tool_calls",
        StopReason::ContentFilter => "content_filter",
    }
}

fn usage_json(usage: &Usage) -> Value {
    json!({
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens(),
        "prompt_tokens_details": {"cached_tokens": usage.cached_input_tokens.unwrap_or(0)},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens.unwrap_or(0)},
    })
}

fn tool_calls_json(calls: &[ToolCall]) -> Value {
    Value::Array(
        calls
            .iter()
            .map(|c| json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
            .collect(),
    )
}

/// The non-streaming `chat.completion` body.
pub(crate) fn completion_body(id: &str, created: i64, model: &str, answer: &ChatResponse) -> Value {
    let mut message = json!({
        "role": "assistant",
        "content": if answer.text.is_empty() && !answer.tool_calls.is_empty() { Value::Null } else { Value::String(answer.text.clone()) },
        "refusal": null,
    });
    if !answer.tool_calls.is_empty() {
        message["tool_calls"] = tool_calls_json(&answer.tool_calls);
    }
    if !answer.reasoning.is_empty() {
        message["reasoning_content"] = Value::String(answer.reasoning.clone());
    }
    let stop = if answer.tool_calls.is_empty() {
        answer.stop_reason
    } else {
        StopReason::ToolUse
    };
    let mut body = json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish_reason(stop)}],
    });
    if let Some(usage) = &answer.usage {
        body["usage"] = usage_json(usage);
    }
    body
}

/// Builds the `chat.completion.chunk` frames of one streamed answer.
///
/// Frames are written straight into a string (no `serde_json::Value` per chunk): a streamed
/// answer is mostly small text deltas, and building, hashing and dropping a map for each was a
/// large share of the gateway's cost per token.
#[derive(Debug)]
pub(crate) struct ChunkEncoder {
    head: String,
    include_usage: bool,
    tool_calls: usize,
}

/// The bytes after a delta object up to the end of the frame, when the choice is not finished.
const OPEN_CHOICE_TAIL: &str = ",\"logprobs\":null,\"finish_reason\":null}]}\n\n";

impl ChunkEncoder {
    pub(crate) fn new(id: &str, created: i64, model: &str, include_usage: bool) -> Self {
        // Every chunk starts with the same fields; serialize them once.
        let mut head = String::with_capacity(96 + id.len() + model.len());
        head.push_str("data: {\"id\":");
        json_string(&mut head, id);
        head.push_str(",\"object\":\"chat.completion.chunk\",\"created\":");
        head.push_str(&created.to_string());
        head.push_str(",\"model\":");
        json_string(&mut head, model);
        head.push_str(",\"system_fingerprint\":null,\"choices\":");
        Self {
            head,
            include_usage,
            tool_calls: 0,
        }
    }

    /// A frame whose single choice carries `delta` (written by `write_delta`), unfinished.
    fn delta_frame(&self, extra: usize, write_delta: impl FnOnce(&mut String)) -> String {
        let mut out = String::with_capacity(self.head.len() + extra + 96);
        out.push_str(&self.head);
        out.push_str("[{\"index\":0,\"delta\":");
        write_delta(&mut out);
        out.push_str(OPEN_CHOICE_TAIL);
        out
    }

    /// A frame with one string field in the delta.
    fn string_delta(&self, key: &str, text: &str) -> String {
        self.delta_frame(key.len() + text.len(), |out| {
            out.push_str("{\"");
            out.push_str(key);
            out.push_str("\":");
            json_string(out, text);
            out.push('}');
        })
    }

    /// The first frame: the assistant role.
    pub(crate) fn role(&self) -> String {
        self.delta_frame(0, |out| {
            out.push_str("{\"role\":\"assistant\",\"content\":\"\"}");
        })
    }

    /// A text delta.
    pub(crate) fn text(&self, text: &str) -> String {
        self.string_delta("content", text)
    }

    /// A reasoning delta (`reasoning_content`, as DeepSeek-style clients read it).
    pub(crate) fn reasoning(&self, text: &str) -> String {
        self.string_delta("reasoning_content", text)
    }

    /// One complete tool call.
    pub(crate) fn tool_call(&mut self, call: &ToolCall) -> String {
        let index = self.tool_calls;
        self.tool_calls += 1;
        let extra = call.id.len() + call.name.len() + call.arguments.len();
        self.delta_frame(extra, |out| {
            out.push_str("{\"tool_calls\":[{\"index\":");
            out.push_str(&index.to_string());
            out.push_str(",\"id\":");
            json_string(out, &call.id);
            out.push_str(",\"type\":\"function\",\"function\":{\"name\":");
            json_string(out, &call.name);
            out.push_str(",\"arguments\":");
            json_string(out, &call.arguments);
            out.push_str("}}]}");
        })
    }

    /// The closing frames: finish reason, usage when asked for, and `[DONE]`.
    pub(crate) fn finish(&self, stop: StopReason, usage: Option<&Usage>) -> String {
        let stop = if self.tool_calls > 0 {
            StopReason::ToolUse
        } else {
            stop
        };
        let mut out = String::with_capacity(2 * self.head.len() + 256);
        out.push_str(&self.head);
        out.push_str("[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"");
        out.push_str(finish_reason(stop));
        out.push_str("\"}]}\n\n");
        if self.include_usage {
            let usage = usage.copied().unwrap_or_default();
            out.push_str(&self.head);
            out.push_str("[],\"usage\":");
            out.push_str(&usage_json(&usage).to_string());
            out.push_str("}\n\n");
        }
        out.push_str("data: [DONE]\n\n");
        out
    }

    /// An error after the stream started: an `error` frame the SDKs raise, then `[DONE]`.
    pub(crate) fn error(error: &GatewayError) -> String {
        format!("data: {}\n\ndata: [DONE]\n\n", error.body())
    }
}

/// Appends `text` as a JSON string, escaped exactly as `serde_json` does (the short escapes
/// `\b \t \n \f \r`, `\u00XX` for other control characters, everything else as is).
pub(crate) fn json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escape: &str = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out.push('"');
}
