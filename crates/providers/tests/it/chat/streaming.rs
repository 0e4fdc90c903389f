//! Deltas reach the caller as their bytes arrive, and a silent stream times out.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use netclaw_providers::chat::{
    ChatError, ChatRequest, HttpSettings, Message, StreamEvent, TimeoutPhase,
};
use tokio::sync::Notify;

use super::support::{
    client, completed, fast_http, raw_server, text_delta, write_chunk, write_stream_head,
};

#[tokio::test]
async fn each_delta_is_yielded_before_the_next_is_sent() {
    let next = Arc::new(Notify::new());
    let server_next = Arc::clone(&next);
    let (uri, _) = raw_server(move |mut socket, _| {
        let next = Arc::clone(&server_next);
        async move {
            write_stream_head(&mut socket).await;
            for word in ["one", "two", "three"] {
                write_chunk(&mut socket, &text_delta(word)).await;
                // The next delta is written only after the client yielded this one.
                next.notified().await;
            }
            write_chunk(&mut socket, &completed()).await;
            write_chunk(&mut socket, b"").await;
        }
    })
    .await;
    let client = client("codex", &uri, fast_http());
    let mut stream = client.stream(ChatRequest::new("m", vec![Message::user("Hi")]));
    for word in ["one", "two", "three"] {
        let event = stream.next().await.unwrap().unwrap();
        assert_eq!(event, StreamEvent::TextDelta { text: word.into() });
        next.notify_one();
    }
    let rest: Vec<_> = stream.collect().await;
    assert!(
        matches!(rest.last(), Some(Ok(StreamEvent::Done { .. }))),
        "{rest:?}"
    );
}

#[tokio::test]
async fn a_stream_that_goes_silent_hits_the_idle_timeout() {
    let release = Arc::new(Notify::new());
    let server_release = Arc::clone(&release);
    let (uri, _) = raw_server(move |mut socket, _| {
        let release = Arc::clone(&server_release);
        async move {
            write_stream_head(&mut socket).await;
            write_chunk(&mut socket, &text_delta("partial")).await;
            release.notified().await;
        }
    })
    .await;
    let http = HttpSettings {
        idle_timeout: Duration::from_millis(200),
        ..fast_http()
    };
    let client = client("codex", &uri, http);
    let mut stream = client.stream(ChatRequest::new("m", vec![Message::user("Hi")]));
    assert_eq!(
        stream.next().await.unwrap().unwrap(),
        StreamEvent::TextDelta {
            text: "partial".into()
        }
    );
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(
            error,
            ChatError::Timeout {
                phase: TimeoutPhase::Idle,
                ..
            }
        ),
        "{error:?}"
    );
    release.notify_one();
}
