//! Tests of human wording.

use jiff::{SignedDuration, Timestamp};

use super::{TokenState, expiry_text, relative, table, token_state, tokens};

fn now() -> Timestamp {
    "2026-06-20T12:00:00Z".parse().unwrap()
}

#[test]
fn relative_times_read_naturally() {
    let now = now();
    assert_eq!(
        relative(now + SignedDuration::from_hours(72), now),
        "in 3 days"
    );
    assert_eq!(
        relative(now + SignedDuration::from_mins(5), now),
        "in 5 minutes"
    );
    assert_eq!(
        relative(now - SignedDuration::from_hours(1), now),
        "1 hour ago"
    );
}

#[test]
fn expiry_says_expired_or_relogin() {
    let now = now();
    assert_eq!(
        expiry_text(Some(now - SignedDuration::from_secs(1)), now, false),
        "expired"
    );
    assert_eq!(expiry_text(Some(now), now, true), "re-login needed");
    assert_eq!(expiry_text(None, now, false), "-");
    assert_eq!(
        token_state(now + SignedDuration::from_hours(2), now, false, false),
        TokenState::ExpiringSoon
    );
    assert_eq!(
        token_state(now + SignedDuration::from_hours(48), now, false, false),
        TokenState::Valid
    );
    assert_eq!(
        token_state(now + SignedDuration::from_hours(1), now, false, true),
        TokenState::Valid,
        "an hour-long access token with a refresh token is a login that lasts"
    );
    assert_eq!(
        token_state(now - SignedDuration::from_hours(1), now, false, true),
        TokenState::Valid,
        "renewed on the next use"
    );
    assert_eq!(
        token_state(now + SignedDuration::from_hours(1), now, true, true),
        TokenState::ReloginNeeded
    );
}

#[test]
fn tables_align_every_column_but_the_last() {
    let rows = vec![
        vec!["NAME".into(), "TYPE".into(), "END".into()],
        vec!["work".into(), "openai".into(), "x".into()],
    ];
    assert_eq!(table(&rows), ["NAME  TYPE    END", "work  openai  x"]);
}

#[test]
fn token_counts_are_short() {
    assert_eq!(tokens(272_000), "272k");
    assert_eq!(tokens(1_000_000), "1M");
    assert_eq!(tokens(512), "512");
}
