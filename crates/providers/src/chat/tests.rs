//! Unit tests of chat decoding: every recorded stream, split at every byte offset, decodes
//! to the same events as when it arrives whole.

use std::path::{Path, PathBuf};

use super::transport::decode_chunks;
use super::wire::Wire;
use super::{
    AnthropicClient, ChatCompletionsClient, ClientConfig, CodexClient, CompletionsFlavor,
    OllamaClient,
};

fn fixtures(vendor: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/streams")
        .join(vendor);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture directory exists")
        .map(|entry| entry.expect("readable entry").path())
        .collect();
    files.sort();
    assert!(files.len() >= 4, "recorded streams in {}", dir.display());
    files
}

fn render(wire: &dyn Wire, chunks: &[&[u8]]) -> Vec<String> {
    decode_chunks(wire, chunks)
        .into_iter()
        .map(|item| match item {
            Ok(event) => format!("{event:?}"),
            Err(error) => format!("error: {error:?}"),
        })
        .collect()
}

fn assert_split_invariant(vendor: &str, wire: &dyn Wire) {
    for path in fixtures(vendor) {
        let bytes = std::fs::read(&path).expect("fixture is readable");
        let whole = render(wire, &[&bytes]);
        assert!(!whole.is_empty(), "{} decodes to events", path.display());
        for cut in 0..=bytes.len() {
            let split = render(wire, &[&bytes[..cut], &bytes[cut..]]);
            assert_eq!(split, whole, "{} split at byte {cut}", path.display());
        }
        let single_bytes: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(
            render(wire, &single_bytes),
            whole,
            "{} byte by byte",
            path.display()
        );
    }
}

fn config() -> ClientConfig {
    ClientConfig::new("test", "http://127.0.0.1:9")
}

#[test]
fn responses_streams_decode_identically_at_every_split() {
    let client = CodexClient::new(config()).expect("client builds");
    assert_split_invariant("responses", client.transport.wire.as_ref());
}

#[test]
fn anthropic_streams_decode_identically_at_every_split() {
    let client = AnthropicClient::new(config()).expect("client builds");
    assert_split_invariant("anthropic", client.transport.wire.as_ref());
}

#[test]
fn completions_streams_decode_identically_at_every_split() {
    let client =
        ChatCompletionsClient::new(config(), CompletionsFlavor::OpenRouter).expect("client builds");
    assert_split_invariant("completions", client.transport.wire.as_ref());
}

#[test]
fn ollama_streams_decode_identically_at_every_split() {
    let client = OllamaClient::new(config()).expect("client builds");
    assert_split_invariant("ollama", client.transport.wire.as_ref());
}

#[test]
fn backoff_doubles_with_jitter_and_honours_retry_after() {
    let policy = super::RetryPolicy::default();
    for retry in 1..=3 {
        let plain = policy.base_delay * (1 << (retry - 1));
        let delay = policy.delay(retry, None);
        assert!(
            delay >= plain.mul_f64(0.9) && delay < plain.mul_f64(1.1),
            "{delay:?}"
        );
    }
    let after = std::time::Duration::from_secs(7);
    assert_eq!(policy.delay(1, Some(after)), after);
}

#[test]
fn try_again_in_reads_seconds_and_milliseconds() {
    use super::responses::try_again_in;
    use std::time::Duration;
    assert_eq!(
        try_again_in("Please try again in 1.5s."),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        try_again_in("try again in 20ms"),
        Some(Duration::from_millis(20))
    );
    assert_eq!(
        try_again_in("Try again in 3 seconds"),
        Some(Duration::from_secs(3))
    );
    assert_eq!(try_again_in("try later"), None);
}

#[test]
fn delays_a_server_names_are_clamped_to_a_week() {
    use super::MAX_SERVER_DELAY;
    use super::responses::try_again_in;
    use super::wire::retry_after;
    let week = MAX_SERVER_DELAY;
    assert_eq!(
        try_again_in("Please try again in 99999999999999999999999s."),
        Some(week)
    );
    assert_eq!(try_again_in("try again in 1e400ms"), None);
    for value in ["1e20", "18446744073709551616", "1e308"] {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, value.parse().unwrap());
        assert_eq!(retry_after(&headers), Some(week), "{value}");
    }
    for value in ["-1", "NaN", "inf"] {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::RETRY_AFTER, value.parse().unwrap());
        assert_eq!(retry_after(&headers), None, "{value}");
    }
}
