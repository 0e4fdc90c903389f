//! How much of each provider's limits is used: windows with their share used, length and
//! reset, credits or spend, and which window binds (runs out first). Read without spending a
//! turn where the vendor allows it (ChatGPT's usage endpoint, OpenRouter's key endpoint), else
//! from the limits the last response reported. Window lengths come from the server: plans
//! change them, so nothing here assumes a 5-hour or weekly window.

mod fetch;

pub use fetch::{UsageFetchError, chatgpt_usage_url, fetch_chatgpt, fetch_openrouter};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::chat::{CountWindow, Credits, RateLimitSnapshot, RateLimitWindow};

/// Where a report's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageSource {
    /// The vendor's usage endpoint (ChatGPT `wham/usage`), read without a turn.
    UsageEndpoint,
    /// The vendor's key endpoint (OpenRouter `key`).
    KeyEndpoint,
    /// The limits the last response carried in its headers.
    ResponseHeaders,
    /// Nothing yet: no response has reported limits.
    None,
}

/// One limit window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageWindow {
    /// What the server calls it (`primary`, `secondary`, `requests`, `tokens`,
    /// `code_review_primary`).
    pub name: String,
    /// Share used, 0–100, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_percent: Option<f64>,
    /// Its length as the server states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_seconds: Option<u64>,
    /// When it is full again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resets_at: Option<Timestamp>,
    /// A count budget's size (requests, tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// What is left of a count budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
}

/// Money spent against a key's limit (OpenRouter), in US dollars.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spend {
    /// Spent so far.
    pub used: f64,
    /// The key's limit, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
}

/// One provider's usage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageReport {
    /// The provider's stored name.
    pub provider: String,
    /// The account's name: every account has its own limits.
    pub account: String,
    /// The subscription plan (`plus`, `pro`, `team`), when the vendor says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// The windows, as the server reported them.
    pub windows: Vec<UsageWindow>,
    /// The name of the window that runs out first, among those that limit chats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<String>,
    /// A subscription's credits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits: Option<Credits>,
    /// A key's spend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spend: Option<Spend>,
    /// Where the figures come from.
    pub source: UsageSource,
    /// When they were read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Timestamp>,
    /// Why a live read failed (the figures, if any, are the last ones seen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl UsageReport {
    /// A report with nothing known yet.
    pub fn empty(provider: &str) -> Self {
        Self {
            provider: provider.to_owned(),
            account: netclaw_config::DEFAULT_ACCOUNT.to_owned(),
            plan: None,
            windows: Vec::new(),
            binding: None,
            credits: None,
            spend: None,
            source: UsageSource::None,
            as_of: None,
            error: None,
        }
    }

    /// The report of the limits a response reported at `at`.
    pub fn from_snapshot(
        provider: &str,
        snapshot: &RateLimitSnapshot,
        source: UsageSource,
        at: Timestamp,
    ) -> Self {
        let mut windows = Vec::new();
        for (name, window) in [
            ("primary", &snapshot.primary),
            ("secondary", &snapshot.secondary),
        ] {
            if let Some(window) = window {
                windows.push(share_window(name, window, at));
            }
        }
        for (name, window) in [
            ("requests", &snapshot.requests),
            ("tokens", &snapshot.tokens),
        ] {
            if let Some(window) = window {
                windows.push(count_window(name, window));
            }
        }
        let mut report = Self {
            windows,
            credits: snapshot.credits.clone(),
            source,
            as_of: Some(at),
            ..Self::empty(provider)
        };
        report.binding = binding(&report.windows);
        report
    }
}

/// A share window (`x-codex-*`, `wham/usage`).
pub(crate) fn share_window(name: &str, window: &RateLimitWindow, at: Timestamp) -> UsageWindow {
    let resets_at = window.resets_at.or_else(|| {
        let after = i64::try_from(window.reset_after_seconds?).ok()?;
        at.checked_add(jiff::SignedDuration::from_secs(after)).ok()
    });
    UsageWindow {
        name: name.to_owned(),
        used_percent: Some(window.used_percent),
        window_seconds: window.window_minutes.map(|m| m.saturating_mul(60)),
        resets_at,
        limit: None,
        remaining: None,
    }
}

fn count_window(name: &str, window: &CountWindow) -> UsageWindow {
    UsageWindow {
        name: name.to_owned(),
        used_percent: window.used_percent(),
        window_seconds: None,
        resets_at: window.resets_at,
        limit: window.limit,
        remaining: window.remaining,
    }
}

/// The window that runs out first: the fullest of those that limit chats (a code-review
/// budget does not).
pub(crate) fn binding(windows: &[UsageWindow]) -> Option<String> {
    windows
        .iter()
        .filter(|w| !w.name.starts_with("code_review"))
        .filter_map(|w| Some((w, w.used_percent?)))
        .max_by(|(_, a), (_, b)| a.total_cmp(b))
        .map(|(w, _)| w.name.clone())
}

#[cfg(test)]
mod tests;
