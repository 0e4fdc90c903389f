//! Write coalescing for streamed responses: frames that are ready together leave in one write.
//!
//! The upstream body reaches the daemon one chunk per scheduler turn (the HTTP client hands
//! chunks over a one-slot channel), and the server writes to the socket whenever the response
//! body has nothing ready. Without help every upstream frame becomes its own `writev` to the
//! client, and on loopback each write also wakes the client: most of the gateway's cost.
//!
//! [`Coalesce`] holds what is ready and, when the source has nothing more, gives the scheduler
//! a few turns before sending it: what arrives meanwhile joins the same write. Nothing waits for
//! time, only for work that is already runnable; a quiet stream (a model thinking between
//! tokens) is sent after [`IDLE_TURNS`] idle turns, microseconds on an idle daemon.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_util::Stream;

/// Largest batch: past this the bytes are sent without waiting for more.
const MAX_BATCH: usize = 32 * 1024;
/// Most scheduler turns one batch may wait for, even when every turn brings more.
const MAX_TURNS: u8 = 64;
/// Turns without new frames after which what is held is sent. The HTTP client needs about two
/// turns to hand over a chunk, and a chunk may bring no frame (a `finish_reason` chunk before
/// `[DONE]`), so a few turns let a burst from upstream leave whole.
const IDLE_TURNS: u8 = 6;

/// Joins chunks of `inner` that are ready within one scheduler turn of each other.
pub(crate) struct Coalesce<S> {
    inner: S,
    batch: BytesMut,
    /// The first chunk of the batch, kept whole while it is the only one (no copy).
    single: Option<Bytes>,
    /// Turns given up since the batch last grew.
    idle: u8,
    turns: u8,
    ended: bool,
}

impl<S> Coalesce<S> {
    pub(crate) fn new(inner: S) -> Self {
        Self {
            inner,
            batch: BytesMut::new(),
            single: None,
            idle: 0,
            turns: 0,
            ended: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.single.is_none() && self.batch.is_empty()
    }

    fn push(&mut self, chunk: Bytes) {
        if chunk.is_empty() {
            return;
        }
        if self.batch.is_empty() && self.single.is_none() {
            self.single = Some(chunk);
            return;
        }
        if let Some(first) = self.single.take() {
            self.batch.reserve(first.len() + chunk.len());
            self.batch.extend_from_slice(&first);
        }
        self.batch.extend_from_slice(&chunk);
    }

    fn len(&self) -> usize {
        self.single.as_ref().map_or(self.batch.len(), Bytes::len)
    }

    fn take(&mut self) -> Bytes {
        self.idle = 0;
        self.turns = 0;
        match self.single.take() {
            Some(single) => single,
            None => self.batch.split().freeze(),
        }
    }
}

impl<S> Stream for Coalesce<S>
where
    S: Stream<Item = Bytes> + Unpin,
{
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        while !this.ended {
            match Pin::new(&mut this.inner).poll_next(cx) {
                Poll::Ready(Some(chunk)) => {
                    this.push(chunk);
                    this.idle = 0;
                    if this.len() >= MAX_BATCH {
                        return Poll::Ready(Some(Ok(this.take())));
                    }
                }
                Poll::Ready(None) => this.ended = true,
                Poll::Pending => {
                    if this.is_empty() {
                        return Poll::Pending;
                    }
                    if this.idle < IDLE_TURNS && this.turns < MAX_TURNS {
                        // One scheduler turn for the task that will hand over the next chunk.
                        this.idle += 1;
                        this.turns += 1;
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                    return Poll::Ready(Some(Ok(this.take())));
                }
            }
        }
        if this.is_empty() {
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(Ok(this.take())))
        }
    }
}

#[cfg(test)]
mod tests;
