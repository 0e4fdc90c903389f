//! Entry points for the fuzz targets in `fuzz/` and their corpus replay test: untrusted bytes
//! into netclaw-providers' parsers. Hidden from the docs; not an API to build on.

use std::sync::OnceLock;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::chat::transport::decode_chunks;
use crate::chat::wire::Wire;
use crate::chat::{
    AnthropicClient, ChatCompletionsClient, ClientConfig, CodexClient, CompletionsFlavor,
    OllamaClient, OpenAiResponsesClient,
};

/// Every chat wire, built once (building a client builds an HTTP client).
fn wires() -> &'static [&'static dyn Wire] {
    static WIRES: OnceLock<Vec<&'static dyn Wire>> = OnceLock::new();
    WIRES.get_or_init(|| {
        let config = || ClientConfig::new("fuzz", "http://127.0.0.1:9");
        let codex: &'static CodexClient =
            Box::leak(Box::new(CodexClient::new(config()).expect("builds")));
        let responses: &'static OpenAiResponsesClient = Box::leak(Box::new(
            OpenAiResponsesClient::new(config()).expect("builds"),
        ));
        let anthropic: &'static AnthropicClient =
            Box::leak(Box::new(AnthropicClient::new(config()).expect("builds")));
        let completions: &'static ChatCompletionsClient = Box::leak(Box::new(
            ChatCompletionsClient::new(config(), CompletionsFlavor::OpenRouter).expect("builds"),
        ));
        let ollama: &'static OllamaClient =
            Box::leak(Box::new(OllamaClient::new(config()).expect("builds")));
        vec![
            codex.transport.wire.as_ref(),
            responses.transport.wire.as_ref(),
            anthropic.transport.wire.as_ref(),
            completions.transport.wire.as_ref(),
            ollama.transport.wire.as_ref(),
        ]
    })
}

/// A response of one chat wire. Byte 0 picks the wire (Codex, OpenAI Responses, Anthropic,
/// Chat Completions, Ollama); byte 1 picks what the bytes are:
/// - even: a response body stream (SSE or NDJSON by the wire), cut into chunks at every
///   `0xff` byte so splits land anywhere;
/// - odd: an error response: bytes 2–3 the status, then header lines (`name: value`) up to a
///   blank line, then the body, through the error mapping and the rate-limit headers.
pub fn chat_wire(bytes: &[u8]) {
    let [wire, mode, rest @ ..] = bytes else {
        return;
    };
    let wires = wires();
    let wire = wires[usize::from(*wire) % wires.len()];
    if mode % 2 == 0 {
        let chunks: Vec<&[u8]> = rest.split(|b| *b == 0xff).collect();
        for item in decode_chunks(wire, &chunks) {
            if let Err(error) = item {
                let _ = (error.user_message(), error.technical_message());
            }
        }
        return;
    }
    let [high, low, rest @ ..] = rest else {
        return;
    };
    let status = StatusCode::from_u16(400 + u16::from_be_bytes([*high, *low]) % 200)
        .unwrap_or(StatusCode::BAD_REQUEST);
    let text = String::from_utf8_lossy(rest);
    let (head, body) = text.split_once("\n\n").unwrap_or(("", &text));
    let mut headers = HeaderMap::new();
    for line in head.lines() {
        if let Some((name, value)) = line.split_once(':')
            && let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.trim().as_bytes()),
                HeaderValue::from_str(value.trim()),
            )
        {
            headers.append(name, value);
        }
    }
    let error = wire.http_error(status, &headers, body);
    let _ = (error.user_message(), error.retry_after());
    let _ = wire.rate_limits(&headers);
}

/// A Codex `/models` listing.
pub fn codex_models(bytes: &[u8]) {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let _ = crate::probe::parse_codex_catalog(&json);
    }
}
