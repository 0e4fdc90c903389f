//! Every account's usage: read without a turn where the vendor allows it (a ChatGPT login's
//! usage endpoint, an OpenRouter key's endpoint), else the limits its last response reported.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use netclaw_config::{ProviderAccount, ProviderName};

use crate::descriptor::ProviderKind;
use crate::usage::{UsageReport, UsageSource, chatgpt_usage_url, fetch_chatgpt, fetch_openrouter};

use super::Runtime;

/// How long a live read stands for the current usage unless a refresh is asked for: the
/// daemon reads at this pace in the background, never once per chat.
pub const USAGE_FRESH_FOR: Duration = Duration::from_secs(300);

/// The last live reads, by account key.
#[derive(Debug, Default)]
pub struct UsageReads {
    reads: Mutex<HashMap<String, UsageReport>>,
}

impl UsageReads {
    fn get(&self, key: &str) -> Option<UsageReport> {
        let reads = self.reads.lock().unwrap_or_else(PoisonError::into_inner);
        reads.get(&ProviderName::from(key).folded()).cloned()
    }

    fn put(&self, key: &str, report: &UsageReport) {
        let mut reads = self.reads.lock().unwrap_or_else(PoisonError::into_inner);
        reads.insert(ProviderName::from(key).folded(), report.clone());
    }
}

impl Runtime {
    /// The usage of every account `names` names (`provider` for all its accounts,
    /// `provider/account` for one; every provider when empty), in order. `refresh` reads the
    /// vendors' usage endpoints now instead of a read younger than [`USAGE_FRESH_FOR`].
    pub async fn usage(&self, names: &[String], refresh: bool) -> Vec<UsageReport> {
        let names: Vec<String> = if names.is_empty() {
            self.providers().map(|p| p.name.to_owned()).collect()
        } else {
            names.to_vec()
        };
        let mut accounts = Vec::new();
        for name in &names {
            let (provider, account) = ProviderAccount::split(name);
            match (self.provider(provider), account) {
                (Some(provider), Some(account)) => {
                    accounts.push(Ok(ProviderAccount::new(provider.name, account)));
                }
                (Some(provider), None) => accounts.extend(provider.accounts().map(Ok)),
                (None, _) => accounts.push(Err(name.clone())),
            }
        }
        let reads = accounts.into_iter().map(|account| async move {
            match account {
                Ok(account) => self.usage_of(&account, refresh).await,
                Err(name) => UsageReport {
                    error: Some(format!(
                        "provider `{name}` is not configured; see `netclaw provider list`"
                    )),
                    ..UsageReport::empty(&name)
                },
            }
        });
        futures_util::future::join_all(reads).await
    }

    async fn usage_of(&self, account: &ProviderAccount, refresh: bool) -> UsageReport {
        let report = self.read_usage(account, refresh).await;
        UsageReport {
            account: account.account.clone(),
            ..report
        }
    }

    async fn read_usage(&self, account: &ProviderAccount, refresh: bool) -> UsageReport {
        let Some(provider) = self.provider(&account.provider) else {
            return UsageReport::empty(&account.provider);
        };
        let Some(stored) = provider.credentials.account(&account.account) else {
            return UsageReport {
                error: Some(format!(
                    "provider `{}` has no account `{}`; see `netclaw account list {}`",
                    provider.name, account.account, provider.name
                )),
                ..UsageReport::empty(provider.name)
            };
        };
        let key = ProviderAccount::new(provider.name, &stored.name).key();
        let services = &self.services;
        let now = services.clock.now();
        let from_headers = services.resilience.limits(&key).map(|seen| {
            UsageReport::from_snapshot(
                provider.name,
                &seen.snapshot,
                UsageSource::ResponseHeaders,
                seen.at,
            )
        });
        let kind = provider.descriptor.map(|d| d.kind);
        let readable = match kind {
            Some(ProviderKind::OpenAi) => provider.method.is_oauth(),
            Some(ProviderKind::OpenRouter) => true,
            _ => false,
        };
        let last = from_headers.unwrap_or_else(|| UsageReport::empty(provider.name));
        if !readable {
            return last;
        }
        let fresh_for = jiff::SignedDuration::try_from(USAGE_FRESH_FOR).unwrap_or_default();
        if !refresh
            && let Some(read) = services.usage_reads.get(&key)
            && read
                .as_of
                .is_some_and(|at| now.duration_since(at) < fresh_for)
        {
            return read;
        }
        let failed = |error: String| UsageReport {
            error: Some(error),
            ..last.clone()
        };
        let bearer = match services.credentials.bearer(&key).await {
            Ok(bearer) => bearer,
            Err(error) => return failed(error.to_string()),
        };
        let Some(endpoint) = provider.endpoint() else {
            return failed("no endpoint is configured".to_owned());
        };
        let read = if kind == Some(ProviderKind::OpenAi) {
            let url = chatgpt_usage_url(&endpoint);
            match fetch_chatgpt(&services.http, &url, &bearer, provider.name, now).await {
                Ok((report, snapshot)) => {
                    let threshold = self.settings().models.switch_at_used_percent;
                    services
                        .resilience
                        .record_limits(&key, &snapshot, threshold);
                    Ok(report)
                }
                Err(error) => Err(error),
            }
        } else {
            fetch_openrouter(&services.http, &endpoint, &bearer, provider.name, now).await
        };
        match read {
            Ok(report) => {
                services.usage_reads.put(&key, &report);
                report
            }
            Err(error) => failed(error.to_string()),
        }
    }
}
