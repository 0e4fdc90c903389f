//! Unit tests of the refresher's pacing.

use std::time::Duration;

use super::{RefreshOptions, first_wait};

#[test]
fn the_first_pass_comes_one_to_two_seconds_after_start_not_a_tick_later() {
    let options = RefreshOptions::default();
    assert_eq!(first_wait(&options, 0.0), Duration::from_secs(1));
    assert_eq!(
        first_wait(&options, 0.5),
        Duration::from_millis(1500),
        "the jitter spreads daemons started together"
    );
    assert!(first_wait(&options, 0.999_999) < Duration::from_secs(2));
    assert!(options.tick > Duration::from_secs(2));
}

#[test]
fn the_first_pass_never_waits_longer_than_a_tick() {
    let options = RefreshOptions {
        tick: Duration::from_millis(5),
        ..RefreshOptions::default()
    };
    assert_eq!(first_wait(&options, 0.7), Duration::from_millis(5));
}
