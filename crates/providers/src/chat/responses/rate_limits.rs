//! The Codex backend's `x-codex-*` rate-limit headers.

use reqwest::header::HeaderMap;

use crate::chat::event::{Credits, RateLimitSnapshot, RateLimitWindow};
use crate::chat::header_value::{number, text};

/// The snapshot in `headers`, or `None` when no `x-codex-*` limit header is present.
pub(crate) fn parse(headers: &HeaderMap) -> Option<RateLimitSnapshot> {
    let snapshot = RateLimitSnapshot {
        primary: window(headers, "primary"),
        secondary: window(headers, "secondary"),
        credits: credits(headers),
        active_limit: text(headers, "x-codex-active-limit"),
        ..RateLimitSnapshot::default()
    };
    (snapshot != RateLimitSnapshot::default()).then_some(snapshot)
}

fn window(headers: &HeaderMap, which: &str) -> Option<RateLimitWindow> {
    let used_percent: f64 = text(headers, &format!("x-codex-{which}-used-percent"))?
        .parse()
        .ok()?;
    Some(RateLimitWindow {
        used_percent,
        window_minutes: number(headers, &format!("x-codex-{which}-window-minutes")),
        resets_at: number(headers, &format!("x-codex-{which}-reset-at"))
            .and_then(|seconds| i64::try_from(seconds).ok())
            .and_then(|seconds| jiff::Timestamp::from_second(seconds).ok()),
        reset_after_seconds: number(headers, &format!("x-codex-{which}-reset-after-seconds")),
    })
}

fn credits(headers: &HeaderMap) -> Option<Credits> {
    let has_credits = flag(headers, "x-codex-credits-has-credits")?;
    Some(Credits {
        has_credits,
        unlimited: flag(headers, "x-codex-credits-unlimited").unwrap_or(false),
        balance: text(headers, "x-codex-credits-balance"),
    })
}

fn flag(headers: &HeaderMap, name: &str) -> Option<bool> {
    match text(headers, name)?.to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}
