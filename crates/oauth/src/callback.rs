//! The loopback callback listener on `127.0.0.1`, written on a bare `TcpListener`.
//!
//! It accepts connections concurrently (browsers open idle pre-connections), reads at most
//! 8 KiB of request head per connection, answers every request with `Connection: close`, and
//! keeps listening after a stray request (wrong path, wrong or missing state). The login ends on
//! the first request with the right state: success, `error=` (denied), timeout, or cancellation.

mod pages;
pub(crate) mod request;

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::JoinSet;
use url::Url;

use self::pages::Page;
pub use self::pages::SUCCESS_TEXT;
use self::request::{BadRequest, RequestTarget, parse_request_line, read_head};
use crate::error::OAuthError;
use crate::redirect::{constant_time_eq, params_from_query};

/// How long a browser login waits for the callback by default.
pub const DEFAULT_CALLBACK_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// How long the final page may take to be written before the listener stops anyway.
const FINAL_WRITE_GRACE: Duration = Duration::from_secs(5);

/// Cancels a waiting [`CallbackListener`]; clone it into whatever decides to stop.
#[derive(Debug, Clone, Default)]
pub struct CallbackCanceller {
    notify: Arc<Notify>,
}

impl CallbackCanceller {
    /// Ends the wait with [`OAuthError::Cancelled`] (also when called before the wait starts).
    pub fn cancel(&self) {
        self.notify.notify_one();
    }
}

/// A bound loopback listener waiting for the authorization redirect.
#[derive(Debug)]
pub struct CallbackListener {
    listener: TcpListener,
    port: u16,
    path: String,
    canceller: CallbackCanceller,
}

/// A request the main loop must answer.
struct Routed {
    target: RequestTarget,
    reply: oneshot::Sender<(Page, oneshot::Sender<()>)>,
}

impl CallbackListener {
    /// Binds `127.0.0.1` on the first free port of `candidate_ports` (`0` = any free port) and
    /// serves `callback_path`. Use [`crate::OAuthClientConfig::callback_ports`] for the
    /// candidates and the redirect URI's path for `callback_path`.
    ///
    /// # Errors
    /// [`OAuthError::PortsInUse`] when every candidate is taken (the message suggests the device
    /// flow), [`OAuthError::Bind`] for other socket errors.
    pub async fn bind(candidate_ports: &[u16], callback_path: &str) -> Result<Self, OAuthError> {
        for &port in candidate_ports {
            match TcpListener::bind(("127.0.0.1", port)).await {
                Ok(listener) => {
                    let port = listener
                        .local_addr()
                        .map_err(|source| OAuthError::Bind { port, source })?
                        .port();
                    if port != candidate_ports[0] {
                        tracing::info!(
                            port,
                            "callback port {} busy; listening on {port}",
                            candidate_ports[0]
                        );
                    }
                    let path = if callback_path.is_empty() {
                        "/".to_owned()
                    } else {
                        callback_path.to_owned()
                    };
                    return Ok(Self {
                        listener,
                        port,
                        path,
                        canceller: CallbackCanceller::default(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
                    tracing::debug!(port, "callback port in use");
                }
                Err(source) => return Err(OAuthError::Bind { port, source }),
            }
        }
        Err(OAuthError::PortsInUse {
            ports: candidate_ports.to_vec(),
        })
    }

    /// The port actually bound.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `configured` with its port replaced by the bound one: the redirect URI to put in the
    /// authorize URL and the code exchange.
    #[must_use]
    pub fn redirect_uri(&self, configured: &Url) -> Url {
        let mut url = configured.clone();
        // Only fails for URLs that cannot have a port; those cannot be loopback redirects anyway.
        let _ = url.set_port(Some(self.port));
        url
    }

    /// A handle that cancels the wait.
    #[must_use]
    pub fn canceller(&self) -> CallbackCanceller {
        self.canceller.clone()
    }

    /// Waits for the redirect carrying `expected_state`, then returns its code. The success page
    /// is shown before the caller exchanges the code; prefer [`CallbackListener::serve`].
    ///
    /// # Errors
    /// As [`CallbackListener::serve`].
    pub async fn wait_for_code(
        self,
        expected_state: &str,
        timeout: Duration,
    ) -> Result<SecretString, OAuthError> {
        self.serve(expected_state, timeout, |code| async move { Ok(code) })
            .await
    }

    /// Waits for the redirect carrying `expected_state`, runs `complete` with its code (e.g. the
    /// code exchange) and shows the browser the outcome: the success page, or the error.
    ///
    /// # Errors
    /// [`OAuthError::Denied`] for an `error=` redirect, [`OAuthError::Timeout`],
    /// [`OAuthError::Cancelled`], or whatever `complete` returned.
    pub async fn serve<T, F, Fut>(
        self,
        expected_state: &str,
        timeout: Duration,
        complete: F,
    ) -> Result<T, OAuthError>
    where
        F: FnOnce(SecretString) -> Fut,
        Fut: Future<Output = Result<T, OAuthError>>,
    {
        let (tx, mut rx) = mpsc::channel::<Routed>(16);
        let mut connections = JoinSet::new();
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let cancelled = self.canceller.notify.clone();
        loop {
            tokio::select! {
                () = &mut deadline => return Err(OAuthError::Timeout { after: timeout }),
                () = cancelled.notified() => return Err(OAuthError::Cancelled),
                accepted = self.listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        connections.spawn(handle_connection(stream, tx.clone()));
                    }
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
                Some(routed) = rx.recv() => {
                    let Routed { target, reply } = routed;
                    match self.route(&target, expected_state) {
                        Route::Answer(page) => { let _ = send_page(reply, page, None).await; }
                        Route::Denied { error, description } => {
                            let page = pages::denied(&error, description.as_deref());
                            send_page(reply, page, Some(FINAL_WRITE_GRACE)).await;
                            return Err(OAuthError::Denied { error, description });
                        }
                        Route::Code(code) => {
                            let result = complete(code).await;
                            let page = match &result {
                                Ok(_) => pages::success(),
                                Err(e) => pages::failed(&e.to_string()),
                            };
                            send_page(reply, page, Some(FINAL_WRITE_GRACE)).await;
                            return result;
                        }
                    }
                }
            }
        }
    }

    fn route(&self, target: &RequestTarget, expected_state: &str) -> Route {
        if target.path != self.path {
            return Route::Answer(pages::not_found());
        }
        let state = url::form_urlencoded::parse(target.query.as_bytes())
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned());
        match state {
            Some(s) if constant_time_eq(s.as_bytes(), expected_state.as_bytes()) => {}
            _ => return Route::Answer(pages::state_mismatch()),
        }
        match params_from_query(&target.query) {
            Ok(params) => Route::Code(params.code),
            Err(OAuthError::Denied { error, description }) => Route::Denied { error, description },
            Err(_) => Route::Answer(pages::missing_code()),
        }
    }
}

enum Route {
    Answer(Page),
    Denied {
        error: String,
        description: Option<String>,
    },
    Code(SecretString),
}

/// Hands the page to the connection task; with `wait`, also waits (bounded) until it is written.
async fn send_page(
    reply: oneshot::Sender<(Page, oneshot::Sender<()>)>,
    page: Page,
    wait: Option<Duration>,
) {
    let (done_tx, done_rx) = oneshot::channel();
    if reply.send((page, done_tx)).is_err() {
        return;
    }
    if let Some(grace) = wait {
        let _ = tokio::time::timeout(grace, done_rx).await;
    }
}

async fn handle_connection(mut stream: TcpStream, routes: mpsc::Sender<Routed>) {
    let head = match read_head(&mut stream).await {
        Ok(Some(head)) => head,
        Ok(None) => return,
        Err(bad) => return write_bad_request(&mut stream, bad).await,
    };
    let head_only = head.starts_with(b"HEAD ");
    let target = match parse_request_line(&head) {
        Ok(target) => target,
        Err(bad) => return write_bad_request(&mut stream, bad).await,
    };
    let (reply_tx, reply_rx) = oneshot::channel();
    if routes
        .send(Routed {
            target,
            reply: reply_tx,
        })
        .await
        .is_err()
    {
        return;
    }
    let Ok((page, done)) = reply_rx.await else {
        return;
    };
    let _ = stream.write_all(&pages::render(&page, head_only)).await;
    let _ = stream.shutdown().await;
    let _ = done.send(());
}

async fn write_bad_request(stream: &mut TcpStream, bad: BadRequest) {
    let (status, reason) = bad.status();
    let _ = stream
        .write_all(&pages::render(&pages::bad_request(status, reason), false))
        .await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests;
