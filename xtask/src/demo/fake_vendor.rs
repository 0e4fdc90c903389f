//! The demo vendor: a local stand-in for an LLM vendor on 127.0.0.1, used by `cargo xtask demo`
//! and the workspace end-to-end tests.
//!
//! One server speaks four shapes, each at the path the real vendor uses relative to the
//! endpoint or issuer netclaw is given:
//! - OpenAI-compatible (`--endpoint {uri}`): `GET /v1/models`, `POST /v1/chat/completions`
//!   (streaming and not);
//! - the Codex backend (`--endpoint {uri}/backend-api/codex`): `GET /models`, `POST /responses`
//!   (streaming), which require a bearer this vendor issued and the matching `ChatGPT-Account-Id`;
//! - OpenAI's OAuth issuer (`--issuer {uri}`): the device-code endpoints and `POST /oauth/token`
//!   for the code exchange and refresh grants. Each refresh rotates the refresh token; a used
//!   refresh token is refused with `refresh_token_reused`, as the real issuer does.
//!
//! Every answer says it comes from the demo vendor. Tests steer it with [`FakeVendorOptions`]
//! (token lifetime, streams that pause until [`FakeVendor::release_streams`], refreshes that
//! wait for [`FakeVendor::release_refreshes`]) and watch it with [`FakeVendor::wait_for`].

mod codex;
mod compatible;
mod issuer;
mod sse;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The label every answer of the demo vendor carries.
pub const DEMO_LABEL: &str = "netclaw demo vendor";
/// The model the OpenAI-compatible side lists.
pub const COMPATIBLE_MODEL: &str = "demo-chat";
/// The context window the OpenAI-compatible side reports for [`COMPATIBLE_MODEL`].
pub const COMPATIBLE_CONTEXT_WINDOW: u64 = 32_768;
/// The ChatGPT account id in the issued id tokens.
pub const ACCOUNT_ID: &str = "demo-account-1";
/// The user code of the device flow.
pub const USER_CODE: &str = "DEMO-0001";

/// The models the Codex side lists: slug, display name, context window.
pub const CODEX_MODELS: [(&str, &str, u64); 2] = [
    ("gpt-demo", "GPT Demo", 272_000),
    ("gpt-demo-mini", "GPT Demo Mini", 128_000),
];

/// How the demo vendor behaves.
#[derive(Debug, Clone)]
pub struct FakeVendorOptions {
    /// `expires_in` of every issued access token.
    pub token_ttl: Duration,
    /// Streams pause after their first delta until [`FakeVendor::release_streams`].
    pub hold_streams: bool,
    /// Refresh grants wait (after recording [`VendorEvent::RefreshStarted`]) until
    /// [`FakeVendor::release_refreshes`].
    pub hold_refreshes: bool,
}

impl Default for FakeVendorOptions {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(3600),
            hold_streams: false,
            hold_refreshes: false,
        }
    }
}

/// Something the demo vendor saw or did, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VendorEvent {
    /// A device code was handed out.
    DeviceCodeIssued,
    /// An authorization code was exchanged for tokens.
    CodeExchanged {
        /// The code.
        code: String,
        /// The refresh token issued.
        refresh_token: String,
    },
    /// A refresh grant arrived (before any hold).
    RefreshStarted {
        /// The refresh token presented.
        presented: String,
    },
    /// A refresh grant was answered with new tokens.
    Refreshed {
        /// The refresh token presented.
        presented: String,
        /// The new access token.
        access_token: String,
        /// The new refresh token.
        refresh_token: String,
    },
    /// A held refresh grant's client went away before the hold ended, so it was never answered
    /// and its refresh token was not used.
    RefreshAbandoned {
        /// The refresh token presented.
        presented: String,
    },
    /// A refresh grant was refused (unknown or reused refresh token).
    RefreshRefused {
        /// The refresh token presented.
        presented: String,
    },
    /// A model listing was served.
    ModelsListed {
        /// The request path.
        path: String,
    },
    /// A request was refused with 401.
    Unauthorized {
        /// The request path.
        path: String,
    },
    /// A chat stream (or answer) started.
    ChatStarted {
        /// The request path.
        path: String,
        /// The bearer presented (empty when none).
        bearer: String,
        /// The last user message.
        prompt: String,
    },
    /// A chat stream sent its last byte.
    ChatFinished {
        /// The request path.
        path: String,
    },
}

/// The answer the demo vendor gives to `prompt`, as the deltas it streams.
pub fn answer_deltas(prompt: &str) -> Vec<String> {
    let text = format!(
        "Hello from the {DEMO_LABEL}! You said: \u{201c}{prompt}\u{201d}. \
         This answer was streamed word by word from 127.0.0.1; no real model was involved."
    );
    let mut deltas = Vec::new();
    let mut current = String::new();
    for ch in text.chars() {
        current.push(ch);
        if ch == ' ' {
            deltas.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        deltas.push(current);
    }
    deltas
}

/// The whole answer to `prompt`.
pub fn answer(prompt: &str) -> String {
    answer_deltas(prompt).concat()
}

/// A door that stays shut until opened once.
#[derive(Debug)]
struct Gate(watch::Sender<bool>);

impl Gate {
    fn new(open: bool) -> Self {
        Self(watch::Sender::new(open))
    }
    fn open(&self) {
        self.0.send_replace(true);
    }
    async fn pass(&self) {
        let mut rx = self.0.subscribe();
        // The sender lives as long as the vendor, so `wait_for` only ends when open.
        let _ = rx.wait_for(|open| *open).await;
    }
}

/// Tokens the issuer handed out.
#[derive(Debug, Default)]
struct Issued {
    serial: u32,
    access_tokens: Vec<String>,
    /// The refresh token that may be used next; older ones count as reused.
    current_refresh: Option<String>,
}

#[derive(Debug)]
struct Shared {
    options: FakeVendorOptions,
    issued: Mutex<Issued>,
    events: Mutex<Vec<VendorEvent>>,
    event_count: watch::Sender<usize>,
    streams: Gate,
    refreshes: Gate,
}

impl Shared {
    fn record(&self, event: VendorEvent) {
        let count = {
            let mut events = lock(&self.events);
            events.push(event);
            events.len()
        };
        self.event_count.send_replace(count);
    }

    fn knows_access_token(&self, token: &str) -> bool {
        lock(&self.issued).access_tokens.iter().any(|t| t == token)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The running demo vendor; stops when dropped.
#[derive(Debug)]
pub struct FakeVendor {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl FakeVendor {
    /// Starts the vendor on a free port of 127.0.0.1.
    pub async fn start(options: FakeVendorOptions) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            streams: Gate::new(!options.hold_streams),
            refreshes: Gate::new(!options.hold_refreshes),
            options,
            issued: Mutex::new(Issued::default()),
            events: Mutex::new(Vec::new()),
            event_count: watch::Sender::new(0),
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let router = axum::Router::new()
            .merge(compatible::routes())
            .merge(codex::routes())
            .merge(issuer::routes())
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            // The server only ends when the task is aborted.
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self { addr, shared, task })
    }

    /// `http://127.0.0.1:<port>`: the OpenAI-compatible endpoint and the OAuth issuer.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The Codex backend endpoint (`{uri}/backend-api/codex`).
    pub fn codex_endpoint(&self) -> String {
        format!("{}/backend-api/codex", self.uri())
    }

    /// Lets every held stream (and every later one) finish.
    pub fn release_streams(&self) {
        self.shared.streams.open();
    }

    /// Lets every held refresh grant (and every later one) be answered.
    pub fn release_refreshes(&self) {
        self.shared.refreshes.open();
    }

    /// Everything seen so far.
    pub fn events(&self) -> Vec<VendorEvent> {
        lock(&self.shared.events).clone()
    }

    /// The refresh token the issuer would accept next.
    pub fn current_refresh_token(&self) -> Option<String> {
        lock(&self.shared.issued).current_refresh.clone()
    }

    /// Waits until an event matching `wanted` has been recorded and returns the first one.
    pub async fn wait_for(&self, wanted: impl Fn(&VendorEvent) -> bool) -> VendorEvent {
        let mut count = self.shared.event_count.subscribe();
        loop {
            if let Some(found) = lock(&self.shared.events).iter().find(|e| wanted(e)) {
                return found.clone();
            }
            if count.changed().await.is_err() {
                // The sender lives in `shared`, which `self` holds: this cannot happen.
                std::future::pending::<()>().await;
            }
        }
    }
}

impl Drop for FakeVendor {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The bearer token of a request, if any.
fn bearer(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned()
}

/// The text of the last user message of a Chat Completions `messages` or Responses `input` list.
fn last_user_text(items: Option<&serde_json::Value>) -> String {
    let Some(items) = items.and_then(|v| v.as_array()) else {
        return String::new();
    };
    let Some(last) = items
        .iter()
        .rev()
        .find(|m| m.get("role").and_then(|r| r.as_str()) == Some("user"))
    else {
        return String::new();
    };
    match last.get("content") {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(serde_json::Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(|t| t.as_str()))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
