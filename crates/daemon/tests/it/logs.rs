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
