//! The normalized chat request every client translates into its vendor's wire format.

use serde::{Deserialize, Serialize};

/// One prompt to a model: the conversation so far, the tools it may call and how to sample.
///
/// Serde-friendly so the daemon's gateway can build it from OpenAI-shaped input and tests can
/// write it as JSON.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChatRequest {
    /// The vendor's model id (`gpt-5.5`, `claude-sonnet-4-5`, `llama3.2`).
    pub model: String,
    /// The conversation, oldest first. System messages may appear anywhere; clients whose
    /// wire has a separate instruction field (Responses, Anthropic) move them there.
    pub messages: Vec<Message>,
    /// Functions the model may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<ToolDefinition>,
    /// Whether and which tool the model must call; `None` leaves the vendor default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Sampling temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Upper bound of generated tokens (Anthropic requires one; a default is used there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    /// Requested reasoning effort; `None` sends no reasoning settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<ReasoningEffort>,
    /// Conversation id used as the prompt-cache key (Responses `prompt_cache_key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_cache_key: Option<String>,
    /// The model's known context window in tokens; Ollama receives it as `num_ctx` so it does
    /// not silently truncate the prompt at its small default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_window: Option<u32>,
    /// The body a client sent through the gateway (`/v1/responses`, `/v1/messages`): a
    /// provider that speaks the same API sends it as it is (with only its own rules applied)
    /// instead of one built from the fields above, and streams the upstream's events back.
    #[serde(skip)]
    pub relay: Option<Relay>,
    /// Who hears about retries while the caller waits for the first output.
    #[serde(skip)]
    pub progress: super::ProgressSink,
    /// The client's session id (`session-id`, `X-Claude-Code-Session-Id`): the conversation's
    /// turns stay on the model that served its first one while it works.
    #[serde(skip)]
    pub session: Option<String>,
}

/// The vendor APIs a client's body can be relayed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayApi {
    /// OpenAI's Responses API (the Codex backend, OpenAI by key).
    Responses,
    /// Anthropic's Messages API.
    Messages,
}

/// A client's own request body, kept whole for a provider that speaks the same API.
#[derive(Debug, Clone, PartialEq)]
pub struct Relay {
    /// Which API the body is in.
    pub api: RelayApi,
    /// The body as the client sent it.
    pub body: std::sync::Arc<serde_json::Map<String, serde_json::Value>>,
    /// What in it the normalized request cannot carry (a `custom` or `web_search` tool, a
    /// `custom_tool_call` item …), each named for an error: a provider that does not speak
    /// the API cannot be sent this request.
    pub untranslatable: Vec<String>,
    /// Request headers of the API to pass on (`anthropic-beta`, `anthropic-version`).
    pub headers: Vec<(String, String)>,
}

impl ChatRequest {
    /// A request for `model` with the given messages and every option unset.
    pub fn new(model: impl Into<String>, messages: Vec<Message>) -> Self {
        Self {
            model: model.into(),
            messages,
            ..Self::default()
        }
    }

    /// The text of every system message, in order.
    pub fn system_texts(&self) -> impl Iterator<Item = &str> {
        self.messages.iter().filter_map(|message| match message {
            Message::System { content } => Some(content.as_str()),
            _ => None,
        })
    }

    /// Every message that is not a system message, in order.
    pub fn conversation(&self) -> impl Iterator<Item = &Message> {
        self.messages
            .iter()
            .filter(|message| !matches!(message, Message::System { .. }))
    }
}

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hash)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Message {
    /// Instructions from the application.
    System {
        /// The instruction text.
        content: String,
    },
    /// What the user said: text and images.
    User {
        /// Text and image parts, in order.
        content: Vec<ContentPart>,
    },
    /// What the model answered earlier: text and the tools it called.
    Assistant {
        /// The answer text (may be empty when the turn only called tools).
        #[serde(default)]
        content: String,
        /// The tool calls the model made in this turn.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tool_calls: Vec<ToolCall>,
    },
    /// The result of running a tool the model called.
    Tool {
        /// The id of the [`ToolCall`] this answers.
        call_id: String,
        /// The tool's name (Ollama's wire wants it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// The tool's output, usually JSON or plain text.
        content: String,
        /// Whether the tool failed (Anthropic's `is_error`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
    },
}

impl Message {
    /// A system message.
    pub fn system(text: impl Into<String>) -> Self {
        Self::System {
            content: text.into(),
        }
    }

    /// A user message with one text part.
    pub fn user(text: impl Into<String>) -> Self {
        Self::User {
            content: vec![ContentPart::text(text)],
        }
    }

    /// An assistant message with text only.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self::Assistant {
            content: text.into(),
            tool_calls: Vec::new(),
        }
    }

    /// The result of tool call `call_id`.
    pub fn tool_result(call_id: impl Into<String>, content: impl Into<String>) -> Self {
        Self::Tool {
            call_id: call_id.into(),
            name: None,
            content: content.into(),
            is_error: false,
        }
    }
}

/// A piece of a user message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hash)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ContentPart {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// An image, by URL or inline bytes.
    Image {
        /// Where the image comes from.
        source: ImageSource,
    },
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }

    /// An inline base64 image part.
    pub fn image_base64(media_type: impl Into<String>, data: impl Into<String>) -> Self {
        Self::Image {
            source: ImageSource::Base64 {
                media_type: media_type.into(),
                data: data.into(),
            },
        }
    }
}

/// Where an image part comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Hash)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ImageSource {
    /// A URL the vendor fetches (`https:` or a `data:` URL).
    Url {
        /// The URL.
        url: String,
    },
    /// Inline bytes, base64-encoded.
    Base64 {
        /// MIME type such as `image/png`.
        media_type: String,
        /// Base64 of the image bytes (no `data:` prefix).
        data: String,
    },
}

impl ImageSource {
    /// The image as a URL: the URL itself, or a `data:` URL for inline bytes.
    pub fn to_url(&self) -> String {
        match self {
            Self::Url { url } => url.clone(),
            Self::Base64 { media_type, data } => format!("data:{media_type};base64,{data}"),
        }
    }

    /// Inline bytes as `(media_type, base64)`, decoding a base64 `data:` URL when given one.
    pub fn as_base64(&self) -> Option<(&str, &str)> {
        match self {
            Self::Base64 { media_type, data } => Some((media_type, data)),
            Self::Url { url } => {
                let rest = url.strip_prefix("data:")?;
                let (media_type, data) = rest.split_once(";base64,")?;
                Some((media_type, data))
            }
        }
    }
}

/// A function the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDefinition {
    /// The function name.
    pub name: String,
    /// What the function does, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of the arguments object.
    pub parameters: serde_json::Value,
    /// Strict schema adherence (OpenAI); `None` sends nothing (never `"strict": null`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

/// Whether the model must, may or must not call tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// The model must not call tools.
    None,
    /// The model must call some tool.
    Required,
    /// The model must call this tool.
    Tool {
        /// The tool's name.
        name: String,
    },
}

/// How hard a reasoning model should think.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReasoningEffort {
    /// As little as the model allows.
    Minimal,
    /// Low effort.
    Low,
    /// Medium effort.
    Medium,
    /// High effort.
    High,
    /// Extra-high effort (some OpenAI models).
    #[serde(rename = "xhigh")]
    ExtraHigh,
}

impl ReasoningEffort {
    /// The OpenAI wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minimal => "minimal",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::ExtraHigh => "xhigh",
        }
    }
}

/// A call the model made to one of the request's tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub struct ToolCall {
    /// The vendor's call id; a tool result answers it with [`Message::Tool::call_id`].
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments as JSON text, exactly as the model produced them.
    pub arguments: String,
}
