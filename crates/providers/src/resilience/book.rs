//! Which providers are skipped for now and until when; kept in `state/cooldowns.json`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::chat::{ChatError, RateLimitSnapshot};

use super::failure::FailureKind;

/// Cooldowns when the server says nothing about when to come back: 1 m, 5 m, 25 m, then 1 h.
pub const EXPONENTIAL_COOLDOWNS: [Duration; 4] = [
    Duration::from_secs(60),
    Duration::from_secs(5 * 60),
    Duration::from_secs(25 * 60),
    Duration::from_secs(60 * 60),
];

/// How long a usage window over the threshold is avoided when it names no reset time.
const UNKNOWN_RESET: Duration = Duration::from_secs(60);

/// Why a provider is skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CooldownReason {
    /// It answered 429.
    RateLimited,
    /// The subscription's usage limit is reached.
    UsageLimit,
    /// The account has no quota for it.
    QuotaExceeded,
    /// Its login must be renewed (`netclaw provider login <name>`).
    ReauthRequired,
    /// A usage window is above `Models.SwitchAtUsedPercent`.
    UsageThreshold,
}

impl CooldownReason {
    /// `rate_limited`, `usage_limit`, `quota_exceeded`, `reauth_required`, `usage_threshold`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RateLimited => "rate_limited",
            Self::UsageLimit => "usage_limit",
            Self::QuotaExceeded => "quota_exceeded",
            Self::ReauthRequired => "reauth_required",
            Self::UsageThreshold => "usage_threshold",
        }
    }

    /// A phrase for sentences (`rate limited`, `usage limit reached`, …).
    pub fn describe(self) -> &'static str {
        match self {
            Self::RateLimited => "rate limited",
            Self::UsageLimit => "usage limit reached",
            Self::QuotaExceeded => "quota exceeded",
            Self::ReauthRequired => "login expired",
            Self::UsageThreshold => "usage above the switch threshold",
        }
    }
}

/// One provider's cooldown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cooldown {
    /// Why.
    pub reason: CooldownReason,
    /// When it started.
    pub since: Timestamp,
    /// When it ends; `None` until the next login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    /// `until` came from the server (`resets_at`, `Retry-After`); otherwise it is a guess from
    /// [`EXPONENTIAL_COOLDOWNS`] and the provider is still tried when nothing else is left.
    pub from_server: bool,
    /// Consecutive failures without a server-given time (picks the exponential step).
    #[serde(default)]
    pub strikes: u32,
    /// The usage window's share used, for [`CooldownReason::UsageThreshold`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_percent: Option<f64>,
    /// The provider's `OAuthTokenExpiry` when its login failed; a different one means a new login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_stamp: Option<Timestamp>,
}

impl Cooldown {
    /// Whether it still applies at `now`.
    pub fn active(&self, now: Timestamp) -> bool {
        self.until.is_none_or(|until| until > now)
    }
}

/// Whether a provider may be used now.
#[derive(Debug, Clone, PartialEq)]
pub enum Availability {
    /// Use it.
    Ready,
    /// Prefer others; use it when nothing else is left (a guessed cooldown, a usage window
    /// above the threshold).
    Soft(Cooldown),
    /// Skip it (the server said when, or the login must be renewed).
    Hard(Cooldown),
}

/// Every provider's cooldown, by provider name (lower case).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CooldownBook {
    /// Failures: 429, usage limit, quota, expired logins.
    #[serde(default)]
    cooldowns: BTreeMap<String, Cooldown>,
    /// Usage windows seen above `Models.SwitchAtUsedPercent`.
    #[serde(default)]
    usage: BTreeMap<String, Cooldown>,
    /// The last limits each provider reported, for `netclaw usage`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    limits: BTreeMap<String, SeenLimits>,
}

/// Limits a provider reported, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeenLimits {
    /// What it reported.
    pub snapshot: RateLimitSnapshot,
    /// When.
    pub at: Timestamp,
    /// When this process last wrote the provider's limits to the file.
    #[serde(skip)]
    pub saved_at: Option<Timestamp>,
}

/// How stale saved limits may get before a new report is written even if it barely moved:
/// every response carries limits, and a file write per response would cost the gateway.
const LIMITS_SAVE_EVERY: Duration = Duration::from_secs(60);

/// A subscription's window shares, which move slowly; a key's request and token budgets move
/// with every answer and are left to the time rule.
fn shares(snapshot: &RateLimitSnapshot) -> [Option<f64>; 2] {
    [
        snapshot.primary.as_ref().map(|w| w.used_percent),
        snapshot.secondary.as_ref().map(|w| w.used_percent),
    ]
}

/// Whether `new` is worth a write after `old`: nothing was written yet, the last write is
/// older than [`LIMITS_SAVE_EVERY`], or a subscription window moved by a point or more.
fn worth_saving(old: Option<&SeenLimits>, new: &RateLimitSnapshot, now: Timestamp) -> bool {
    let Some(old) = old else { return true };
    let Some(saved_at) = old.saved_at else {
        return true;
    };
    let every = jiff::SignedDuration::try_from(LIMITS_SAVE_EVERY).unwrap_or_default();
    if now.duration_since(saved_at) >= every {
        return true;
    }
    let (before, after) = (shares(&old.snapshot), shares(new));
    before.iter().zip(&after).any(|(b, a)| match (b, a) {
        (Some(b), Some(a)) => (a - b).abs() >= 1.0,
        (None, None) => false,
        _ => true,
    })
}

fn key(provider: &str) -> String {
    netclaw_config::ProviderName::from(provider).folded()
}

fn after(now: Timestamp, wait: Duration) -> Timestamp {
    jiff::SignedDuration::try_from(wait)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(Timestamp::MAX)
}

impl CooldownBook {
    /// The book in `path`; empty when the file is missing or unreadable (logged).
    pub fn load(path: &Path) -> Self {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Self::default(),
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "cannot read the cooldowns; starting with none");
                return Self::default();
            }
        };
        serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(file = %path.display(), error = %e, "the cooldowns file is not valid; starting with none");
            Self::default()
        })
    }

    /// Writes the book to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<(), netclaw_config::ConfigError> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned());
        text.push('\n');
        netclaw_config::fs::write_atomic(path, text.as_bytes())
    }

    /// Whether nothing is recorded.
    pub fn is_empty(&self) -> bool {
        self.cooldowns.is_empty() && self.usage.is_empty()
    }

    /// Whether `provider` may be used at `now`, given the switch threshold and its current
    /// `OAuthTokenExpiry`.
    pub fn availability(
        &self,
        provider: &str,
        now: Timestamp,
        threshold: Option<f64>,
        login_stamp: Option<Timestamp>,
    ) -> Availability {
        if let Some(cooldown) = self.cooldowns.get(&key(provider)) {
            match cooldown.reason {
                CooldownReason::ReauthRequired if cooldown.login_stamp == login_stamp => {
                    return Availability::Hard(cooldown.clone());
                }
                CooldownReason::ReauthRequired => {}
                _ if cooldown.active(now) && cooldown.from_server => {
                    return Availability::Hard(cooldown.clone());
                }
                _ if cooldown.active(now) => return Availability::Soft(cooldown.clone()),
                _ => {}
            }
        }
        if let (Some(threshold), Some(mark)) = (threshold, self.usage.get(&key(provider)))
            && mark.active(now)
            && mark.used_percent.is_some_and(|used| used >= threshold)
        {
            return Availability::Soft(mark.clone());
        }
        Availability::Ready
    }

    /// The cooldown in force for `provider` at `now`, if any (what listings show).
    pub fn current(
        &self,
        provider: &str,
        now: Timestamp,
        threshold: Option<f64>,
        login_stamp: Option<Timestamp>,
    ) -> Option<Cooldown> {
        match self.availability(provider, now, threshold, login_stamp) {
            Availability::Ready => None,
            Availability::Soft(c) | Availability::Hard(c) => Some(c),
        }
    }

    /// Records that `provider` failed with `error` at `now`; returns the cooldown it starts,
    /// when the failure calls for one (429, usage limit, quota, expired login).
    pub fn record_failure(
        &mut self,
        provider: &str,
        error: &ChatError,
        now: Timestamp,
        login_stamp: Option<Timestamp>,
    ) -> Option<Cooldown> {
        let reason = match FailureKind::of(error) {
            FailureKind::RateLimited => CooldownReason::RateLimited,
            FailureKind::UsageLimit => CooldownReason::UsageLimit,
            FailureKind::Quota => CooldownReason::QuotaExceeded,
            FailureKind::ReauthRequired => CooldownReason::ReauthRequired,
            _ => return None,
        };
        let previous = self.cooldowns.get(&key(provider));
        let strikes = previous.map_or(0, |p| p.strikes);
        let (until, from_server, strikes) = if reason == CooldownReason::ReauthRequired {
            (None, true, strikes)
        } else if let Some(until) = server_reset(error, now) {
            (Some(until), true, strikes)
        } else {
            let step = usize::try_from(strikes)
                .unwrap_or(usize::MAX)
                .min(EXPONENTIAL_COOLDOWNS.len() - 1);
            (
                Some(after(now, EXPONENTIAL_COOLDOWNS[step])),
                false,
                strikes.saturating_add(1),
            )
        };
        let cooldown = Cooldown {
            reason,
            since: now,
            until,
            from_server,
            strikes,
            used_percent: None,
            login_stamp: (reason == CooldownReason::ReauthRequired)
                .then_some(login_stamp)
                .flatten(),
        };
        self.cooldowns.insert(key(provider), cooldown.clone());
        Some(cooldown)
    }

    /// `provider` answered: its failure cooldown (and strike count) is over. Returns whether
    /// anything changed.
    pub fn record_success(&mut self, provider: &str) -> bool {
        self.cooldowns.remove(&key(provider)).is_some()
    }

    /// Remembers the limits `provider` reported at `now` (for `netclaw usage`): a window at or
    /// above `threshold` marks the provider until that window resets. Returns whether the mark
    /// changed or the limits moved enough to be worth a write (so callers persist only then).
    pub fn record_usage(
        &mut self,
        provider: &str,
        snapshot: &RateLimitSnapshot,
        now: Timestamp,
        threshold: Option<f64>,
    ) -> bool {
        let seen = self.limits.get(&key(provider));
        let limits_moved = worth_saving(seen, snapshot, now);
        let saved_at = if limits_moved {
            Some(now)
        } else {
            seen.and_then(|s| s.saved_at)
        };
        // Memory always has the latest; the file gets it when it moved.
        self.limits.insert(
            key(provider),
            SeenLimits {
                snapshot: snapshot.clone(),
                at: now,
                saved_at,
            },
        );
        self.record_threshold(provider, snapshot, now, threshold) || limits_moved
    }

    /// The last limits `provider` reported.
    pub fn limits(&self, provider: &str) -> Option<&SeenLimits> {
        self.limits.get(&key(provider))
    }

    /// Marks `provider` as over `threshold` until its fullest window resets, or clears the mark.
    fn record_threshold(
        &mut self,
        provider: &str,
        snapshot: &RateLimitSnapshot,
        now: Timestamp,
        threshold: Option<f64>,
    ) -> bool {
        let over = threshold.and_then(|threshold| {
            [snapshot.primary.as_ref(), snapshot.secondary.as_ref()]
                .into_iter()
                .flatten()
                .filter(|w| w.used_percent >= threshold)
                .map(|w| {
                    let until = w
                        .resets_at
                        .or_else(|| {
                            w.reset_after_seconds
                                .map(|s| after(now, Duration::from_secs(s)))
                        })
                        .unwrap_or_else(|| after(now, UNKNOWN_RESET));
                    (w.used_percent, until)
                })
                .max_by_key(|(_, until)| *until)
        });
        let Some((used_percent, until)) = over else {
            return self.usage.remove(&key(provider)).is_some();
        };
        let previous = self.usage.get(&key(provider));
        if previous.is_some_and(|p| p.until == Some(until)) {
            return false;
        }
        self.usage.insert(
            key(provider),
            Cooldown {
                reason: CooldownReason::UsageThreshold,
                since: now,
                until: Some(until),
                from_server: true,
                strikes: 0,
                used_percent: Some(used_percent),
                login_stamp: None,
            },
        );
        true
    }

    /// Forgets every cooldown of `provider` (e.g. after a new login).
    pub fn clear(&mut self, provider: &str) -> bool {
        let a = self.cooldowns.remove(&key(provider)).is_some();
        let b = self.usage.remove(&key(provider)).is_some();
        let c = self.limits.remove(&key(provider)).is_some();
        a || b || c
    }
}

/// When the server said the limit ends: `resets_at`, `Retry-After`, or a full usage window's reset.
fn server_reset(error: &ChatError, now: Timestamp) -> Option<Timestamp> {
    let ChatError::RateLimited {
        retry_after,
        resets_at,
        snapshot,
        ..
    } = error
    else {
        return None;
    };
    // A server's reset time is capped like its delays: a year-9999 `resets_at` must not park
    // a provider for good.
    let latest = after(now, crate::chat::MAX_SERVER_DELAY);
    if let Some(at) = resets_at.filter(|at| *at > now) {
        return Some(at.min(latest));
    }
    if let Some(wait) = retry_after {
        return Some(after(now, *wait).min(latest));
    }
    let snapshot = snapshot.as_deref()?;
    [snapshot.primary.as_ref(), snapshot.secondary.as_ref()]
        .into_iter()
        .flatten()
        .filter(|w| w.used_percent >= 100.0)
        .filter_map(|w| w.resets_at)
        .filter(|at| *at > now)
        .max()
        .map(|at| at.min(latest))
}
