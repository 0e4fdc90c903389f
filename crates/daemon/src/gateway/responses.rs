//! OpenAI Responses ⇄ the normalized chat model: request parsing, the non-streaming `response`
//! object, and the streaming `response.*` events.

use netclaw_providers::chat::{
    ChatRequest, ChatResponse, ContentPart, Message, ReasoningEffort, Relay, RelayApi, StopReason,
    ToolCall, ToolDefinition, Usage,
};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::GatewayError;
use super::chat_completions::{image_part, parse_tool_choice};

/// A Responses request, as the `openai` SDKs send it.
#[derive(Debug, Deserialize)]
pub(crate) struct ResponsesRequest {
    pub(crate) model: String,
    input: Input,
    #[serde(default)]
    instructions: Option<String>,
    #[serde(default)]
    tools: Vec<WireTool>,
    #[serde(default)]
    tool_choice: Option<Value>,
    #[serde(default)]
    pub(crate) stream: bool,
    #[serde(default)]
    temperature: Option<f64>,
    #[serde(default)]
    max_output_tokens: Option<u32>,
    #[serde(default)]
    reasoning: Option<ReasoningSettings>,
    #[serde(default)]
    prompt_cache_key: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ReasoningSettings {
    #[serde(default)]
    effort: Option<ReasoningEffort>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Input {
    Text(String),
    Items(Vec<Value>),
}

#[derive(Debug, Deserialize)]
struct WireTool {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<Value>,
    #[serde(default)]
    strict: Option<bool>,
}

impl ResponsesRequest {
    /// The normalized request for `model_id`, carrying the client's whole `body` for a
    /// provider that speaks Responses. What the normalized model cannot carry (tools other
    /// than functions, item types such as `custom_tool_call`) is kept in the body and named in
    /// [`Relay::untranslatable`], so only a provider that must translate refuses it.
    pub(crate) fn into_chat_request(
        self,
        model_id: String,
        body: Map<String, Value>,
    ) -> Result<ChatRequest, GatewayError> {
        let mut untranslatable_items = Vec::new();
        let mut messages = Vec::new();
        if let Some(instructions) = self.instructions.filter(|s| !s.is_empty()) {
            messages.push(Message::system(instructions));
        }
        match self.input {
            Input::Text(text) => messages.push(Message::user(text)),
            Input::Items(items) => {
                for item in items {
                    if let Some(kind) = push_item(&mut messages, item)? {
                        let what = format!("input items of type `{kind}`");
                        if !untranslatable_items.contains(&what) {
                            untranslatable_items.push(what);
                        }
                    }
                }
            }
        }
        let mut untranslatable = Vec::new();
        let mut tools = Vec::new();
        for tool in self.tools {
            if tool.kind != "function" {
                let name = tool
                    .name
                    .as_deref()
                    .map(|n| format!(" `{n}`"))
                    .unwrap_or_default();
                untranslatable.push(format!("the `{}` tool{name}", tool.kind));
                continue;
            }
            tools.push(ToolDefinition {
                name: tool
                    .name
                    .ok_or_else(|| GatewayError::invalid("a function tool needs `name`"))?,
                description: tool.description,
                parameters: tool
                    .parameters
                    .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
                strict: tool.strict,
            });
        }
        Ok(ChatRequest {
            model: model_id,
            messages,
            tools,
            tool_choice: self
                .tool_choice
                .as_ref()
                .map(parse_tool_choice)
                .transpose()?,
            temperature: self.temperature,
            max_output_tokens: self.max_output_tokens,
            reasoning: self.reasoning.and_then(|r| r.effort),
            prompt_cache_key: self.prompt_cache_key,
            relay: Some(Relay {
                api: RelayApi::Responses,
                body: std::sync::Arc::new(body),
                untranslatable: untranslatable
                    .into_iter()
                    .chain(untranslatable_items)
                    .collect(),
                headers: Vec::new(),
            }),
            ..ChatRequest::default()
        })
    }
}

fn str_field<'a>(item: &'a Value, key: &str) -> Option<&'a str> {
    item.get(key).and_then(Value::as_str)
}

/// Adds what `item` says to `messages`; the item's type when the normalized model has no
/// equivalent for it.
fn push_item(messages: &mut Vec<Message>, item: Value) -> Result<Option<String>, GatewayError> {
    let kind = str_field(&item, "type").unwrap_or("message");
    match kind {
        "message" => {
            let role = str_field(&item, "role").unwrap_or("user");
            let parts = content_parts(item.get("content"));
            match role {
                "system" | "developer" => messages.push(Message::system(joined_text(&parts))),
                "user" => messages.push(Message::User { content: parts }),
                "assistant" => push_assistant_text(messages, joined_text(&parts)),
                other => {
                    return Err(GatewayError::invalid(format!(
                        "unknown message role `{other}`"
                    )));
                }
            }
        }
        "function_call" => {
            let call = ToolCall {
                id: str_field(&item, "call_id")
                    .ok_or_else(|| GatewayError::invalid("a `function_call` item needs `call_id`"))?
                    .to_owned(),
                name: str_field(&item, "name").unwrap_or_default().to_owned(),
                arguments: str_field(&item, "arguments").unwrap_or("{}").to_owned(),
            };
            // Consecutive calls (and preceding text) belong to one assistant turn.
            if let Some(Message::Assistant { tool_calls, .. }) = messages.last_mut() {
                tool_calls.push(call);
            } else {
                messages.push(Message::Assistant {
                    content: String::new(),
                    tool_calls: vec![call],
                });
            }
        }
        "function_call_output" => {
            let output = match item.get("output") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => joined_text(&content_parts(Some(other))),
                None => String::new(),
            };
            messages.push(Message::Tool {
                call_id: str_field(&item, "call_id")
                    .ok_or_else(|| {
                        GatewayError::invalid("a `function_call_output` item needs `call_id`")
                    })?
                    .to_owned(),
                name: None,
                content: output,
                is_error: false,
            });
        }
        // Reasoning items from an earlier turn carry nothing the normalized model can replay.
        "reasoning" => {}
        other => return Ok(Some(other.to_owned())),
    }
    Ok(None)
}

fn push_assistant_text(messages: &mut Vec<Message>, text: String) {
    messages.push(Message::Assistant {
        content: text,
        tool_calls: Vec::new(),
    });
}

fn content_parts(content: Option<&Value>) -> Vec<ContentPart> {
    match content {
        Some(Value::String(text)) => vec![ContentPart::text(text.clone())],
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| match str_field(part, "type")? {
                "input_text" | "output_text" | "text" => {
                    Some(ContentPart::text(str_field(part, "text")?.to_owned()))
                }
                "input_image" => {
                    let url = str_field(part, "image_url")
                        .or_else(|| part.get("image_url").and_then(|u| str_field(u, "url")))?;
                    Some(image_part(url.to_owned()))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn joined_text(parts: &[ContentPart]) -> String {
    parts
        .iter()
        .filter_map(|p| match p {
            ContentPart::Text { text } => Some(text.as_str()),
            ContentPart::Image { .. } => None,
        })
        .collect::<Vec<_>>()
        .join("")
}

fn usage_json(usage: &Usage) -> Value {
    json!({
        "input_tokens": usage.input_tokens,
        "input_tokens_details": {"cached_tokens": usage.cached_input_tokens.unwrap_or(0)},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens.unwrap_or(0)},
        "total_tokens": usage.total_tokens(),
    })
}

fn message_item(id: &str, text: &str, status: &str) -> Value {
    json!({
        "id": id, "type": "message", "status": status, "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    })
}

fn call_item(id: &str, call: &ToolCall, status: &str) -> Value {
    json!({"id": id, "type": "function_call", "status": status, "call_id": call.id, "name": call.name, "arguments": call.arguments})
}

fn response_object(
    id: &str,
    created: i64,
    model: &str,
    status: &str,
    output: Vec<Value>,
    usage: Option<&Usage>,
    stop: StopReason,
) -> Value {
    let incomplete = (stop == StopReason::MaxTokens && status == "incomplete")
        .then(|| json!({"reason": "max_output_tokens"}));
    json!({
        "id": id,
        "object": "response",
        "created_at": created,
        "status": status,
        "error": null,
        "incomplete_details": incomplete,
        "model": model,
        "output": output,
        "parallel_tool_calls": true,
        "tool_choice": "auto",
        "tools": [],
        "usage": usage.map(usage_json),
    })
}

fn final_status(stop: StopReason) -> &'static str {
    if stop == StopReason::MaxTokens {
        "incomplete"
    } else {
        "completed"
    }
}

/// The non-streaming `response` object.
pub(crate) fn response_body(id: &str, created: i64, model: &str, answer: &ChatResponse) -> Value {
    let mut output = Vec::new();
    if !answer.reasoning.is_empty() {
        output.push(json!({"id": format!("rs_{id}"), "type": "reasoning", "summary": [{"type": "summary_text", "text": answer.reasoning}]}));
    }
    if !answer.text.is_empty() || answer.tool_calls.is_empty() {
        output.push(message_item(
            &format!("msg_{id}"),
            &answer.text,
            "completed",
        ));
    }
    for (index, call) in answer.tool_calls.iter().enumerate() {
        output.push(call_item(&format!("fc_{id}_{index}"), call, "completed"));
    }
    let status = final_status(answer.stop_reason);
    response_object(
        id,
        created,
        model,
        status,
        output,
        answer.usage.as_ref(),
        answer.stop_reason,
    )
}

/// Builds the `response.*` SSE events of one streamed answer.
#[derive(Debug)]
pub(crate) struct ResponsesEncoder {
    id: String,
    created: i64,
    model: String,
    sequence: u64,
    output: Vec<Value>,
    /// The open message item: its output index and text so far.
    open_message: Option<(usize, String)>,
}

impl ResponsesEncoder {
    pub(crate) fn new(id: &str, created: i64, model: &str) -> Self {
        Self {
            id: id.to_owned(),
            created,
            model: model.to_owned(),
            sequence: 0,
            output: Vec::new(),
            open_message: None,
        }
    }

    fn event(&mut self, kind: &str, mut data: Value) -> String {
        data["type"] = Value::String(kind.to_owned());
        data["sequence_number"] = json!(self.sequence);
        self.sequence += 1;
        format!("event: {kind}\ndata: {data}\n\n")
    }

    fn message_id(&self) -> String {
        format!("msg_{}", self.id)
    }

    /// `response.created` and `response.in_progress`.
    pub(crate) fn start(&mut self) -> String {
        let response = response_object(
            &self.id,
            self.created,
            &self.model,
            "in_progress",
            Vec::new(),
            None,
            StopReason::EndTurn,
        );
        let mut out = self.event("response.created", json!({"response": response}));
        out.push_str(&self.event("response.in_progress", json!({"response": response})));
        out
    }

    /// A text delta (opening the message item on the first one).
    pub(crate) fn text(&mut self, delta: &str) -> String {
        let mut out = String::new();
        let index = match &self.open_message {
            Some((index, _)) => *index,
            None => {
                let index = self.output.len();
                self.output.push(Value::Null);
                self.open_message = Some((index, String::new()));
                let item = json!({"id": self.message_id(), "type": "message", "status": "in_progress", "role": "assistant", "content": []});
                out.push_str(&self.event(
                    "response.output_item.added",
                    json!({"output_index": index, "item": item}),
                ));
                let part = json!({"type": "output_text", "text": "", "annotations": []});
                let item_id = self.message_id();
                out.push_str(&self.event(
                    "response.content_part.added",
                    json!({"item_id": item_id, "output_index": index, "content_index": 0, "part": part}),
                ));
                index
            }
        };
        if let Some((_, text)) = &mut self.open_message {
            text.push_str(delta);
        }
        let item_id = self.message_id();
        out.push_str(&self.event(
            "response.output_text.delta",
            json!({"item_id": item_id, "output_index": index, "content_index": 0, "delta": delta, "logprobs": []}),
        ));
        out
    }

    fn close_message(&mut self) -> String {
        let Some((index, text)) = self.open_message.take() else {
            return String::new();
        };
        let item_id = self.message_id();
        let mut out = self.event(
            "response.output_text.done",
            json!({"item_id": item_id, "output_index": index, "content_index": 0, "text": text, "logprobs": []}),
        );
        let part = json!({"type": "output_text", "text": text, "annotations": []});
        out.push_str(&self.event(
            "response.content_part.done",
            json!({"item_id": item_id, "output_index": index, "content_index": 0, "part": part}),
        ));
        let item = message_item(&item_id, &text, "completed");
        self.output[index] = item.clone();
        out.push_str(&self.event(
            "response.output_item.done",
            json!({"output_index": index, "item": item}),
        ));
        out
    }

    /// A reasoning delta, as a reasoning summary text delta.
    pub(crate) fn reasoning(&mut self, delta: &str) -> String {
        let item_id = format!("rs_{}", self.id);
        self.event(
            "response.reasoning_summary_text.delta",
            json!({"item_id": item_id, "output_index": self.output.len(), "summary_index": 0, "delta": delta}),
        )
    }

    /// One complete function call item.
    pub(crate) fn tool_call(&mut self, call: &ToolCall) -> String {
        let mut out = self.close_message();
        let index = self.output.len();
        let item_id = format!("fc_{}_{index}", self.id);
        let mut added = call_item(&item_id, call, "in_progress");
        added["arguments"] = Value::String(String::new());
        out.push_str(&self.event(
            "response.output_item.added",
            json!({"output_index": index, "item": added}),
        ));
        out.push_str(&self.event(
            "response.function_call_arguments.delta",
            json!({"item_id": item_id, "output_index": index, "delta": call.arguments}),
        ));
        out.push_str(&self.event(
            "response.function_call_arguments.done",
            json!({"item_id": item_id, "output_index": index, "arguments": call.arguments}),
        ));
        let item = call_item(&item_id, call, "completed");
        self.output.push(item.clone());
        out.push_str(&self.event(
            "response.output_item.done",
            json!({"output_index": index, "item": item}),
        ));
        out
    }

    /// Closes open items and sends `response.completed` (or `response.incomplete`).
    pub(crate) fn finish(&mut self, stop: StopReason, usage: Option<&Usage>) -> String {
        let mut out = self.close_message();
        let status = final_status(stop);
        let output = std::mem::take(&mut self.output);
        let response = response_object(
            &self.id,
            self.created,
            &self.model,
            status,
            output,
            usage,
            stop,
        );
        let kind = if status == "completed" {
            "response.completed"
        } else {
            "response.incomplete"
        };
        out.push_str(&self.event(kind, json!({"response": response})));
        out
    }

    /// A failure after the stream started: `response.failed`.
    pub(crate) fn error(&mut self, error: &GatewayError) -> String {
        let mut response = response_object(
            &self.id,
            self.created,
            &self.model,
            "failed",
            Vec::new(),
            None,
            StopReason::EndTurn,
        );
        response["error"] = json!({"code": error.code, "message": error.message});
        self.event("response.failed", json!({"response": response}))
    }
}
