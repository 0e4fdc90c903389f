//! Mapping a provider's HTTP error status to a probe class and a message that says what to do.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::{ProbeClass, ProbeFailure};
use crate::edge::EdgeBlock;

/// Longest server detail quoted in a message.
const MAX_DETAIL_CHARS: usize = 300;

/// The server's own explanation, best effort: `error.message`, `error` as a string, `detail`,
/// or `message`.
pub(crate) fn detail(body: &[u8]) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let text = json
        .pointer("/error/message")
        .and_then(Value::as_str)
        .or_else(|| json.get("error").and_then(Value::as_str))
        .or_else(|| json.get("detail").and_then(Value::as_str))
        .or_else(|| json.get("message").and_then(Value::as_str))?
        .trim();
    if text.is_empty() {
        return None;
    }
    Some(text.chars().take(MAX_DETAIL_CHARS).collect())
}

/// True when the body says the account is out of quota or credit rather than rate limited.
fn is_quota(body: &[u8]) -> bool {
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    ["/error/code", "/error/type", "/code", "/type"]
        .iter()
        .filter_map(|p| json.pointer(p).and_then(Value::as_str))
        .any(|c| {
            matches!(
                c,
                "insufficient_quota" | "usage_limit_reached" | "billing_hard_limit_reached"
            )
        })
}

/// An edge failure as a probe failure: what happened, then the remedy.
pub(crate) fn blocked(label: &str, block: EdgeBlock) -> ProbeFailure {
    let class = match block {
        EdgeBlock::Challenge => ProbeClass::EdgeChallenge,
        EdgeBlock::RegionBlocked => ProbeClass::RegionBlocked,
        EdgeBlock::Proxy => ProbeClass::Proxy,
    };
    ProbeFailure::new(
        class,
        format!(
            "{}. {}.",
            capitalized(&block.describe(label)),
            capitalized(block.remedy())
        ),
    )
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Classifies a non-success answer from `label`'s model listing: an edge failure first (a CDN,
/// a region block, a proxy), else by status.
pub(crate) fn fail_for_status(
    label: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> ProbeFailure {
    if let Some(block) = EdgeBlock::of_response(status.as_u16(), headers, body) {
        return blocked(label, block);
    }
    let detail = detail(body);
    let code = status.as_u16();
    match code {
        401 => ProbeFailure::new(
            ProbeClass::Auth,
            match detail {
                Some(d) => format!("Invalid credentials for {label}: {d}"),
                None => format!("Invalid credentials. Double-check your {label} credentials."),
            },
        ),
        402 => ProbeFailure::new(ProbeClass::Quota, quota_message(label, detail)),
        403 => ProbeFailure::new(
            ProbeClass::Forbidden,
            match detail {
                Some(d) => format!("Access denied by {label}: {d}"),
                None => format!(
                    "Access denied. Your {label} credentials may lack model-listing permissions."
                ),
            },
        ),
        404 => ProbeFailure::new(
            ProbeClass::BadResponse,
            format!("The {label} models API was not found. The service may be down."),
        ),
        429 if is_quota(body) => ProbeFailure::new(ProbeClass::Quota, quota_message(label, detail)),
        429 => ProbeFailure::new(
            ProbeClass::RateLimited,
            format!("Rate limited by {label}. Wait a moment and try again."),
        ),
        500 | 502 | 503 | 504 => ProbeFailure::new(
            ProbeClass::Unreachable,
            format!("The {label} service returned {code}. It may be experiencing issues."),
        ),
        _ => ProbeFailure::new(
            ProbeClass::BadResponse,
            format!("{label} returned HTTP {code}."),
        ),
    }
}

fn quota_message(label: &str, detail: Option<String>) -> String {
    match detail {
        Some(d) => format!("Quota exhausted at {label}: {d}"),
        None => format!("Quota exhausted at {label}. Check the plan and billing of the account."),
    }
}
