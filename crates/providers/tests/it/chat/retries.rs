//! Retries happen only before any output reached the caller, and never for final refusals.

use std::sync::atomic::Ordering;

use futures_util::StreamExt;
use netclaw_providers::chat::{ChatError, ChatRequest, Message, StreamEvent};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::support::{
    client, completed, fast_http, fixture, raw_server, render, stream_response, text_delta,
    write_chunk, write_stream_head,
};

fn hello() -> ChatRequest {
    ChatRequest::new("m", vec![Message::user("Hi")])
}

#[tokio::test]
async fn two_server_errors_then_success_give_one_answer() {
    for kind in ["codex", "anthropic", "openrouter", "ollama"] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
            .up_to_n_times(2)
            .with_priority(1)
            .expect(2)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(stream_response(super::support::ok_stream(kind)))
            .with_priority(2)
            .expect(1)
            .mount(&server)
            .await;
        let client = client(kind, &server.uri(), fast_http());
        let response = client.stream(hello()).collect_response().await.unwrap();
        assert!(!response.text.is_empty(), "{kind}");
        server.verify().await;
    }
}

#[tokio::test]
async fn server_errors_beyond_the_budget_surface_as_server() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"error": {"message": "overloaded"}})),
        )
        .expect(4)
        .mount(&server)
        .await;
    let client = client("openrouter", &server.uri(), fast_http());
    let error = client.stream(hello()).collect_response().await.unwrap_err();
    assert!(
        matches!(
            error,
            ChatError::Server {
                status: Some(503),
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(stream_response(fixture("anthropic", "text.sse")))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client("anthropic", &server.uri(), fast_http());
    let response = client.stream(hello()).collect_response().await.unwrap();
    assert_eq!(response.text, "Hello there!");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_429_without_retry_after_is_returned() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429).set_body_json(json!({"error": {"message": "slow down"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client("compatible", &server.uri(), fast_http());
    let error = client.stream(hello()).collect_response().await.unwrap_err();
    assert!(
        matches!(
            error,
            ChatError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn insufficient_quota_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"error": {"type": "insufficient_quota", "code": "insufficient_quota", "message": "You exceeded your current quota"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client("openai_api", &server.uri(), fast_http());
    let error = client.stream(hello()).collect_response().await.unwrap_err();
    assert!(
        matches!(error, ChatError::QuotaExceeded { .. }),
        "{error:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_stream_failing_after_its_first_delta_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(stream_response(fixture("responses", "error_event.sse")))
        .expect(1)
        .mount(&server)
        .await;
    let client = client("codex", &server.uri(), fast_http());
    let mut stream = client.stream(hello());
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first, StreamEvent::TextDelta { text: "Par".into() });
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        error.is_retryable(),
        "a server error is retryable in itself"
    );
    assert!(
        matches!(error, ChatError::Server { status: None, .. }),
        "{error:?}"
    );
    assert!(!stream.failed_before_output());
    assert!(stream.next().await.is_none());
    server.verify().await;
}

#[tokio::test]
async fn a_connection_cut_after_the_first_delta_is_not_retried() {
    let (uri, connections) = raw_server(|mut socket, _| async move {
        write_stream_head(&mut socket).await;
        write_chunk(&mut socket, &text_delta("Once")).await;
        // Dropping the socket mid-body cuts the chunked stream.
    })
    .await;
    let client = client("codex", &uri, fast_http());
    let items = render(client.stream(hello())).await;
    assert_eq!(items[0], json!({"type": "text_delta", "text": "Once"}));
    assert_eq!(items[1]["error"], "StreamInterrupted");
    assert_eq!(items.len(), 2);
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_connection_cut_before_any_output_is_retried() {
    let (uri, connections) = raw_server(|mut socket, number| async move {
        write_stream_head(&mut socket).await;
        if number == 0 {
            return;
        }
        write_chunk(&mut socket, &text_delta("Second try")).await;
        write_chunk(&mut socket, &completed()).await;
        write_chunk(&mut socket, b"").await;
    })
    .await;
    let client = client("codex", &uri, fast_http());
    let mut stream = client.stream(hello());
    let mut text = String::new();
    while let Some(item) = stream.next().await {
        if let StreamEvent::TextDelta { text: delta } = item.unwrap() {
            text.push_str(&delta);
        }
    }
    assert_eq!(text, "Second try");
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_error_before_output_is_classified_as_such() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(json!({"error": {"message": "bad model"}})),
        )
        .mount(&server)
        .await;
    let client = client("openrouter", &server.uri(), fast_http());
    let mut stream = client.stream(hello());
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(error, ChatError::BadRequest { status: 400, .. }),
        "{error:?}"
    );
    assert!(stream.failed_before_output());
}
