//! Answering like a streaming vendor: wiremock responses with a `text/event-stream` body.

/// A wiremock response streaming `body` as server-sent events.
pub fn sse(body: impl Into<Vec<u8>>) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_raw(body.into(), "text/event-stream")
}

/// The same for a text body.
pub fn sse_text(body: &str) -> wiremock::ResponseTemplate {
    sse(body.as_bytes().to_vec())
}
