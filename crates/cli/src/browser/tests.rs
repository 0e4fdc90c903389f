//! Tests of the browser decision.

use netclaw_config::EnvSnapshot;

use super::{NoBrowser, browser_blocked};

#[test]
fn the_flag_wins_over_everything() {
    let env = EnvSnapshot::from_pairs([("DISPLAY", ":0")]);
    assert_eq!(browser_blocked(&env, true), Some(NoBrowser::Flag));
}

#[test]
fn ssh_sessions_never_open_a_browser() {
    let env = EnvSnapshot::from_pairs([("DISPLAY", ":0"), ("SSH_CONNECTION", "1 2 3 4")]);
    assert_eq!(browser_blocked(&env, false), Some(NoBrowser::Ssh));
    let env = EnvSnapshot::from_pairs([("DISPLAY", ":0"), ("SSH_TTY", "/dev/pts/1")]);
    assert_eq!(browser_blocked(&env, false), Some(NoBrowser::Ssh));
}

#[cfg(target_os = "linux")]
#[test]
fn linux_needs_a_display() {
    assert_eq!(
        browser_blocked(&EnvSnapshot::default(), false),
        Some(NoBrowser::NoDisplay)
    );
    let wayland = EnvSnapshot::from_pairs([("WAYLAND_DISPLAY", "wayland-0")]);
    assert_eq!(browser_blocked(&wayland, false), None);
    let x11 = EnvSnapshot::from_pairs([("DISPLAY", ":0")]);
    assert_eq!(browser_blocked(&x11, false), None);
}
