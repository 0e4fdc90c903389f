//! Recorded vendor streams, served over loopback, parsed into normalized events.

use netclaw_providers::chat::{ChatRequest, Message, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer};

use super::support::{client, fast_http, fixture, fixture_names, render, stream_response};

async fn snapshot_family(kind: &str, family: &str) {
    let names = fixture_names(family);
    assert!(names.len() >= 4, "{family} has recorded streams");
    for name in names {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(stream_response(fixture(family, &name)))
            .mount(&server)
            .await;
        let http = netclaw_providers::chat::HttpSettings {
            retry: RetryPolicy::none(),
            ..fast_http()
        };
        let client = client(kind, &server.uri(), http);
        let items = render(client.stream(ChatRequest::new("m", vec![Message::user("Hi")]))).await;
        let stem = name.split('.').next().unwrap().to_owned();
        insta::assert_json_snapshot!(format!("stream_{family}_{stem}"), items);
    }
}

#[tokio::test]
async fn responses_streams_parse_into_events() {
    snapshot_family("codex", "responses").await;
}

#[tokio::test]
async fn anthropic_streams_parse_into_events() {
    snapshot_family("anthropic", "anthropic").await;
}

#[tokio::test]
async fn completions_streams_parse_into_events() {
    snapshot_family("openrouter", "completions").await;
}

#[tokio::test]
async fn ollama_streams_parse_into_events() {
    snapshot_family("ollama", "ollama").await;
}
