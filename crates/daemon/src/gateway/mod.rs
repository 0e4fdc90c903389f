//! The OpenAI-compatible gateway: `/v1/models`, `/v1/chat/completions`, `/v1/responses`.
//!
//! Requests are translated into the normalized chat model, sent to the provider named by the
//! model (`<provider>/<model>`, or the configured main model), and the normalized events are
//! translated back, streaming or collected.

mod chat_completions;
mod coalesce;
mod error;
mod messages;
mod responses;
#[cfg(test)]
mod tests;

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use futures_util::StreamExt;
use netclaw_providers::chat::{
    ChatError, ChatResponse, ChatStream, StopReason, StreamEvent, ToolCall, Usage, collect,
};
use netclaw_providers::resilience::{Plan, Served};
use serde_json::json;

pub(crate) use error::GatewayError;

use crate::gateway_keys::Caller;
use crate::state::AppState;
use chat_completions::{ChunkEncoder, CompletionRequest, completion_body};
use responses::{ResponsesEncoder, ResponsesRequest, response_body};

/// `GET /v1/models`: every configured provider's models as `<provider>/<model>` (those the
/// caller's key may use).
pub(crate) async fn list_models(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Response {
    let runtime = state.runtime();
    let models = runtime.listings(&runtime.provider_names(), false).await;
    // `default` is the main model, for clients that only know one name to ask for.
    let main = runtime
        .settings()
        .models
        .main
        .as_ref()
        .map(|m| format!("{}/{}", m.provider, m.model_id))
        .filter(|main| caller.allows(main))
        .map(|_| json!({"id": "default", "object": "model", "created": 0, "owned_by": "netclaw"}));
    let listed = models
        .iter()
        .flat_map(|listing| {
            listing
                .models
                .iter()
                .map(move |m| format!("{}/{}", listing.provider, m.id))
        })
        .filter(|id| caller.allows(id))
        .map(|id| {
            let owner = id.split_once('/').map_or("", |(p, _)| p).to_owned();
            json!({"id": id, "object": "model", "created": 0, "owned_by": owner})
        });
    let data: Vec<_> = main.into_iter().chain(listed).collect();
    Json(json!({"object": "list", "data": data})).into_response()
}

fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, GatewayError> {
    serde_json::from_slice(body)
        .map_err(|e| GatewayError::invalid(format!("invalid request body: {e}")))
}

/// `plan` with only the candidates `caller` may use; a 403 `model_not_allowed` when it may
/// not use the model it asked for (a scoped key never falls back outside its scope either).
fn scoped(mut plan: Plan, caller: &Caller) -> Result<Plan, GatewayError> {
    if let Some(requested) = plan.requested()
        && !caller.allows(&requested.public_name())
    {
        return Err(GatewayError::new(
            StatusCode::FORBIDDEN,
            "permission_error",
            "model_not_allowed",
            format!(
                "this gateway key may not use `{}`; `netclaw key list` shows what each key may use",
                requested.public_name()
            ),
        ));
    }
    plan.candidates.retain(|c| caller.allows(&c.public_name()));
    Ok(plan)
}

/// The request's `model`, refused when blank: an empty name is a client's mistake, and
/// serving it with the main model would hide that mistake.
fn named_model(model: &str) -> Result<&str, GatewayError> {
    if model.trim().is_empty() {
        return Err(GatewayError::invalid(
            "`model` is empty; name one (`GET /v1/models` lists them, `default` is the main model)",
        ));
    }
    Ok(model)
}

/// A fresh id such as `chatcmpl-…`: 24 hex digits, unique within the daemon (a counter run
/// through a bijective mix) and across daemons (per-process random bits). Ids need not be
/// secret, so one read of the system's randomness serves the whole process.
fn new_id(prefix: &str) -> String {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEED: OnceLock<(u64, u32)> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let (base, tag) = *SEED.get_or_init(|| {
        let mut bytes = [0u8; 12];
        // Fall back to the clock if randomness fails.
        if getrandom::fill(&mut bytes).is_err() {
            let nanos = jiff::Timestamp::now().as_nanosecond().to_le_bytes();
            bytes.copy_from_slice(&nanos[..12]);
        }
        let (base, tag) = bytes.split_at(8);
        (
            u64::from_le_bytes(base.try_into().unwrap_or_default()),
            u32::from_le_bytes(tag.try_into().unwrap_or_default()),
        )
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let unique = mix(base.wrapping_add(n));
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(prefix.len() + 24);
    id.push_str(prefix);
    for byte in unique.to_be_bytes().into_iter().chain(tag.to_be_bytes()) {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    id
}

/// SplitMix64's finalizer: a bijection on `u64`, so distinct counters give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn now_secs() -> i64 {
    jiff::Timestamp::now().as_second()
}

/// `POST /v1/chat/completions`.
pub(crate) async fn chat_completions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    match chat_completions_inner(state, caller, &headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn chat_completions_inner(
    state: AppState,
    caller: Caller,
    headers: &axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, GatewayError> {
    let request: CompletionRequest = parse(&body)?;
    let runtime = state.runtime();
    let plan = runtime
        .plan(None, Some(named_model(&request.model)?))
        .map_err(GatewayError::from)?;
    let plan = scoped(plan, &caller)?;
    let streaming = request.stream;
    let include_usage = request.include_usage();
    let mut chat = request.into_chat_request(plan.first_model())?;
    chat.session = session_of(headers);
    let served = (runtime.serve(&plan, chat).await)
        .map_err(|refusal| crate::fallback::gateway_error(&state, &refusal))?;
    let answer = Answer::new(state, served, "chatcmpl-");
    if streaming {
        let encoder =
            ChunkEncoder::new(&answer.id, answer.created, &answer.served_by, include_usage);
        Ok(answer.stream(encoder).await)
    } else {
        answer.collected(completion_body).await
    }
}

/// `POST /v1/responses`.
pub(crate) async fn responses(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    match responses_inner(state, caller, &headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn responses_inner(
    state: AppState,
    caller: Caller,
    headers: &axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, GatewayError> {
    let request: ResponsesRequest = parse(&body)?;
    let whole: serde_json::Map<String, serde_json::Value> = parse(&body)?;
    let runtime = state.runtime();
    let plan = runtime
        .plan(None, Some(named_model(&request.model)?))
        .map_err(GatewayError::from)?;
    let plan = scoped(plan, &caller)?;
    let streaming = request.stream;
    let mut chat = request.into_chat_request(plan.first_model(), whole)?;
    chat.session = session_of(headers);
    let served = (runtime.serve(&plan, chat).await)
        .map_err(|refusal| crate::fallback::gateway_error(&state, &refusal))?;
    let answer = Answer::new(state, served, "resp_");
    // A provider that speaks Responses answered with its own events: they go back unchanged.
    if matches!(answer.served.first, Some(StreamEvent::Relayed { .. })) {
        return if streaming {
            Ok(answer.relayed_stream().await)
        } else {
            answer.relayed_collected().await
        };
    }
    if streaming {
        let encoder = ResponsesEncoder::new(&answer.id, answer.created, &answer.served_by);
        Ok(answer.stream(encoder).await)
    } else {
        answer.collected(response_body).await
    }
}

/// `POST /v1/messages` (and `?beta=true`): Anthropic's Messages API for Claude Code and the
/// `anthropic` SDKs, served by any provider through the same fallback chain; an Anthropic
/// provider gets the client's body and headers as they are and its stream comes back as sent.
pub(crate) async fn messages(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    match messages_inner(state, caller, headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_anthropic_response(),
    }
}

async fn messages_inner(
    state: AppState,
    caller: Caller,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, GatewayError> {
    let whole: serde_json::Map<String, serde_json::Value> = parse(&body)?;
    let runtime = state.runtime();
    let plan = runtime
        .plan(None, Some(named_model(messages::model_of(&whole)?)?))
        .map_err(GatewayError::from)?;
    let plan = scoped(plan, &caller)?;
    let streaming = messages::streams(&whole);
    let forwarded = messages::FORWARDED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    let mut chat = messages::into_chat_request(whole, plan.first_model(), forwarded)?;
    chat.session = session_of(&headers);
    let served = (runtime.serve(&plan, chat).await)
        .map_err(|refusal| crate::fallback::gateway_error(&state, &refusal))?;
    let answer = Answer::new(state, served, "msg_");
    if !streaming {
        return answer.collected(messages::message_body).await;
    }
    if matches!(answer.served.first, Some(StreamEvent::Relayed { .. })) {
        return Ok(answer.relayed_messages().await);
    }
    let encoder = messages::MessagesEncoder::new(&answer.id, &answer.served_by);
    Ok(answer.stream(encoder).await)
}

/// The client's conversation, when it names one: Codex's `session-id` (also `session_id`),
/// Claude Code's `X-Claude-Code-Session-Id`.
fn session_of(headers: &axum::http::HeaderMap) -> Option<String> {
    ["session-id", "session_id", "x-claude-code-session-id"]
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .filter(|id| !id.trim().is_empty())
        .map(str::to_owned)
}

/// `POST /v1/messages/count_tokens`: an estimate (see [`messages::estimated_tokens`]).
pub(crate) async fn count_tokens(body: Bytes) -> Response {
    match parse::<serde_json::Map<String, serde_json::Value>>(&body) {
        Ok(whole) => {
            Json(json!({"input_tokens": messages::estimated_tokens(&whole)})).into_response()
        }
        Err(error) => error.into_anthropic_response(),
    }
}

/// How one API renders the normalized events as SSE frames.
trait FrameEncoder: Send + 'static {
    /// The frames that open the stream.
    fn head(&mut self) -> String;
    /// A piece of answer text.
    fn text(&mut self, text: &str) -> String;
    /// A piece of reasoning.
    fn reasoning(&mut self, text: &str) -> String;
    /// A whole tool call.
    fn tool_call(&mut self, call: &ToolCall) -> String;
    /// The closing frames, with the usage when upstream reported it.
    fn finish(&mut self, stop: StopReason, usage: Option<&Usage>) -> String;
    /// An error after the stream started.
    fn error(&mut self, error: &GatewayError) -> String;
}

impl FrameEncoder for ChunkEncoder {
    fn head(&mut self) -> String {
        self.role()
    }
    fn text(&mut self, text: &str) -> String {
        ChunkEncoder::text(self, text)
    }
    fn reasoning(&mut self, text: &str) -> String {
        ChunkEncoder::reasoning(self, text)
    }
    fn tool_call(&mut self, call: &ToolCall) -> String {
        ChunkEncoder::tool_call(self, call)
    }
    fn finish(&mut self, stop: StopReason, usage: Option<&Usage>) -> String {
        ChunkEncoder::finish(self, stop, usage)
    }
    fn error(&mut self, error: &GatewayError) -> String {
        ChunkEncoder::error(error)
    }
}

impl FrameEncoder for ResponsesEncoder {
    fn head(&mut self) -> String {
        self.start()
    }
    fn text(&mut self, text: &str) -> String {
        ResponsesEncoder::text(self, text)
    }
    fn reasoning(&mut self, text: &str) -> String {
        ResponsesEncoder::reasoning(self, text)
    }
    fn tool_call(&mut self, call: &ToolCall) -> String {
        ResponsesEncoder::tool_call(self, call)
    }
    fn finish(&mut self, stop: StopReason, usage: Option<&Usage>) -> String {
        ResponsesEncoder::finish(self, stop, usage)
    }
    fn error(&mut self, error: &GatewayError) -> String {
        ResponsesEncoder::error(self, error)
    }
}

/// An answer that a model has started to give, on its way back in one API's shape.
struct Answer {
    state: AppState,
    served: Served,
    /// `<provider>/<model>` of the model that answered (the `model` of the answer).
    served_by: String,
    /// The same with `@<account>` for another than the default account: the served-by header.
    served_name: String,
    id: String,
    created: i64,
}

impl Answer {
    fn new(state: AppState, served: Served, id_prefix: &str) -> Self {
        Self {
            state,
            served_by: served.candidate.public_name(),
            served_name: served.candidate.served_name(),
            served,
            id: new_id(id_prefix),
            created: now_secs(),
        }
    }

    /// The whole answer as one JSON body (`stream: false`).
    async fn collected(
        self,
        body: fn(&str, i64, &str, &ChatResponse) -> serde_json::Value,
    ) -> Result<Response, GatewayError> {
        let answer = collect(self.served.into_stream()).await?;
        let json = body(&self.id, self.created, &self.served_by, &answer);
        Ok(crate::fallback::served_by(
            Json(json).into_response(),
            &self.served_name,
        ))
    }

    /// The answer as SSE frames rendered by `encoder` (`stream: true`).
    async fn stream(self, mut encoder: impl FrameEncoder) -> Response {
        let mut usage: Option<Usage> = None;
        let head = encoder.head();
        let Served { first, stream, .. } = self.served;
        let frames = sse_frames(self.state, head, first, stream, move |item| match item {
            Frame::Event(StreamEvent::TextDelta { text }) => Some(encoder.text(&text)),
            Frame::Event(StreamEvent::ReasoningDelta { text }) => Some(encoder.reasoning(&text)),
            Frame::Event(StreamEvent::ToolCall(call)) => Some(encoder.tool_call(&call)),
            Frame::Event(StreamEvent::Usage(u)) => {
                usage = Some(u);
                None
            }
            Frame::Event(StreamEvent::RateLimits(_) | StreamEvent::Relayed { .. }) => None,
            Frame::Event(StreamEvent::Done { stop_reason }) | Frame::End(stop_reason) => {
                Some(encoder.finish(stop_reason, usage.as_ref()))
            }
            Frame::Error(error) => Some(encoder.error(&GatewayError::from(error))),
        });
        crate::fallback::served_by(sse_response(frames).await, &self.served_name)
    }

    /// The provider's own events, frame for frame, each passed through `rewrite` (what the
    /// gateway changes in that API's frames). A failure after the stream started is the
    /// provider's to report (a `response.failed` or `error` event, relayed like the rest); the
    /// stream then just ends.
    async fn relayed(
        self,
        mut rewrite: impl FnMut(&str, String) -> String + Send + 'static,
    ) -> Response {
        let Served { first, stream, .. } = self.served;
        let frames = sse_frames(
            self.state,
            String::new(),
            first,
            stream,
            move |item| match item {
                Frame::Event(StreamEvent::Relayed { event, data }) => {
                    let data = rewrite(&event, data);
                    Some(relayed_frame(&event, &data))
                }
                _ => None,
            },
        );
        crate::fallback::served_by(sse_response(frames).await, &self.served_name)
    }

    /// A Responses provider's own events (`stream: true`), as [`RelayedFrames`] changes them.
    async fn relayed_stream(self) -> Response {
        let mut frames = RelayedFrames::new(self.served_by.clone());
        self.relayed(move |event, data| frames.pass(event, data))
            .await
    }

    /// An Anthropic provider's own Messages events, but for the `model` of `message_start`,
    /// which becomes the name the client used (`<provider>/<model>`).
    async fn relayed_messages(self) -> Response {
        let public = self.served_by.clone();
        self.relayed(move |event, data| {
            if event == "message_start" {
                with_message_model(data, &public)
            } else {
                data
            }
        })
        .await
    }

    /// The response object of the provider's final event (`response.completed`, `.incomplete`
    /// or `.failed`) as one JSON body (`stream: false`).
    async fn relayed_collected(self) -> Result<Response, GatewayError> {
        let mut events = self.served.into_stream();
        let mut relayed = RelayedFrames::new(self.served_by.clone());
        let mut last = None;
        while let Some(item) = events.next().await {
            if let StreamEvent::Relayed { event, data } = item? {
                let data = relayed.pass(&event, data);
                if RelayedFrames::FINAL.contains(&event.as_str()) {
                    last = Some(data);
                }
            }
        }
        let response = last
            .and_then(|data| serde_json::from_str::<serde_json::Value>(&data).ok())
            .and_then(|mut value| value.get_mut("response").map(serde_json::Value::take))
            .ok_or_else(|| {
                GatewayError::new(
                    StatusCode::BAD_GATEWAY,
                    "server_error",
                    "stream_interrupted",
                    format!(
                        "`{}` ended its stream without a final response",
                        self.served_name
                    ),
                )
            })?;
        Ok(crate::fallback::served_by(
            Json(response).into_response(),
            &self.served_name,
        ))
    }
}

/// `message_start` data with its message's `model` set to `public`.
fn with_message_model(data: String, public: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&data) else {
        return data;
    };
    match value
        .get_mut("message")
        .and_then(serde_json::Value::as_object_mut)
    {
        Some(message) => {
            message.insert("model".to_owned(), json!(public));
            value.to_string()
        }
        None => data,
    }
}

/// What the gateway changes in a relayed Responses stream, and nothing else: the `model` of
/// each `response` object becomes the name the client used through the gateway
/// (`<provider>/<model>`), so every answer says which model served it as translated answers
/// do; and a final response object whose `output` is empty (the Codex backend streams its
/// items but stores nothing) gets the items its `response.output_item.done` events carried, so
/// an SDK's `output_text` works. Deltas and items pass untouched and unparsed.
struct RelayedFrames {
    public: String,
    items: Vec<serde_json::Value>,
}

impl RelayedFrames {
    /// The events that close a response.
    const FINAL: [&str; 3] = [
        "response.completed",
        "response.incomplete",
        "response.failed",
    ];

    fn new(public: String) -> Self {
        Self {
            public,
            items: Vec::new(),
        }
    }

    /// `data` of an `event` frame as the client gets it.
    fn pass(&mut self, event: &str, data: String) -> String {
        if event == "response.output_item.done"
            && let Ok(mut done) = serde_json::from_str::<serde_json::Value>(&data)
            && let Some(item) = done.get_mut("item")
        {
            self.items.push(item.take());
            return data;
        }
        if !data.contains("\"response\":{") {
            return data;
        }
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&data) else {
            return data;
        };
        let Some(response) = value
            .get_mut("response")
            .and_then(serde_json::Value::as_object_mut)
        else {
            return data;
        };
        response.insert("model".to_owned(), json!(self.public));
        let empty = response
            .get("output")
            .is_none_or(|o| o.as_array().is_some_and(Vec::is_empty));
        if Self::FINAL.contains(&event) && empty && !self.items.is_empty() {
            response.insert("output".to_owned(), json!(self.items));
        }
        value.to_string()
    }
}

/// One relayed server-sent event, as the provider framed it.
fn relayed_frame(event: &str, data: &str) -> String {
    if event.is_empty() {
        format!("data: {data}\n\n")
    } else {
        format!("event: {event}\ndata: {data}\n\n")
    }
}

/// What the frame encoder is asked to render.
pub(crate) enum Frame {
    /// An event from upstream.
    Event(StreamEvent),
    /// Upstream ended without `Done`: close as if it said `stop_reason`.
    End(StopReason),
    /// Upstream failed after the stream started.
    Error(ChatError),
}

/// Turns events into SSE frames: `head` first, then one encoded frame per event, ending after
/// `Done`, an error, or the daemon's shutdown. Dropping the body (client gone) drops `events`,
/// which cancels the upstream request. Frames ready together are sent in one write
/// ([`coalesce::Coalesce`]).
pub(crate) fn sse_frames(
    state: AppState,
    head: String,
    first: Option<StreamEvent>,
    events: ChatStream,
    mut encode: impl FnMut(Frame) -> Option<String> + Send + 'static,
) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
    let shutdown = state.shutdown_token().clone().cancelled_owned();
    let upstream = futures_util::stream::iter(first.map(Ok)).chain(events);
    let rendered =
        futures_util::stream::unfold((upstream, false), move |(mut upstream, finished)| {
            let step = if finished { None } else { Some(()) };
            async move {
                step?;
                Some(match upstream.next().await {
                    Some(Ok(event)) => {
                        let done = matches!(event, StreamEvent::Done { .. });
                        (Some(Frame::Event(event)), (upstream, done))
                    }
                    Some(Err(error)) => (Some(Frame::Error(error)), (upstream, true)),
                    None => (Some(Frame::End(StopReason::EndTurn)), (upstream, true)),
                })
            }
        })
        .filter_map(move |frame| futures_util::future::ready(frame.and_then(&mut encode)))
        .map(Bytes::from);
    let frames = futures_util::stream::iter([Bytes::from(head)])
        .chain(rendered)
        .take_until(shutdown);
    coalesce::Coalesce::new(Box::pin(frames))
}

/// A `text/event-stream` response over `frames`, returned once the first batch of frames is
/// ready so that the status line, headers and that batch leave in one write (the server writes
/// the headers on their own as soon as the body has nothing ready).
pub(crate) async fn sse_response(
    frames: impl futures_util::Stream<Item = Result<Bytes, Infallible>> + Send + 'static,
) -> Response {
    let mut frames = Box::pin(frames);
    let first = frames.next().await;
    let body = futures_util::stream::iter(first).chain(frames);
    let mut response = Response::new(Body::from_stream(body));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
