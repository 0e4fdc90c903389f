//! Shared test set-up: temp homes, in-process daemons, oneshot requests.

use axum::body::Body;
use http::{Request, Response};
use http_body_util::BodyExt;
use netclaw_config::{EnvSnapshot, Paths};
use netclaw_daemon::{AppState, DaemonOptions, RunningDaemon, StateInit};
use secrecy::SecretString;
use tower::ServiceExt;

/// The token router tests use.
pub(crate) const TEST_TOKEN: &str = "test-token-0123456789abcdef";
/// The port router tests pretend to listen on.
pub(crate) const TEST_PORT: u16 = 5199;

/// A temp home that lives as long as the value.
pub(crate) struct Home {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) paths: Paths,
}

impl Home {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        Self { dir, paths }
    }

    pub(crate) fn env(&self) -> EnvSnapshot {
        EnvSnapshot::from_pairs([("HOME", self.dir.path().to_str().unwrap())])
    }

    /// State for a router under test.
    pub(crate) fn state(&self) -> AppState {
        AppState::new(StateInit::new(
            self.paths.clone(),
            self.env(),
            SecretString::from(TEST_TOKEN),
            TEST_PORT,
        ))
    }

    /// A real daemon on a free loopback port.
    pub(crate) async fn spawn(&self) -> RunningDaemon {
        netclaw_daemon::spawn(
            self.paths.clone(),
            self.env(),
            DaemonOptions {
                port: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap()
    }
}

/// A request with a correct `Host` for [`TEST_PORT`].
pub(crate) fn request(method: &str, path: &str) -> http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header("host", format!("127.0.0.1:{TEST_PORT}"))
}

/// Same, with the test bearer token.
pub(crate) fn authed(method: &str, path: &str) -> http::request::Builder {
    request(method, path).header("authorization", format!("Bearer {TEST_TOKEN}"))
}

/// Sends `req` through the router and returns status and body.
pub(crate) async fn oneshot(state: &AppState, req: Request<Body>) -> (http::StatusCode, String) {
    let response: Response<Body> = netclaw_daemon::router(state.clone())
        .oneshot(req)
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

/// Parses a JSON body.
pub(crate) fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// A config store for the home (same identity rules as the daemon).
impl Home {
    pub(crate) fn store(&self) -> netclaw_config::ConfigStore {
        netclaw_config::ConfigStore::new(self.paths.clone(), &self.env())
    }

    /// Configures provider `name` of `type_key` at `endpoint` with an API key.
    pub(crate) fn add_key_provider(&self, name: &str, type_key: &str, endpoint: &str, key: &str) {
        let mut entry = netclaw_config::ProviderEntry::new(type_key);
        entry.auth_method = netclaw_config::AuthMethod::ApiKey;
        entry.endpoint = Some(endpoint.to_owned());
        self.store()
            .write_provider(
                name,
                netclaw_config::ProviderWrite {
                    entry,
                    credentials: netclaw_config::CredentialWrite::ApiKey(SecretString::from(key)),
                },
            )
            .unwrap();
    }

    /// Configures an `openai` provider logged in through the ChatGPT subscription (Codex).
    pub(crate) fn add_codex_provider(
        &self,
        name: &str,
        endpoint: &str,
        issuer: &str,
        access: &str,
        refresh: &str,
        expires_at: jiff::Timestamp,
    ) {
        let mut entry = netclaw_config::ProviderEntry::new("openai");
        entry.auth_method = netclaw_config::AuthMethod::OAuthPkce;
        entry.endpoint = Some(endpoint.to_owned());
        entry.oauth = Some(netclaw_config::OAuthOverrides {
            issuer: Some(issuer.to_owned()),
            ..Default::default()
        });
        self.store()
            .write_provider(
                name,
                netclaw_config::ProviderWrite {
                    entry,
                    credentials: netclaw_config::CredentialWrite::OAuth(
                        netclaw_config::OAuthTokens {
                            access_token: SecretString::from(access),
                            refresh_token: Some(SecretString::from(refresh)),
                            id_token: None,
                            account_id: Some(SecretString::from("acct-123")),
                            expires_at: Some(expires_at),
                        },
                    ),
                },
            )
            .unwrap();
    }

    /// Sets the main model.
    pub(crate) fn set_main(&self, provider: &str, model: &str) {
        self.store()
            .set_model_role(
                netclaw_config::ModelRole::Main,
                Some(netclaw_config::ModelRef {
                    provider: provider.to_owned(),
                    model_id: model.to_owned(),
                    context_window: None,
                    provenance: None,
                    input_modalities: None,
                    output_modalities: None,
                    extra: serde_json::Map::new(),
                }),
            )
            .unwrap();
    }

    /// A daemon on a free port with no file watcher and no background refresh (tests that
    /// need them turn them on).
    pub(crate) async fn spawn_quiet(&self) -> RunningDaemon {
        netclaw_daemon::spawn(
            self.paths.clone(),
            self.env(),
            DaemonOptions {
                port: Some(0),
                watch_interval: None,
                refresh: None,
                ..Default::default()
            },
        )
        .await
        .unwrap()
    }
}

/// A fixture stream under `tests/fixtures`.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

/// A wiremock SSE response.
pub(crate) fn sse(body: Vec<u8>) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_raw(body, "text/event-stream")
}
