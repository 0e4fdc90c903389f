//! The last probe of each provider as the CLI shows it; the records themselves are the
//! providers runtime's probe book (`state/probes.json`), shared with the daemon.

use std::collections::BTreeMap;

use jiff::Timestamp;
use netclaw_config::Paths;
use netclaw_providers::probe::{ProbeClass, ProbeReport};
use netclaw_providers::runtime::{ProbeBook, ProbeRecord};
use serde::Serialize;

/// One remembered probe, as `provider list --json` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LastProbe {
    /// How it ended.
    pub(crate) status: ProbeClass,
    /// The user message when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    /// Latency in milliseconds.
    pub(crate) latency_ms: u64,
    /// When it ran.
    pub(crate) at: Timestamp,
}

impl LastProbe {
    fn of(record: &ProbeRecord) -> Self {
        Self {
            status: record.report.class,
            message: record.report.message.clone(),
            latency_ms: u64::try_from(record.report.latency.as_millis()).unwrap_or(u64::MAX),
            at: record.at,
        }
    }
}

/// Every remembered probe by provider name (empty when none or unreadable).
pub(crate) fn load(paths: &Paths) -> BTreeMap<String, LastProbe> {
    ProbeBook::persistent(paths)
        .all()
        .iter()
        .map(|(name, record)| (name.clone(), LastProbe::of(record)))
        .collect()
}

/// Remembers `report` for `provider`, taken at `at`.
pub(crate) fn record(paths: &Paths, provider: &str, report: &ProbeReport, at: Timestamp) {
    ProbeBook::persistent(paths).record(provider, report, at);
}

/// Forgets `provider` (removed), or moves it to `renamed_to`, with the context windows it
/// stated.
pub(crate) fn forget(paths: &Paths, provider: &str, renamed_to: Option<&str>) {
    ProbeBook::persistent(paths).forget(provider, renamed_to);
    netclaw_providers::runtime::ObservedWindows::persistent(paths).forget(provider, renamed_to);
}
