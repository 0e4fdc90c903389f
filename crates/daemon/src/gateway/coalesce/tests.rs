//! Unit tests of write coalescing, polled by hand with a scripted source and a counting waker.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use bytes::Bytes;
use futures_util::Stream;

use super::{Coalesce, IDLE_TURNS, MAX_BATCH, MAX_TURNS};

/// A source that plays a script: `Some(chunk)` is ready, `None` is one pending poll.
struct Script(VecDeque<Option<&'static str>>);

impl Stream for Script {
    type Item = Bytes;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Bytes>> {
        match self.0.pop_front() {
            Some(Some(chunk)) => Poll::Ready(Some(Bytes::from_static(chunk.as_bytes()))),
            Some(None) => Poll::Pending,
            None => Poll::Ready(None),
        }
    }
}

#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn poll(stream: &mut Coalesce<Script>, waker: &Waker) -> Poll<Option<String>> {
    let mut cx = Context::from_waker(waker);
    Pin::new(stream).poll_next(&mut cx).map(|item| {
        item.map(|chunk| {
            let Ok(chunk) = chunk;
            String::from_utf8(chunk.to_vec()).unwrap()
        })
    })
}

fn script(items: &[Option<&'static str>]) -> Coalesce<Script> {
    Coalesce::new(Script(items.iter().copied().collect()))
}

#[test]
fn chunks_ready_together_leave_as_one() {
    let wakes = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&wakes));
    let mut stream = script(&[Some("a"), Some("b"), Some("c")]);
    assert_eq!(poll(&mut stream, &waker), Poll::Ready(Some("abc".into())));
    assert_eq!(poll(&mut stream, &waker), Poll::Ready(None));
    assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
}

#[test]
fn a_quiet_source_gets_a_few_turns_then_what_is_held_is_sent() {
    let wakes = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&wakes));
    let mut items = vec![Some("a")];
    items.extend(std::iter::repeat_n(None, usize::from(IDLE_TURNS) + 2));
    items.push(Some("b"));
    let mut stream = script(&items);
    // Holding "a": a few turns for the source, the task woken each time to come back.
    for turn in 1..=usize::from(IDLE_TURNS) {
        assert_eq!(poll(&mut stream, &waker), Poll::Pending);
        assert_eq!(wakes.0.load(Ordering::SeqCst), turn);
    }
    // Nothing arrived in those turns: "a" goes out now.
    assert_eq!(poll(&mut stream, &waker), Poll::Ready(Some("a".into())));
    // Nothing held: a plain wait, no self-wake.
    assert_eq!(poll(&mut stream, &waker), Poll::Pending);
    assert_eq!(wakes.0.load(Ordering::SeqCst), usize::from(IDLE_TURNS));
    assert_eq!(poll(&mut stream, &waker), Poll::Ready(Some("b".into())));
    assert_eq!(poll(&mut stream, &waker), Poll::Ready(None));
}

#[test]
fn a_chunk_arriving_during_the_turns_joins_the_batch() {
    let wakes = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&wakes));
    let mut items = vec![Some("a"), None, Some("b"), None, Some("c")];
    items.extend(std::iter::repeat_n(None, usize::from(IDLE_TURNS)));
    let mut stream = script(&items);
    let mut pendings = 0;
    let first = loop {
        match poll(&mut stream, &waker) {
            Poll::Pending => pendings += 1,
            Poll::Ready(item) => break item.unwrap(),
        }
    };
    assert_eq!(first, "abc");
    assert_eq!(pendings, 2 + usize::from(IDLE_TURNS));
}

#[test]
fn a_source_busy_every_turn_still_flushes_after_a_bounded_wait() {
    let wakes = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&wakes));
    let mut items = Vec::new();
    for _ in 0..2 * usize::from(MAX_TURNS) {
        items.push(Some("x"));
        items.push(None);
    }
    let mut stream = script(&items);
    let mut pendings = 0;
    let first = loop {
        match poll(&mut stream, &waker) {
            Poll::Pending => pendings += 1,
            Poll::Ready(item) => break item.unwrap(),
        }
    };
    assert_eq!(pendings, usize::from(MAX_TURNS));
    assert_eq!(first.len(), usize::from(MAX_TURNS) + 1);
}

#[test]
fn a_full_batch_is_sent_without_waiting() {
    let big: &'static str = Box::leak("y".repeat(MAX_BATCH).into_boxed_str());
    let wakes = Arc::new(CountingWaker::default());
    let waker = Waker::from(Arc::clone(&wakes));
    let mut stream = script(&[Some("a"), Some(big), Some("b")]);
    let first = poll(&mut stream, &waker);
    assert!(matches!(&first, Poll::Ready(Some(text)) if text.len() == MAX_BATCH + 1));
    assert_eq!(poll(&mut stream, &waker), Poll::Ready(Some("b".into())));
    assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
}
