//! An API key's budgets from response headers: OpenAI's `x-ratelimit-*` (resets as durations
//! such as `6m0s`) and Anthropic's `anthropic-ratelimit-*` (resets as RFC 3339 times).

use jiff::{SignedDuration, Timestamp};
use reqwest::header::HeaderMap;

use super::event::{CountWindow, RateLimitSnapshot};
use super::header_value::{number, text};

/// OpenAI's (and OpenAI-compatible servers') request and token budgets, reset times counted
/// from `now`.
pub(crate) fn openai(headers: &HeaderMap, now: Timestamp) -> Option<RateLimitSnapshot> {
    let window = |what: &str| {
        let window = CountWindow {
            limit: number(headers, &format!("x-ratelimit-limit-{what}")),
            remaining: number(headers, &format!("x-ratelimit-remaining-{what}")),
            resets_at: text(headers, &format!("x-ratelimit-reset-{what}"))
                .and_then(|d| go_duration(&d))
                .and_then(|d| now.checked_add(d).ok()),
        };
        (window != CountWindow::default()).then_some(window)
    };
    snapshot(window("requests"), window("tokens"))
}

/// Anthropic's request and token budgets.
pub(crate) fn anthropic(headers: &HeaderMap) -> Option<RateLimitSnapshot> {
    let window = |what: &str| {
        let window = CountWindow {
            limit: number(headers, &format!("anthropic-ratelimit-{what}-limit")),
            remaining: number(headers, &format!("anthropic-ratelimit-{what}-remaining")),
            resets_at: text(headers, &format!("anthropic-ratelimit-{what}-reset"))
                .and_then(|t| t.parse().ok()),
        };
        (window != CountWindow::default()).then_some(window)
    };
    snapshot(window("requests"), window("tokens"))
}

fn snapshot(
    requests: Option<CountWindow>,
    tokens: Option<CountWindow>,
) -> Option<RateLimitSnapshot> {
    (requests.is_some() || tokens.is_some()).then(|| RateLimitSnapshot {
        requests,
        tokens,
        ..RateLimitSnapshot::default()
    })
}

/// A Go-style duration (`1s`, `6m0s`, `20ms`, `1h2m3.5s`), as OpenAI writes resets.
fn go_duration(text: &str) -> Option<SignedDuration> {
    let mut total = 0.0_f64;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
        total += value * seconds;
        rest = &rest[unit_len..];
    }
    SignedDuration::try_from_secs_f64(total).ok()
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn openai_budgets_reset_after_go_durations() {
        let now: Timestamp = "2026-12-06T10:00:00Z".parse().unwrap();
        let read = openai(
            &headers(&[
                ("x-ratelimit-limit-requests", "500"),
                ("x-ratelimit-remaining-requests", "499"),
                ("x-ratelimit-reset-requests", "120ms"),
                ("x-ratelimit-limit-tokens", "30000"),
                ("x-ratelimit-remaining-tokens", "27000"),
                ("x-ratelimit-reset-tokens", "6m0s"),
            ]),
            now,
        )
        .unwrap();
        let tokens = read.tokens.unwrap();
        assert_eq!(tokens.used_percent(), Some(10.0));
        assert_eq!(
            tokens.resets_at.unwrap().to_string(),
            "2026-12-06T10:06:00Z"
        );
        assert_eq!(read.requests.unwrap().remaining, Some(499));
        assert!(openai(&HeaderMap::new(), now).is_none());
    }

    #[test]
    fn anthropic_budgets_reset_at_rfc_3339_times() {
        let read = anthropic(&headers(&[
            ("anthropic-ratelimit-tokens-limit", "80000"),
            ("anthropic-ratelimit-tokens-remaining", "20000"),
            ("anthropic-ratelimit-tokens-reset", "2026-12-06T10:01:00Z"),
        ]))
        .unwrap();
        assert_eq!(read.tokens.as_ref().unwrap().used_percent(), Some(75.0));
        assert!(read.requests.is_none());
    }

    #[test]
    fn go_durations_of_every_shape() {
        assert_eq!(
            go_duration("1h2m3.5s"),
            SignedDuration::try_from_secs_f64(3723.5).ok()
        );
        assert_eq!(go_duration("20ms"), Some(SignedDuration::from_millis(20)));
        assert_eq!(go_duration("5 parsecs"), None);
    }
}
