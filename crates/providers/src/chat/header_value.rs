//! A response header's value as text or as a count, the way rate-limit headers are read:
//! blank is absent, a count may be written as a float, a negative or unreadable one is absent.

use reqwest::header::HeaderMap;

/// The trimmed value of `name`, when it is set and not blank.
pub(crate) fn text(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The value of `name` as a whole count (`12` and `12.0` alike).
pub(crate) fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    let value: f64 = text(headers, name)?.parse().ok()?;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "finite and not negative, checked here"
    )]
    (value.is_finite() && value >= 0.0).then_some(value as u64)
}
