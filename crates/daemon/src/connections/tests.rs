//! Which connection makes room for a new one.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::{Open, Slot};

fn open_with(busy: &[bool]) -> (Open, Vec<Arc<Slot>>) {
    let mut open = Open::default();
    let mut slots = Vec::new();
    for (id, busy) in busy.iter().enumerate() {
        let slot = Arc::new(Slot::default());
        slot.in_flight.store(usize::from(*busy), Ordering::Release);
        open.slots.insert(id as u64, Arc::clone(&slot));
        slots.push(slot);
    }
    (open, slots)
}

#[test]
fn the_oldest_idle_connection_makes_room() {
    let (mut open, slots) = open_with(&[true, false, false]);
    assert!(open.make_room(3));
    assert!(!slots[0].close.is_cancelled(), "a busy one is never closed");
    assert!(slots[1].close.is_cancelled());
    assert!(!slots[2].close.is_cancelled());
    assert_eq!(open.slots.len(), 2);
}

#[test]
fn when_every_connection_is_busy_the_new_one_is_refused() {
    let (mut open, slots) = open_with(&[true, true]);
    assert!(!open.make_room(2));
    assert!(slots.iter().all(|s| !s.close.is_cancelled()));
    let (mut open, _) = open_with(&[true]);
    assert!(open.make_room(2), "below the cap nothing is closed");
}
