//! A server that echoes the credential it was sent in its error body (OpenAI-compatible
//! proxies do) never gets that credential into a chat error, on any wire and any status.

use std::sync::Arc;

use netclaw_providers::bearer::StaticBearer;
use netclaw_providers::chat::{
    AnthropicClient, ChatClient, ChatCompletionsClient, ChatRequest, ClientConfig, CodexClient,
    CompletionsFlavor, Message, OllamaClient, OpenAiResponsesClient, RetryPolicy,
};
use serde_json::json;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use super::support::{bearer, fast_http};

const KEY: &str = "sk-echoed-0123456789abcdef";

/// Answers `status` with a body holding whatever credential header came in.
struct Echo(u16);

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let sent: Vec<String> = ["authorization", "x-api-key"]
            .iter()
            .filter_map(|name| request.headers.get(*name))
            .filter_map(|value| value.to_str().ok())
            .map(str::to_owned)
            .collect();
        let text = format!("invalid request; you sent {}", sent.join(" and "));
        ResponseTemplate::new(self.0).set_body_json(json!({
            "error": {"message": text, "type": text, "code": text},
            "detail": text,
        }))
    }
}

fn keyed(kind: &str, base_url: &str) -> Arc<dyn ChatClient> {
    let http = netclaw_providers::chat::HttpSettings {
        retry: RetryPolicy::none(),
        ..fast_http()
    };
    let config = ClientConfig::new(kind, base_url)
        .with_http(http)
        .with_bearer(Arc::new(StaticBearer::new(
            kind,
            bearer(KEY, Some("acct_123")),
        )));
    match kind {
        "codex" => Arc::new(CodexClient::new(config).unwrap()),
        "responses" => Arc::new(OpenAiResponsesClient::new(config).unwrap()),
        "anthropic" => Arc::new(AnthropicClient::new(config).unwrap()),
        "completions" => {
            Arc::new(ChatCompletionsClient::new(config, CompletionsFlavor::Compatible).unwrap())
        }
        "ollama" => Arc::new(OllamaClient::new(config).unwrap()),
        other => panic!("unknown wire {other}"),
    }
}

#[tokio::test]
async fn an_echoed_credential_never_reaches_a_chat_error() {
    for kind in ["codex", "responses", "anthropic", "completions", "ollama"] {
        for status in [400, 403, 429, 500] {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(Echo(status))
                .mount(&server)
                .await;
            let client = keyed(kind, &server.uri());
            let request = ChatRequest::new("m", vec![Message::user("Hi")]);
            let error = client.stream(request).collect_response().await.unwrap_err();
            // The server did see and echo the key: the test would catch a leak.
            let echoed = server.received_requests().await.unwrap();
            assert!(!echoed.is_empty(), "{kind} {status}");
            for shown in [
                error.user_message(),
                error.technical_message(),
                error.summary(),
                format!("{error:?}"),
            ] {
                assert!(
                    !shown.contains(KEY) && !shown.contains("0123456789abcdef"),
                    "{kind} {status} leaked the key: {shown}"
                );
            }
        }
    }
}
