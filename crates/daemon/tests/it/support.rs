//! Shared test set-up: temp homes, in-process daemons, oneshot requests.

use axum::body::Body;
use http::{Request, Response};
use http_body_util::BodyExt;
use netclaw_daemon::{AppState, DaemonOptions, RunningDaemon, StateInit};
use netclaw_test_support::TempHome;
use secrecy::SecretString;
use tower::ServiceExt;

/// The token router tests use.
pub(crate) const TEST_TOKEN: &str = "test-token-0123456789abcdef";
/// The port router tests pretend to listen on.
pub(crate) const TEST_PORT: u16 = 5199;

/// A temp home that lives as long as the value, with the daemon-specific set-ups below.
pub(crate) struct Home(TempHome);

impl std::ops::Deref for Home {
    type Target = TempHome;
    fn deref(&self) -> &TempHome {
        &self.0
    }
}

impl Home {
    pub(crate) fn new() -> Self {
        Self(TempHome::new())
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

impl Home {
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

pub(crate) use netclaw_test_support::sse;
