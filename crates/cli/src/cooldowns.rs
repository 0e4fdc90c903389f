//! The cooldowns chats keep in `state/cooldowns.json` (written by the daemon and by
//! `netclaw chat`), as `provider list` and `doctor` show them.

use jiff::Timestamp;
use netclaw_config::{Paths, Settings};
use netclaw_providers::resilience::{Cooldown, CooldownBook, CooldownReason};
use serde::Serialize;

/// A provider's cooldown as `provider list --json` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CooldownView {
    /// `rate_limited`, `usage_limit`, `quota_exceeded`, `reauth_required` or `usage_threshold`.
    pub(crate) reason: CooldownReason,
    /// When chats use the provider again; `null` means after the next login.
    pub(crate) until: Option<Timestamp>,
}

/// Every provider's cooldown in force at `now`.
pub(crate) struct Cooldowns {
    book: CooldownBook,
    threshold: Option<f64>,
}

impl Cooldowns {
    /// Reads the home's cooldown file (missing or broken: none).
    pub(crate) fn load(paths: &Paths, settings: &Settings) -> Self {
        Self {
            book: CooldownBook::load(&paths.cooldowns_file()),
            threshold: settings.models.switch_at_used_percent,
        }
    }

    /// The cooldown at `now` of the account with key `key` (`provider` for its default
    /// account, `provider/account` for another), if any.
    pub(crate) fn of(&self, settings: &Settings, key: &str, now: Timestamp) -> Option<Cooldown> {
        let account = netclaw_config::ProviderAccount::parse(key);
        let stamp = settings
            .provider(&account.provider)
            .and_then(|(_, e)| e.token_expiry(&account.account));
        self.book.current(key, now, self.threshold, stamp)
    }
}

impl From<&Cooldown> for CooldownView {
    fn from(cooldown: &Cooldown) -> Self {
        Self {
            reason: cooldown.reason,
            until: cooldown.until,
        }
    }
}

/// `usage limit reached, until 14:05 UTC (in 9 minutes)` or `login expired, until the next login`.
pub(crate) fn describe(cooldown: &Cooldown, now: Timestamp) -> String {
    let reason = cooldown.reason.describe();
    match cooldown.until {
        Some(until) => format!(
            "{reason}, until {} ({})",
            until.strftime("%Y-%m-%d %H:%M UTC"),
            crate::humanize::relative(until, now)
        ),
        None => format!("{reason}, until the next login"),
    }
}
