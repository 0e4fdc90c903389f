//! Reading usage without spending a turn: ChatGPT's `GET …/backend-api/wham/usage` (with the
//! login's bearer and `ChatGPT-Account-Id`) and OpenRouter's `GET …/key`.

use std::time::Duration;

use jiff::Timestamp;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::{Spend, UsageReport, UsageSource, UsageWindow, binding, share_window};
use crate::bearer::Bearer;
use crate::chat::{Credits, RateLimitSnapshot, RateLimitWindow};

/// How long a usage read may take.
const USAGE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a usage read failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum UsageFetchError {
    /// No answer, or not a 2xx.
    #[error("{0}")]
    Http(String),
    /// The answer is not the expected JSON.
    #[error("unexpected usage answer: {0}")]
    Shape(String),
}

/// The usage endpoint next to a Codex endpoint: `https://chatgpt.com/backend-api/codex` →
/// `https://chatgpt.com/backend-api/wham/usage` (a test's loopback endpoint moves it along).
pub fn chatgpt_usage_url(codex_endpoint: &str) -> String {
    let base = codex_endpoint.trim_end_matches('/');
    let base = base.strip_suffix("/codex").unwrap_or(base);
    format!("{base}/wham/usage")
}

async fn get_json(request: reqwest::RequestBuilder) -> Result<Value, UsageFetchError> {
    let response = request
        .timeout(USAGE_TIMEOUT)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| UsageFetchError::Http(format!("the usage read failed: {e}")))?;
    let status = response.status();
    if !status.is_success() {
        return Err(UsageFetchError::Http(format!(
            "the usage endpoint answered HTTP {}",
            status.as_u16()
        )));
    }
    response
        .json()
        .await
        .map_err(|e| UsageFetchError::Shape(e.to_string()))
}

/// A ChatGPT subscription's usage at `url`, and the same windows as a snapshot (for the
/// switch threshold).
///
/// # Errors
/// [`UsageFetchError`] when the endpoint cannot be read.
pub async fn fetch_chatgpt(
    http: &reqwest::Client,
    url: &str,
    bearer: &Bearer,
    provider: &str,
    now: Timestamp,
) -> Result<(UsageReport, RateLimitSnapshot), UsageFetchError> {
    let mut request = http.get(url).bearer_auth(bearer.token.expose_secret());
    if let Some(account) = &bearer.account_id {
        request = request.header("ChatGPT-Account-Id", account);
    }
    let body = get_json(request).await?;
    Ok(parse_chatgpt(&body, provider, now))
}

/// `wham/usage`: `rate_limit.{primary,secondary}_window`, `code_review_rate_limit`, `credits`
/// (its balance a string or a number), `plan_type`. A missing or `null` window is left out.
pub(crate) fn parse_chatgpt(
    body: &Value,
    provider: &str,
    now: Timestamp,
) -> (UsageReport, RateLimitSnapshot) {
    let window = |value: Option<&Value>| -> Option<RateLimitWindow> {
        let value = value.filter(|v| v.is_object())?;
        Some(RateLimitWindow {
            used_percent: value.get("used_percent")?.as_f64()?,
            window_minutes: value
                .get("limit_window_seconds")
                .and_then(Value::as_u64)
                .map(|s| s / 60),
            resets_at: value
                .get("reset_at")
                .and_then(Value::as_i64)
                .and_then(|s| Timestamp::from_second(s).ok()),
            reset_after_seconds: value.get("reset_after_seconds").and_then(Value::as_u64),
        })
    };
    let limits = body.get("rate_limit");
    let snapshot = RateLimitSnapshot {
        primary: window(limits.and_then(|l| l.get("primary_window"))),
        secondary: window(limits.and_then(|l| l.get("secondary_window"))),
        credits: body
            .get("credits")
            .filter(|c| c.is_object())
            .map(|c| Credits {
                has_credits: c
                    .get("has_credits")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                unlimited: c.get("unlimited").and_then(Value::as_bool).unwrap_or(false),
                balance: c.get("balance").and_then(|b| match b {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }),
            }),
        ..RateLimitSnapshot::default()
    };
    let mut report =
        UsageReport::from_snapshot(provider, &snapshot, UsageSource::UsageEndpoint, now);
    let review = body.get("code_review_rate_limit");
    for (name, key) in [
        ("code_review_primary", "primary_window"),
        ("code_review_secondary", "secondary_window"),
    ] {
        if let Some(w) = window(review.and_then(|r| r.get(key))) {
            report.windows.push(share_window(name, &w, now));
        }
    }
    report.plan = body
        .get("plan_type")
        .and_then(Value::as_str)
        .map(str::to_owned);
    report.binding = binding(&report.windows);
    (report, snapshot)
}

/// An OpenRouter key's spend and limit from `{endpoint}/key`.
///
/// # Errors
/// [`UsageFetchError`] when the endpoint cannot be read.
pub async fn fetch_openrouter(
    http: &reqwest::Client,
    endpoint: &str,
    bearer: &Bearer,
    provider: &str,
    now: Timestamp,
) -> Result<UsageReport, UsageFetchError> {
    let url = format!("{}/key", endpoint.trim_end_matches('/'));
    let request = http.get(url).bearer_auth(bearer.token.expose_secret());
    let body = get_json(request).await?;
    let data = body
        .get("data")
        .ok_or_else(|| UsageFetchError::Shape("no `data` object".to_owned()))?;
    let used = data.get("usage").and_then(Value::as_f64).unwrap_or(0.0);
    let limit = data.get("limit").and_then(Value::as_f64);
    let mut report = UsageReport {
        spend: Some(Spend { used, limit }),
        source: UsageSource::KeyEndpoint,
        as_of: Some(now),
        ..UsageReport::empty(provider)
    };
    if let Some(limit) = limit.filter(|l| *l > 0.0) {
        report.windows.push(UsageWindow {
            name: "credit".to_owned(),
            used_percent: Some((100.0 * used / limit).min(100.0)),
            window_seconds: None,
            resets_at: None,
            limit: None,
            remaining: None,
        });
        report.binding = binding(&report.windows);
    }
    Ok(report)
}
