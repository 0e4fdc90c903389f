//! A client that goes away mid-stream cancels the upstream request: the daemon closes its
//! connection to the provider instead of reading an answer nobody will see.
//!
//! The upstream is a raw loopback socket (wiremock cannot hold a stream open): it answers
//! `POST …/chat/completions` with SSE headers and one Chat Completions chunk, then never
//! finishes, and reports when the daemon closes the connection.

use std::time::Duration;

use futures_util::StreamExt;
use netclaw_daemon::api::{ChatEvent, ChatRequest};
use netclaw_providers::chat::Message;
use secrecy::ExposeSecret;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::support::Home;

/// How long the daemon may take to close the upstream once its client is gone; a failure
/// guard, never reached when the daemon behaves.
const CLOSE_GUARD: Duration = Duration::from_secs(10);

/// The first (and only) chunk the upstream sends.
const FIRST_CHUNK: &str = r#"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"slow-model","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"#;

/// What the upstream saw on one streamed chat request.
#[derive(Debug, PartialEq)]
enum UpstreamEvent {
    /// The request was read and the first chunk written; the stream stays open.
    Streaming,
    /// The daemon closed the connection (read returned 0 bytes or failed).
    Closed,
}

/// A loopback provider that starts a Chat Completions stream and never finishes it.
struct HangingUpstream {
    base_url: String,
    events: mpsc::UnboundedReceiver<UpstreamEvent>,
}

impl HangingUpstream {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}/v1", listener.local_addr().unwrap());
        let (sender, events) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(serve(socket, sender.clone()));
            }
        });
        Self { base_url, events }
    }

    /// The next thing the upstream saw, within the guard.
    async fn next(&mut self, what: &str) -> UpstreamEvent {
        tokio::time::timeout(CLOSE_GUARD, self.events.recv())
            .await
            .unwrap_or_else(|_| panic!("the upstream saw no {what} within {CLOSE_GUARD:?}"))
            .expect("the upstream listener is alive")
    }
}

/// Serves one connection: a streamed chat answer that never ends, anything else a 404.
async fn serve(mut socket: TcpStream, events: mpsc::UnboundedSender<UpstreamEvent>) {
    let Some(head) = read_request(&mut socket).await else {
        return;
    };
    if !head.starts_with("POST ") || !head.contains("/chat/completions ") {
        let _ = socket
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .await;
        return;
    }
    let event = format!("data: {FIRST_CHUNK}\n\n");
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{event}\r\n",
        event.len()
    );
    socket.write_all(response.as_bytes()).await.unwrap();
    socket.flush().await.unwrap();
    events.send(UpstreamEvent::Streaming).unwrap();
    // Hold the stream open; only the daemon closing its end ends this loop.
    let mut buffer = [0_u8; 1024];
    loop {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let _ = events.send(UpstreamEvent::Closed);
}

/// Reads a request's head and its `content-length` body; `None` if the peer went away first.
async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut received = Vec::new();
    let mut buffer = [0_u8; 4096];
    let head_end = loop {
        if let Some(at) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let read = socket.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        received.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let lower = head.to_ascii_lowercase();
    assert!(
        !lower.contains("transfer-encoding: chunked"),
        "the fake upstream reads content-length bodies only: {head}"
    );
    let body_len: usize = lower
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |value| value.trim().parse().unwrap());
    while received.len() < head_end + body_len {
        let read = socket.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        received.extend_from_slice(&buffer[..read]);
    }
    Some(head)
}

/// A home with one `openai-compatible` provider `local` at `upstream`.
fn home_with(upstream: &HangingUpstream) -> Home {
    let home = Home::new();
    home.add_key_provider("local", "openai-compatible", &upstream.base_url, "sk-local");
    home
}

#[tokio::test]
async fn dropping_an_api_chat_stream_closes_the_upstream_connection() {
    let mut upstream = HangingUpstream::start().await;
    let home = home_with(&upstream);
    let daemon = home.spawn_quiet().await;
    let request = ChatRequest {
        provider: Some("local".into()),
        model: Some("slow-model".into()),
        messages: vec![Message::user("hi")],
        tools: Vec::new(),
    };
    let mut events = daemon.client().chat(&request).await.unwrap();
    assert_eq!(upstream.next("request").await, UpstreamEvent::Streaming);
    let first_text = tokio::time::timeout(CLOSE_GUARD, async {
        while let Some(event) = events.next().await {
            if let ChatEvent::Text { text } = event.unwrap() {
                return text;
            }
        }
        panic!("the chat stream ended before any text");
    })
    .await
    .expect("the first delta arrives");
    assert_eq!(first_text, "Hel");

    drop(events);

    assert_eq!(upstream.next("close").await, UpstreamEvent::Closed);
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn dropping_a_streaming_chat_completion_closes_the_upstream_connection() {
    let mut upstream = HangingUpstream::start().await;
    let home = home_with(&upstream);
    let daemon = home.spawn_quiet().await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", daemon.base_url()))
        .bearer_auth(daemon.token().expose_secret())
        .json(&json!({"model": "local/slow-model", "stream": true, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(upstream.next("request").await, UpstreamEvent::Streaming);
    let mut body = response.bytes_stream();
    let mut received = String::new();
    tokio::time::timeout(CLOSE_GUARD, async {
        while !received.contains(r#""content":"Hel""#) {
            let bytes = body
                .next()
                .await
                .expect("the stream ended before the first delta")
                .unwrap();
            received.push_str(&String::from_utf8_lossy(&bytes));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no first delta; got {received:?}"));
    assert!(
        !received.contains("[DONE]"),
        "the stream must still be open: {received}"
    );

    drop(body);

    assert_eq!(upstream.next("close").await, UpstreamEvent::Closed);
    daemon.shutdown().await.unwrap();
}
