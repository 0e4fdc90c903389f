//! Streaming answers: SSE frames written one by one, optionally pausing after the first delta.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;

use super::{Shared, VendorEvent};

/// One `event:`/`data:` frame (no `event:` line when `event` is empty).
pub(super) fn frame(event: &str, data: &serde_json::Value) -> String {
    if event.is_empty() {
        format!("data: {data}\n\n")
    } else {
        format!("event: {event}\ndata: {data}\n\n")
    }
}

/// A `text/event-stream` response that writes `frames` as they come, pausing before frame
/// `hold_at` while the vendor holds streams, and records [`VendorEvent::ChatFinished`] for
/// `path` after the last one.
pub(super) fn respond(
    shared: Arc<Shared>,
    path: &str,
    frames: Vec<String>,
    hold_at: usize,
) -> Response {
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    let path = path.to_owned();
    tokio::spawn(async move {
        for (index, frame) in frames.into_iter().enumerate() {
            if index == hold_at {
                shared.streams.pass().await;
            }
            if tx.send(Bytes::from(frame)).await.is_err() {
                // The client went away.
                return;
            }
        }
        shared.record(VendorEvent::ChatFinished { path });
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
    });
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(body),
    )
        .into_response()
}
