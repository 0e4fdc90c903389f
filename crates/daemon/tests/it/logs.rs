//! Logs carry request ids and never a secret: the daemon token, OAuth codes, API keys.

use std::io::Write;
use std::sync::{Arc, Mutex};

use secrecy::ExposeSecret;

use crate::support::Home;

/// Everything the daemon logs while a test runs.
#[derive(Clone, Default)]
pub(crate) struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// Installs a capturing subscriber for this thread (tests run on a current-thread runtime,
    /// so every task of an in-process daemon logs here).
    pub(crate) fn install(&self) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(self.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for CapturedLogs {
    type Writer = Self;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn requests_are_logged_with_ids_and_without_secrets() {
    let logs = CapturedLogs::default();
    let _guard = logs.install();
    let home = Home::new();
    let daemon = home.spawn().await;
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = daemon.base_url();
    let token = daemon.token().expose_secret().to_owned();

    let ok = http
        .get(format!("{base}/api/nope"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 404);
    let id = ok.headers()["x-request-id"].to_str().unwrap().to_owned();
    let wrong = http
        .get(format!("{base}/api/providers"))
        .bearer_auth("wrong-token-value-xyz")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let callback = http
        .get(format!(
            "{base}/api/provider/oauth/callback?code=secret-code-abc&state=s"
        ))
        .send()
        .await
        .unwrap();
    assert!(callback.status().is_client_error() || callback.status().is_success());
    daemon.shutdown().await.unwrap();

    let text = logs.text();
    assert!(
        text.contains(&format!("request{{id={id} method=GET path=/api/nope}}")),
        "{text}"
    );
    assert!(text.contains("status=404"), "{text}");
    assert!(
        text.contains("daemon listening") && text.contains("daemon stopped"),
        "{text}"
    );
    for secret in [token.as_str(), "wrong-token-value-xyz", "secret-code-abc"] {
        assert!(
            !text.contains(secret),
            "`{secret}` leaked into the log:\n{text}"
        );
    }
}

#[tokio::test]
async fn provider_keys_never_reach_the_log_even_when_a_server_echoes_them() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    const KEY: &str = "sk-LOGTEST-SECRET-424242";
    let server = MockServer::start().await;
    let echo = ResponseTemplate::new(401)
        .set_body_json(serde_json::json!({"error": {"message": format!("Incorrect API key provided: {KEY}"), "code": "invalid_api_key"}}));
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(echo.clone())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(echo)
        .mount(&server)
        .await;

    let logs = CapturedLogs::default();
    let _guard = logs.install();
    let home = Home::new();
    home.add_key_provider("work", "openai", &format!("{}/v1", server.uri()), KEY);
    let daemon = home.spawn_quiet().await;
    let client = daemon.client();
    client.probe("work").await.unwrap();
    client.providers().await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/v1/chat/completions", daemon.base_url()))
        .bearer_auth(daemon.token().expose_secret())
        .json(&serde_json::json!({"model": "work/gpt-5", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body = response.text().await.unwrap();
    daemon.shutdown().await.unwrap();
    let text = logs.text();
    assert!(text.contains("upstream chat failed"), "{text}");
    assert!(
        !text.contains(KEY),
        "the API key leaked into the log:\n{text}"
    );
    assert!(
        !body.contains(KEY),
        "the API key leaked into the response: {body}"
    );
}

/// For every status a server may echo a key with, neither `/v1/*` nor `/api/chat` error
/// bodies nor the log carry it.
#[tokio::test]
async fn an_echoed_key_reaches_no_response_and_no_log_for_any_status() {
    use futures_util::StreamExt;
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    const KEY: &str = "sk-ECHOED-SECRET-777777";
    for status in [400_u16, 403, 429, 500] {
        let server = MockServer::start().await;
        let text = format!("you sent Bearer {KEY}");
        Mock::given(method("POST"))
            .and(path("/v1/responses"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(serde_json::json!({"error": {"message": text, "code": text}})),
            )
            .mount(&server)
            .await;
        let logs = CapturedLogs::default();
        let _guard = logs.install();
        let home = Home::new();
        home.add_key_provider("work", "openai", &format!("{}/v1", server.uri()), KEY);
        let daemon = home.spawn_quiet().await;
        let http = reqwest::Client::new();
        let mut bodies = Vec::new();
        for (route, body) in [
            (
                "/v1/chat/completions",
                serde_json::json!({"model": "work/gpt-5", "messages": [{"role": "user", "content": "hi"}]}),
            ),
            (
                "/v1/chat/completions",
                serde_json::json!({"model": "work/gpt-5", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
            ),
            (
                "/v1/responses",
                serde_json::json!({"model": "work/gpt-5", "input": "hi"}),
            ),
        ] {
            let response = http
                .post(format!("{}{route}", daemon.base_url()))
                .bearer_auth(daemon.token().expose_secret())
                .json(&body)
                .send()
                .await
                .unwrap();
            bodies.push(response.text().await.unwrap());
        }
        let chat = daemon
            .client()
            .chat(&netclaw_daemon::api::ChatRequest {
                provider: Some("work".into()),
                model: Some("gpt-5".into()),
                messages: vec![netclaw_providers::chat::Message::user("hi")],
                tools: Vec::new(),
            })
            .await;
        match chat {
            Ok(stream) => {
                let events: Vec<String> = stream.map(|event| format!("{event:?}")).collect().await;
                bodies.extend(events);
            }
            Err(error) => bodies.push(format!("{error:?}")),
        }
        daemon.shutdown().await.unwrap();
        assert!(
            !server.received_requests().await.unwrap().is_empty(),
            "the upstream was asked"
        );
        for body in &bodies {
            assert!(!body.contains(KEY), "{status}: the key leaked: {body}");
        }
        let log = logs.text();
        assert!(
            !log.contains(KEY),
            "{status}: the key leaked into the log:\n{log}"
        );
    }
}
