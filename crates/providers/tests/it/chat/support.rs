//! Shared helpers: clients per vendor, credential sources, fixtures, request snapshots and a
//! raw HTTP server for streams wiremock cannot produce (stalls, cut connections).

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use netclaw_providers::bearer::{Bearer, BearerSource, BoxFuture, CredentialError, StaticBearer};
use netclaw_providers::chat::{
    AnthropicClient, ChatClient, ChatCompletionsClient, ChatError, ChatStream, ClientConfig,
    CodexClient, CompletionsFlavor, HttpSettings, OllamaClient, OpenAiResponsesClient, RetryPolicy,
    StreamEvent,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The vendors' clients, by the names used in snapshot files.
pub(crate) const CLIENTS: [&str; 9] = [
    "codex",
    "openai_api",
    "anthropic",
    "openrouter",
    "compatible",
    "ollama",
    "gemini",
    "venice",
    "zai",
];

/// Settings with fast retries (milliseconds, never real multi-second waits).
pub(crate) fn fast_http() -> HttpSettings {
    HttpSettings {
        retry: RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(1),
        },
        ..HttpSettings::default()
    }
}

pub(crate) fn bearer(token: &str, account: Option<&str>) -> Bearer {
    Bearer {
        token: token.to_owned().into(),
        account_id: account.map(str::to_owned),
    }
}

/// The client `kind` for `base_url`, with a static test credential.
pub(crate) fn client(kind: &str, base_url: &str, http: HttpSettings) -> Arc<dyn ChatClient> {
    let with_key = |name: &str, token: &str, account: Option<&str>| {
        ClientConfig::new(name, base_url)
            .with_http(http.clone())
            .with_bearer(Arc::new(StaticBearer::new(name, bearer(token, account))))
    };
    // A hosted Chat Completions vendor whose base sits at `path` under the server.
    let hosted = |name: &str, path: &str, token: &str, flavor| -> Arc<dyn ChatClient> {
        let config = ClientConfig::new(name, format!("{base_url}{path}"))
            .with_http(http.clone())
            .with_bearer(Arc::new(StaticBearer::new(name, bearer(token, None))));
        Arc::new(ChatCompletionsClient::new(config, flavor).unwrap())
    };
    match kind {
        "codex" => Arc::new(
            CodexClient::new(with_key("openai", "access-token", Some("acct_123"))).unwrap(),
        ),
        "openai_api" => {
            Arc::new(OpenAiResponsesClient::new(with_key("openai-key", "sk-test", None)).unwrap())
        }
        "anthropic" => {
            Arc::new(AnthropicClient::new(with_key("anthropic", "sk-ant-test", None)).unwrap())
        }
        "openrouter" => Arc::new(
            ChatCompletionsClient::new(
                with_key("openrouter", "sk-or-test", None),
                CompletionsFlavor::OpenRouter,
            )
            .unwrap(),
        ),
        "compatible" => Arc::new(
            ChatCompletionsClient::new(
                ClientConfig::new("local", base_url).with_http(http),
                CompletionsFlavor::Compatible,
            )
            .unwrap(),
        ),
        "ollama" => Arc::new(
            OllamaClient::new(ClientConfig::new("ollama", base_url).with_http(http)).unwrap(),
        ),
        "gemini" => hosted(
            "gemini",
            "/v1beta/openai",
            "AIza-test",
            CompletionsFlavor::Gemini,
        ),
        "venice" => hosted("venice", "/api/v1", "vn-test", CompletionsFlavor::Venice),
        "zai" => hosted(
            "zai",
            "/api/coding/paas/v4",
            "zai-test",
            CompletionsFlavor::Zai,
        ),
        other => panic!("unknown client {other}"),
    }
}

/// Which fixture family a client's wire speaks.
pub(crate) fn family(kind: &str) -> &'static str {
    match kind {
        "codex" | "openai_api" => "responses",
        "anthropic" => "anthropic",
        "openrouter" | "compatible" | "gemini" | "venice" | "zai" => "completions",
        "ollama" => "ollama",
        other => panic!("unknown client {other}"),
    }
}

pub(crate) fn fixture_path(family: &str, name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/streams")
        .join(family)
        .join(name)
}

pub(crate) fn fixture(family: &str, name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(family, name)).unwrap()
}

/// Every fixture file of `family`, sorted.
pub(crate) fn fixture_names(family: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixture_path(family, ""))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A small successful stream for `kind`.
pub(crate) fn ok_stream(kind: &str) -> Vec<u8> {
    match family(kind) {
        "ollama" => fixture("ollama", "text.ndjson"),
        family => fixture(family, "text.sse"),
    }
}

/// A 200 response carrying `body` as a stream.
pub(crate) fn stream_response(body: Vec<u8>) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(200).set_body_raw(body, "text/event-stream")
}

/// Method, path, headers (minus the volatile `host` and `content-length`, the version in
/// the user agent normalized) and JSON body of a received request.
pub(crate) fn request_snapshot(request: &wiremock::Request) -> Value {
    let mut headers = BTreeMap::new();
    for (name, value) in &request.headers {
        let name = name.as_str();
        if matches!(name, "host" | "content-length") {
            continue;
        }
        let value = value.to_str().unwrap().to_owned();
        let value = if name == "user-agent" {
            value.replace(env!("CARGO_PKG_VERSION"), "[version]")
        } else {
            value
        };
        headers.insert(name.to_owned(), value);
    }
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    json!({
        "method": request.method.as_str(),
        "path": request.url.path(),
        "headers": headers,
        "body": body,
    })
}

/// Every item of `stream`, events as their JSON and errors as kind + messages.
pub(crate) async fn render(mut stream: ChatStream) -> Vec<Value> {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        items.push(render_item(&item));
    }
    items
}

pub(crate) fn render_item(item: &Result<StreamEvent, ChatError>) -> Value {
    match item {
        Ok(event) => serde_json::to_value(event).unwrap(),
        Err(error) => render_error(error),
    }
}

pub(crate) fn render_error(error: &ChatError) -> Value {
    let debug = format!("{error:?}");
    let kind = debug.split([' ', '{', '(']).next().unwrap().to_owned();
    json!({
        "error": kind,
        "user_message": error.user_message(),
        "technical_message": error.technical_message(),
    })
}

/// A credential source with two tokens: `bearer()` gives the first, `after_rejection` the
/// second once; calls are counted.
#[derive(Debug)]
pub(crate) struct RenewingBearer {
    pub(crate) first: Bearer,
    pub(crate) renewed: Option<Bearer>,
    pub(crate) bearer_calls: AtomicUsize,
    pub(crate) rejections: AtomicUsize,
}

impl RenewingBearer {
    pub(crate) fn new(first: Bearer, renewed: Option<Bearer>) -> Arc<Self> {
        Arc::new(Self {
            first,
            renewed,
            bearer_calls: AtomicUsize::new(0),
            rejections: AtomicUsize::new(0),
        })
    }
}

impl BearerSource for RenewingBearer {
    fn bearer(&self) -> BoxFuture<'_, Result<Bearer, CredentialError>> {
        self.bearer_calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { Ok(self.first.clone()) })
    }

    fn after_rejection<'a>(
        &'a self,
        _rejected: &'a Bearer,
    ) -> BoxFuture<'a, Result<Bearer, CredentialError>> {
        self.rejections.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            self.renewed.clone().ok_or(CredentialError::ReauthRequired {
                provider: "openai".into(),
            })
        })
    }
}

/// A loopback HTTP/1.1 server that reads each request and hands the socket to `script`
/// (with the connection's number), for streams that stall or break mid-way.
pub(crate) async fn raw_server<F, Fut>(script: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(TcpStream, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    let script = Arc::new(script);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let number = counter.fetch_add(1, Ordering::SeqCst);
            let script = Arc::clone(&script);
            tokio::spawn(async move {
                read_request(&mut socket).await;
                script(socket, number).await;
            });
        }
    });
    (format!("http://{address}"), connections)
}

async fn read_request(socket: &mut TcpStream) {
    let mut buffer = Vec::new();
    let mut chunk = [0_u8; 4096];
    let header_end = loop {
        let read = socket.read(&mut chunk).await.unwrap();
        assert!(read > 0, "client closed before sending a request");
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |value| value.trim().parse().unwrap());
    while buffer.len() < header_end + length {
        let read = socket.read(&mut chunk).await.unwrap();
        assert!(read > 0, "client closed mid-body");
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// Response head of a chunked event stream.
pub(crate) async fn write_stream_head(socket: &mut TcpStream) {
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n",
        )
        .await
        .unwrap();
}

/// One HTTP chunk, flushed.
pub(crate) async fn write_chunk(socket: &mut TcpStream, data: &[u8]) {
    let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
    frame.extend_from_slice(data);
    frame.extend_from_slice(b"\r\n");
    socket.write_all(&frame).await.unwrap();
    socket.flush().await.unwrap();
}

/// A Responses SSE event.
pub(crate) fn responses_event(event: &Value) -> Vec<u8> {
    let kind = event["type"].as_str().unwrap();
    format!("event: {kind}\ndata: {event}\n\n").into_bytes()
}

pub(crate) fn text_delta(text: &str) -> Vec<u8> {
    responses_event(
        &json!({"type": "response.output_text.delta", "item_id": "msg_1", "delta": text}),
    )
}

pub(crate) fn completed() -> Vec<u8> {
    responses_event(
        &json!({"type": "response.completed", "response": {"id": "resp_1", "status": "completed", "usage": {"input_tokens": 1, "output_tokens": 2}}}),
    )
}
