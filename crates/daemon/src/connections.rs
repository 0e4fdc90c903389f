//! The accept loop: at most `max_connections` open at once, a deadline for request headers
//! (which also closes keep-alive connections left idle), and the oldest idle connection
//! closed to make room, so idle or half-open sockets can never starve real requests.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// How many connections the daemon keeps open; below the common 1 024-descriptor limit with
/// room for its files and upstream connections.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// How long a client may take to send a request's headers, counted from the connection's
/// start or the end of its previous response: the header-read and keep-alive idle limit.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The limits of [`serve`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) max_connections: usize,
    pub(crate) header_read_timeout: Duration,
}

/// One open connection: how many requests are in flight on it, and how to close it.
#[derive(Debug, Default)]
struct Slot {
    in_flight: AtomicUsize,
    close: CancellationToken,
}

/// Open connections by accept order (oldest first).
#[derive(Debug, Default)]
struct Open {
    next_id: u64,
    slots: BTreeMap<u64, Arc<Slot>>,
}

impl Open {
    /// Makes room for one more connection: closes the oldest idle one when full. `false` when
    /// every open connection is busy (the new one is then refused).
    fn make_room(&mut self, max: usize) -> bool {
        if self.slots.len() < max {
            return true;
        }
        let idle = self
            .slots
            .iter()
            .find(|(_, slot)| {
                slot.in_flight.load(Ordering::Acquire) == 0 && !slot.close.is_cancelled()
            })
            .map(|(id, _)| *id);
        match idle.and_then(|id| self.slots.remove(&id)) {
            Some(slot) => {
                slot.close.cancel();
                true
            }
            None => false,
        }
    }
}

/// Serves `router` on `listener` until `shutdown` fires, then waits for the connections
/// (the caller bounds that wait).
pub(crate) async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: Limits,
    shutdown: CancellationToken,
) {
    let open = Arc::new(Mutex::new(Open::default()));
    let tasks = TaskTracker::new();
    loop {
        let accepted = tokio::select! {
            biased;
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            Err(error) => {
                // Out of descriptors (EMFILE) or a connection reset before accept: back off a
                // little instead of spinning on an error that repeats at once.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let slot = {
            let mut open = open
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if !open.make_room(limits.max_connections) {
                tracing::warn!(
                    max = limits.max_connections,
                    "every connection is busy; refusing a new one"
                );
                continue;
            }
            let id = open.next_id;
            open.next_id += 1;
            let slot = Arc::new(Slot::default());
            open.slots.insert(id, Arc::clone(&slot));
            (id, slot)
        };
        tasks.spawn(connection(
            tcp,
            router.clone(),
            limits,
            slot,
            Arc::clone(&open),
            shutdown.clone(),
        ));
    }
    tasks.close();
    tasks.wait().await;
}

async fn connection(
    tcp: TcpStream,
    router: axum::Router,
    limits: Limits,
    (id, slot): (u64, Arc<Slot>),
    open: Arc<Mutex<Open>>,
    shutdown: CancellationToken,
) {
    // Streams are many small writes: without TCP_NODELAY each waits for the peer's delayed ACK.
    if let Err(error) = tcp.set_nodelay(true) {
        tracing::debug!(%error, "cannot set TCP_NODELAY");
    }
    let service_slot = Arc::clone(&slot);
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let guard = InFlight::enter(Arc::clone(&service_slot));
            let router = router.clone();
            async move {
                let response = router.oneshot(request.map(Body::new)).await?;
                Ok::<_, std::convert::Infallible>(response.map(|body| {
                    Body::new(Guarded {
                        body,
                        _guard: guard,
                    })
                }))
            }
        });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let served = builder.serve_connection(TokioIo::new(tcp), service);
    tokio::pin!(served);
    let closing = tokio::select! {
        result = served.as_mut() => Some(result),
        () = slot.close.cancelled() => None,
        () = shutdown.cancelled() => None,
    };
    let result = match closing {
        Some(result) => result,
        None => {
            served.as_mut().graceful_shutdown();
            served.await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, "connection ended with an error");
    }
    open.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .slots
        .remove(&id);
}

/// Counts a request as in flight on its connection until its response body is done.
#[derive(Debug)]
struct InFlight(Arc<Slot>);

impl InFlight {
    fn enter(slot: Arc<Slot>) -> Self {
        slot.in_flight.fetch_add(1, Ordering::AcqRel);
        Self(slot)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that keeps its request counted until it is finished or dropped.
struct Guarded {
    body: Body,
    _guard: InFlight,
}

impl http_body::Body for Guarded {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests;
