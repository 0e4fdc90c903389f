//! The shared request/stream machine: credentials, 401 refresh, retries before output,
//! idle timeout and incremental decoding of the body.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};

use crate::bearer::{Bearer, BearerSource};
use crate::redact::Redactor;

use super::error::{ChatError, TimeoutPhase};
use super::event::StreamEvent;
use super::ndjson::NdjsonParser;
use super::progress::Progress;
use super::request::{ChatRequest, RelayApi};
use super::settings::HttpSettings;
use super::sse::SseParser;
use super::stream::ChatStream;
use super::wire::{Decoder, Framing, Relaying, Wire};
use crate::edge::EdgeBlock;

/// Everything a client needs to run requests; shared by all streams of one client.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) wire: Box<dyn Wire>,
    pub(crate) http: reqwest::Client,
    pub(crate) settings: HttpSettings,
    pub(crate) bearer: Option<Arc<dyn BearerSource>>,
}

/// Largest error body read to classify a failure.
const MAX_ERROR_BODY: usize = 64 * 1024;

impl Transport {
    /// A transport for `wire` over `client`, or over a reqwest client built from `settings`.
    pub(crate) fn new(
        wire: Box<dyn Wire>,
        settings: HttpSettings,
        bearer: Option<Arc<dyn BearerSource>>,
        client: Option<reqwest::Client>,
    ) -> Result<Self, ChatError> {
        if let Some(http) = client {
            return Ok(Self {
                wire,
                http,
                settings,
                bearer,
            });
        }
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .build()
            .map_err(|error| ChatError::Network {
                provider: wire.provider().clone(),
                detail: format!("could not build the HTTP client: {error}"),
            })?;
        Ok(Self {
            wire,
            http,
            settings,
            bearer,
        })
    }

    /// Start streaming `request`. Nothing is sent until the stream is first polled.
    pub(crate) fn stream(self: &Arc<Self>, request: ChatRequest) -> ChatStream {
        let run = Run {
            transport: Arc::clone(self),
            request,
            state: State::Connect,
            pending: VecDeque::new(),
            output_sent: false,
            retries: 0,
            refreshed: false,
            bearer: None,
            scratch: Vec::new(),
            sent: Redactor::default(),
        };
        ChatStream::new(futures_util::stream::unfold(run, |mut run| async move {
            let item = run.next().await?;
            Some((item, run))
        }))
    }
}

enum Framer {
    Sse(SseParser),
    Ndjson(NdjsonParser),
}

enum State {
    Connect,
    Body {
        body: BoxStream<'static, reqwest::Result<Bytes>>,
        framer: Framer,
        decoder: Box<dyn Decoder>,
        /// The idle limit, pushed back before every read: one timer for the whole stream
        /// (moving a deadline later is cheap; a new timer per chunk was not).
        idle: Pin<Box<tokio::time::Sleep>>,
    },
    Finished,
}

struct Run {
    transport: Arc<Transport>,
    request: ChatRequest,
    state: State,
    pending: VecDeque<Result<StreamEvent, ChatError>>,
    output_sent: bool,
    retries: u32,
    refreshed: bool,
    bearer: Option<Bearer>,
    /// The events decoded from one chunk, reused from chunk to chunk.
    scratch: Vec<StreamEvent>,
    /// Every credential this request sent: scrubbed from each error before anyone sees it.
    sent: Redactor,
}

impl Run {
    async fn next(&mut self) -> Option<Result<StreamEvent, ChatError>> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                if matches!(&item, Ok(event) if event.is_output()) {
                    self.output_sent = true;
                }
                return Some(item);
            }
            match &mut self.state {
                State::Finished => return None,
                State::Connect => match self.connect().await {
                    Ok(response) => {
                        let wire = &self.transport.wire;
                        if let Some(snapshot) = wire.rate_limits(response.headers()) {
                            self.pending
                                .push_back(Ok(StreamEvent::RateLimits(Box::new(snapshot))));
                        }
                        let framer = match wire.framing() {
                            Framing::Sse => Framer::Sse(SseParser::new()),
                            Framing::Ndjson => Framer::Ndjson(NdjsonParser::new()),
                        };
                        let idle = self.transport.settings.idle_timeout;
                        let relayed = self.request.relay.as_ref().map(|r| r.api);
                        let decoder = if relayed.is_some() && relayed == wire.relays() {
                            Box::new(Relaying {
                                inner: wire.decoder(),
                            })
                        } else {
                            wire.decoder()
                        };
                        self.state = State::Body {
                            body: response.bytes_stream().boxed(),
                            framer,
                            decoder,
                            idle: Box::pin(tokio::time::sleep(idle)),
                        };
                    }
                    Err(error) => self.fail(Vec::new(), error).await,
                },
                State::Body {
                    body,
                    framer,
                    decoder,
                    idle: idle_timer,
                } => {
                    let idle = self.transport.settings.idle_timeout;
                    let mut events = std::mem::take(&mut self.scratch);
                    // The limit counts from when the next chunk is asked for, as before.
                    idle_timer
                        .as_mut()
                        .reset(tokio::time::Instant::now() + idle);
                    let next = tokio::select! {
                        biased;
                        next = body.next() => Ok(next),
                        () = idle_timer.as_mut() => Err(()),
                    };
                    let outcome = match next {
                        Ok(Some(Ok(chunk))) => {
                            decode_chunk(framer, decoder.as_mut(), &chunk, &mut events)
                        }
                        Ok(Some(Err(error))) => Err(ChatError::StreamInterrupted {
                            provider: self.transport.wire.provider().clone(),
                            detail: format!("reading the stream failed: {error}"),
                        }),
                        Ok(None) => finish(framer, decoder.as_mut(), &mut events),
                        Err(_) => Err(ChatError::Timeout {
                            provider: self.transport.wire.provider().clone(),
                            phase: TimeoutPhase::Idle,
                            after: idle,
                        }),
                    };
                    match outcome {
                        Ok(ended) => {
                            let done =
                                ended || matches!(events.last(), Some(StreamEvent::Done { .. }));
                            self.pending.extend(events.drain(..).map(Ok));
                            self.scratch = events;
                            if done {
                                let finished = std::mem::replace(&mut self.state, State::Finished);
                                if let State::Body { body, .. } = finished {
                                    release_connection(body, idle);
                                }
                            }
                        }
                        Err(error) => self.fail(events, error).await,
                    }
                }
            }
        }
    }

    /// Queue `events` and `error`, or start over when nothing reached the caller yet and the
    /// error may go away.
    async fn fail(&mut self, events: Vec<StreamEvent>, error: ChatError) {
        // The one place every failure of this request passes, before it is logged, retried
        // or handed on: whatever a server echoed of the credential goes no further.
        let error = error.redacted(&self.sent);
        let any_output = self.output_sent || events.iter().any(StreamEvent::is_output);
        let policy = &self.transport.settings.retry;
        let retry_after = error.retry_after();
        let within_wait = retry_after.is_none_or(|after| after <= policy.max_retry_after);
        if !any_output && error.is_retryable() && within_wait && self.retries < policy.max_retries {
            self.retries += 1;
            let delay = policy.delay(self.retries, retry_after);
            self.request.progress.report(&Progress::Retrying {
                provider: self.transport.wire.provider().label.clone(),
                attempt: self.retries,
                of: policy.max_retries,
                after: delay,
                reason: error.summary(),
            });
            tracing::warn!(
                provider = %self.transport.wire.provider().name,
                retry = self.retries,
                delay_ms = delay.as_millis() as u64,
                error = %error.technical_message(),
                "chat request failed before any output; retrying"
            );
            tokio::time::sleep(delay).await;
            self.state = State::Connect;
            return;
        }
        self.pending.extend(events.into_iter().map(Ok));
        self.pending.push_back(Err(error));
        self.state = State::Finished;
    }

    async fn connect(&mut self) -> Result<reqwest::Response, ChatError> {
        let transport = Arc::clone(&self.transport);
        let provider = transport.wire.provider();
        if self.bearer.is_none()
            && let Some(source) = &transport.bearer
        {
            let bearer = source
                .bearer()
                .await
                .map_err(|source| ChatError::Credential {
                    provider: provider.clone(),
                    source,
                })?;
            self.bearer = Some(bearer);
        }
        if let Some(relay) = &self.request.relay
            && transport.wire.relays() != Some(relay.api)
            && !relay.untranslatable.is_empty()
        {
            let what = relay.untranslatable.join(", ");
            let api = match relay.api {
                RelayApi::Responses => {
                    "the Responses API; only function tools and message items translate"
                }
                RelayApi::Messages => {
                    "Anthropic's Messages API; only custom tools and text, image, tool and thinking blocks translate"
                }
            };
            return Err(ChatError::Unsupported {
                provider: provider.clone(),
                what: format!("{what} (provider `{}` does not speak {api})", provider.name),
            });
        }
        loop {
            if let Some(bearer) = &self.bearer {
                self.sent.hold(&bearer.token);
            }
            let builder =
                transport
                    .wire
                    .request(&transport.http, &self.request, self.bearer.as_ref())?;
            let headers_timeout = transport.settings.headers_timeout;
            let response = match tokio::time::timeout(headers_timeout, builder.send()).await {
                Ok(Ok(response)) => response,
                Ok(Err(error)) => {
                    let detail = error_chain(&error);
                    return Err(match EdgeBlock::of_transport(&detail) {
                        Some(block) => ChatError::Blocked {
                            provider: provider.clone(),
                            block,
                            detail: Some(detail),
                        },
                        None => ChatError::Network {
                            provider: provider.clone(),
                            detail,
                        },
                    });
                }
                Err(_) => {
                    return Err(ChatError::Timeout {
                        provider: provider.clone(),
                        phase: TimeoutPhase::Headers,
                        after: headers_timeout,
                    });
                }
            };
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status == reqwest::StatusCode::UNAUTHORIZED
                && !self.refreshed
                && let (Some(source), Some(rejected)) = (&transport.bearer, &self.bearer)
            {
                self.refreshed = true;
                tracing::info!(provider = %provider.name, "401 from the provider; renewing the credential once");
                match source.after_rejection(rejected).await {
                    Ok(renewed) => {
                        self.bearer = Some(renewed);
                        continue;
                    }
                    Err(error) => {
                        return Err(ChatError::Unauthorized {
                            provider: provider.clone(),
                            status: 401,
                            detail: Some(error.to_string()),
                        });
                    }
                }
            }
            let headers = response.headers().clone();
            let body = read_error_body(response, headers_timeout).await;
            if let Some(block) = EdgeBlock::of_response(status.as_u16(), &headers, body.as_bytes())
            {
                return Err(ChatError::Blocked {
                    provider: provider.clone(),
                    block,
                    detail: super::wire::error_detail(&body),
                });
            }
            return Err(transport.wire.http_error(status, &headers, &body));
        }
    }
}

/// Reads what is left of a body whose answer is complete (usually just the end of the
/// chunked encoding), so its keep-alive connection goes back to the pool instead of being
/// closed and opened again for the next request. Done here when the rest is already in,
/// else by a task that gives up after `limit`.
fn release_connection(mut body: BoxStream<'static, reqwest::Result<Bytes>>, limit: Duration) {
    loop {
        match body.next().now_or_never() {
            Some(Some(Ok(_))) => continue,
            Some(Some(Err(_)) | None) => return,
            None => break,
        }
    }
    if tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    tokio::spawn(async move {
        let rest = async { while let Some(Ok(_)) = body.next().await {} };
        let _ = tokio::time::timeout(limit.min(Duration::from_secs(5)), rest).await;
    });
}

/// Feed one chunk; `Ok(true)` when the decoder saw the end of the answer.
fn decode_chunk(
    framer: &mut Framer,
    decoder: &mut dyn Decoder,
    chunk: &[u8],
    events: &mut Vec<StreamEvent>,
) -> Result<bool, ChatError> {
    let mut failure = None;
    match framer {
        Framer::Sse(parser) => parser.feed(chunk, |frame| {
            if failure.is_none()
                && !ended(events)
                && let Err(error) = decoder.frame(frame.event, frame.data, events)
            {
                failure = Some(error);
            }
        }),
        Framer::Ndjson(parser) => parser.feed(chunk, |line| {
            if failure.is_none()
                && !ended(events)
                && let Err(error) = decoder.frame("", line, events)
            {
                failure = Some(error);
            }
        }),
    }
    match failure {
        Some(error) => Err(error),
        None => Ok(false),
    }
}

/// Whether the decoder already produced `Done` (later frames are ignored).
fn ended(events: &[StreamEvent]) -> bool {
    matches!(events.last(), Some(StreamEvent::Done { .. }))
}

fn finish(
    framer: &mut Framer,
    decoder: &mut dyn Decoder,
    events: &mut Vec<StreamEvent>,
) -> Result<bool, ChatError> {
    let mut failure = None;
    if let Framer::Ndjson(parser) = framer {
        parser.finish(|line| {
            if failure.is_none()
                && let Err(error) = decoder.frame("", line, events)
            {
                failure = Some(error);
            }
        });
    }
    if let Some(error) = failure {
        return Err(error);
    }
    decoder.finish(events)?;
    Ok(true)
}

async fn read_error_body(response: reqwest::Response, limit: std::time::Duration) -> String {
    let mut body = response.bytes_stream();
    let mut collected = Vec::new();
    let read = async {
        while let Some(Ok(chunk)) = body.next().await {
            collected.extend_from_slice(&chunk);
            if collected.len() >= MAX_ERROR_BODY {
                collected.truncate(MAX_ERROR_BODY);
                break;
            }
        }
    };
    // A body that never ends still yields what arrived so far.
    let _ = tokio::time::timeout(limit, read).await;
    String::from_utf8_lossy(&collected).into_owned()
}

/// The error with its causes, e.g. `error sending request: connection refused`.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Decode a whole recorded body fed in the given chunks, as the transport would; for tests,
/// fuzz targets and benchmarks of the pure decoding path.
pub(crate) fn decode_chunks(
    wire: &dyn Wire,
    chunks: &[&[u8]],
) -> Vec<Result<StreamEvent, ChatError>> {
    let mut framer = match wire.framing() {
        Framing::Sse => Framer::Sse(SseParser::new()),
        Framing::Ndjson => Framer::Ndjson(NdjsonParser::new()),
    };
    let mut decoder = wire.decoder();
    let mut items = Vec::new();
    let mut ended = false;
    for chunk in chunks {
        let mut events = Vec::new();
        let outcome = decode_chunk(&mut framer, decoder.as_mut(), chunk, &mut events);
        let done = matches!(events.last(), Some(StreamEvent::Done { .. }));
        items.extend(events.into_iter().map(Ok));
        if let Err(error) = outcome {
            items.push(Err(error));
            return items;
        }
        if done {
            ended = true;
            break;
        }
    }
    if !ended {
        let mut events = Vec::new();
        let outcome = finish(&mut framer, decoder.as_mut(), &mut events);
        items.extend(events.into_iter().map(Ok));
        if let Err(error) = outcome {
            items.push(Err(error));
        }
    }
    items
}
